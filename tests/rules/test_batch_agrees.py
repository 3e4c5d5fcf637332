"""The column-wise engine (matching a million profiles) and the explaining engine (one enterprise's results page)
are one engine: for random rules of the format's shapes and random stored answers, they give the same status,
the same verdict of the conditions and the same amount."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incentives.rules.answers import AnswerError, coerce_answer
from incentives.rules.batch import Columns, amount_for, batch_rule, eligible, statuses
from incentives.rules.evaluate import IncentiveRule, RuleIndex, Status, evaluate
from incentives.rules.model import Compare, FactSpec, FactType
from incentives.rules.parse import parse_amount, parse_condition

from .test_format_shapes import SPECS as SHAPE_SPECS

ON = date(2024, 6, 1)
TODAY = date(2024, 6, 30)
SPECS = {**SHAPE_SPECS, "founded": FactSpec("founded", FactType.DATE, label="成立日期")}
ASKED = [key for key, spec in SPECS.items() if spec.compute is None and key != "city"]
UNITS = {"rd_now": "万元", "rd_before": "万元", "hardware": "万元", "software": "万元", "price": "万元",
         "funding": "万元", "rate": "%", "industry_rate": "%", "growth": "%", "share": "%", "doctors": "人",
         "tons": "吨", "rd_increase": "万元", "rd_growth": "%", "digital": "万元"}

# --- stored answers as the questionnaire keeps them (text), with what people also type --------------------------

cents = st.integers(min_value=-5_000, max_value=2_000_000)


def _number(key: str):
    spec = SPECS[key]
    if spec.type == FactType.INTEGER:
        plain = st.integers(min_value=-3, max_value=60).map(str)
    elif spec.type == FactType.NUMBER:
        plain = st.integers(min_value=-10, max_value=10**9).map(lambda n: str(Decimal(n) / 10000))
    else:
        plain = cents.map(lambda n: str(Decimal(n) / 100))
    odd = st.sampled_from(["1,234.5", "１２０", " 80 ", "1e3", "12.345", "abc", "150", "-120", "1.50", "0", "-0",
                           "100", "2000.00", "99.99", "1000000000001"])
    return st.one_of(plain, plain, plain, odd)


def _answer(key: str):
    spec = SPECS[key]
    if spec.type == FactType.BOOL:
        value = st.sampled_from([True, False, "true", "false", "是", "否", "maybe", 1])
    elif spec.type == FactType.CHOICE:
        value = st.sampled_from([*spec.choices, "nonsense"])
    elif spec.type == FactType.DATE:
        value = st.one_of(st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 1, 1)).map(date.isoformat),
                          st.sampled_from(["2024-02-30", "20240101", "yesterday"]))
    elif spec.per_project:
        value = st.one_of(_number(key), st.lists(cents.map(lambda n: str(Decimal(n) / 100)), min_size=1, max_size=3))
    else:
        value = _number(key)
    return st.one_of(st.none(), value, value)


profiles = st.fixed_dictionaries({key: _answer(key) for key in ASKED})


def typed(raw: dict) -> dict:
    """What incentives.questionnaire.typed_answers makes of stored answers (refused ones are unanswered)."""
    facts: dict[str, object] = {"city": "example"}
    for key, value in raw.items():
        try:
            value = coerce_answer(SPECS[key], value, today=TODAY)
        except AnswerError:
            continue
        if value is not None:
            facts[key] = value
    return facts


# --- rules of the format's shapes (docs/fixture-format.md, test_format_shapes.py) ------------------------------

figure = st.integers(min_value=0, max_value=20_000).map(lambda n: Decimal(n) / 100)


@st.composite
def leaves(draw):
    kind = draw(st.sampled_from(["bool", "choice", "number", "computed", "other", "date"]))
    if kind == "bool":
        return {"fact": "provincial", "eq": draw(st.booleans())}
    if kind == "choice":
        chosen = draw(st.lists(st.sampled_from(["medium", "small", "micro"]), min_size=1, max_size=3, unique=True))
        return {"fact": "size", "in": chosen} if len(chosen) > 1 else {"fact": "size", "eq": chosen[0]}
    op = draw(st.sampled_from(["gte", "gt", "lte", "lt"]))
    if kind == "date":
        return Compare(fact="founded", op=op, value=draw(st.dates(min_value=date(2016, 1, 1),
                                                                  max_value=date(2024, 12, 1))).isoformat())
    if kind == "other":
        left, right = draw(st.sampled_from([("rate", "industry_rate"), ("rd_now", "rd_before"),
                                            ("hardware", "digital"), ("rd_growth", "growth")]))
        return {"fact": left, op: {"fact": right}}
    key = draw(st.sampled_from(["rd_now", "hardware", "rate", "growth", "doctors", "tons", "price"] if kind == "number"
                               else ["rd_growth", "rd_increase", "digital"]))
    value = draw(figure)
    if SPECS[key].type == FactType.INTEGER:
        value = value.to_integral_value()
    if key == "rd_growth" and draw(st.booleans()):
        value = Decimal(draw(st.sampled_from([0, 10, 20, 25, 50, 100])))   # round rates: exact growths land on them
    return {"fact": key, op: f"{value.normalize():f}{UNITS[key]}"}


def _condition(draw, depth: int):
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(leaves())
    kind = draw(st.sampled_from(["all", "any", "not"]))
    if kind == "not":
        return {"not": _condition(draw, depth - 1)}
    return {kind: [_condition(draw, depth - 1) for _ in range(draw(st.integers(1, 3)))]}


def _parsed(raw, path="e"):
    if isinstance(raw, Compare):
        return raw
    if isinstance(raw, dict) and ("all" in raw or "any" in raw):
        from incentives.rules.model import AllOf, AnyOf
        key = "all" if "all" in raw else "any"
        items = tuple(_parsed(item, f"{path}.{key}") for item in raw[key])
        return AllOf(items) if key == "all" else AnyOf(items)
    if isinstance(raw, dict) and "not" in raw:
        from incentives.rules.model import Not
        return Not(_parsed(raw["not"], f"{path}.not"))
    return parse_condition(raw, SPECS, path)


conditions = st.composite(lambda draw: _parsed(_condition(draw, 3)))()

caps = st.lists(st.fixed_dictionaries({"value": figure.map(lambda v: f"{v.normalize():f}万元")}), max_size=1)
amounts = st.one_of(
    st.builds(lambda v: {"type": "fixed", "value": f"{v.normalize():f}万元", "quote": "q"}, figure),
    st.builds(lambda base, rate, c: {"type": "rate", "base": base, "rate": f"{rate}%", "caps": c, "quote": "q"},
              st.sampled_from(["hardware", "price", "rd_increase", "digital", "funding"]), st.integers(1, 100), caps),
    st.builds(lambda c: {"type": "per_unit", "base": "tons", "value": "50元/吨", "caps": c, "quote": "q"}, caps),
    st.builds(lambda c: {"type": "per_unit", "base": "doctors", "value": "5万元/人", "caps": c, "quote": "q"}, caps),
    st.just({"type": "rate", "base": "equipment", "rate": "10%", "quote": "q",
             "caps": [{"value": "100万元", "per": "project"}, {"value": "150万元", "per": "enterprise"}]}),
    st.just({"type": "cases", "quote": "q", "cases": [
        {"when": {"fact": "size", "eq": "small"}, "amount": {"type": "fixed", "value": "30万元", "quote": "q"}},
        {"when": {"fact": "doctors", "gte": "3人"}, "amount": {"type": "per_unit", "base": "doctors",
                                                               "value": "5万元/人", "quote": "q"}}]}),
    st.just({"type": "none"}),
)


@st.composite
def rules(draw):
    window = draw(st.sampled_from([None, (date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 7, 1), None)]))
    return IncentiveRule(key=f"example/r{draw(st.integers(0, 10**6))}", name="x", document_key="example",
                         document_title="示例", region="example", region_name="示例市", clause_number="第二条",
                         eligibility=draw(conditions), amount=parse_amount(draw(amounts), SPECS, "amount"),
                         document_status=draw(st.sampled_from(["in_force", "in_force", "draft"])),
                         window_from=window[0] if window else None, window_to=window[1] if window else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rule=rules(), answers=st.lists(profiles, min_size=1, max_size=40))
def test_the_column_wise_engine_agrees_with_the_explaining_one(rule, answers):
    columns = Columns.from_answers(answers, SPECS, TODAY)
    status, rule_status = statuses(rule, columns, city="example", on=ON, specs=SPECS)
    compiled = batch_rule(rule, SPECS)
    expected = {}
    for row, raw in enumerate(answers):
        facts = typed(raw)
        explained = evaluate(rule, facts, on=ON, specs=SPECS, explain=True)
        assert (status[row], rule_status[row]) == (explained.status, explained.rule_status), (raw, explained.reasons)
        if explained.status == Status.ELIGIBLE:
            fast = amount_for(compiled, columns, row, city="example", specs=SPECS)
            assert fast.value == explained.amount.value, (raw, explained.amount.steps)
            assert fast.is_maximum == explained.amount.is_maximum
            expected[row] = (explained.amount.value, explained.amount.is_maximum)
    # the match's question: the eligible rows and their amounts (shared between rows with the same answers)
    found = {row: (amount.value, amount.is_maximum)
             for row, _, amount in eligible([rule], columns, city="example", on=ON, specs=SPECS)}
    assert found == expected


def test_a_growth_exactly_on_the_threshold_is_judged_exactly():
    # (1200 − 1000) ÷ 1000 = 20% exactly; in floats it could fall either side, so the row is judged in Decimals
    rule = IncentiveRule(key="example/g", name="g", document_key="example", document_title="示例", region="example",
                         region_name="示例市", clause_number="1",
                         eligibility=parse_condition({"fact": "rd_growth", "gte": "20%"}, SPECS, "e"))
    answers = [{"rd_now": "1200", "rd_before": "1000"}, {"rd_now": "1199.99", "rd_before": "1000"},
               {"rd_now": "0.3", "rd_before": "0.25"}, {"rd_now": "5", "rd_before": "0"}, {"rd_now": "5"}]
    status, _ = statuses(rule, Columns.from_answers(answers, SPECS, TODAY), city="example", on=ON, specs=SPECS)
    assert status == [Status.ELIGIBLE, Status.NOT_ELIGIBLE, Status.ELIGIBLE, Status.NOT_ELIGIBLE, Status.UNKNOWN]


def test_an_enterprise_is_judged_against_its_own_citys_rules_only():
    def city_rule(region, key):
        return IncentiveRule(key=f"{region}/{key}", name=key, document_key=region, document_title="示例", region=region,
                             region_name=region, clause_number="1",
                             amount=parse_amount({"type": "rate", "base": "hardware", "rate": "10%", "quote": "q"},
                                                 SPECS, "amount"))
    index = RuleIndex([city_rule("example", "a"), city_rule("jiangmen", "b"), city_rule("example", "c")])
    assert [r.key for r in index.rules_for({"city": "example"})] == ["example/a", "example/c"]
    assert len(index.rules_for({})) == 3               # city not known yet: every rule is still possible
    results = index.evaluate({"city": "example", "hardware": Decimal(100)}, on=ON, specs=SPECS)
    assert [(r.key, r.status, r.amount.value) for r in results] == [
        ("example/a", Status.ELIGIBLE, Decimal(10)), ("example/c", Status.ELIGIBLE, Decimal(10))]
    # another city's rule, on the fast path: not eligible, and its amount is not worked out
    other = evaluate(index.by_region["jiangmen"][0], {"city": "example", "hardware": Decimal(100)}, on=ON,
                     specs=SPECS, explain=False)
    assert other.status == Status.NOT_ELIGIBLE and other.amount.value is None
