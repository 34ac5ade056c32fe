"""Podium: entrepreneur summits and startup competitions, end to end."""

__version__ = "0.1.0"
