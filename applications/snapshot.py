"""What a submission freezes: everything the application showed, as JSON, so later changes never alter it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from incentives.models import Fact
from incentives.presenters import _quotes

from .declaration import DECLARATION
from .judging import Judgement
from .models import Application, Attachment, Membership


def money(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def shown_answer(fact: Fact, value: object) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if fact.type == Fact.Type.CHOICE:
        return fact.choice_label(str(value))
    return f"{value}{' ' + fact.unit if fact.unit else ''}"


def build_snapshot(*, application: Application, judgement: Judgement, reference: str, revision: int,
                   at: dt.datetime, by, membership: Membership, attachments: list[Attachment],
                   facts: dict[str, Fact], on: dt.date) -> dict:
    incentive = application.incentive
    document, clause = incentive.document, incentive.clause
    enterprise = application.enterprise
    profile = enterprise.profile()
    city = facts.get("city")
    profile["city_label"] = city.choice_label(enterprise.city) if city else enterprise.city
    profile["scale_label"] = enterprise.get_scale_display() if enterprise.scale else ""
    result = judgement.result
    return {
        "reference": reference,
        "revision": revision,
        "submitted_at": timezone.localtime(at).isoformat(),
        "submitted_by": {"username": by.get_username(), "name": by.get_full_name() or by.get_username(),
                         "role": membership.role, "role_label": str(membership.get_role_display())},
        "enterprise": profile,
        "contact": dict(application.contact),
        "project": dict(application.project),
        "round": {"id": application.round_id, "name": application.round.name, "accepting_department": application.round.accepting_department.name,
                  "closes_at": timezone.localtime(application.round.closes_at).isoformat(),
                  "transitional_basis": application.round.transitional_basis},
        "incentive": {
            "id": incentive.pk, "key": incentive.stable_key, "name": incentive.name, "kind": incentive.kind,
            "kind_label": str(incentive.get_kind_display()), "document_key": document.key,
            "document_title": document.title, "document_number": document.number,
            "document_version": document.version, "document_status": document.status, "issuer": document.issuer,
            "clause_number": clause.number, "clause_text": clause.text,
            "quotes": _quotes(incentive.amount) + _quotes(incentive.eligibility),
        },
        "answers": [
            {"key": key, "label": facts[key].label, "value": shown_answer(facts[key], application.answers[key]),
             "raw": application.answers[key]}
            for key in judgement.asked_facts if key in facts and key in application.answers
        ],
        "eligibility": {"status": str(result.status), "rule_status": str(result.rule_status),
                        "availability": result.availability, "reasons": list(result.reasons), "on": on.isoformat()},
        "amount": {"maximum": money(application.max_amount), "is_maximum": result.amount.is_maximum,
                   "steps": list(result.amount.steps), "requested": money(application.requested_amount),
                   "installments": (incentive.amount or {}).get("installments", "")},
        "declaration": DECLARATION,
        "attachments": [
            {"id": a.pk, "requirement": a.requirement, "name": a.original_name, "size": a.size, "sha256": a.sha256,
             "content_type": a.content_type}
            for a in attachments
        ],
    }
