"""免申即享 push: when policies change, every enterprise profile is matched against the changed incentives with the
questionnaire's engine, and each enterprise is told what changed for it (newly eligible, no longer, amount changed).

What an enterprise was last told it is eligible for is kept per incentive stable key (document key / incentive
key), with the amount; an absent row means "not eligible or not known", so the millions of pairs that are not
eligible cost no row. A new version compares against what is kept, and an unchanged result says nothing. Chunks of enterprise ids are
independent tasks: several workers share the work, and a chunk run twice notifies once (the notification key
names the enterprise, the incentive and the document version).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from incentives.eligibility import rule_of, today
from incentives.models import Incentive, PolicyDocument
from incentives.questionnaire import typed_answers
from incentives.rules.evaluate import evaluate_all
from incentives.rules.figures import format_money
from incentives.selectors import known_fact_specs

from ..models import Enterprise, Membership, MatchResult, Notification, NotificationKind, NotificationPreference
from .notifications import outbox_wake

ELIGIBLE = "eligible"


def policy_loaded(document_ids: list[int]) -> None:
    """The loader's hook, after its transaction commits: match the profiles against these new versions."""
    if not document_ids:
        return
    from ..tasks.matching import policy_match_dispatch

    try:
        policy_match_dispatch.delay(list(document_ids))
    except Exception:  # noqa: BLE001 - the load itself succeeded; matching can be started again by hand
        import logging

        logging.getLogger(__name__).exception("policy matching not queued for documents %s", document_ids)


def enterprise_id_chunks(size: int | None = None) -> Iterable[list[int]]:
    """Every enterprise with saved answers, as lists of ids in pk order."""
    size = size or settings.MATCH_CHUNK_SIZE
    chunk: list[int] = []
    for pk in Enterprise.objects.exclude(answers={}).order_by("pk").values_list("pk", flat=True).iterator(10_000):
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def changed_incentives(document_ids: Iterable[int]) -> list[Incentive]:
    """The current incentives of the documents loaded (a later version wins if one loaded since)."""
    keys = PolicyDocument.objects.filter(pk__in=list(document_ids)).values_list("key", flat=True)
    return list(Incentive.objects.filter(document__key__in=list(keys), document__is_current=True)
                .select_related("document", "clause").order_by("document__key", "position"))


def _message(change: str, incentive: Incentive, amount: Decimal | None) -> tuple[str, str]:
    money = f"{format_money(amount)}" if amount is not None else ""
    if change == "eligible":
        subject = _("新政策提醒：您可能符合“%(name)s”") % {"name": incentive.name}
        body = _("根据您保存的企业信息，您可能符合%(title)s中的“%(name)s”。") % {
            "title": incentive.document.title, "name": incentive.name}
    elif change == "no_longer":
        subject = _("政策变化提醒：“%(name)s”的条件已变化") % {"name": incentive.name}
        body = _("%(title)s已修订，根据您保存的企业信息，您可能不再符合“%(name)s”。") % {
            "title": incentive.document.title, "name": incentive.name}
    else:
        subject = _("政策变化提醒：“%(name)s”的金额已变化") % {"name": incentive.name}
        body = _("%(title)s已修订，“%(name)s”按您保存的企业信息测算的金额有变化。") % {
            "title": incentive.document.title, "name": incentive.name}
    if money:
        body += _("测算金额：%(money)s。") % {"money": money}
    return subject, body


def match_chunk(*, enterprise_ids: list[int], document_ids: list[int]) -> int:
    """Match these enterprises against the changed incentives; store the results, notify changes; return how many."""
    incentives = changed_incentives(document_ids)
    if not incentives:
        return 0
    specs = known_fact_specs()
    rules = [rule_of(incentive, specs) for incentive in incentives]
    on = today()
    enterprises = list(Enterprise.objects.filter(pk__in=enterprise_ids).only("pk", "answers"))
    keys = [incentive.stable_key for incentive in incentives]
    with transaction.atomic():
        previous = {(row.enterprise_id, row.incentive_key): row for row in MatchResult.objects.select_for_update()
                    .filter(enterprise_id__in=enterprise_ids, incentive_key__in=keys)}
        members: dict[int, list[int]] = {}
        for enterprise_id, user_id in Membership.objects.filter(enterprise_id__in=enterprise_ids).values_list(
                "enterprise_id", "user_id"):
            members.setdefault(enterprise_id, []).append(user_id)
        muted = set(NotificationPreference.objects.filter(
            user_id__in=[u for users in members.values() for u in users], kind=NotificationKind.POLICY_MATCH,
            enabled=False).values_list("user_id", flat=True))
        upserts, gone, notifications = [], [], []
        for enterprise in enterprises:
            facts = typed_answers(enterprise.answers or {}, specs)
            for incentive, result in zip(incentives, evaluate_all(rules, facts, on=on, specs=specs, explain=False)):
                key = incentive.stable_key
                before = previous.get((enterprise.pk, key))
                eligible = result.status == ELIGIBLE
                amount = result.amount.value if eligible else None
                amount = amount.quantize(Decimal("0.01")) if amount is not None else None
                if not eligible:
                    if before is not None:
                        gone.append(before.pk)
                        change = "no_longer"
                    else:
                        continue  # nothing stored, nothing to say: most pairs end here
                elif before is None:
                    change = "eligible"
                elif before.amount != amount:
                    change = "amount"
                else:
                    change = None
                if eligible and (before is None or change is not None
                                 or before.document_version != incentive.document.version):
                    upserts.append(MatchResult(enterprise_id=enterprise.pk, incentive_key=key, status=result.status,
                                               amount=amount, document_version=incentive.document.version))
                if change is None:
                    continue
                subject, body = _message(change, incentive, amount)
                url = reverse("incentives:incentive_detail", args=[incentive.document.key, incentive.key])
                notifications += [Notification(
                    key=f"match:{key}:v{incentive.document.version}:{change}:{enterprise.pk}:{user_id}",
                    recipient_id=user_id, kind=NotificationKind.POLICY_MATCH, subject=subject[:200], body=body,
                    url=url) for user_id in members.get(enterprise.pk, []) if user_id not in muted]
        if gone:
            MatchResult.objects.filter(pk__in=gone).delete()
        MatchResult.objects.bulk_create(upserts, batch_size=2000, update_conflicts=True,
                                        unique_fields=["enterprise", "incentive_key"],
                                        update_fields=["status", "amount", "document_version", "updated_at"])
        if notifications:
            Notification.objects.bulk_create(notifications, batch_size=2000, ignore_conflicts=True)
            transaction.on_commit(outbox_wake)
    return len(enterprises)
