"""Writes of enterprise accounts: registration, the profile, invitations, members and their roles.

Every service runs in one transaction and locks the enterprise row before it reads or changes members or
invitations, so that two admins acting at once are serialised (the last admin cannot be removed twice over).
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .. import credit_code as credit_codes
from ..models import PROFILE_FIELDS, Enterprise, EnterpriseEvent, Invitation, Membership
from .enterprises import now

logger = logging.getLogger(__name__)

# the credit code is the enterprise's identity: set once, at registration
EDITABLE_PROFILE_FIELDS = tuple(field for field in PROFILE_FIELDS if field != "credit_code")


class AccountError(Exception):
    """A refused change of accounts; `message` is said to the person who asked, `code` names the case."""

    code = "refused"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class CreditCodeTaken(AccountError):
    code = "credit_code_taken"

    def __init__(self):
        super().__init__(_("该统一社会信用代码已注册，请联系贵企业的管理员邀请您加入。"))


class UsernameTaken(AccountError):
    code = "username_taken"

    def __init__(self):
        super().__init__(_("该用户名已被使用，请换一个。"))


class InvitationInvalid(AccountError):
    """The link is unknown, used or expired (code: unknown | accepted | expired)."""


def token_hash(token: str) -> str:
    """What is stored of an invitation's token: its sha256, so a copy of the database cannot accept invitations."""
    return hashlib.sha256(token.encode()).hexdigest()


def _event(enterprise: Enterprise, action: str, by, **data) -> EnterpriseEvent:
    return EnterpriseEvent.objects.create(enterprise=enterprise, action=action, actor=by,
                                          actor_label=by.get_username() if by is not None else "", data=data)


def _locked_enterprise(enterprise_id: int) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise_id)


def _admin_membership(enterprise: Enterprise, by) -> Membership:
    membership = enterprise.memberships.filter(user=by).first() if by is not None else None
    if membership is None or not membership.is_admin:
        raise PermissionDenied("not an admin of this enterprise")
    return membership


def _credit_code_registered(code: str) -> bool:
    return Enterprise.objects.filter(credit_code=code).exists()


def _username_taken(username: str) -> bool:
    return get_user_model().objects.filter(username__iexact=username).exists()


def _create_user(*, username: str, password: str, email: str, full_name: str):
    if _username_taken(username):
        raise UsernameTaken()
    return get_user_model().objects.create_user(username=username, email=email, password=password,
                                                first_name=full_name)


def enterprise_register(*, username: str, password: str, email: str, full_name: str, role: str,
                        profile: Mapping[str, str]) -> Membership:
    """Create the registrant's account and the enterprise together, the registrant its admin in the chosen role.

    The unique credit code is the arbiter of "one enterprise per code": a registration that loses a race
    to the same code gets the same refusal as one that comes late, and leaves nothing written.
    """
    code = credit_codes.validate(profile["credit_code"])
    if role not in Membership.Role.values:
        raise ValueError(f"unknown role {role!r}")
    try:
        with transaction.atomic():
            if _credit_code_registered(code):  # the common case, said early; the constraint decides races
                raise CreditCodeTaken()
            user = _create_user(username=username, password=password, email=email, full_name=full_name)
            enterprise = Enterprise.objects.create(
                credit_code=code, **{field: profile.get(field) or "" for field in EDITABLE_PROFILE_FIELDS})
            membership = Membership.objects.create(user=user, enterprise=enterprise, role=role, is_admin=True)
            _event(enterprise, EnterpriseEvent.Action.REGISTERED, user, role=role)
    except IntegrityError as exc:  # lost a race: say which, now that the winner has committed
        if _credit_code_registered(code):
            raise CreditCodeTaken() from exc
        if _username_taken(username):
            raise UsernameTaken() from exc
        raise
    return membership


@transaction.atomic
def enterprise_profile_update(*, enterprise_id: int, changes: Mapping[str, str], by) -> Enterprise:
    """Change the profile; its admins and signatories may. Submitted applications keep their own snapshot."""
    unknown = set(changes) - set(EDITABLE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    enterprise = _locked_enterprise(enterprise_id)
    membership = enterprise.memberships.filter(user=by).first()
    if membership is None or not membership.may_edit_profile:
        raise PermissionDenied("may not edit this enterprise's profile")
    changed = {field: [getattr(enterprise, field), value or ""] for field, value in changes.items()
               if (getattr(enterprise, field) or "") != (value or "")}
    if changed:
        for field, (_old, new) in changed.items():
            setattr(enterprise, field, new)
        enterprise.save(update_fields=[*changed, "updated_at"])
        _event(enterprise, EnterpriseEvent.Action.PROFILE_UPDATED, by, changed=changed)
    return enterprise


def _invitation_mail_send(*, invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "enterprise": invitation.enterprise, "link": link,
               "role": invitation.get_role_display(), "days": settings.INVITATION_EXPIRY_DAYS}
    subject = render_to_string("applications/accounts/invitation_subject.txt", context).strip()
    body = render_to_string("applications/accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):  # the admin can invite again; the invitation itself stands
        logger.exception("invitation mail to %s could not be sent", invitation.email)


@transaction.atomic
def invitation_create(*, enterprise_id: int, email: str, role: str, by, accept_url: str) -> tuple[Invitation, str]:
    """Invite a colleague by email in a role; only the enterprise's admins may.

    `accept_url` holds "{token}" where the link's token goes. The token is mailed after commit and only its
    sha256 is stored; a new invitation to the same address replaces one still pending.
    """
    if role not in Membership.Role.values:
        raise ValueError(f"unknown role {role!r}")
    enterprise = _locked_enterprise(enterprise_id)
    _admin_membership(enterprise, by)
    email = email.strip().lower()
    if enterprise.memberships.filter(user__email__iexact=email).exists():
        raise AccountError(_("该邮箱的用户已是本企业成员。"), code="already_member")
    at = now()
    enterprise.invitations.filter(email__iexact=email, accepted_at__isnull=True, expires_at__gt=at) \
        .update(expires_at=at)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        enterprise=enterprise, email=email, role=role, token_hash=token_hash(token), invited_by=by,
        expires_at=at + timedelta(days=settings.INVITATION_EXPIRY_DAYS))
    _event(enterprise, EnterpriseEvent.Action.INVITED, by, email=email, role=role, invitation=invitation.pk)
    link = accept_url.replace("{token}", token)
    transaction.on_commit(lambda: _invitation_mail_send(invitation=invitation, link=link))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation_id: int, by) -> Invitation:
    """Make a pending invitation unusable at once; only the enterprise's admins may."""
    enterprise_id = Invitation.objects.values_list("enterprise_id", flat=True).get(pk=invitation_id)
    enterprise = _locked_enterprise(enterprise_id)
    _admin_membership(enterprise, by)
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    at = now()
    if invitation.state(at) == "pending":
        invitation.expires_at = at
        invitation.save(update_fields=["expires_at", "updated_at"])
        _event(enterprise, EnterpriseEvent.Action.INVITATION_REVOKED, by, email=invitation.email,
               invitation=invitation.pk)
    return invitation


def invitation_check(invitation: Invitation | None, at) -> Invitation:
    """The invitation if it may still be accepted; else InvitationInvalid saying why."""
    if invitation is None:
        raise InvitationInvalid(_("邀请链接无效，请核对邮件中的链接是否完整。"), code="unknown")
    state = invitation.state(at)
    if state == "accepted":
        raise InvitationInvalid(_("该邀请链接已使用过。如需登录，请直接登录；如需重新邀请，请联系企业管理员。"),
                                code="accepted")
    if state == "expired":
        raise InvitationInvalid(_("该邀请链接已过期或已撤销，请联系企业管理员重新邀请。"), code="expired")
    return invitation


def invitation_accept(*, token: str, by=None, username: str = "", password: str = "",
                      full_name: str = "") -> Membership:
    """Join the inviting enterprise in the invited role, once: as the signed-in `by`, or as a new account.

    A user acts for one enterprise: a member of another enterprise is refused with a message saying so.
    """
    try:
        with transaction.atomic():
            digest = token_hash(token)
            found = Invitation.objects.filter(token_hash=digest).values_list("enterprise_id", flat=True).first()
            if found is None:
                invitation_check(None, now())
            enterprise = _locked_enterprise(found)  # the same lock order as every other service here
            invitation = invitation_check(Invitation.objects.select_for_update().get(token_hash=digest), now())
            if by is not None:
                current = Membership.objects.filter(user=by).select_related("enterprise").first()
                if current is not None and current.enterprise_id == enterprise.pk:
                    raise AccountError(_("您已是该企业的成员。"), code="already_member")
                if current is not None:
                    raise AccountError(
                        _("您的账号已属于“%(name)s”，一个账号只能代表一家企业。请退出登录，用新账号接受邀请。")
                        % {"name": current.enterprise.name}, code="other_enterprise")
                user = by
            else:
                user = _create_user(username=username, password=password, email=invitation.email,
                                    full_name=full_name)
            membership = Membership.objects.create(user=user, enterprise=enterprise, role=invitation.role)
            invitation.accepted_at = now()
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
            _event(enterprise, EnterpriseEvent.Action.JOINED, user, role=invitation.role, invitation=invitation.pk)
    except IntegrityError as exc:
        if by is None and _username_taken(username):
            raise UsernameTaken() from exc
        raise
    return membership


def _locked_target(membership_id: int, by) -> tuple[Enterprise, Membership]:
    enterprise_id = Membership.objects.values_list("enterprise_id", flat=True).get(pk=membership_id)
    enterprise = _locked_enterprise(enterprise_id)
    _admin_membership(enterprise, by)
    return enterprise, Membership.objects.select_for_update().select_related("user").get(pk=membership_id)


def _is_last_admin(enterprise: Enterprise, membership: Membership) -> bool:
    return membership.is_admin and not enterprise.memberships.filter(is_admin=True).exclude(pk=membership.pk).exists()


@transaction.atomic
def membership_change_role(*, membership_id: int, role: str, is_admin: bool, by) -> Membership:
    """Set a member's role and whether they administer the enterprise; only its admins may, never leaving none."""
    if role not in Membership.Role.values:
        raise ValueError(f"unknown role {role!r}")
    enterprise, membership = _locked_target(membership_id, by)
    if not is_admin and _is_last_admin(enterprise, membership):
        raise AccountError(_("企业至少需要一名管理员：请先指定另一名管理员。"), code="last_admin")
    before = {"role": membership.role, "is_admin": membership.is_admin}
    after = {"role": role, "is_admin": bool(is_admin)}
    if before != after:
        membership.role, membership.is_admin = role, bool(is_admin)
        membership.save(update_fields=["role", "is_admin", "updated_at"])
        _event(enterprise, EnterpriseEvent.Action.ROLE_CHANGED, by, member=membership.user.get_username(),
               before=before, after=after)
    return membership


@transaction.atomic
def membership_remove(*, membership_id: int, by) -> None:
    """Remove a member from the enterprise (their account stays); only its admins may, never the last admin."""
    enterprise, membership = _locked_target(membership_id, by)
    if _is_last_admin(enterprise, membership):
        raise AccountError(_("不能移除企业的最后一名管理员。"), code="last_admin")
    _event(enterprise, EnterpriseEvent.Action.REMOVED, by, member=membership.user.get_username(),
           role=membership.role, is_admin=membership.is_admin)
    membership.delete()
