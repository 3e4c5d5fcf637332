"""Enterprises, rounds, applications and their review: one module per concern."""
from .applications import (  # noqa: F401
    Application,
    ApplicationEvent,
    ApplicationPdf,
    Attachment,
    ReferenceSequence,
    Submission,
    private_storage,
)
from .enterprises import PROFILE_FIELDS, Enterprise, EnterpriseEvent, Invitation, Membership  # noqa: F401
from .rounds import Round  # noqa: F401
from .review import (  # noqa: F401
    ApplicationReview,
    MatchResult,
    Notification,
    NotificationKind,
    NotificationPreference,
    Objection,
    Payment,
    Publicity,
    ReviewStep,
    RoundDepartment,
    StaffMembership,
)
