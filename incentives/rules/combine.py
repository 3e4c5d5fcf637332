"""Choose the incentives an enterprise can take together: the largest total that no exclusion clause forbids."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Mapping, Sequence

from .evaluate import IncentiveRule, Result, Status


@dataclass(frozen=True)
class Combination:
    selected: tuple[str, ...]                 # rule keys, in input order
    total: Decimal                            # 万元
    total_is_maximum: bool                    # some selected amount is only an upper bound
    conflicts: tuple[tuple[str, str], ...]    # pairs of eligible incentives that exclude each other


def _conflicts(eligible: Sequence[Result], rules_by_key: Mapping[str, IncentiveRule]) -> tuple[tuple[str, str], ...]:
    """Pairs that exclude each other, each once and in input order; either side listing the other counts,
    since texts often say it on one side only ("未享受省级政策的")."""
    position = {result.key: i for i, result in enumerate(eligible)}
    pairs: set[tuple[int, int]] = set()
    for i, result in enumerate(eligible):
        rule = rules_by_key.get(result.key)
        for other in rule.excludes if rule is not None else ():
            j = position.get(other)
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    return tuple((eligible[i].key, eligible[j].key) for i, j in sorted(pairs))


def connected_components(count: int, neighbours: list[set[int]]) -> list[list[int]]:
    """The groups of items 0..count-1 linked through `neighbours` (each group in index order)."""
    seen: set[int] = set()
    found = []
    for start in range(count):
        if start in seen:
            continue
        stack, members = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            members.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(sorted(members))
    return found


def _better(total: Decimal, chosen: tuple[int, ...], best: tuple[Decimal, tuple[int, ...]] | None) -> bool:
    """More money; then fewer incentives (fewer applications to file); then the earlier ones in input order."""
    if best is None:
        return True
    best_total, best_chosen = best
    if total != best_total:
        return total > best_total
    if len(chosen) != len(best_chosen):
        return len(chosen) < len(best_chosen)
    return chosen < best_chosen


def _best_in_component(members: list[int], values: list[Decimal], neighbours: list[set[int]]) -> tuple[int, ...]:
    """Exact maximum-weight independent set by branch and bound; components are a handful of incentives."""
    # what is still to come bounds what any completion can add
    remaining = [Decimal(0)] * (len(members) + 1)
    for i in range(len(members) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + max(values[members[i]], Decimal(0))
    best: list[tuple[Decimal, tuple[int, ...]] | None] = [None]

    def search(position: int, chosen: tuple[int, ...], blocked: frozenset[int], total: Decimal) -> None:
        if best[0] is not None and total + remaining[position] < best[0][0]:
            return
        if position == len(members):
            if _better(total, chosen, best[0]):
                best[0] = (total, chosen)
            return
        node = members[position]
        if node not in blocked:
            search(position + 1, chosen + (node,), blocked | neighbours[node], total + values[node])
        search(position + 1, chosen, blocked, total)

    search(0, (), frozenset(), Decimal(0))
    return best[0][1] if best[0] is not None else ()


def best_total(results: Sequence[Result], rules_by_key: Mapping[str, IncentiveRule]) -> Combination:
    """Among the eligible incentives with a known amount, the combination with the largest total."""
    wanted = Status.ELIGIBLE
    eligible = [result for result in results if result.status == wanted]
    conflicts = _conflicts(eligible, rules_by_key)
    priced = [result for result in eligible if result.amount.value is not None]
    index = {result.key: i for i, result in enumerate(priced)}
    neighbours: list[set[int]] = [set() for _ in priced]
    for a, b in conflicts:
        if a in index and b in index:
            neighbours[index[a]].add(index[b])
            neighbours[index[b]].add(index[a])
    values = [result.amount.value for result in priced]
    chosen: list[int] = []
    for members in connected_components(len(priced), neighbours):
        if len(members) == 1:       # the usual case: nothing excludes it
            chosen.extend(members)
        else:
            chosen.extend(_best_in_component(members, values, neighbours))
    chosen.sort()
    selected = [priced[i] for i in chosen if values[i] > 0]   # a zero amount is nothing to apply for
    return Combination(
        selected=tuple(result.key for result in selected),
        total=sum((result.amount.value for result in selected), Decimal(0)),
        total_is_maximum=any(result.amount.is_maximum for result in selected),
        conflicts=conflicts,
    )


def best_by_region(results: Sequence[Result], rules_by_key: Mapping[str, IncentiveRule]) -> dict[str, Combination]:
    """The best total city by city, judged on the text alone (drafts and expired documents as written) and only
    over incentives whose conditions hold and whose amount is settled: one project cannot be funded twice across
    cities, so totals of different cities are never added. The web comparison shows the same figures."""
    by_region: dict[str, list[Result]] = {}
    for result in results:
        rule = rules_by_key.get(result.key)
        if rule is None or result.rule_status != Status.ELIGIBLE or result.amount.value is None or result.amount.missing:
            continue
        by_region.setdefault(rule.region, []).append(replace(result, status=Status.ELIGIBLE))
    return {region: best_total(items, rules_by_key) for region, items in sorted(by_region.items())}
