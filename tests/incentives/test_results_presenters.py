"""Grouping the results page's rows: alternatives gathered and counted once, topics ordered by the money at stake."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from incentives.presenters import Alternatives, IncentiveDetails, ResultRow, by_money, by_topic, eligible_units


def make_row(key: str, value, topic: str = "other", none_in_text: bool = False) -> ResultRow:
    amount = SimpleNamespace(value=None if value is None else Decimal(value), none_in_text=none_in_text)
    return ResultRow(SimpleNamespace(key=key, amount=amount), SimpleNamespace(name=key), IncentiveDetails(topic, ()))


def test_three_that_exclude_each_other_are_one_of_with_the_counted_one_first():
    rows = [make_row("a", 100), make_row("b", 300), make_row("c", 200), make_row("d", 50)]
    excludes = {"a": {"b"}, "b": {"c"}, "c": {"a"}}   # each side may name the other
    units = eligible_units(rows, excludes, counted_total={"b", "d"}, counted_as_written=set())
    group = next(unit for unit in units if isinstance(unit, Alternatives))
    assert group.kind == "one_of" and [row.result.key for row in group.rows] == ["b", "c", "a"]
    assert [row.counted for row in group.rows] == ["total", "", ""]
    assert [unit.result.key for unit in units if not isinstance(unit, Alternatives)] == ["d"]


def test_a_chain_is_not_one_of_a_set():
    rows = [make_row("a", 100), make_row("b", 300), make_row("c", 200)]
    units = eligible_units(rows, {"a": {"b"}, "b": {"c"}}, counted_total={"a", "c"}, counted_as_written=set())
    assert units[0].kind == "some" and {row.result.key for row in units[0].chosen} == {"a", "c"}


def test_topics_are_ordered_by_the_money_at_stake_counting_an_alternative_once():
    pair = eligible_units([make_row("p", 600, "investment"), make_row("m", 300, "investment")],
                          {"p": {"m"}}, counted_total={"p"}, counted_as_written=set())
    units = pair + [make_row("t", 700, "titles"), make_row("x", None, "titles"), make_row("o", None, "other", True)]
    groups = by_topic(units)
    assert [(g.label, g.stake, g.unpriced, g.count) for g in groups] == [
        ("资质与称号", Decimal(700), True, 2), ("投资与技改", Decimal(600), False, 2), ("其他", Decimal(0), False, 1)]


def test_rows_without_an_amount_come_after_in_page_order():
    rows = [make_row("none1", None), make_row("small", 5), make_row("none2", None), make_row("big", 50)]
    assert [row.result.key for row in by_money(rows)] == ["big", "small", "none1", "none2"]
