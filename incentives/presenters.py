"""Turn stored rules into what the library shows: plain sentences, excludes resolved, quotes marked."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Incentive
from .rules.describe import describe_amount, describe_condition
from .rules.figures import normalize
from .rules.parse import parse_amount, parse_condition
from .selectors import known_fact_specs


@dataclass
class PresentedIncentive:
    incentive: Incentive
    conditions: list[str]
    amount: str
    quotes: list[str] = field(default_factory=list)

    @property
    def clause_html(self) -> SafeString:
        return highlight(self.incentive.clause.text, self.quotes)


def _quotes(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["quote"]] if isinstance(node.get("quote"), str) and node["quote"] else []
        for value in node.values():
            found.extend(_quotes(value))
        return found
    if isinstance(node, list):
        return [quote for item in node for quote in _quotes(item)]
    return []


def present_incentives(incentives: list[Incentive]) -> dict[int, PresentedIncentive]:
    facts = known_fact_specs()
    presented = {}
    for incentive in incentives:
        condition = parse_condition(incentive.eligibility, facts, "eligibility")
        amount = parse_amount(incentive.amount, facts, "amount")
        presented[incentive.pk] = PresentedIncentive(
            incentive=incentive,
            conditions=describe_condition(condition, facts),
            amount=describe_amount(amount, facts),
            quotes=_quotes(incentive.amount) + _quotes(incentive.eligibility)
            + ([incentive.window_quote] if incentive.window_quote else []),
        )
    return presented


def present_incentive(incentive: Incentive) -> PresentedIncentive:
    return present_incentives([incentive])[incentive.pk]


def highlight(text: str, quotes: list[str]) -> SafeString:
    """Mark the quoted passages in the clause text; quotes match ignoring white space, as the loader checks them."""
    marks = [False] * len(text)
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    compact = "".join(text[i] for i in positions)
    folded = normalize(compact) if len(normalize(compact)) == len(compact) else compact
    for quote in quotes:
        needle = normalize(quote)
        start = folded.find(needle)
        while start != -1 and needle:
            for k in range(start, start + len(needle)):
                marks[positions[k]] = True
            start = folded.find(needle, start + len(needle))
    html, inside = [], False
    for char, marked in zip(text, marks):
        if marked and not inside:
            html.append("<mark>")
        elif not marked and inside and not char.isspace():
            html.append("</mark>")
        inside = marked or (inside and char.isspace())
        html.append(escape(char))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))  # noqa: S308 - every character is escaped above
