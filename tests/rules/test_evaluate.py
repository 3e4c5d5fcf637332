"""The evaluator as an enterprise would check it: Kleene verdicts, the facts still asked for, amounts worked out."""
from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from incentives.rules.evaluate import (
    DRAFT,
    EXPIRED,
    NOT_YET,
    OPEN,
    OUTSIDE_WINDOW,
    FactValueError,
    IncentiveRule,
    Status,
    Verdict,
    build_rule,
    compile_condition,
    evaluate,
    evaluate_all,
    evaluate_amount,
    evaluate_condition,
    missing_facts,
    pending_facts,
)
from incentives.rules.model import FactSpec, FactType
from incentives.rules.parse import parse_amount, parse_condition

BOOLS = [f"b{i}" for i in range(8)]
SPECS = {spec.key: spec for spec in [
    FactSpec("city", FactType.CHOICE, choices=("jiangmen", "shaoguan", "shenzhen"), label="企业注册地（所在城市）",
             choice_labels=(("jiangmen", "江门市"), ("shaoguan", "韶关市"), ("shenzhen", "深圳市"))),
    FactSpec("is_manufacturing", FactType.BOOL, label="是否为制造业企业"),
    FactSpec("is_industrial", FactType.BOOL, label="是否为工业企业"),
    FactSpec("project_is_tech_renovation", FactType.BOOL, label="申报项目是否为技术改造项目"),
    FactSpec("project_equipment_investment", FactType.MONEY, "万元", label="项目新设备购置额"),
    FactSpec("production_equipment_investment", FactType.MONEY, "万元", label="生产设备投资额"),
    FactSpec("annual_output", FactType.MONEY, "万元", label="上年度工业总产值"),
    FactSpec("previous_max_annual_output", FactType.MONEY, "万元", label="此前各年度中最高的年度工业总产值"),
    FactSpec("project_loan_interest_paid", FactType.MONEY, "万元", label="项目贷款实际支付利息"),
    FactSpec("provincial_award_amount", FactType.MONEY, "万元", label="省级奖励金额"),
    FactSpec("project_fixed_asset_investment", FactType.MONEY, "万元", label="项目固定资产投资额"),
    FactSpec("output_growth_rate", FactType.PERCENT, "%", label="上年度产值增速"),
    FactSpec("employees", FactType.INTEGER, "人", label="从业人数"),
    FactSpec("enterprise_size", FactType.CHOICE, choices=("large", "medium", "small", "micro"), label="企业规模",
             choice_labels=(("large", "大型企业"), ("medium", "中型企业"), ("small", "小型企业"), ("micro", "微型企业"))),
    FactSpec("certified_on", FactType.DATE, label="认定日期"),
    *(FactSpec(key, FactType.BOOL, label=f"条件{key}") for key in BOOLS),
]}
ON = date(2024, 6, 1)


def cond(raw):
    return parse_condition(raw, SPECS, "eligibility")


def amount(raw):
    return parse_amount(raw, SPECS, "amount")


def rule(eligibility=None, amount_rule=None, **fields) -> IncentiveRule:
    values = dict(key="jiangmen-2023-manufacturing/tech-renovation-provincial", name="省级技术改造政策奖励",
                  document_key="jiangmen-2023-manufacturing", document_title="关于促进制造业高质量发展的若干措施",
                  region="jiangmen", region_name="江门市", clause_number="9",
                  eligibility=cond(eligibility), amount=amount(amount_rule))
    values.update(fields)
    return IncentiveRule(**values)


def leaf(key, verdict):
    """A condition on a bool fact with the facts that give it the wanted verdict (None: unknown)."""
    return {"fact": key, "eq": True}, ({} if verdict is None else {key: verdict})


T, F, U = Verdict.TRUE, Verdict.FALSE, Verdict.UNKNOWN
AS_BOOL = {T: True, F: False, U: None}
ALL_TABLE = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F, (U, T): U, (U, F): F, (U, U): U}
ANY_TABLE = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U, (U, T): T, (U, F): U, (U, U): U}


# --- Kleene logic ---------------------------------------------------------------

@pytest.mark.parametrize("kind, table", [("all", ALL_TABLE), ("any", ANY_TABLE)])
@pytest.mark.parametrize("left, right", list(itertools.product([T, F, U], repeat=2)))
def test_all_and_any_follow_kleene_truth_tables(kind, table, left, right):
    a, facts_a = leaf("b0", AS_BOOL[left])
    b, facts_b = leaf("b1", AS_BOOL[right])
    verdict, leaves = evaluate_condition(cond({kind: [a, b]}), {**facts_a, **facts_b})
    assert verdict is table[(left, right)]
    assert [v for _, v in leaves] == [left, right]     # every comparison is reported, even after a decisive one


@pytest.mark.parametrize("inner, expected", [(T, F), (F, T), (U, U)])
def test_not_swaps_true_and_false_and_keeps_unknown(inner, expected):
    a, facts = leaf("b0", AS_BOOL[inner])
    assert evaluate_condition(cond({"not": a}), facts)[0] is expected


def test_no_condition_always_holds():
    assert evaluate_condition(cond(None), {})[0] is T


@pytest.mark.parametrize("raw, value, expected", [
    ({"fact": "annual_output", "gte": "1000亿元"}, Decimal(10_000_000), T),
    ({"fact": "annual_output", "gte": "1000亿元"}, Decimal("9999999.9999"), F),
    ({"fact": "annual_output", "gt": "1000万元"}, 1000, F),                   # an int fact is a number too
    ({"fact": "annual_output", "lt": "1000万元"}, 999, T),
    ({"fact": "annual_output", "lte": "1000万元"}, Decimal(1000), T),
    ({"fact": "output_growth_rate", "gt": "15%"}, Decimal("15.5"), T),
    ({"fact": "employees", "gte": "200人"}, 150, F),
    ({"fact": "enterprise_size", "eq": "small"}, "small", T),
    ({"fact": "enterprise_size", "ne": "small"}, "small", F),
    ({"fact": "enterprise_size", "in": ["small", "micro"]}, "micro", T),
    ({"fact": "enterprise_size", "not_in": ["small", "micro"]}, "micro", F),
    ({"fact": "enterprise_size", "not_in": ["small", "micro"]}, "large", T),
    ({"fact": "certified_on", "gte": "2023-01-01"}, date(2023, 1, 1), T),
    ({"fact": "certified_on", "lt": "2023-01-01"}, date(2023, 1, 1), F),
    ({"fact": "is_manufacturing", "eq": False}, False, T),
    ({"fact": "is_manufacturing", "ne": True}, True, F),
])
def test_every_comparison(raw, value, expected):
    condition = cond(raw)
    assert evaluate_condition(condition, {raw["fact"]: value})[0] is expected
    assert evaluate_condition(condition, {raw["fact"]: None})[0] is U    # None means not answered


def test_a_number_compared_with_text_is_refused_with_the_fact_named():
    with pytest.raises(FactValueError, match="annual_output"):
        evaluate_condition(cond({"fact": "annual_output", "gte": "1000万元"}), {"annual_output": "lots"})


def test_missing_facts_leave_out_what_can_no_longer_matter():
    # all(...) is already false: nothing needs asking
    assert missing_facts(cond({"all": [{"fact": "b0", "eq": True}, {"fact": "b1", "eq": True}]}), {"b0": False}) == ()
    # any(...) is already true: nothing needs asking
    assert missing_facts(cond({"any": [{"fact": "b0", "eq": True}, {"fact": "b1", "eq": True}]}), {"b0": True}) == ()
    # a true member of an all does not hide the unknown one
    assert missing_facts(cond({"all": [{"fact": "b0", "eq": True}, {"fact": "b1", "eq": True}]}), {"b0": True}) == ("b1",)


def test_missing_facts_come_most_decisive_first():
    condition = cond({"all": [
        {"fact": "b2", "eq": True},
        {"any": [{"fact": "b0", "eq": True}, {"fact": "b1", "eq": True}]},
        {"any": [{"fact": "b0", "eq": False}, {"fact": "b3", "eq": True}]},
    ]})
    assert missing_facts(condition, {}) == ("b0", "b2", "b1", "b3")


# --- properties of three-valued evaluation ----------------------------------------------------

_SHAPES = st.recursive(
    st.sampled_from(["eq_true", "eq_false", "ne_true"]),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(["all", "any"]), st.lists(children, min_size=1, max_size=3)),
        st.tuples(st.just("not"), children),
    ),
    max_leaves=len(BOOLS),
)


def _read_once(shape, counter):
    """Give every leaf its own fact: with no fact repeated, Kleene logic is exact, not merely sound."""
    if isinstance(shape, str):
        key = BOOLS[next(counter)]
        return {"fact": key, "eq": shape != "eq_false"} if shape.startswith("eq") else {"fact": key, "ne": True}
    kind, inner = shape
    if kind == "not":
        return {"not": _read_once(inner, counter)}
    return {kind: [_read_once(item, counter) for item in inner]}


@st.composite
def conditions_and_facts(draw):
    raw = _read_once(draw(_SHAPES), itertools.count())
    condition = cond(raw)
    facts = {key: draw(st.sampled_from([True, False, None])) for key in sorted(condition.facts())}
    return condition, facts


def _completions(facts, keys):
    for values in itertools.product([True, False], repeat=len(keys)):
        yield {**facts, **dict(zip(keys, values))}


@settings(max_examples=300, deadline=None)
@given(conditions_and_facts())
def test_a_decided_verdict_holds_whatever_the_unknown_facts_turn_out_to_be(case):
    condition, facts = case
    verdict, _ = evaluate_condition(condition, facts)
    assume(verdict is not U)
    unknown = [key for key, value in facts.items() if value is None]
    for completed in _completions(facts, unknown):
        assert evaluate_condition(condition, completed)[0] is verdict


@settings(max_examples=300, deadline=None)
@given(conditions_and_facts())
def test_an_unknown_verdict_is_decided_by_the_reported_facts_and_either_way_is_possible(case):
    condition, facts = case
    verdict, _ = evaluate_condition(condition, facts)
    assume(verdict is U)
    missing = missing_facts(condition, facts)
    assert missing
    outcomes = {evaluate_condition(condition, completed)[0] for completed in _completions(facts, list(missing))}
    assert outcomes == {T, F}       # answering only what was asked decides it, and the answers matter


@settings(max_examples=300, deadline=None)
@given(conditions_and_facts())
def test_the_fast_path_agrees_with_the_explained_one(case):
    condition, facts = case
    fast = compile_condition(condition)(facts)
    assert {True: T, False: F, None: U}[fast] is evaluate_condition(condition, facts)[0]


# --- amounts: worked figures from the seed texts ---------------------------------------------------

JIANGMEN_PROVINCIAL = {"type": "rate", "base": "project_equipment_investment", "rate": "20%", "up_to": True,
                       "caps": [{"value": "5000万元", "per": "project"}],
                       "quote": "单个项目按不超过新设备购置额的 20%，给予最高 5000 万元奖励"}
SHAOGUAN_EQUIPMENT = {"type": "rate", "base": "production_equipment_investment", "rate": "5%", "up_to": True,
                      "caps": [{"value": "100万元", "per": "enterprise"}],
                      "quote": "按生产设备投资额给予不超过5%的奖励，单个企业不超过100万元"}
SHENZHEN_TIERS = {"type": "cases", "quote": "分别给予2000万元、1000万元、300万元的一次性奖励", "cases": [
    {"when": {"all": [{"fact": "annual_output", "gte": "1000亿元"}, {"fact": "previous_max_annual_output", "lt": "1000亿元"}]},
     "amount": {"type": "fixed", "value": "2000万元", "quote": "2000万元"}},
    {"when": {"all": [{"fact": "annual_output", "gte": "500亿元"}, {"fact": "previous_max_annual_output", "lt": "500亿元"}]},
     "amount": {"type": "fixed", "value": "1000万元", "quote": "1000万元"}},
    {"when": {"all": [{"fact": "annual_output", "gte": "100亿元"}, {"fact": "previous_max_annual_output", "lt": "100亿元"}]},
     "amount": {"type": "fixed", "value": "300万元", "quote": "300万元"}},
]}
SHENZHEN_ELIGIBILITY = {"all": [{"fact": "is_industrial", "eq": True}, {"any": [
    case["when"] for case in SHENZHEN_TIERS["cases"]]}]}
YI = Decimal(10_000)     # 1亿元 in 万元


def compute(raw, **facts):
    return evaluate_amount(amount(raw), facts, SPECS)


def test_jiangmen_twenty_percent_of_new_equipment():
    result = compute(JIANGMEN_PROVINCIAL, project_equipment_investment=Decimal(3000))
    assert result.value == Decimal(600)
    assert result.is_maximum                     # 不超过……的20%
    assert "20% × 3000万元 = 600万元" in result.steps


def test_jiangmen_capped_at_five_thousand_per_project():
    result = compute(JIANGMEN_PROVINCIAL, project_equipment_investment=Decimal(30000))
    assert result.value == Decimal(5000)
    assert result.steps[-1] == "不超过单个项目最高5000万元，取5000万元"


@pytest.mark.parametrize("base, expected, capped", [(1000, 50, False), (2000, 100, False), (3000, 100, True)])
def test_shaoguan_five_percent_at_most_one_hundred_per_enterprise(base, expected, capped):
    result = compute(SHAOGUAN_EQUIPMENT, production_equipment_investment=Decimal(base))
    assert result.value == Decimal(expected)
    assert result.is_maximum
    assert any("单个企业最高100万元" in step for step in result.steps) is capped


@pytest.mark.parametrize("output, previous, expected", [
    (6_000_000, 900_000, 1000),            # 600亿, first time past 500亿
    (12_000_000, 6_000_000, 2000),         # 1200亿, first time past 1000亿
    (1_500_000, 0, 300),                   # 150亿
])
def test_shenzhen_output_tiers(output, previous, expected):
    result = compute(SHENZHEN_TIERS, annual_output=Decimal(output), previous_max_annual_output=Decimal(previous))
    assert result.value == Decimal(expected)
    assert not result.is_maximum and result.missing == ()


def test_shenzhen_tier_not_settled_gives_the_most_still_possible():
    # 600亿 with the earlier record unknown: 1000亿 is out; 500亿 (1000万元) or 100亿 (300万元) or neither remain
    result = compute(SHENZHEN_TIERS, annual_output=Decimal(6_000_000))
    assert result.value == Decimal(1000)
    assert result.is_maximum
    assert result.missing == ("previous_max_annual_output",)


def test_shenzhen_tier_with_nothing_known_is_bounded_by_the_top_tier():
    result = compute(SHENZHEN_TIERS)
    assert (result.value, result.is_maximum) == (Decimal(2000), True)
    assert set(result.missing) == {"annual_output", "previous_max_annual_output"}


def test_shenzhen_tier_already_reached_before_gives_nothing():
    result = compute(SHENZHEN_TIERS, annual_output=Decimal(6_000_000), previous_max_annual_output=Decimal(6_000_000))
    assert result.value is None and result.steps == ("不符合任何一档的条件",)


def test_interest_subsidy_half_the_interest_at_most_five_hundred():
    raw = {"type": "rate", "base": "project_loan_interest_paid", "rate": "50%", "caps": [{"value": "500万元"}],
           "quote": "按实际支付利息的50%给予贴息，最高500万元"}
    assert compute(raw, project_loan_interest_paid=Decimal(300)).value == Decimal(150)
    assert compute(raw, project_loan_interest_paid=Decimal(2000)).value == Decimal(500)
    assert not compute(raw, project_loan_interest_paid=Decimal(300)).is_maximum


def test_matching_one_to_one_of_a_provincial_award():
    raw = {"type": "rate", "base": "provincial_award_amount", "ratio": "1:1", "quote": "按省级奖励1:1给予配套奖励"}
    result = compute(raw, provincial_award_amount=Decimal(200))
    assert result.value == Decimal(200)
    assert result.steps == ("1:1 × 200万元 = 200万元",)


def test_floor_lifts_a_small_amount():
    raw = {"type": "rate", "base": "project_fixed_asset_investment", "rate": "10%", "floor": "100万元",
           "caps": [{"value": "1000万元"}], "quote": "按10%给予补助，不低于100万元，最高1000万元"}
    low = compute(raw, project_fixed_asset_investment=Decimal(500))
    assert low.value == Decimal(100) and low.steps[-1] == "按比例计算为50万元，低于条文规定的下限；条文规定不低于100万元，取100万元"
    assert compute(raw, project_fixed_asset_investment=Decimal(2000)).value == Decimal(200)


def test_per_unit_counts_whole_units_only():
    raw = {"type": "per_unit", "base": "project_fixed_asset_investment", "per": "1亿元", "value": "10万元",
           "quote": "每1亿元奖励10万元"}
    assert compute(raw, project_fixed_asset_investment=Decimal("3.9999") * YI).value == Decimal(30)


@pytest.mark.parametrize("base", [Decimal(0), Decimal(-5)])
def test_zero_or_negative_base_gives_zero_and_says_so(base):
    result = compute(JIANGMEN_PROVINCIAL, project_equipment_investment=base)
    assert result.value == Decimal(0)
    assert "不大于0" in result.steps[0]


def test_unknown_base_is_bounded_by_the_smallest_cap():
    result = compute(JIANGMEN_PROVINCIAL)
    assert (result.value, result.is_maximum, result.missing) == (Decimal(5000), True, ("project_equipment_investment",))
    uncapped = {**JIANGMEN_PROVINCIAL, "caps": []}
    assert compute(uncapped).value is None


def test_amounts_round_half_up_to_one_yuan_at_the_end():
    # 5% of 0.001万元 is 0.00005万元, half a yuan: half-up gives 1 元 where banker's rounding would give 0
    assert compute(SHAOGUAN_EQUIPMENT, production_equipment_investment=Decimal("0.001")).value == Decimal("0.0001")


def test_float_money_is_refused():
    with pytest.raises(FactValueError):
        compute(JIANGMEN_PROVINCIAL, project_equipment_investment=3000.0)


def test_no_amount_in_the_text():
    result = compute(None)
    assert result.value is None and result.none_in_text


def test_fixed_amount_at_most():
    result = compute({"type": "fixed", "value": "1000万元", "up_to": True, "quote": "给予最高1000万元奖励"})
    assert (result.value, result.is_maximum) == (Decimal(1000), True)


# --- properties of amounts -----------------------------------------------------------------

money = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000_000), places=4)


@st.composite
def rate_rules(draw):
    caps = draw(st.lists(st.integers(1, 10_000), max_size=3))
    floor = draw(st.one_of(st.none(), st.integers(1, min(caps) if caps else 10_000)))
    raw = {"type": "rate", "base": "project_equipment_investment", "rate": f"{draw(st.integers(1, 100))}%",
           "caps": [{"value": f"{cap}万元"} for cap in caps], "quote": "…"}
    if floor is not None:
        raw["floor"] = f"{floor}万元"
    return raw, caps, floor


@settings(max_examples=300, deadline=None)
@given(rate_rules(), money, money)
def test_rate_amounts_respect_caps_and_floor_and_grow_with_the_base(case, base_a, base_b):
    raw, caps, floor = case
    low, high = sorted([base_a, base_b])
    value_low = compute(raw, project_equipment_investment=low).value
    value_high = compute(raw, project_equipment_investment=high).value
    for value in (value_low, value_high):
        assert all(value <= cap for cap in caps)
        assert floor is None or value >= floor
    assert value_low <= value_high
    bound = compute(raw).value                      # base unknown: an upper bound, when there is a cap
    assert bound is None or value_high <= bound


# --- whole rules: region, reasons, dates ------------------------------------------------------

TECH_RENOVATION = {"all": [{"fact": "is_manufacturing", "eq": True}, {"fact": "project_is_tech_renovation", "eq": True}]}
JIANGMEN_FACTS = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                  "project_equipment_investment": Decimal(3000)}


def test_eligible_with_reasons_citing_the_clause():
    result = evaluate(rule(TECH_RENOVATION, JIANGMEN_PROVINCIAL), JIANGMEN_FACTS, on=ON, specs=SPECS)
    assert (result.status, result.rule_status, result.availability) == (Status.ELIGIBLE, Status.ELIGIBLE, OPEN)
    assert "江门市·第9条：是否为制造业企业：您的回答 是；条文要求 是 ✓" in result.reasons
    assert result.amount.value == Decimal(600)
    assert result.missing == ()


def test_failed_and_unanswered_conditions_are_said():
    result = evaluate(rule(TECH_RENOVATION), {"city": "jiangmen", "is_manufacturing": False}, on=ON, specs=SPECS)
    assert result.status == Status.NOT_ELIGIBLE
    assert "江门市·第9条：是否为制造业企业：您的回答 否；条文要求 是 ✗" in result.reasons
    assert "江门市·第9条：申报项目是否为技术改造项目：尚未回答（条文要求 是）" in result.reasons
    assert result.missing == ()          # already not eligible: nothing left to ask

    pending = evaluate(rule(TECH_RENOVATION), {"city": "jiangmen", "is_manufacturing": True}, on=ON, specs=SPECS)
    assert pending.status == Status.UNKNOWN
    assert pending.missing == ("project_is_tech_renovation",)


def test_a_clause_numbered_as_an_item_is_cited_as_written():
    result = evaluate(rule(TECH_RENOVATION, clause_number="（三）", region="shaoguan", region_name="韶关市"),
                      {"city": "shaoguan", "is_manufacturing": True}, on=ON, specs=SPECS)
    assert "韶关市·（三）：是否为制造业企业：您的回答 是；条文要求 是 ✓" in result.reasons


def test_numbers_answered_are_shown_next_to_the_threshold():
    result = evaluate(rule({"fact": "annual_output", "gte": "1000亿元"}), {"city": "jiangmen", "annual_output": Decimal(6_000_000)},
                      on=ON, specs=SPECS)
    assert "江门市·第9条：上年度工业总产值：您的回答 6000000万元；条文要求 ≥ 1000亿元 ✗" in result.reasons


def test_the_region_is_an_implicit_first_condition():
    elsewhere = {**JIANGMEN_FACTS, "city": "shaoguan"}
    result = evaluate(rule(TECH_RENOVATION), elsewhere, on=ON, specs=SPECS)
    assert result.status == Status.NOT_ELIGIBLE
    assert result.reasons[0] == "江门市·适用地域：企业注册地：您的回答 韶关市；条文要求 江门市 ✗"
    assert evaluate(rule(TECH_RENOVATION), elsewhere, on=ON, specs=SPECS, ignore_region=True).status == Status.ELIGIBLE
    unknown_city = {k: v for k, v in JIANGMEN_FACTS.items() if k != "city"}
    result = evaluate(rule(TECH_RENOVATION), unknown_city, on=ON, specs=SPECS)
    assert (result.status, result.missing) == (Status.UNKNOWN, ("city",))


@pytest.mark.parametrize("fields, on, state, reason", [
    ({"document_status": "draft"}, ON, DRAFT, "该文件为征求意见稿，尚未施行"),
    ({"document_status": "expired"}, ON, EXPIRED, "该文件已失效"),
    ({"effective_to": date(2025, 12, 31)}, date(2026, 1, 5), EXPIRED, "该文件已于2025-12-31失效"),
    ({"effective_from": date(2023, 4, 29)}, date(2023, 4, 1), NOT_YET, "该文件自2023-04-29起施行，尚未生效"),
    ({"window_from": date(2023, 1, 1), "window_to": date(2023, 12, 31)}, ON, OUTSIDE_WINDOW,
     "江门市·第9条：申报期为2023-01-01至2023-12-31，当前不在申报期内"),
])
def test_not_open_means_not_eligible_but_the_verdict_and_amount_are_kept(fields, on, state, reason):
    result = evaluate(rule(TECH_RENOVATION, JIANGMEN_PROVINCIAL, **fields), JIANGMEN_FACTS, on=on, specs=SPECS)
    assert (result.status, result.rule_status, result.availability) == (Status.NOT_ELIGIBLE, Status.ELIGIBLE, state)
    assert reason in result.reasons[0]
    assert result.amount.value == Decimal(600)      # "as the draft stands you would receive up to 600万元"


@pytest.mark.parametrize("on", [date(2023, 4, 29), date(2025, 12, 31)])
def test_the_first_and_last_days_are_in_force(on):
    dated = rule(TECH_RENOVATION, effective_from=date(2023, 4, 29), effective_to=date(2025, 12, 31),
                 window_from=date(2023, 1, 1), window_to=date(2025, 12, 31))
    assert evaluate(dated, JIANGMEN_FACTS, on=on, specs=SPECS).availability == OPEN


def test_shenzhen_tiers_as_a_whole_rule():
    tiers = rule(SHENZHEN_ELIGIBILITY, SHENZHEN_TIERS, region="shenzhen", region_name="深圳市", clause_number="2")
    facts = {"city": "shenzhen", "is_industrial": True, "annual_output": Decimal(6_000_000)}
    result = evaluate(tiers, facts, on=ON, specs=SPECS)
    assert result.status == Status.UNKNOWN
    assert result.missing == ("previous_max_annual_output",)
    assert (result.amount.value, result.amount.is_maximum) == (Decimal(1000), True)
    settled = evaluate(tiers, {**facts, "previous_max_annual_output": Decimal(900_000)}, on=ON, specs=SPECS)
    assert (settled.status, settled.amount.value, settled.amount.is_maximum) == (Status.ELIGIBLE, Decimal(1000), False)


def test_explain_false_gives_the_same_verdicts_and_amounts_without_the_words():
    rules = [rule(TECH_RENOVATION, JIANGMEN_PROVINCIAL), rule(SHENZHEN_ELIGIBILITY, SHENZHEN_TIERS),
             rule(TECH_RENOVATION, None, document_status="draft")]
    for facts in [JIANGMEN_FACTS, {}, {"city": "jiangmen", "annual_output": Decimal(6_000_000), "is_industrial": True}]:
        quiet = evaluate_all(rules, facts, on=ON, specs=SPECS, explain=False)
        loud = evaluate_all(rules, facts, on=ON, specs=SPECS)
        assert [(r.status, r.rule_status, r.missing, r.amount.value) for r in quiet] == \
               [(r.status, r.rule_status, r.missing, r.amount.value) for r in loud]
        assert all(r.reasons == () and r.amount.steps == () for r in quiet)


def test_results_are_ordinary_frozen_values():
    result = evaluate(rule(TECH_RENOVATION, JIANGMEN_PROVINCIAL), JIANGMEN_FACTS, on=ON, specs=SPECS, explain=False)
    assert result == dataclasses.replace(result) and hash(result.amount) == hash(dataclasses.replace(result.amount))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = Status.ELIGIBLE


def test_pending_facts_ask_first_what_decides_most():
    rules = [
        rule(TECH_RENOVATION, key="d/a"),
        rule({"fact": "project_is_tech_renovation", "eq": True}, key="d/b"),
        rule({"fact": "is_industrial", "eq": True}, key="d/c"),
        rule(TECH_RENOVATION, key="d/draft", document_status="draft"),      # not open: asking will not help
    ]
    results = evaluate_all(rules, {"city": "jiangmen"}, on=ON, specs=SPECS)
    assert [r.key for r in results] == ["d/a", "d/b", "d/c", "d/draft"]
    assert pending_facts(rules, results) == [("project_is_tech_renovation", 2), ("is_manufacturing", 1),
                                             ("is_industrial", 1)]


def test_build_rule_from_a_policy_file():
    document = {"key": "jiangmen-2023-manufacturing", "region": "jiangmen", "title": "关于促进制造业高质量发展的若干措施",
                "status": "in_force", "effective_from": "2023-04-29", "effective_to": "2025-12-31"}
    incentive = {"key": "tech-renovation-provincial", "clause": "9", "name": "省级技术改造政策奖励",
                 "eligibility": TECH_RENOVATION, "amount": JIANGMEN_PROVINCIAL,
                 "window": {"from": "2023-01-01", "to": "2025-12-31"}, "excludes": ["tech-renovation-municipal"]}
    built = build_rule(document, incentive, SPECS)
    assert built.key == "jiangmen-2023-manufacturing/tech-renovation-provincial"
    assert built.excludes == frozenset({"jiangmen-2023-manufacturing/tech-renovation-municipal"})
    assert (built.region_name, built.effective_to, built.window_from) == ("江门市", date(2025, 12, 31), date(2023, 1, 1))


# --- the seed catalogue ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _seed_rules():
    from incentives.policy_files import PolicyData, read_files
    from incentives.policy_files.reader import fact_spec

    files = [ROOT / "fixtures" / "facts.yaml", *sorted((ROOT / "fixtures" / "policies").glob("*.yaml"))]
    reports = read_files([(str(path), path.read_text(encoding="utf-8")) for path in files])
    specs = {raw["key"]: fact_spec(raw) for report in reports if report.ok for raw in report.data.facts}
    rules = [build_rule(report.data.document, incentive, specs)
             for report in reports if report.ok and isinstance(report.data, PolicyData)
             for incentive in report.data.incentives]
    return rules, specs


def _profile(specs, rng, unknown_share):
    facts = {}
    for key, spec in specs.items():
        if rng.random() < unknown_share:
            continue
        if spec.type == FactType.BOOL:
            facts[key] = rng.random() < 0.5
        elif spec.type == FactType.CHOICE:
            facts[key] = rng.choice(spec.choices)
        elif spec.type == FactType.DATE:
            facts[key] = date(2020, 1, 1) + (date(2025, 1, 1) - date(2020, 1, 1)) * rng.random()
        else:
            facts[key] = Decimal(rng.randint(0, 2_000_000)) / 100
    return facts


def test_every_seed_incentive_evaluates_the_same_with_and_without_explanations():
    rules, specs = _seed_rules()
    if not rules:
        pytest.skip("no policy file validates at the moment")
    rng = random.Random(20240601)
    for unknown_share in (0.0, 0.5, 1.0):
        facts = _profile(specs, rng, unknown_share)
        for on in (date(2024, 6, 1), date(2026, 6, 1)):
            loud = evaluate_all(rules, facts, on=on, specs=specs)
            quiet = evaluate_all(rules, facts, on=on, specs=specs, explain=False)
            assert [(r.status, r.rule_status, r.missing) for r in loud] == \
                   [(r.status, r.rule_status, r.missing) for r in quiet]
            for rule, said, fast in zip(rules, loud, quiet):
                if facts.get("city") in (None, rule.region):
                    assert (said.amount.value, said.amount.is_maximum) == (fast.amount.value, fast.amount.is_maximum)
                else:   # another city's rule: not eligible, and on the fast path its amount is not worked out
                    assert fast.status == Status.NOT_ELIGIBLE
                    assert fast.amount.value in (None, said.amount.value), rule.key
            for result in loud:
                assert result.reasons, result.key
                assert result.status != Status.UNKNOWN or result.missing, result.key
