"""Eligibility over the loaded catalogue: the current incentives as engine rules, evaluated for one enterprise."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from django.utils import timezone

from .models import Incentive
from .rules.answers import AnswerError, coerce_answers
from .rules.combine import Combination, best_total
from .rules.evaluate import IncentiveRule, Result, build_rule, evaluate_all
from .rules.figures import format_money
from .rules.model import FactSpec
from .selectors import known_fact_specs

# Loaded versions never change, so a rule built once for an incentive row holds for good.
_RULES: dict[int, IncentiveRule] = {}


def today() -> dt.date:
    """The seam for the date eligibility is judged on."""
    return timezone.localdate()


def rule_of(incentive: Incentive, specs: Mapping[str, FactSpec]) -> IncentiveRule:
    """The engine's rule for a loaded incentive, built as for its fixture file (the stored data is the file's)."""
    rule = _RULES.get(incentive.pk)
    if rule is None:
        document = incentive.document
        rule = build_rule(
            {"key": document.key, "title": document.title, "region": document.region, "status": document.status,
             "effective_from": document.effective_from, "effective_to": document.effective_to},
            {"key": incentive.key, "name": incentive.name, "clause": incentive.clause.number,
             "eligibility": incentive.eligibility, "amount": incentive.amount, "excludes": incentive.excludes,
             "window": {"from": incentive.window_from, "to": incentive.window_to}},
            specs,
        )
        _RULES[incentive.pk] = rule
    return rule


def current_incentives(*, regions: Iterable[str] | None = None) -> list[Incentive]:
    incentives = Incentive.objects.filter(document__is_current=True).select_related("document", "clause")
    if regions:
        incentives = incentives.filter(document__region__in=list(regions))
    return list(incentives.order_by("document__region", "document__key", "position"))


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
                        specs: Mapping[str, FactSpec] | None = None) -> Evaluation:
    specs = specs if specs is not None else known_fact_specs()
    on = on or today()
    incentives = current_incentives(regions=regions)
    rules = [rule_of(incentive, specs) for incentive in incentives]
    results = evaluate_all(rules, facts, on=on, specs=specs, ignore_region=ignore_region)
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
