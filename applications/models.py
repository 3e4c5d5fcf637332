"""Enterprises and applications; the review workflow is built on these."""
