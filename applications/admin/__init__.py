"""Admin of enterprises, rounds, and the review of applications by departments."""
from . import enterprises  # noqa: F401
from . import rounds  # noqa: F401,E402
from . import review  # noqa: F401,E402

review.round_route_inline_attach()
