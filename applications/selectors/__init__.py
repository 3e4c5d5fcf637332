"""Reads, by concern; each scoped to who asks."""
from .applying import (  # noqa: F401
    application_for,
    application_list,
    application_timeline,
    applications_visible_to,
    open_rounds_by_incentive,
    rounds_public,
)
from .enterprises import (  # noqa: F401
    Answer,
    enterprise_answers,
    enterprise_members,
    enterprise_of,
    invitation_by_token_hash,
    invitations_pending,
    membership_of,
)
