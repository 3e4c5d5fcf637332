"""The shapes real policies need: rates as the text writes them, amounts per unit, computed facts, one fact against
another, citations of another clause, payment schedules, several projects, cost sharing; and honest wording."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from incentives.rules.answers import AnswerError, coerce_answer
from incentives.rules.describe import describe_amount, describe_condition
from incentives.rules.evaluate import IncentiveRule, Status, evaluate, evaluate_amount
from incentives.rules.figures import FigureError, figure_in_text, parse_figure
from incentives.rules.model import Computed, FactSpec, FactType
from incentives.rules.parse import RuleError, parse_amount, parse_condition
from incentives.rules.text import clause_label, join_page_breaks

ON = date(2024, 6, 1)
SPECS = {spec.key: spec for spec in [
    FactSpec("city", FactType.CHOICE, choices=("jiangmen", "example"), label="企业注册地（所在城市）",
             choice_labels=(("jiangmen", "江门市"), ("example", "示例市"))),
    FactSpec("provincial", FactType.BOOL, label="是否已享受省级技改政策？"),
    FactSpec("size", FactType.CHOICE, choices=("medium", "small", "micro"), label="企业规模",
             choice_labels=(("medium", "中型企业"), ("small", "小型企业"), ("micro", "微型企业"))),
    FactSpec("rd_now", FactType.MONEY, "万元", label="上年度研发费用"),
    FactSpec("rd_before", FactType.MONEY, "万元", label="前一年度研发费用"),
    FactSpec("rd_increase", FactType.MONEY, "万元", label="研发费用增加额", compute=Computed("difference", ("rd_now", "rd_before"))),
    FactSpec("rd_growth", FactType.PERCENT, "%", label="研发费用增长率", compute=Computed("growth", ("rd_now", "rd_before")),
             growth=True),
    FactSpec("hardware", FactType.MONEY, "万元", label="硬件投入"),
    FactSpec("software", FactType.MONEY, "万元", label="软件投入"),
    FactSpec("digital", FactType.MONEY, "万元", label="软硬件投入合计", compute=Computed("sum", ("hardware", "software"))),
    FactSpec("rate", FactType.PERCENT, "%", label="上年度工业增加值率"),
    FactSpec("industry_rate", FactType.PERCENT, "%", label="所属行业平均工业增加值率"),
    FactSpec("equipment", FactType.MONEY, "万元", label="项目设备投资额", per_project=True),
    FactSpec("doctors", FactType.INTEGER, "人", label="新引进的博士人数"),
    FactSpec("tons", FactType.NUMBER, "吨", label="综合利用的工业固体废物数量"),
    FactSpec("price", FactType.MONEY, "万元", label="首台（套）装备产品的单台（套）售价是多少？"),
    FactSpec("funding", FactType.MONEY, "万元", label="参与国家先进制造业集群竞赛所获国家支持资金是多少（万元）？"),
    FactSpec("growth", FactType.PERCENT, "%", label="上年度产值增速", growth=True),
    FactSpec("share", FactType.PERCENT, "%", label="研发人员占比"),
]}


def amount(raw, facts):
    return evaluate_amount(parse_amount(raw, SPECS), facts, SPECS)


def rule(eligibility=None, raw_amount=None, clause="第二条"):
    return IncentiveRule(key="example/x", name="x", document_key="example", document_title="示例", region="example",
                         region_name="示例市", clause_number=clause,
                         eligibility=parse_condition(eligibility, SPECS, "eligibility"),
                         amount=parse_amount(raw_amount, SPECS))


# --- rates and amounts as the text writes them ---------------------------------------------------------------

@pytest.mark.parametrize(("written", "percent"), [
    ("5‰", "0.5"), ("千分之五", "0.5"), ("千分之5", "0.5"), ("千分之1.5", "0.15"), ("百分之十", "10"),
    ("百分之二十五", "25"), ("百分之20", "20"), ("20％", "20"),
])
def test_a_rate_is_read_in_the_texts_own_form(written, percent):
    figure = parse_figure(written)
    assert figure.unit == "%" and figure.value == Decimal(percent)


def test_a_rate_in_words_must_appear_as_the_text_writes_it():
    assert figure_in_text(parse_figure("千分之五"), "按研发费用增加额的千分之五给予奖励")
    assert not figure_in_text(parse_figure("5‰"), "按研发费用增加额的千分之五给予奖励")
    with pytest.raises(FigureError):
        parse_figure("千分之许多")


def test_a_per_mille_rate_computes_exactly():
    result = amount({"type": "rate", "base": "hardware", "rate": "5‰", "quote": "按投入的5‰给予补助"},
                    {"hardware": Decimal(2000)})
    assert result.value == Decimal(10) and result.steps == ("5‰ × 2000万元 = 10万元",)


def test_an_amount_per_person_counts_the_persons():
    # 第五条：对企业新引进的博士，按5万元/人给予安家补贴
    raw = {"type": "per_unit", "base": "doctors", "value": "5万元/人", "quote": "按5万元/人给予安家补贴"}
    result = amount(raw, {"doctors": Decimal(3)})
    assert result.value == Decimal(15) and result.steps == ("3人 × 5万元/人 = 15万元",)
    assert describe_amount(parse_amount(raw, SPECS), SPECS) == "按新引进的博士人数计，每人5万元"


def test_an_amount_per_ton_counts_fractions_and_is_capped():
    # 第六条：按50元/吨给予补贴，最高100万元
    raw = {"type": "per_unit", "base": "tons", "value": "50元/吨", "caps": [{"value": "100万元"}],
           "quote": "按50元/吨给予补贴，最高100万元"}
    assert amount(raw, {"tons": Decimal("1000.5")}).value == Decimal("5.0025")
    assert amount(raw, {"tons": Decimal(300000)}).value == Decimal(100)


def test_the_text_may_say_per_person_before_the_amount():
    assert figure_in_text(parse_figure("12万元/人"), "分别给予每人12万元、10万元资金奖补")
    assert figure_in_text(parse_figure("10万元/人"), "分别给予每人12万元、10万元资金奖补")
    assert not figure_in_text(parse_figure("15万元/人"), "分别给予每人12万元、10万元资金奖补")


def test_a_per_unit_amount_must_match_the_unit_of_its_base():
    with pytest.raises(RuleError, match="按吨计，计算基数“doctors”的单位却是“人”"):
        parse_amount({"type": "per_unit", "base": "doctors", "value": "50元/吨", "quote": "q"}, SPECS)


# --- computed facts and one fact against another -------------------------------------------------------------

def test_an_increment_is_computed_from_two_answers():
    raw = {"type": "rate", "base": "rd_increase", "rate": "千分之五", "quote": "按研发费用增加额的千分之五给予奖励"}
    assert amount(raw, {"rd_now": Decimal(1500), "rd_before": Decimal(1000)}).value == Decimal("2.5")
    missing = amount(raw, {"rd_now": Decimal(1500)})
    assert missing.value is None and missing.missing == ("rd_before",)   # the answer to ask, not the computed fact


def test_a_growth_rate_is_computed_and_its_inputs_are_what_is_asked():
    r = rule({"fact": "rd_growth", "gte": "20%", "quote": "研发费用比上年增长20%以上"})
    assert r.eligibility.facts() == {"rd_now", "rd_before"}
    grown = evaluate(r, {"city": "example", "rd_now": Decimal(1250), "rd_before": Decimal(1000)}, on=ON, specs=SPECS)
    assert grown.status == Status.ELIGIBLE
    assert "示例市·第二条：研发费用增长率：按您的回答计算为25%；条文要求 ≥ 20% ✓" in grown.reasons
    flat = evaluate(r, {"city": "example", "rd_now": Decimal(1100), "rd_before": Decimal(1000)}, on=ON, specs=SPECS)
    assert flat.status == Status.NOT_ELIGIBLE
    unknown = evaluate(r, {"city": "example", "rd_now": Decimal(1100)}, on=ON, specs=SPECS)
    assert unknown.status == Status.UNKNOWN and unknown.missing == ("rd_before",)
    assert "示例市·第二条：研发费用增长率：尚未回答（需填写：前一年度研发费用；条文要求 ≥ 20%）" in unknown.reasons
    from_zero = evaluate(r, {"city": "example", "rd_now": Decimal(100), "rd_before": Decimal(0)}, on=ON, specs=SPECS)
    assert from_zero.status == Status.NOT_ELIGIBLE and any("无法计算（上期为0）" in line for line in from_zero.reasons)


def test_a_sum_of_investments():
    r = rule({"fact": "digital", "gte": "100万元", "quote": "软硬件投入合计100万元以上"})
    facts = {"city": "example", "hardware": Decimal(60), "software": Decimal(50)}
    assert evaluate(r, facts, on=ON, specs=SPECS).status == Status.ELIGIBLE
    assert evaluate(r, {**facts, "software": Decimal(30)}, on=ON, specs=SPECS).status == Status.NOT_ELIGIBLE


def test_one_fact_is_compared_with_another():
    # 上年度工业增加值率不低于所属行业平均水平
    r = rule({"fact": "rate", "gte": {"fact": "industry_rate"}, "quote": "不低于所属行业平均水平"})
    assert describe_condition(r.eligibility, SPECS) == ["上年度工业增加值率 ≥ 所属行业平均工业增加值率"]
    above = evaluate(r, {"city": "example", "rate": Decimal(30), "industry_rate": Decimal(25)}, on=ON, specs=SPECS)
    assert above.status == Status.ELIGIBLE
    assert ("示例市·第二条：上年度工业增加值率：您的回答 30%，所属行业平均工业增加值率为25%；"
            "条文要求 ≥ 所属行业平均工业增加值率 ✓") in above.reasons
    below = evaluate(r, {"city": "example", "rate": Decimal(20), "industry_rate": Decimal(25)}, on=ON, specs=SPECS)
    assert below.status == Status.NOT_ELIGIBLE
    half = evaluate(r, {"city": "example", "rate": Decimal(20)}, on=ON, specs=SPECS)
    assert half.status == Status.UNKNOWN and half.missing == ("industry_rate",)


def test_facts_of_different_units_cannot_be_compared():
    with pytest.raises(RuleError, match="类型或单位不同"):
        parse_condition({"fact": "rate", "gte": {"fact": "hardware"}}, SPECS, "e")


def test_a_condition_quoted_from_another_clause_is_cited_there():
    r = rule({"all": [{"fact": "provincial", "eq": False, "clause": "第一条", "quote": "未享受省级技改政策"}]})
    result = evaluate(r, {"city": "example", "provincial": False}, on=ON, specs=SPECS)
    assert "示例市·第一条：是否已享受省级技改政策：您的回答 否；条文要求 否 ✓" in result.reasons


# --- honest wording ------------------------------------------------------------------------------------------

def test_a_yes_no_reason_shows_the_answer_and_the_requirement():
    r = rule({"fact": "provincial", "eq": False, "quote": "未享受省级技改政策"}, clause="9")
    result = evaluate(r, {"city": "example", "provincial": True}, on=ON, specs=SPECS)
    assert "示例市·第9条：是否已享受省级技改政策：您的回答 是；条文要求 否 ✗" in result.reasons
    assert not any("？：" in line for line in result.reasons)   # no doubled punctuation


def test_in_conditions_show_labels_not_keys():
    r = rule({"fact": "size", "in": ["small", "micro"]}, clause="（六）")
    assert describe_condition(r.eligibility, SPECS) == ["企业规模：小型企业、微型企业之一"]
    result = evaluate(r, {"city": "example", "size": "medium"}, on=ON, specs=SPECS)
    assert "示例市·（六）：企业规模：您的回答 中型企业；条文要求 小型企业、微型企业之一 ✗" in result.reasons


@pytest.mark.parametrize(("number", "label"), [("9", "第9条"), ("十", "第十条"), ("（十）", "（十）"), ("三（二）", "三（二）"),
                                               ("序言", "序言"), ("第三条", "第三条")])
def test_clauses_are_cited_as_the_text_numbers_them(number, label):
    assert clause_label(number) == label


def test_amount_sentences_read_as_chinese():
    ratio = parse_amount({"type": "rate", "base": "funding", "ratio": "1:1", "up_to": True,
                          "quote": "最高给予1:1配套支持"}, SPECS)
    assert describe_amount(ratio, SPECS) == "最高按参与国家先进制造业集群竞赛所获国家支持资金的1:1比例计算"
    fixed = parse_amount({"type": "fixed", "value": "100万元", "up_to": True,
                          "caps": [{"value": "100万元", "per": "project"}], "quote": "单个项目给予最高100万元扶持"}, SPECS)
    assert describe_amount(fixed, SPECS) == "最高100万元"   # the cap is not said twice


def test_a_stated_cap_without_a_rule_is_shown():
    # 韶关（十四）：按一定比例再予奖补，每家企业不超过 50 万元
    raw = {"type": "none", "caps": [{"value": "50万元", "per": "enterprise"}],
           "quote": "按一定比例再予奖补，每家企业不超过 50 万元"}
    assert describe_amount(parse_amount(raw, SPECS), SPECS) == "条文未规定计算方法，单个企业最高50万元"
    result = amount(raw, {})
    assert (result.value, result.is_maximum, result.none_in_text) == (Decimal(50), True, False)


def test_a_cost_share_shows_the_share_without_a_base():
    # 韶关（二十八）：对办学费用由企业和市财政按7:3的比例共同承担
    raw = {"type": "cost_share", "of": "办学费用", "split": "7:3", "parties": ["企业", "市财政"],
           "quote": "对办学费用由企业和市财政按7:3的比例共同承担"}
    said = describe_amount(parse_amount(raw, SPECS), SPECS)
    assert said == "办学费用由企业和市财政按7:3的比例共同承担（市财政承担30%），条文未规定金额"
    with pytest.raises(RuleError, match="分担方"):
        parse_amount({**raw, "parties": ["企业"]}, SPECS)


def test_a_floor_above_the_rate_is_the_texts_and_is_flagged():
    # 江门13：按单台（套）装备产品售价的30%给予奖励，支持额度不低于100万元
    raw = {"type": "rate", "base": "price", "rate": "30%", "floor": "100万元",
           "quote": "按单台（套）装备产品售价的30%给予奖励，支持额度不低于100万元"}
    result = amount(raw, {"price": Decimal(80)})
    assert result.value == Decimal(100)
    assert "按比例计算为24万元，低于条文规定的下限；条文规定不低于100万元，取100万元" in result.steps
    assert any("下限100万元高于首台（套）装备产品的单台（套）售价80万元本身" in step for step in result.steps)


# --- payment schedules, several projects ----------------------------------------------------------------------

SCHEDULED = {"type": "rate", "base": "hardware", "rate": "百分之十", "quote": "按项目设备投资额的百分之十给予奖励",
             "installments": {"quote": "奖励资金分两期拨付",
                              "schedule": [{"share": "30%", "when": "项目开工后"}, {"share": "70%", "when": "竣工验收后"}]}}


def test_installments_are_a_schedule_with_amounts():
    result = amount(SCHEDULED, {"hardware": Decimal(1000)})
    assert result.value == Decimal(100)
    assert result.steps[-3:] == ("分期兑付（奖励资金分两期拨付）：", "第1期（项目开工后）：30%，30万元", "第2期（竣工验收后）：70%，70万元")
    assert describe_amount(parse_amount(SCHEDULED, SPECS), SPECS).endswith("分期兑付：第1期30%（项目开工后），第2期70%（竣工验收后）")


@pytest.mark.parametrize(("schedule", "message"), [
    ([{"share": "30%", "when": "开工", "by": "x"}], "不认识的字段“by”"),
    ([{"share": "30%"}, {"share": "60%"}], "合计为90%，应为100%"),
    ([{"share": "30%"}, {"when": "验收后"}], "要么都写"),
    ([{"share": "30万元"}], "应为不超过100%的比例"),
])
def test_a_bad_schedule_is_refused(schedule, message):
    raw = {**SCHEDULED, "installments": {"quote": "分两期拨付", "schedule": schedule}}
    with pytest.raises(RuleError, match=message):
        parse_amount(raw, SPECS)


def test_an_unknown_key_inside_installments_is_refused():
    raw = {**SCHEDULED, "installments": {"quote": "分两期拨付", "stages": 2}}
    with pytest.raises(RuleError, match="不认识的字段“stages”"):
        parse_amount(raw, SPECS)


PROJECTS = {"type": "rate", "base": "equipment", "rate": "10%", "quote": "q",
            "caps": [{"value": "100万元", "per": "project"}, {"value": "150万元", "per": "enterprise"}]}


def test_per_project_caps_bind_each_project_and_the_enterprise_cap_their_sum():
    result = amount(PROJECTS, {"equipment": (Decimal(1200), Decimal(800))})
    assert result.value == Decimal(150)
    assert result.steps[0].startswith("项目1：10% × 1200万元 = 120万元；不超过单个项目最高100万元，取100万元")
    assert "2个项目合计180万元" in result.steps
    one = amount(PROJECTS, {"equipment": (Decimal(600),)})
    assert one.value == Decimal(60)


def test_several_projects_are_answered_one_number_each():
    spec = SPECS["equipment"]
    assert coerce_answer(spec, "1200；800", today=ON) == (Decimal(1200), Decimal(800))
    with pytest.raises(AnswerError, match="只能填一个数"):
        coerce_answer(SPECS["hardware"], [1, 2], today=ON)


def test_a_per_project_fact_cannot_be_a_condition():
    with pytest.raises(RuleError, match="只能作为金额的计算基数"):
        parse_condition({"fact": "equipment", "gte": "100万元"}, SPECS, "e")


# --- answers --------------------------------------------------------------------------------------------------

def test_a_growth_rate_may_exceed_100_percent_but_a_share_may_not():
    assert coerce_answer(SPECS["growth"], "150", today=ON) == Decimal(150)
    with pytest.raises(AnswerError, match="不能低于 -100%"):
        coerce_answer(SPECS["growth"], "-120", today=ON)
    with pytest.raises(AnswerError, match="应在 -100% 到 100% 之间"):
        coerce_answer(SPECS["share"], "150", today=ON)


def test_a_computed_fact_is_not_answered():
    with pytest.raises(AnswerError, match="由其他回答计算得出"):
        coerce_answer(SPECS["rd_growth"], "30", today=ON)


# --- page breaks ----------------------------------------------------------------------------------------------

def test_a_page_break_inside_a_word_is_joined_for_display_only():
    text = "对符合条件的工业小升规、股\n\n改、上市企业分别给予奖励。\n\n13.大力提升企业技术创新能力。"
    assert join_page_breaks(text) == "对符合条件的工业小升规、股改、上市企业分别给予奖励。\n\n13.大力提升企业技术创新能力。"
    assert join_page_breaks("分别给予一\n\n次性 20 万元") == "分别给予一次性 20 万元"
    assert join_page_breaks("指导思想\n\n一、发展目标") == "指导思想\n\n一、发展目标"
