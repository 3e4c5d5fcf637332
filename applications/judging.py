"""The engine's verdict on one application: its incentive's rule over the enterprise's answers, on a day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from incentives.eligibility import rule_of
from incentives.models import Incentive
from incentives.questionnaire import typed_answers
from incentives.rules.evaluate import IncentiveRule, Result, evaluate
from incentives.selectors import known_fact_specs
from incentives.rules.model import FactSpec


@dataclass(frozen=True)
class Judgement:
    rule: IncentiveRule
    result: Result
    specs: dict[str, FactSpec]

    @property
    def asked_facts(self) -> list[str]:
        """The facts the rule decides on, as the application form asks them (the city is the enterprise's)."""
        keys = self.rule.eligibility.facts() | self.rule.amount.facts()
        return sorted(key for key in keys if key != "city" and key in self.specs)


def judge(incentive: Incentive, *, city: str, answers: dict, on: dt.date, specs: dict | None = None) -> Judgement:
    specs = specs if specs is not None else known_fact_specs()
    facts = typed_answers({**answers, "city": city}, specs)
    rule = rule_of(incentive, specs)
    return Judgement(rule=rule, result=evaluate(rule, facts, on=on, specs=specs), specs=specs)


def fact_order(judgement: Judgement) -> list[str]:
    """The rule's facts, those still deciding the verdict first."""
    missing = [key for key in judgement.result.missing if key in judgement.asked_facts]
    return missing + [key for key in judgement.asked_facts if key not in missing]
