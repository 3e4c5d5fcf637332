"""Reads of enterprises: which one a user acts for, in what role, its members, invitations and saved answers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ..models import Enterprise, Invitation, Membership


def enterprise_of(user) -> Enterprise | None:
    """The enterprise a signed-in user acts for (the first, if several); None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Enterprise.objects.filter(memberships__user=user).order_by("memberships__created_at").first()


def membership_of(user, enterprise: Enterprise | None) -> Membership | None:
    """The user's membership of the enterprise (role, is_admin), or None if they do not act for it."""
    if enterprise is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, enterprise=enterprise).first()


def enterprise_members(enterprise: Enterprise):
    """Its memberships with their users: admins first, then signatories, then by when they joined."""
    return enterprise.memberships.select_related("user").order_by("-is_admin", "-role", "created_at")


def invitations_pending(enterprise: Enterprise, at: datetime):
    return enterprise.invitations.filter(accepted_at__isnull=True, expires_at__gt=at).select_related("invited_by")


def invitation_by_token_hash(digest: str) -> Invitation | None:
    return Invitation.objects.select_related("enterprise").filter(token_hash=digest).first()


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    shown: str
    given_at: datetime | None


def enterprise_answers(enterprise: Enterprise) -> list[Answer]:
    """The saved questionnaire answers as the enterprise gave them, in the questionnaire's order."""
    from incentives.models import Fact  # the catalogue owns the questions

    facts = {fact.key: fact for fact in Fact.objects.filter(key__in=list(enterprise.answers))}
    rows = []
    for key, value in enterprise.answers.items():
        fact = facts.get(key)
        if isinstance(value, bool):
            shown = _("是") if value else _("否")
        elif fact is not None and fact.type == Fact.Type.CHOICE:
            shown = fact.choice_label(str(value))
        else:
            shown = f"{value} {fact.unit}".strip() if fact is not None and fact.unit else str(value)
        given = enterprise.answers_given_at.get(key)
        rows.append(Answer(key=key, question=fact.label if fact else key, shown=shown,
                           given_at=parse_datetime(given) if given else enterprise.answers_updated_at))
    order = {fact.key: (fact.position, fact.key) for fact in facts.values()}
    return sorted(rows, key=lambda row: order.get(row.key, (10**9, row.key)))
