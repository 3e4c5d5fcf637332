"""Turn stored rules into what the library shows: plain sentences, excludes resolved, quotes marked.

A loaded version never changes, so what is shown of an incentive is worked out once per version and state of
the facts, and kept in a bounded cache.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Incentive, PolicyDocument
from .rules.combine import connected_components
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


# ---------------------------------------------------------------- what a results page says of each incentive

@dataclass(frozen=True)
class IncentiveDetails:
    """Whom to contact, when, and what to prepare: read once per document version, without any full text."""

    topic: str
    departments: tuple[str, ...]                  # the accepting departments the text names
    window_from: object = None                    # datetime.date | None
    window_to: object = None
    window_quote: str = ""
    documents: tuple[tuple[str, bool], ...] = ()  # (item, found verbatim in the clause text)


_DETAILS: BoundedCache[dict] = BoundedCache(maxsize=2048)


def _documents(required, clause_text: str) -> tuple[tuple[str, bool], ...]:
    folded = normalize(clause_text or "")
    items = [str(item).strip() for item in (required or []) if str(item).strip()]
    return tuple((item, normalize(item) in folded) for item in items)


def incentive_details(documents: list[PolicyDocument], token=None) -> dict[int, IncentiveDetails]:
    """The details of every incentive of these document versions, by primary key.

    Kept per version (a loaded version never changes) and state of the departments (`token`, e.g. the catalogue
    state's documents part, which names their last change): a warm page reads nothing; the versions not yet seen
    are read in two queries together, their departments prefetched, the clause text only to tell a verbatim item.
    """
    from django.db.models import Prefetch

    from .models import Department

    found: dict[int, IncentiveDetails] = {}
    missing = []
    for document in documents:
        hit = _DETAILS.get((document.pk, document.digest, document.created_at, token))
        if hit is None:
            missing.append(document)
        else:
            found.update(hit)
    if missing:
        by_document: dict[int, dict[int, IncentiveDetails]] = {document.pk: {} for document in missing}
        rows = (Incentive.objects.filter(document__in=missing).select_related("clause")
                .only("id", "document_id", "topic", "window_from", "window_to", "window_quote",
                      "documents_required", "clause__id", "clause__text")
                .prefetch_related(Prefetch("departments", queryset=Department.objects.only("id", "name"))))
        for row in rows:
            by_document[row.document_id][row.pk] = IncentiveDetails(
                topic=row.topic or Incentive.Topic.OTHER,
                departments=tuple(department.name for department in row.departments.all()),
                window_from=row.window_from, window_to=row.window_to, window_quote=row.window_quote,
                documents=_documents(row.documents_required, row.clause.text))
        for document in missing:
            _DETAILS.put((document.pk, document.digest, document.created_at, token), by_document[document.pk])
            found.update(by_document[document.pk])
    return found


# ---------------------------------------------------------------- the results page, as the officer reads it

@dataclass
class ResultRow:
    result: object                       # rules.evaluate.Result
    incentive: Incentive
    details: IncentiveDetails | None
    questions: list = field(default_factory=list)     # 待确认: the questions that would decide it
    counted: str = ""                    # "total" | "as_written" | "" (not counted) — shown in alternatives only
    excluded_by: list = field(default_factory=list)   # names of the incentives on the page it cannot go with


@dataclass
class Alternatives:
    """Incentives that exclude each other, shown together: which one is counted and why."""

    rows: list[ResultRow]
    kind: str                            # "pair" (二选一) | "one_of" (多选一) | "some" (不能同时享受)
    chosen: list[ResultRow]

    @property
    def is_alternatives(self) -> bool:
        return True


@dataclass
class TopicGroup:
    topic: str
    label: str
    units: list                          # ResultRow | Alternatives
    stake: object                        # Decimal: the maximums where known (for alternatives, the one counted)
    unpriced: bool                       # some have no amount yet
    count: int = 0


def _components(keys: list[str], excludes: dict[str, set[str]]) -> tuple[list[list[str]], dict[str, set[str]]]:
    on_page = set(keys)
    neighbours = {key: {other for other in excludes.get(key, ()) if other in on_page and other != key}
                  for key in keys}
    for key in keys:                     # either side listing the other counts
        for other in list(neighbours[key]):
            neighbours[other].add(key)
    index = {key: i for i, key in enumerate(keys)}
    found = connected_components(len(keys), [{index[other] for other in neighbours[key]} for key in keys])
    return [[keys[i] for i in members] for members in found], neighbours


def eligible_units(rows: list[ResultRow], excludes: dict[str, set[str]], counted_total: set[str],
                   counted_as_written: set[str]) -> list:
    """The 符合 rows with those that exclude each other gathered into one unit, in the order of their first."""
    by_key = {row.result.key: row for row in rows}
    components, neighbours = _components(list(by_key), excludes)
    units = []
    for members in components:
        if len(members) == 1:
            units.append(by_key[members[0]])
            continue
        group = [by_key[key] for key in members]
        chosen = [row for row in group if row.result.key in counted_total] or \
                 [row for row in group if row.result.key in counted_as_written]
        for row in group:
            row.counted = ("total" if row.result.key in counted_total else
                           "as_written" if row.result.key in counted_as_written else "")
        complete = all(neighbours[a] >= set(members) - {a} for a in members)
        kind = "pair" if len(members) == 2 else "one_of" if complete else "some"
        # the one counted first, then the others by amount
        group.sort(key=lambda row: (row not in chosen, -(row.result.amount.value or 0)))
        units.append(Alternatives(rows=group, kind=kind, chosen=chosen))
    return units


def mark_exclusions(rows: list[ResultRow], names: dict[str, str], excludes: dict[str, set[str]]) -> None:
    """On each 待确认 row, the incentives on the page it cannot be had together with (either side may say so)."""
    pairs: dict[str, set[str]] = {}
    for key, others in excludes.items():
        for other in others:
            if key in names and other in names and other != key:
                pairs.setdefault(key, set()).add(other)
                pairs.setdefault(other, set()).add(key)
    for row in rows:
        row.excluded_by = sorted(names[key] for key in pairs.get(row.result.key, ()))


def _unit_value(unit) -> tuple:
    rows = unit.chosen if isinstance(unit, Alternatives) and unit.chosen else \
        (unit.rows[:1] if isinstance(unit, Alternatives) else [unit])
    every = unit.rows if isinstance(unit, Alternatives) else [unit]
    known = sum((row.result.amount.value for row in rows if row.result.amount.value is not None), Decimal(0))
    return known, any(row.result.amount.value is None and not row.result.amount.none_in_text for row in every)


def _by_value(valued: list[tuple]) -> list:
    priced = [(value, unit) for value, unit in valued if value]
    rest = [unit for value, unit in valued if not value]
    return [unit for _value, unit in sorted(priced, key=lambda item: -item[0])] + rest


def by_money(units: list) -> list:
    """The most money first (for alternatives, the one counted); those without an amount after, in page order."""
    return _by_value([(_unit_value(unit)[0], unit) for unit in units])


_TOPIC_LABELS: dict[str, dict[str, str]] = {}


def _topic_labels() -> dict[str, str]:
    """The topics' labels in the current language, in their order; translated once per language and process."""
    language = get_language()
    labels = _TOPIC_LABELS.get(language)
    if labels is None:
        labels = _TOPIC_LABELS[language] = {value: str(label) for value, label in Incentive.Topic.choices}
    return labels


def by_topic(units: list) -> list[TopicGroup]:
    """Units grouped by their incentive's topic (其他 when it has none), the most money at stake first."""
    labels = _topic_labels()
    groups: dict[str, TopicGroup] = {}
    valued: dict[str, list[tuple]] = {}
    for unit in units:
        first = unit.rows[0] if isinstance(unit, Alternatives) else unit
        topic = first.details.topic if first.details and first.details.topic in labels else Incentive.Topic.OTHER
        group = groups.get(topic)
        if group is None:
            group = groups[topic] = TopicGroup(topic=topic, label=labels[topic], units=[], stake=Decimal(0),
                                               unpriced=False)
            valued[topic] = []
        value, unpriced = _unit_value(unit)
        valued[topic].append((value, unit))
        group.stake += value
        group.unpriced = group.unpriced or unpriced
        group.count += len(unit.rows) if isinstance(unit, Alternatives) else 1
    for topic, group in groups.items():
        group.units = _by_value(valued[topic])
    order = list(labels)
    # the most money first; 其他 last among equals; then the topics' own order
    return sorted(groups.values(), key=lambda g: (-g.stake, g.topic == Incentive.Topic.OTHER, order.index(g.topic)))
