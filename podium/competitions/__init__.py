"""Competitions, tracks, divisions, rounds, projects and financing (grows with issue 3)."""
