"""Reads of enterprises: which one a user acts for."""
from __future__ import annotations

from .models import Enterprise


def enterprise_of(user) -> Enterprise | None:
    """The enterprise a signed-in user acts for (the first, if several); None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Enterprise.objects.filter(memberships__user=user).order_by("memberships__created_at").first()
