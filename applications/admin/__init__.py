"""Admin of enterprises, rounds, and the review of applications by departments."""
from . import enterprises  # noqa: F401
