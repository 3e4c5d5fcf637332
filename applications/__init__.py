"""Applications app."""
