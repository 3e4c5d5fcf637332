"""Eligibility over the loaded catalogue: the current incentives as engine rules, evaluated for one enterprise.

Rules are built and compiled once per document version and kept in a bounded cache shared by the requests of a
process. A cache key names the version's row and content (primary key, digest, creation time) and the state of
the facts (see selectors.KnownSpecs), so a new version or a changed fact is simply a new key; nothing in it holds
a document's full text.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Incentive, PolicyDocument
from .rules.answers import AnswerError, coerce_answers
from .rules.combine import Combination, best_total
from .rules.evaluate import IncentiveRule, Result, build_rule, evaluate_all
from .rules.figures import format_money
from .rules.model import FactSpec
from .selectors import DOCUMENT_LIST_FIELDS, BoundedCache, known_fact_specs

# What evaluating and showing a result needs of an incentive: no summary, no texts.
INCENTIVE_FIELDS = ("id", "document_id", "clause_id", "position", "key", "name", "kind", "beneficiary",
                    "eligibility", "amount", "window_from", "window_to", "excludes", "clause__id", "clause__number")


def today() -> dt.date:
    """The seam for the date eligibility is judged on."""
    return timezone.localdate()


@dataclass(frozen=True)
class CompiledDocument:
    """A document version's incentives (slim rows: no texts) and their engine rules, in clause order."""

    document: PolicyDocument
    incentives: tuple[Incentive, ...]
    rules: tuple[IncentiveRule, ...]


# How many document versions a process keeps compiled. A web worker serves a city and its comparison (a few
# regions); a match worker is given chunks ordered by city and needs only the regions of the chunk in hand, so a
# small bound (PORTAL_COMPILED_DOCUMENTS=64 for the Celery workers) keeps its memory flat as the catalogue grows.
_DOCUMENTS: BoundedCache[CompiledDocument] = BoundedCache(
    maxsize=getattr(settings, "INCENTIVES_COMPILED_DOCUMENTS", int(os.environ.get("PORTAL_COMPILED_DOCUMENTS", 512))))
_RULES: BoundedCache[IncentiveRule] = BoundedCache(maxsize=getattr(settings, "INCENTIVES_COMPILED_RULES", 4096))


def _version_key(document: PolicyDocument) -> tuple:
    return document.pk, document.digest, document.created_at


def _build(document: PolicyDocument, incentive: Incentive, specs: Mapping[str, FactSpec]) -> IncentiveRule:
    """The engine's rule for a loaded incentive, built as for its fixture file (the stored data is the file's)."""
    return build_rule(
        {"key": document.key, "title": document.title, "region": document.region, "status": document.status,
         "effective_from": document.effective_from, "effective_to": document.effective_to},
        {"key": incentive.key, "name": incentive.name, "clause": incentive.clause.number,
         "eligibility": incentive.eligibility, "amount": incentive.amount, "excludes": incentive.excludes,
         "window": {"from": incentive.window_from, "to": incentive.window_to}},
        specs,
    )


def rule_of(incentive: Incentive, specs: Mapping[str, FactSpec]) -> IncentiveRule:
    """The rule of one incentive, built once per document version and state of the facts."""
    token = getattr(specs, "token", None)
    document = incentive.document
    if token is None:
        return _build(document, incentive, specs)
    return _RULES.get_or_make((*_version_key(document), incentive.key, token),
                              lambda: _build(document, incentive, specs))


def compiled_documents(documents: list[PolicyDocument], specs: Mapping[str, FactSpec]) -> list[CompiledDocument]:
    """Each document's incentives and rules: from the cache, or read in one query for all those not in it."""
    token = getattr(specs, "token", None)
    found: dict[int, CompiledDocument] = {}
    missing = []
    for document in documents:
        hit = _DOCUMENTS.get((*_version_key(document), token)) if token is not None else None
        if hit is None:
            missing.append(document)
        else:
            found[document.pk] = hit
    if missing:
        rows: dict[int, list[Incentive]] = defaultdict(list)
        for incentive in (Incentive.objects.filter(document__in=missing).select_related("clause")
                          .only(*INCENTIVE_FIELDS).order_by("document_id", "position")):
            rows[incentive.document_id].append(incentive)
        for document in missing:
            incentives = rows[document.pk]
            document_url = reverse("incentives:document_version", args=[document.key, document.version])
            for incentive in incentives:
                incentive.document = document
                # the links a results page shows for every row, made once
                incentive.page_url = reverse("incentives:incentive_version",
                                             args=[document.key, document.version, incentive.key])
                incentive.clause_url = f"{document_url}#clause-{incentive.clause_id}"
            compiled = CompiledDocument(document, tuple(incentives),
                                        tuple(_build(document, incentive, specs) for incentive in incentives))
            if token is not None:
                _DOCUMENTS.put((*_version_key(document), token), compiled)
            found[document.pk] = compiled
    return [found[document.pk] for document in documents]


_CURRENT: BoundedCache[tuple[PolicyDocument, ...]] = BoundedCache(maxsize=1024)


def current_documents(*, regions: Iterable[str] | None = None, state=None) -> list[PolicyDocument]:
    """The current versions, without their full texts, in the order results are listed: by region, then key.

    Given the catalogue's state (selectors.catalogue_state, which a page reads anyway), the list is kept under it:
    a version loaded or superseded, a document saved, changes the state, so a kept list is never stale.
    """
    regions = list(regions) if regions is not None else None

    def read() -> tuple[PolicyDocument, ...]:
        documents = PolicyDocument.objects.current().only(*DOCUMENT_LIST_FIELDS)
        if regions is not None:
            documents = documents.filter(region__in=regions)
        return tuple(documents.order_by("region", "key"))
    if state is None:
        return list(read())
    return list(_CURRENT.get_or_make((state.documents, tuple(regions) if regions is not None else None), read))


def current_incentives(*, regions: Iterable[str] | None = None,
                       specs: Mapping[str, FactSpec] | None = None) -> list[Incentive]:
    """The incentives of the current versions (slim rows, each with its document and clause number)."""
    specs = specs if specs is not None else known_fact_specs()
    regions = list(regions) if regions else None
    return [incentive for compiled in compiled_documents(current_documents(regions=regions), specs)
            for incentive in compiled.incentives]


@dataclass
class Evaluation:
    """The results for one enterprise, each with its incentive row, and the best lawful total."""

    results: list[Result]
    incentives: dict[str, Incentive]
    rules: dict[str, IncentiveRule]
    combination: Combination
    on: dt.date

    def by_status(self, status: str) -> list[tuple[Result, Incentive]]:
        return [(r, self.incentives[r.key]) for r in self.results if r.status == status]

    def by_rule_status(self, status: str) -> list[tuple[Result, Incentive]]:
        """Grouped by what the conditions say, whatever the date: the page marks drafts and expired ones."""
        return [(r, self.incentives[r.key]) for r in self.results if r.rule_status == status]


def evaluate_enterprise(facts: Mapping[str, object], *, regions: Iterable[str] | None = None,
                        on: dt.date | None = None, ignore_region: bool = False,
                        specs: Mapping[str, FactSpec] | None = None, explain: bool = True,
                        state=None) -> Evaluation:
    """Evaluate the current incentives (of `regions`, or all) for one enterprise.

    explain=False leaves out the reasons and the amounts' steps: pages that do not show them ask for that.
    state: the catalogue's state, when the caller has read it: the current documents are then kept under it.
    """
    specs = specs if specs is not None else known_fact_specs()
    on = on or today()
    regions = list(regions) if regions else None
    compiled = compiled_documents(current_documents(regions=regions, state=state), specs)
    incentives = [incentive for document in compiled for incentive in document.incentives]
    rules = [rule for document in compiled for rule in document.rules]
    results = evaluate_all(rules, facts, on=on, specs=specs, ignore_region=ignore_region, explain=explain)
    by_key = {rule.key: rule for rule in rules}
    return Evaluation(results=results, incentives={r.key: i for r, i in zip(rules, incentives)}, rules=by_key,
                      combination=best_total(results, by_key), on=on)


def check_answers(raw: Mapping[str, object], specs: Mapping[str, FactSpec] | None = None
                  ) -> tuple[dict[str, object], list[AnswerError]]:
    specs = specs if specs is not None else known_fact_specs()
    return coerce_answers(raw, specs, today=today())


def result_json(result: Result, incentive: Incentive) -> dict:
    """One result as the command line prints it (see docs/eligibility-cli.md)."""
    amount = result.amount
    return {
        "incentive": f"{incentive.document.key}/{incentive.key}",
        "name": incentive.name,
        "document": incentive.document.key,
        "clause": incentive.clause.number,
        "status": result.status,
        "rule_status": result.rule_status,
        "availability": result.availability,
        "amount": format_money(amount.value) if amount.value is not None else None,
        "amount_is_maximum": amount.is_maximum,
        "amount_steps": list(amount.steps),
        "missing": list(result.missing),
        "reasons": list(result.reasons),
    }
