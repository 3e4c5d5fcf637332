"""What to ask next: only what the incentives of the chosen topics need, the facts deciding the most money first.

The questionnaire asks by topic (what the enterprise has or plans: a technical-renovation project, a title, R&D
spending, a loan …). A fact is worth asking when a still-open result of a chosen topic needs it, either to decide
the conditions or to compute the amount; its weight is the money those results put at stake (the amount as far as
it is known, its maximum where the facts are missing), with a small weight for incentives whose text names no
figure. The views and bench/bench_questions.py plan through the same function, `plan`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable, Sequence

from .models import Incentive, PolicyDocument
from .rules.evaluate import Result, pending_facts
from .selectors import BoundedCache, CatalogueState

# the weight, in 万元, of an incentive whose text names no amount (a service, a priority, a deduction …): enough
# to be asked once the money is settled, never ahead of a fact that decides a stated sum
NO_FIGURE_WEIGHT = Decimal("0.5")

_TOPICS: BoundedCache[dict[str, str]] = BoundedCache(maxsize=8)


def incentive_topics(state: CatalogueState) -> dict[str, str]:
    """The topic of every current incentive, by its rule key ("document-key/incentive-key"): one query per state."""
    def read() -> dict[str, str]:
        rows = Incentive.objects.filter(document__in=PolicyDocument.objects.current()).values_list(
            "document__key", "key", "topic")
        return {f"{document}/{key}": topic for document, key, topic in rows}
    return _TOPICS.get_or_make(state.documents, read)


def weight(result: Result) -> Decimal:
    """The money a result puts at stake: its amount (the maximum where facts are missing), or a small weight."""
    value = result.amount.value
    return value if value is not None and value > 0 else NO_FIGURE_WEIGHT


def as_written(results: Iterable[Result]) -> list[Result]:
    """Judged on the conditions alone, whatever the documents' dates: an expired or draft document's verdict is
    still worth knowing (the results page says which can be applied for now)."""
    return [replace(r, status=r.rule_status) for r in results]


def in_topics(results: Iterable[Result], topics_by_key: dict[str, str], topics: Sequence[str] | None) -> list[Result]:
    """The results of incentives of the chosen topics (all of them when no topic was chosen)."""
    if not topics:
        return list(results)
    chosen = set(topics)
    return [r for r in results if topics_by_key.get(r.key, Incentive.Topic.OTHER) in chosen]


@dataclass(frozen=True)
class Pending:
    key: str
    weight: Decimal      # 万元 at stake
    count: int           # open results that need it
    needed_by: frozenset[str] = frozenset()   # the keys of those results
    has_figure: bool = True   # some of those results name an amount (else only services, priorities, waivers …)


def weighted_pending(rules: Sequence, results: Sequence[Result], *, skip: Iterable[str] = ()) -> list[Pending]:
    """The facts the open results still need, the ones deciding the most money first.

    `results` are judged as written (see as_written). Ties go to the fact more results need, then to the engine's
    own order (pending_facts: the fact more rules mention first).
    """
    skipped = set(skip)
    weights: dict[str, Decimal] = {}
    needed_by: dict[str, set[str]] = {}
    figures: set[str] = set()

    def add(key: str, stake: Decimal, result: Result) -> None:
        if key not in skipped:
            weights[key] = weights.get(key, Decimal(0)) + stake
            needed_by.setdefault(key, set()).add(result.key)
            if result.amount.value is not None and result.amount.value > 0:
                figures.add(key)

    for result in results:
        if result.status == "not_eligible":
            continue
        stake = weight(result)
        needed = set(result.missing) if result.status == "unknown" else set()
        needed |= set(result.amount.missing)   # the amount's facts matter once the incentive may apply
        for key in needed:
            add(key, stake, result)
    engine_order = {key: i for i, (key, _n) in enumerate(pending_facts(rules, results))}
    pending = [Pending(key, weights[key], len(needed_by[key]), frozenset(needed_by[key]), key in figures)
               for key in weights]
    pending.sort(key=lambda p: (-p.weight, -p.count, engine_order.get(p.key, len(engine_order)), p.key))
    return pending


def plan(evaluation, topics_by_key: dict[str, str], topics: Sequence[str] | None, asked: Iterable[str], *,
         unstated: bool = False) -> list[Pending]:
    """What is left to ask for the chosen topics, most money first (nothing asked before is asked again).

    The questionnaire is done when no question left decides an amount; the questions that only decide support
    whose text names no figure (a service, a priority, a waiver) are asked when the enterprise asks for them
    (`unstated`), and are listed as 待确认 on the results page meanwhile. Where no open incentive of the chosen
    topics names an amount, those questions are the questionnaire.
    """
    results = in_topics(as_written(evaluation.results), topics_by_key, topics)
    rules = [evaluation.rules[r.key] for r in results]
    pending = weighted_pending(rules, results, skip=asked)
    money = any(r.status != "not_eligible" and r.amount.value is not None and r.amount.value > 0 for r in results)
    # where no open incentive of the chosen topics names an amount, those without one are what there is to ask
    return pending if unstated or not money else [p for p in pending if p.has_figure]


def next_step(pending: Sequence[Pending], size: int) -> list[str]:
    """The questions of the next step: the heaviest facts, leaving for a later step a fact every result of which
    already has a question in this one (its answer may make it moot: 否 to "a technical-renovation project?" and
    the project's figures need not be asked)."""
    chosen: list[str] = []
    covered: set[str] = set()
    for fact in pending:
        if len(chosen) >= size:
            break
        if chosen and fact.needed_by <= covered:
            continue
        chosen.append(fact.key)
        covered |= fact.needed_by
    return chosen


@dataclass(frozen=True)
class TopicStake:
    """A topic the city has incentives for, with the most one of them may bring."""

    value: str
    label: str
    count: int
    maximum: Decimal | None        # 万元: the largest amount one incentive of the topic names, None when none does
    without_figure: int            # incentives of the topic whose text names no amount


def topic_stakes(evaluation, topics_by_key: dict[str, str]) -> list[TopicStake]:
    """The topics the city has incentives for (those already ruled out left aside), the largest amount first,
    其他 last."""
    found: dict[str, dict] = {}
    for result in evaluation.results:
        if result.rule_status == "not_eligible":
            continue
        topic = topics_by_key.get(result.key, Incentive.Topic.OTHER)
        entry = found.setdefault(topic, {"count": 0, "maximum": None, "without": 0})
        entry["count"] += 1
        value = result.amount.value
        if value is not None and value > 0:
            entry["maximum"] = value if entry["maximum"] is None else max(entry["maximum"], value)
        else:
            entry["without"] += 1
    labels = dict(Incentive.Topic.choices)
    stakes = [TopicStake(topic, str(labels.get(topic, topic)), e["count"], e["maximum"], e["without"])
              for topic, e in found.items()]
    stakes.sort(key=lambda s: (s.value == Incentive.Topic.OTHER, -(s.maximum or Decimal(-1)), -s.count))
    return stakes
