"""Writes: one service per state change, each in one transaction that checks who acts and records what it did."""
from .accounts import (  # noqa: F401
    EDITABLE_PROFILE_FIELDS,
    AccountError,
    CreditCodeTaken,
    InvitationInvalid,
    UsernameTaken,
    enterprise_profile_update,
    enterprise_register,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    token_hash,
)
from .enterprises import enterprise_answers_save, now  # noqa: F401
from .pdf import application_pdf_store  # noqa: F401,E402
