"""Competition services: set-up (competitions, tracks, divisions) and rounds."""
