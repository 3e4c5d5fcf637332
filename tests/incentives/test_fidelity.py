"""The fixtures read against their texts: every correction quotes the words it rests on. Also the loader's guards
(shared facts, kinds, schedules, YAML errors) and the preview an administrator reads before loading a file."""
from __future__ import annotations

import copy
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from incentives.policy_files import read_files
from incentives.policy_files.preview import preview_report, preview_text
from incentives.rules.combine import best_total
from incentives.rules.describe import describe_amount, describe_condition
from incentives.rules.evaluate import Status, build_rule, evaluate, evaluate_all
from incentives.rules.parse import parse_amount, parse_condition

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
FILES = sorted((FIXTURES / "policies").glob("*.yaml"))
ON = date(2024, 6, 30)


def _read(paths):
    return read_files([(str(path), path.read_text(encoding="utf-8")) for path in paths])


REPORTS = _read([FIXTURES / "facts.yaml", *FILES])
SPECS = {key: spec for report in REPORTS for key, spec in report.specs.items()}
DATA = {report.data.document["region"]: report.data for report in REPORTS if hasattr(report.data, "document")}


def incentive(region: str, key: str) -> dict:
    return next(raw for raw in DATA[region].incentives if raw["key"] == key)


def clause_text(region: str, number: str) -> str:
    return next(c["text"] for c in DATA[region].clauses if c["number"] == number)


def rule(region: str, key: str):
    return build_rule(DATA[region].document, incentive(region, key), SPECS)


def judge(region: str, key: str, facts: dict):
    return evaluate(rule(region, key), {"city": region, **facts}, on=ON, specs=SPECS, ignore_region=False)


def assert_in_text(region: str, number: str, words: str):
    compact = re.sub(r"\s+", "", clause_text(region, number))
    assert re.sub(r"\s+", "", words) in compact


def test_the_fixtures_validate():
    assert all(report.ok for report in REPORTS), [str(p) for r in REPORTS for p in r.problems]


# --- 省级技改: only for projects under the provincial programme; 江门's municipal award for those it does not support

TECH = {"is_manufacturing": True, "project_is_tech_renovation": True, "project_equipment_investment": Decimal(3000)}


@pytest.mark.parametrize(("region", "number"), [("heyuan", "（十）"), ("jiangmen", "9")])
def test_the_provincial_tech_renovation_award_asks_about_the_provincial_programme(region, number):
    assert_in_text(region, number, "鼓励制造业企业申报省级技改政策")
    assert judge(region, "tech-renovation-provincial", TECH).rule_status == Status.UNKNOWN
    assert judge(region, "tech-renovation-provincial", TECH).missing == ("project_provincial_tech_renovation",)
    no = judge(region, "tech-renovation-provincial", {**TECH, "project_provincial_tech_renovation": False})
    assert no.rule_status == Status.NOT_ELIGIBLE
    yes = judge(region, "tech-renovation-provincial", {**TECH, "project_provincial_tech_renovation": True})
    assert yes.rule_status == Status.ELIGIBLE and yes.amount.value == Decimal(600)


def test_jiangmen_municipal_tech_renovation_is_not_pushed_out_by_a_provincial_award_it_cannot_get():
    assert_in_text("jiangmen", "9", "支持未享受省级技改政策的企业参与申报市级技改政策，单个项目按不超过新设备购置额的 10%，给予最高 300 万元奖励")
    facts = {"city": "jiangmen", **TECH, "project_provincial_tech_renovation": False}
    rules = [rule("jiangmen", "tech-renovation-provincial"), rule("jiangmen", "tech-renovation-municipal")]
    results = evaluate_all(rules, facts, on=ON, specs=SPECS)
    assert [r.status for r in results] == [Status.NOT_ELIGIBLE, Status.ELIGIBLE]
    best = best_total(results, {r.key: r for r in rules})
    assert best.selected == ("jiangmen-2023-manufacturing/tech-renovation-municipal",) and best.total == 300
    assert ("江门市·第9条：该技术改造项目是否申报并享受省级技改政策（省级技术改造奖励）：您的回答 否；条文要求 是 ✗"
            in results[0].reasons)


def test_jiangmen_municipal_tech_renovation_lies_in_2023_to_2025():
    assert_in_text("jiangmen", "9", "2023 至 2025 年，单个项目")
    window = incentive("jiangmen", "tech-renovation-municipal")["window"]
    assert (str(window["from"]), str(window["to"]), window["quote"]) == ("2023-01-01", "2025-12-31", "2023 至 2025 年")


# --- 江门13 首台（套）: the floor is the text's, and flagged where it exceeds the rate's result or the price

def test_jiangmen_first_set_floor_is_shown_as_the_texts_and_flagged():
    assert_in_text("jiangmen", "13", "按单台（套）装备产品售价的30%给予奖励，支持额度不低于100万元")
    result = judge("jiangmen", "first-set-equipment-award", {"first_set_equipment": True,
                                                             "first_set_unit_price": Decimal(60)})
    assert result.amount.value == Decimal(100)
    steps = " ".join(result.amount.steps)
    assert "按比例计算为18万元，低于条文规定的下限；条文规定不低于100万元" in steps
    assert "下限100万元高于首台（套）装备产品的单台（套）售价60万元本身" in steps
    above = judge("jiangmen", "first-set-equipment-award", {"first_set_equipment": True,
                                                            "first_set_unit_price": Decimal(1000)})
    assert above.amount.value == Decimal(300) and "下限" not in " ".join(above.amount.steps)


# --- 韶关（八）: 国家单项冠军企业和产品 is one class, one amount --------------------------------------------------

def test_shaoguan_single_champion_enterprise_and_product_is_one_award_of_100():
    assert_in_text("shaoguan", "（八）", "对入选国家专精特新“小巨人”企业、国家单项冠军企业和产品、广东省“专精特新”中小企业以及市认定的专精特新中小企业，"
                                        "分别由市财政一次性给予100万元、100万元、50万元和20万元的奖励")
    keys = [raw["key"] for raw in DATA["shaoguan"].incentives if "single-champion" in raw["key"]]
    assert keys == ["national-single-champion-award"]
    both = judge("shaoguan", "national-single-champion-award", {"title_national_single_champion_enterprise": True,
                                                                "title_national_single_champion_product": True})
    assert both.status == Status.ELIGIBLE and both.amount.value == Decimal(100)


def test_jiangmen_single_champion_is_one_award_too():
    assert_in_text("jiangmen", "11", "制造业单项冠军示范企业（含冠军产品所在企业）一次性奖励 120 万元")
    keys = [raw["key"] for raw in DATA["jiangmen"].incentives if "champion" in raw["key"]]
    assert keys == ["single-champion-award"]


# --- conditions from the granting sentence, not the preamble ---------------------------------------------------

def test_shenzhen_tech_centre_grant_does_not_require_above_designated_size():
    # “鼓励规模以上工业企业设立研发机构” is encouragement; the grant: “对企业技术中心实施的组建和提升项目…给予最高500万元资助”
    assert_in_text("shenzhen", "6", "鼓励规模以上工业企业设立研发机构，对企业技术中心实施的组建和提升项目")
    assert rule("shenzhen", "enterprise-tech-center-grant").eligibility.facts() == {"shenzhen_tech_center_project"}


def test_shenzhen_green_grant_includes_data_centres_and_not_only_manufacturers():
    assert_in_text("shenzhen", "10", "对能效提升、智慧能源管理、资源综合利用、数据中心绿色化改造等项目，按不超过投资额的30%")
    assert "is_manufacturing" not in rule("shenzhen", "green-project-grant").eligibility.facts()


def test_every_quoted_condition_is_in_its_clause():
    for region, data in DATA.items():
        for raw in data.incentives:
            condition = parse_condition(raw.get("eligibility"), SPECS, "e")
            stack = [condition]
            while stack:
                node = stack.pop()
                if hasattr(node, "items"):
                    stack.extend(node.items)
                elif hasattr(node, "item"):
                    stack.append(node.item)
                elif node.quote:
                    assert_in_text(region, node.clause or raw["clause"], node.quote)


# --- stated shares and caps without a base are still shown ------------------------------------------------------

def test_shaoguan_cost_sharing_shows_the_citys_share():
    assert_in_text("shaoguan", "(二十八)", "对办学费用由企业和市财政按7:3的比例共同承担")
    amount = parse_amount(incentive("shaoguan", "skilled-talent-training-cost-sharing")["amount"], SPECS)
    assert describe_amount(amount, SPECS) == "办学费用由企业和市财政按7:3的比例共同承担（市财政承担30%），条文未规定金额"


def test_shaoguan_rd_increment_shows_its_cap():
    assert_in_text("shaoguan", "（十四）", "按一定比例再予奖补，每家企业不超过 50 万元")
    amount = parse_amount(incentive("shaoguan", "rd-increment-subsidy")["amount"], SPECS)
    said = describe_amount(amount, SPECS)
    assert said == "条文未规定计算方法，单个企业最高50万元" and "条文未规定具体金额" not in said
    result = judge("shaoguan", "rd-increment-subsidy", {"shaoguan_rd_expense_increased": True})
    assert (result.amount.value, result.amount.is_maximum) == (Decimal(50), True)


# --- kinds fit what the text promises --------------------------------------------------------------------------

def test_zhumadian_list_of_policy_tools_is_not_a_one_time_reward():
    assert_in_text("zhumadian", "三（二）", "充分发挥省高质量发展专项资金、设备更新改造再贷款和贴息等政策工具引导激励作用")
    kinds = {raw["key"]: raw["kind"] for raw in DATA["zhumadian"].incentives if raw["clause"] == "三（二）"}
    assert "one_time_reward" not in kinds.values() and "interest_subsidy" not in kinds.values()


def test_a_kind_that_disagrees_with_its_amount_rule_is_refused():
    data = yaml.safe_load((FIXTURES / "policies" / "004-jiangmen.yaml").read_text(encoding="utf-8"))
    target = next(raw for raw in data["incentives"] if raw["key"] == "talent-children-school-enrollment")
    target["kind"] = "tiered"
    problems = _problems(data)
    assert any("支持方式“tiered”与金额规则“none”不符" in p for p in problems)


# --- 河源（十二）and（四）-------------------------------------------------------------------------------------------

def test_heyuan_small_to_above_size_says_no_last_year_the_text_does_not_say():
    assert_in_text("heyuan", "（十二）", "对符合条件的工业小升规给予最高30万元")
    assert "上年度" not in clause_text("heyuan", "（十二）")
    lines = describe_condition(rule("heyuan", "small-to-above-size-award").eligibility, SPECS)
    assert not any("上年度" in line for line in lines)


def test_heyuan_provincial_cleaner_production_award_builds_on_the_first():
    assert_in_text("heyuan", "（四）", "对“十四五”期间通过开展清洁生产验收的给予最高4万元的一次性资助，被认定为省清洁生产企业再给予最高6万元的一次性资助")
    only_second = judge("heyuan", "provincial-cleaner-production-enterprise-award",
                        {"heyuan_cleaner_production_passed": False, "heyuan_provincial_cleaner_production_enterprise": True})
    assert only_second.rule_status == Status.NOT_ELIGIBLE


def test_heyuan_talent_awards_are_per_person_and_ask_how_many():
    assert_in_text("heyuan", "（十八）", "对被评定为企业经营高级管理人才、高级专业技术人才的分别给予每人12万元、10万元资金奖补")
    result = judge("heyuan", "talent-senior-manager-award", {"heyuan_talent_senior_manager_count": 2})
    assert result.amount.value == Decimal(24)
    assert SPECS["heyuan_talent_senior_professional_count"].unit == "人"


# --- caps scoped only where the text scopes them ---------------------------------------------------------------

def test_caps_are_scoped_only_where_the_text_scopes_them():
    words = {"project": ("单个项目", "每个项目"), "enterprise": ("单个企业", "每家企业"), "person_year": ("每人每年",),
             "enterprise_year": ("同一企业同一年度",)}
    for region, data in DATA.items():
        for raw in data.incentives:
            amount = raw.get("amount") or {}
            for cap in amount.get("caps", []) or []:
                scope = cap.get("per", "award")
                if scope != "award":
                    assert any(word in amount["quote"] for word in words[scope]), (region, raw["key"], cap)
    assert_in_text("shaoguan", "（十五）", "按照设备采购额 10%的比例给予奖励，最高不超过 100 万元")
    said = describe_amount(parse_amount(incentive("shaoguan", "industrial-robot-purchase-award")["amount"], SPECS), SPECS)
    assert said.endswith("，最高100万元") and "单个项目" not in said


# --- one vocabulary of facts -------------------------------------------------------------------------------------

SHARED = ["holds_national_little_giant", "holds_provincial_specialized", "newly_above_designated_size",
          "first_set_equipment", "first_set_unit_price", "has_bank_credit_loan", "provincial_cluster_digital_pilot",
          "project_provincial_tech_renovation"]


def test_facts_that_mean_the_same_everywhere_are_shared():
    facts_file = yaml.safe_load((FIXTURES / "facts.yaml").read_text(encoding="utf-8"))
    assert set(SHARED) <= {raw["key"] for raw in facts_file["facts"]}
    for data in DATA.values():
        declared = {raw["key"] for raw in data.facts}
        assert not declared & set(SHARED)
        region = data.document["region"]
        assert all(key.startswith(f"{region}_") or key == "city" for key in declared), declared
    used = {region: set().union(*(rule(region, raw["key"]).eligibility.facts() for raw in data.incentives))
            for region, data in DATA.items()}
    assert "holds_national_little_giant" in used["heyuan"] & used["jiangmen"] & used["shenzhen"]
    assert "newly_above_designated_size" in used["heyuan"] & used["jiangmen"] & used["shaoguan"]


def test_facts_an_officer_cannot_answer_say_who_decides():
    facts = {raw["key"]: raw for data in DATA.values() for raw in data.facts}
    for key in ("zhumadian_advantage_enterprise", "shaoguan_avg_output_growth_over_industry",
                "shenzhen_output_growth_meets_requirement"):
        assert facts[key].get("help"), key


# --- document metadata -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["heyuan", "zhumadian", "shenzhen"])
def test_drafts_invent_no_issuer_date_or_term(region):
    document = DATA[region].document
    assert not {"issuer", "number", "issued_on", "effective_from", "effective_to"} & set(document)
    assert "（征求意见稿）" in document["full_text"] and "征求意见稿" in document["status_basis"]
    preview = preview_report(next(r for r in REPORTS if r.data is DATA[region]), SPECS)
    metadata = dict(preview.metadata)
    assert metadata["发文机关"] == "文件未载明" and metadata["有效期"] == "文件未载明施行日期和有效期"


def test_shaoguan_signature_date_is_not_an_effective_date():
    document = DATA["shaoguan"].document
    assert "2020年4月27日" in document["full_text"] and "施行" not in document["full_text"]
    assert "effective_from" not in document and "effective_quote" not in document
    assert "文件未载明施行日期和有效期" in document["status_basis"]


# --- honest wording over the real fixtures ---------------------------------------------------------------------

def test_no_amount_sentence_pastes_a_question_or_doubles_punctuation():
    for region, data in DATA.items():
        for raw in data.incentives:
            said = describe_amount(parse_amount(raw.get("amount"), SPECS), SPECS)
            assert "？" not in said and "是多少" not in said, (region, raw["key"], said)
            assert not re.search(r"[，。；：、]{2}|（（|））|的的", said), said
            for line in describe_condition(parse_condition(raw.get("eligibility"), SPECS, "e"), SPECS):
                assert "？：" not in line and "第序言条" not in line, line


# --- the loader's guards ---------------------------------------------------------------------------------------

FACTS_TEXT = (FIXTURES / "facts.yaml").read_text(encoding="utf-8")


def _problems(data: dict | str, name: str = "policy.yaml") -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    reports = read_files([("fixtures/facts.yaml", FACTS_TEXT), (name, text)])
    return [str(problem) for report in reports for problem in report.problems]


def _example_text() -> str:
    doc = (ROOT / "docs" / "fixture-format.md").read_text(encoding="utf-8")
    block = doc.split("<!-- example: begin -->")[1].split("<!-- example: end -->")[0]
    return block.split("```yaml\n", 1)[1].rsplit("```", 1)[0]


def test_the_documented_example_loads_and_computes():
    reports = read_files([("fixtures/facts.yaml", FACTS_TEXT), ("example.yaml", _example_text())])
    assert all(report.ok for report in reports), [str(p) for r in reports for p in r.problems]
    [report] = [r for r in reports if r.file == "example.yaml"]
    assert "将为共用事实项“city”增加可选值：示例市" in " ".join(report.warnings)
    specs = {**SPECS, **report.specs}
    rules = {raw["key"]: build_rule(report.data.document, raw, specs) for raw in report.data.incentives}
    facts = {"city": "example", "above_designated_size": True, "example_value_added_rate": Decimal(30),
             "example_industry_value_added_rate": Decimal(25), "example_project_equipment_investment":
             (Decimal(1200), Decimal(2500), Decimal(3000)), "rd_expense": Decimal(1300),
             "example_rd_expense_previous": Decimal(1000), "example_hardware_investment": Decimal(80),
             "example_software_investment": Decimal(40), "example_doctor_count": 2, "example_solid_waste_tons": Decimal(400)}
    results = {r.key.split("/")[1]: r for r in evaluate_all(rules.values(), facts, on=ON, specs=specs)}
    assert all(r.rule_status == Status.ELIGIBLE for r in results.values()), {k: r.reasons for k, r in results.items()}
    # 120 + 200 (capped) + 200 (capped) = 520, capped per enterprise at 500; paid 30% then 70%
    tech = results["tech-renovation"]
    assert tech.amount.value == Decimal(500)
    assert "第1期（项目开工后）：30%，150万元" in tech.amount.steps
    assert "示例市·第一条：上年度工业增加值率：您的回答 30%，所属行业平均工业增加值率为25%；条文要求 ≥ 所属行业平均工业增加值率 ✓" \
        in tech.reasons
    assert results["rd-growth"].amount.value == Decimal("1.5")     # 千分之五 × 300
    assert results["digital-upgrade"].amount.value == Decimal("0.6")  # 5‰ × 120
    assert results["doctor-housing"].amount.value == Decimal(10)
    assert results["solid-waste"].amount.value == Decimal(2)       # 50元/吨 × 400吨


def _dicts(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _dicts(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _dicts(value, (*path, i))


def test_an_unknown_key_is_refused_everywhere_in_a_file():
    base = yaml.safe_load(_example_text())
    places = [path for path, _ in _dicts(base)]
    assert len(places) > 50
    for path in places:
        data = copy.deepcopy(base)
        node = data
        for part in path:
            node = node[part]
        node["surplus_key"] = "x"
        problems = _problems(data, "example.yaml")
        assert any("surplus_key" in p for p in problems), path


def test_a_policy_file_may_add_a_city_but_not_shrink_or_relabel_shared_facts():
    data = yaml.safe_load(_example_text())
    data["facts"][0]["choices"] = [{"value": "jiangmen", "label": "江门"}, {"value": "example", "label": "示例市"}]
    assert any("可选值“江门市”改为“江门”" in p and "请改 fixtures/facts.yaml" in p for p in _problems(data))
    data = yaml.safe_load(_example_text())
    data["facts"].append({"key": "is_manufacturing", "label": "是制造业吗", "type": "bool"})
    assert any("名称由“是否为制造业企业”改为“是制造业吗”" in p for p in _problems(data))


def test_the_facts_file_may_change_shared_facts_and_says_so_before_loading():
    facts = yaml.safe_load(FACTS_TEXT)
    city = next(raw for raw in facts["facts"] if raw["key"] == "city")
    city["choices"] = [c for c in city["choices"] if c["value"] != "zhumadian"]
    known = {key: spec for key, spec in SPECS.items()}
    [report] = read_files([("facts.yaml", yaml.safe_dump(facts, allow_unicode=True))], known)
    assert report.ok and "事实项“city”将变更：删除可选值：驻马店市" in " ".join(report.warnings)


def test_a_condition_quoted_from_a_missing_clause_is_refused():
    data = yaml.safe_load(_example_text())
    data["incentives"][0]["eligibility"]["all"][0]["clause"] = "第九条"
    assert any("条款“第九条”不存在于本文件的 clauses 中" in p for p in _problems(data))
    data = yaml.safe_load(_example_text())
    data["incentives"][0]["eligibility"]["all"][0]["clause"] = "第三条"   # the quote is not in 第三条
    assert any("引文“应为规模以上工业企业”不在第三条的条文中" in p for p in _problems(data))


@pytest.mark.parametrize(("text", "words"), [
    ('format: 1\nkind: facts\nfacts:\n  - key: x\n    label: "管理办法"规定的企业\n', ("第 5 行", "单引号括起来", "全角引号")),
    ("format: 1\nkind: policy\ndocument: {key: x, title: 如下: 企业}\n", ("第 3 行", "{…}", "全角")),
    ("format: 1\nkind: facts\nfacts:\n\t- key: x\n", ("第 4 行", "Tab")),
    ('format: 1\nkind: facts\nfacts: "abc\n', ("引号或括号还没有结束",)),
    ("format: 1\nkind: facts\nfacts:\n  - key: x\n   label: y\n", ("第 5 行",)),
])
def test_yaml_errors_are_explained_in_chinese_with_the_line_and_a_hint(text, words):
    [problem] = _problems(text)
    assert "YAML 格式错误" in problem and "提示" in problem
    for word in words:
        assert word in problem, problem


def test_a_half_width_comma_inside_braces_is_hinted():
    text = _example_text().replace("quote: 对企业新引进的博士}", "quote: 对企业新引进的博士, 每人}")
    problems = [p for p in _problems(text) if "每人" in p]
    assert problems and "半角逗号" in problems[0]


# --- the preview, on the shell and in the admin -----------------------------------------------------------------

def test_the_checker_preview_of_every_fixture_reads_as_the_portal_shows_it():
    for report in REPORTS:
        preview = preview_report(report, SPECS)
        if preview is None:
            continue
        text = preview_text(preview)
        assert text.count("【") == len(report.data.incentives)
        assert "第序言条" not in text and "？：" not in text
    jiangmen = preview_text(preview_report(next(r for r in REPORTS if r.data is DATA["jiangmen"]), SPECS))
    assert "【市级技术改造政策奖励】 tech-renovation-municipal · 江门市·第9条 · 按比例资助（封顶） · 申请对象：企业" in jiangmen
    assert "该技术改造项目是否申报并享受省级技改政策（省级技术改造奖励）：否" in jiangmen
    assert "引文 江门市·第9条：支持未享受省级技改政策的企业" in jiangmen


@pytest.mark.django_db
def test_load_policy_preview_prints_every_incentive_and_writes_nothing(facts_loaded):
    from incentives.models import PolicyDocument

    out = io.StringIO()
    call_command("load_policy", "--preview", str(FIXTURES / "policies" / "002-shaoguan.yaml"), stdout=out)
    text = out.getvalue()
    assert "【国家单项冠军企业和产品奖励】 national-single-champion-award · 韶关市·（八）" in text
    assert "金额：办学费用由企业和市财政按7:3的比例共同承担（市财政承担30%），条文未规定金额" in text
    assert "状态：现行有效（依据：文末落款日期为2020年4月27日" in text
    assert "预览完毕（--preview，未写入）" in text
    assert not PolicyDocument.objects.exists()


@pytest.mark.django_db
def test_the_admin_dry_run_shows_the_preview_apart_from_a_real_load(client, facts_loaded, django_user_model):
    from incentives.models import PolicyDocument

    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only"))
    path = FIXTURES / "policies" / "004-jiangmen.yaml"
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    html = client.post(reverse("admin:incentives_policydocument_upload"), {"file": upload, "dry_run": "on"}).content.decode()
    assert "预览（尚未加载，数据库未作任何改动）" in html and 'class="policy-preview"' in html
    assert 'data-incentive="tech-renovation-municipal"' in html and "style=" not in html.split('id="preview"')[1]
    assert not PolicyDocument.objects.exists()


# --- the CLI's per-city totals agree with the web comparison ---------------------------------------------------

@pytest.mark.django_db
def test_all_regions_totals_are_per_city_and_agree_with_the_comparison(client, catalogue, tmp_path):
    answers = {"project_equipment_investment": 3000, "project_fixed_asset_investment": 3000,
               "project_total_investment": 3000, "is_manufacturing": True, "is_industrial": True,
               "above_designated_size": True, "project_is_tech_renovation": True,
               "project_provincial_tech_renovation": True}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    out = io.StringIO()
    call_command("eligibility", "--answers", str(path), "--all-regions", "--format", "text", "--on", "2024-06-30",
                 stdout=out)
    lines = {m.group(1): Decimal(m.group(3)) for m in
             re.finditer(r"^(\S+市)：按条文测算可同时享受的最优合计 (最高)?([\d.]+)万元", out.getvalue(), re.M)}
    assert "各城市的合计不能相加" in out.getvalue()
    lines = {city: total for city, total in lines.items() if total}
    response = client.get(reverse("incentives:check_compare"), {
        "project_equipment_investment": "3000", "is_manufacturing": "on", "above_designated_size": "on",
        "project_is_tech_renovation": "on", "project_provincial_tech_renovation": "true"})
    web = {column["region"]: column["best"].total for column in response.context["columns"] if column["best"].total}
    assert lines and lines == web


# --- the library shows what the text states, and says where it is silent -----------------------------------------

@pytest.mark.django_db
def test_a_draft_page_says_what_the_text_does_not_state(client, catalogue):
    html = client.get(reverse("incentives:document_detail", args=["heyuan-manufacturing-draft"])).content.decode()
    assert "<dt class=\"col-sm-2\">发文机关</dt><dd class=\"col-sm-10\">文件未载明</dd>" in html
    assert "文件未载明施行日期和有效期" in html and "标题下注明“（征求意见稿）”" in html
    assert "河源市人民政府" not in html.split('class="clause')[0]


@pytest.mark.django_db
def test_a_page_break_that_splits_a_word_is_shown_joined(client, catalogue):
    # 江门11：“对符合条件的工业小升规、股\n\n改、上市企业分别给予最高 20 万元、30 万元、530 万元奖励”
    assert "股\n\n改" in clause_text("jiangmen", "11")
    html = client.get(reverse("incentives:document_detail", args=["jiangmen-2023-manufacturing"])).content.decode()
    assert "小升规、股改、上市企业" in html
