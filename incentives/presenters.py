"""Turn stored rules into what the library shows: plain sentences, excludes resolved, quotes marked.

A loaded version never changes, so what is shown of an incentive is worked out once per version and state of
the facts, and kept in a bounded cache.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Incentive, PolicyDocument
from .rules.describe import describe_amount, describe_condition
from .rules.figures import normalize
from .rules.parse import parse_amount, parse_condition
from .selectors import BoundedCache, known_fact_specs


@dataclass(frozen=True)
class PresentedIncentive:
    conditions: list[str]
    amount: str
    quotes: list[str] = field(default_factory=list)
    clause_html: SafeString | None = None     # the clause with the quoted passages marked (the incentive page)


_PRESENTED: BoundedCache[PresentedIncentive] = BoundedCache(maxsize=8192)
_CLAUSES: BoundedCache[SafeString] = BoundedCache(maxsize=1024)


def _quotes(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["quote"]] if isinstance(node.get("quote"), str) and node["quote"] else []
        for value in node.values():
            found.extend(_quotes(value))
        return found
    if isinstance(node, list):
        return [quote for item in node for quote in _quotes(item)]
    return []


def _present(incentive: Incentive, facts) -> PresentedIncentive:
    condition = parse_condition(incentive.eligibility, facts, "eligibility")
    amount = parse_amount(incentive.amount, facts, "amount")
    return PresentedIncentive(
        conditions=describe_condition(condition, facts),
        amount=describe_amount(amount, facts),
        quotes=_quotes(incentive.amount) + _quotes(incentive.eligibility)
        + ([incentive.window_quote] if incentive.window_quote else []),
    )


def _key(incentive: Incentive, document: PolicyDocument, token: tuple) -> tuple:
    return incentive.pk, document.pk, document.digest, document.created_at, token


def present_incentives(incentives: list[Incentive], *, document: PolicyDocument) -> dict[int, PresentedIncentive]:
    """What the library says of each incentive of one document version, by primary key."""
    facts = known_fact_specs()
    return {incentive.pk: _PRESENTED.get_or_make(_key(incentive, document, facts.token),
                                                 lambda incentive=incentive: _present(incentive, facts))
            for incentive in incentives}


def present_incentive(incentive: Incentive) -> PresentedIncentive:
    """One incentive, with its clause's text and the quoted passages marked."""
    document = incentive.document
    presented = present_incentives([incentive], document=document)[incentive.pk]
    key = (*_key(incentive, document, ()), incentive.clause_id)
    html = _CLAUSES.get_or_make(key, lambda: highlight(incentive.clause.text, presented.quotes))
    return replace(presented, clause_html=html)


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
