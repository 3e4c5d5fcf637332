"""Reads of rounds and applications, each scoped to who asks."""
from __future__ import annotations

import datetime as dt

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404

from ..models import Application, ApplicationEvent, Round


def applications_visible_to(user) -> QuerySet[Application]:
    """The applications of the enterprises the user is a member of; nothing for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return Application.objects.filter(enterprise__memberships__user=user)


def application_for(user, pk: int) -> Application:
    """One application of the user's enterprise, or 404 (never 403: another's application does not exist here)."""
    try:
        return applications_visible_to(user).select_related(
            "enterprise", "round", "round__accepting_department", "incentive", "incentive__document",
            "incentive__clause").get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def application_list(user) -> QuerySet[Application]:
    return applications_visible_to(user).select_related("round", "incentive", "incentive__document") \
        .order_by("-updated_at")


def application_timeline(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("created_at", "id")


def rounds_public(at: dt.datetime) -> QuerySet[Round]:
    """Rounds open now, opening later, or closed within the longest grace a round may give (the caller drops
    those past their own grace); the soonest to close first."""
    longest_grace = Round.objects.aggregate(hours=Max("grace_hours"))["hours"] or 0
    return (Round.objects.filter(closes_at__gt=at - dt.timedelta(hours=longest_grace))
            .select_related("accepting_department")
            .prefetch_related(Prefetch("incentives", to_attr="incentive_list"))
            .order_by("closes_at"))


def open_rounds_by_incentive(incentive_ids, at: dt.datetime) -> dict[int, Round]:
    """For each incentive, the round accepting new applications for it now (the soonest to close)."""
    found: dict[int, Round] = {}
    through = Round.incentives.through.objects.filter(
        incentive_id__in=list(incentive_ids), round__opens_at__lte=at, round__closes_at__gt=at,
    ).select_related("round").order_by("round__closes_at")
    for link in through:
        found.setdefault(link.incentive_id, link.round)
    return found
