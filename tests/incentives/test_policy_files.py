"""The fixture reader: every kind of bad file is refused with the file, the place and the problem."""
from __future__ import annotations

import copy

import pytest
import yaml

from incentives.policy_files import read_files
from tests.conftest import FIXTURES, POLICY_FILES

FACTS = (FIXTURES / "facts.yaml").read_text(encoding="utf-8")

CLAUSE_9 = ("9.推动制造业企业增资扩产。引导制造业企业扩大技改投资，2023 至 2025 年，单个项目按不超过新设备购置额的 20%，"
            "给予最高 5000 万元奖励；支持未享受省级技改政策的企业参与申报市级技改政策，单个项目按不超过新设备购置额的 10%，"
            "给予最高 300 万元奖励。")

VALID = {
    "format": 1,
    "kind": "policy",
    "document": {
        "key": "test-doc", "region": "jiangmen", "issuer": "江门市人民政府", "title": "测试措施",
        "status": "in_force", "full_text": "测试措施\n\n" + CLAUSE_9 + "\n",
    },
    "departments": [{"key": "jiangmen-gxj", "name": "江门市工业和信息化局"}],
    "clauses": [{"number": "9", "text": CLAUSE_9, "departments": ["jiangmen-gxj"]}],
    "incentives": [
        {
            "key": "provincial", "clause": "9", "name": "省级技改奖励", "kind": "rate_with_cap",
            "beneficiary": "enterprise", "summary": "按新设备购置额的20%以内奖励，最高5000万元。",
            "eligibility": {"all": [{"fact": "is_manufacturing", "eq": True, "quote": "引导制造业企业扩大技改投资"}]},
            "amount": {"type": "rate", "base": "project_equipment_investment", "rate": "20%", "up_to": True,
                       "caps": [{"value": "5000万元", "per": "project"}],
                       "quote": "单个项目按不超过新设备购置额的 20%，给予最高 5000 万元奖励"},
            "window": {"from": "2023-01-01", "to": "2025-12-31", "quote": "2023 至 2025 年"},
            "excludes": ["municipal"],
            "departments": ["jiangmen-gxj"],
        },
        {
            "key": "municipal", "clause": "9", "name": "市级技改奖励", "kind": "rate_with_cap",
            "beneficiary": "enterprise", "summary": "按新设备购置额的10%以内奖励，最高300万元。",
            "amount": {"type": "rate", "base": "project_equipment_investment", "rate": "10%", "up_to": True,
                       "caps": [{"value": "300万元"}], "quote": "给予最高 300 万元奖励"},
            "excludes": ["provincial"],
        },
    ],
}


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def problems_of(data: dict | str) -> list[str]:
    text = data if isinstance(data, str) else dump(data)
    reports = read_files([("fixtures/facts.yaml", FACTS), ("policy.yaml", text)])
    return [str(problem) for report in reports for problem in report.problems]


def changed(path: str, value) -> dict:
    """A copy of the valid file with one value replaced, the path written as in the messages."""
    data = copy.deepcopy(VALID)
    node = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value
    return data


def test_the_valid_file_passes():
    assert problems_of(VALID) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("incentives[0].eligibility.all[0].fact", "is_factory", "incentives[0].eligibility.all[0].fact: 未知的事实项“is_factory”"),
        ("incentives[0].departments[0]", "jiangmen-kjj", "incentives[0].departments[0]: 未知的部门“jiangmen-kjj”"),
        ("clauses[0].departments[0]", "jiangmen-cz", "clauses[0].departments[0]: 未知的部门“jiangmen-cz”"),
        ("incentives[1].clause", "10", "incentives[1].clause: 条款“10”不存在"),
        ("incentives[0].amount.caps[0].value", "6000万元", "incentives[0].amount.caps[0].value: 金额或比例“6000万元”未出现在第9条"),
        ("incentives[0].amount.rate", "25%", "incentives[0].amount.rate: 金额或比例“25%”未出现"),
        ("incentives[0].amount.type", "percentage", "incentives[0].amount.type: 金额规则类型“percentage”不认识"),
        ("incentives[0].amount.caps[0].per", "decade", "incentives[0].amount.caps[0].per: “decade”不是封顶范围"),
        ("incentives[0].eligibility.all[0].eq", "yes", "incentives[0].eligibility.all[0].eq: 事实项“is_manufacturing”是是/否题"),
        ("incentives[0].amount.base", "city", "incentives[0].amount.base: 计算基数“city”应为数值类事实项"),
        ("incentives[0].amount.quote", "给予最高 9000 万元奖励", "incentives[0].amount.quote: 引文“给予最高 9000 万元奖励”不在第9条的条文中"),
        ("incentives[1].key", "provincial", "incentives[1].key: 激励项目“provincial”重复"),
        ("incentives[0].excludes[0]", "nothing", "incentives[0].excludes[0]: “nothing”不是本文件中另一个激励项目的键"),
        ("clauses[0].text", "9.推动制造业企业增资扩产。给予最高 5000 万元奖励。", "clauses[0].text: 第9条的条文与文件全文不一致"),
        ("incentives[0].kind", "gift", "incentives[0].kind: “gift”不是可用的值"),
        ("document.region", "guangzhou", "document.region: “guangzhou”不是事实项 city 的可选值"),
        ("document.effective_from", "2023-02-30", "document.effective_from: “2023-02-30”不是日期"),
        ("incentives[0].window.to", "2022-12-31", "incentives[0].window.to: 截止日期早于开始日期"),
    ],
)
def test_a_bad_value_is_refused_with_its_place_and_reason(path, value, expected):
    problems = problems_of(changed(path, value))
    assert any(problem.startswith("policy.yaml: " + expected) for problem in problems), problems


def test_a_missing_field_is_named():
    data = copy.deepcopy(VALID)
    del data["incentives"][1]["summary"]
    assert problems_of(data) == ["policy.yaml: incentives[1]: 缺少必填字段“summary”"]


def test_an_unknown_field_is_named():
    data = copy.deepcopy(VALID)
    data["incentives"][0]["amout"] = {}
    assert problems_of(data) == ["policy.yaml: incentives[0].amout: 不认识的字段“amout”"]


def test_a_duplicate_yaml_key_is_refused_with_its_line():
    text = dump(VALID).replace("kind: policy\n", "kind: policy\nformat: 1\n", 1)
    [problem] = problems_of(text)
    assert "重复的键“format”" in problem and "第 3 行" in problem


def test_broken_yaml_is_refused_with_its_line():
    [problem] = problems_of("format: 1\nkind: [policy\n")
    assert problem.startswith("policy.yaml: 第 ") and "YAML 格式错误" in problem


def test_a_fact_redefined_with_another_type_is_refused():
    data = copy.deepcopy(VALID)
    data["facts"] = [{"key": "is_manufacturing", "label": "制造业？", "type": "money", "unit": "万元"}]
    assert any("facts[0]: “is_manufacturing”是已有的共用事实项，政策文件不能修改它（类型由 bool 改为 money（万元）" in p
               for p in problems_of(data))


def test_a_fact_of_the_file_can_be_used_by_its_rules():
    data = copy.deepcopy(VALID)
    data["facts"] = [{"key": "jiangmen_received_provincial_award", "label": "是否已享受省级技改政策", "type": "bool"}]
    data["incentives"][1]["eligibility"] = {"fact": "jiangmen_received_provincial_award", "eq": False,
                                            "quote": "支持未享受省级技改政策的企业"}
    assert problems_of(data) == []


def test_threshold_figures_must_be_in_the_text():
    data = copy.deepcopy(VALID)
    data["incentives"][0]["eligibility"] = {"fact": "project_equipment_investment", "gte": "800万元"}
    assert any("eligibility.gte: 数字“800万元”未出现" in p for p in problems_of(data))


def test_figures_match_whole_numbers_only():
    # "30万元" appears inside "300 万元" but is not a figure of the text
    data = changed("incentives[1].amount.caps[0].value", "30万元")
    assert any("金额或比例“30万元”未出现" in p for p in problems_of(data))


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.name)
def test_every_seed_fixture_validates(path):
    reports = read_files([("facts.yaml", FACTS), (path.name, path.read_text(encoding="utf-8"))])
    assert [str(p) for r in reports for p in r.problems] == []
    assert all(not report.warnings for report in reports)
