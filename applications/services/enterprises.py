"""Writes to enterprises: each a single transaction that checks who acts."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import Enterprise


def now():
    """The seam for the time written into records."""
    return timezone.now()


@transaction.atomic
def enterprise_answers_save(*, enterprise_id: int, answers: dict, by) -> Enterprise:
    """Replace the enterprise's saved questionnaire answers; only its members may."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise_id)
    if not enterprise.memberships.filter(user=by).exists():
        raise PermissionDenied("not a member of this enterprise")
    at = now()
    previous, given_at = enterprise.answers, dict(enterprise.answers_given_at)
    for key, value in answers.items():  # an answer keeps the time it was given until it changes
        if key not in previous or previous[key] != value or key not in given_at:
            given_at[key] = at.isoformat()
    enterprise.answers = dict(answers)
    enterprise.answers_given_at = {key: given_at[key] for key in answers}
    enterprise.answers_updated_at = at
    enterprise.save(update_fields=["answers", "answers_given_at", "answers_updated_at"])
    return enterprise
