"""Admin of enterprises, rounds, and the review of applications by departments."""
from . import enterprises  # noqa: F401
from . import review  # noqa: F401

review.round_route_inline_attach()
