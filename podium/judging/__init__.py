"""Judges, conflicts, rubrics, assignments, scores and rankings (grows with issue 4)."""
