"""Reads of the review: the public 公示 list, the bureau dashboard, a round's export."""
from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from incentives.models import Department

from ..models import Application, Payment, Publicity, ReviewStep, Round
from ..services.enterprises import now


def publicity_rounds() -> list[tuple[Round, list[Publicity]]]:
    """Rounds with awards in 公示 or final after it, each with its rows (the latest 公示 of each application)."""
    rows = (Publicity.objects.filter(outcome__in=[Publicity.Outcome.RUNNING, Publicity.Outcome.FINAL])
            .select_related("round", "application__enterprise", "application__incentive__document")
            .order_by("-round__opens_at", "round_id", "application__reference"))
    grouped: dict[int, tuple[Round, list[Publicity]]] = {}
    for row in rows:
        grouped.setdefault(row.round_id, (row.round, []))[1].append(row)
    return list(grouped.values())


def _paid_subquery():
    return Coalesce(Subquery(Payment.objects.filter(application=OuterRef("pk")).values("application")
                             .annotate(total=Sum("amount")).values("total")[:1]),
                    Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def dashboard(*, department_ids: set[int] | None) -> dict:
    """Figures of the bureau dashboard; `department_ids` None means every department (a superuser)."""
    applications = Application.objects.exclude(status=Application.Status.DRAFT)
    by_status = dict(applications.values_list("status").annotate(n=Count("pk")))
    status_rows = [(label, by_status.get(value, 0)) for value, label in Application.Status.choices
                   if value != Application.Status.DRAFT]

    waiting = dict(ReviewStep.objects.filter(state=ReviewStep.State.OPEN).values_list("department_id")
                   .annotate(n=Count("pk")))
    intake = dict(applications.filter(status=Application.Status.SUBMITTED)
                  .values_list("round__accepting_department_id").annotate(n=Count("pk")))
    departments = Department.objects.filter(pk__in=set(waiting) | set(intake)).order_by("region", "name")
    department_rows = [(d.name, intake.get(d.pk, 0), waiting.get(d.pk, 0)) for d in departments]

    amounts = (applications.values("incentive__name")
               .annotate(requested=Coalesce(Sum("requested_amount"), Decimal("0")),
                         approved=Coalesce(Sum("approved_amount", filter=Q(status__in=["publicity", "final"])),
                                           Decimal("0")))
               .order_by("-requested")[:20])
    # paid is summed apart: joining payments would count each application's request once per installment
    paid = dict(Payment.objects.values_list("application__incentive__name").annotate(total=Sum("amount")))
    amount_rows = [(row["incentive__name"], row["requested"], row["approved"], paid.get(row["incentive__name"],
                                                                                           Decimal("0")))
                   for row in amounts]

    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    decided = (ReviewStep.objects.filter(decided_at__isnull=False, opened_at__isnull=False)
               .values_list("kind", "department__name", "opened_at", "decided_at").order_by("-decided_at")[:20000])
    for kind, name, opened, closed in decided:
        durations[(str(ReviewStep.Kind(kind).label), name)].append((closed - opened).total_seconds() / 86400)
    median_rows = sorted((kind, name, round(statistics.median(days), 1), len(days))
                         for (kind, name), days in durations.items())

    overdue = (ReviewStep.objects.filter(state=ReviewStep.State.OPEN, due_at__lt=now())
               .select_related("application__enterprise", "department").order_by("due_at"))
    if department_ids is not None:
        overdue = overdue.filter(department_id__in=department_ids)
    return {
        "status_rows": status_rows, "department_rows": department_rows, "amount_rows": amount_rows,
        "median_rows": median_rows, "overdue": list(overdue[:100]),
        "chart": {
            "labels": {"count": _("件数"), "intake": _("待受理"), "review": _("审核中"), "requested": _("申请"),
                       "approved": _("核定"), "paid": _("已拨付")},
            "status": {"labels": [str(label) for label, n in status_rows], "values": [n for label, n in status_rows]},
            "departments": {"labels": [r[0] for r in department_rows], "intake": [r[1] for r in department_rows],
                            "review": [r[2] for r in department_rows]},
            "amounts": {"labels": [r[0] for r in amount_rows], "requested": [str(r[1]) for r in amount_rows],
                        "approved": [str(r[2]) for r in amount_rows], "paid": [str(r[3]) for r in amount_rows]},
        },
    }


EXPORT_COLUMNS = ["reference", "enterprise", "credit_code", "incentive", "status", "requested_amount",
                  "max_amount", "approved_amount", "paid", "submitted_at"]


def round_export_rows(round_: Round):
    """One row per submitted application of the round, for the CSV export."""
    rows = (Application.objects.filter(round=round_).exclude(status=Application.Status.DRAFT)
            .select_related("enterprise", "incentive").annotate(paid=_paid_subquery()).order_by("reference"))
    for application in rows.iterator(chunk_size=2000):
        yield [application.reference, application.enterprise.name, application.enterprise.credit_code,
               application.incentive.name, application.get_status_display(), application.requested_amount or "",
               application.max_amount or "", application.approved_amount or "", application.paid,
               application.submitted_at.isoformat() if application.submitted_at else ""]
