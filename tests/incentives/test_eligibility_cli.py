"""manage.py eligibility and manage.py facts, as documented in docs/eligibility-cli.md."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

JIANGMEN_PROJECT = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": 3000, "project_provincial_tech_renovation": True}


def run(tmp_path, answers, *args) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("eligibility", "--answers", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_output_has_one_object_per_incentive_with_the_documented_fields(tmp_path, catalogue):
    rows = json.loads(run(tmp_path, JIANGMEN_PROJECT, "--on", "2024-06-30"))
    from incentives.models import Incentive
    assert len(rows) == Incentive.objects.filter(document__is_current=True).count()
    for row in rows:
        assert {"incentive", "document", "clause", "status", "amount", "amount_is_maximum", "missing",
                "reasons"} <= set(row)
        assert row["status"] in ("eligible", "not_eligible", "unknown")
    provincial = next(r for r in rows if r["incentive"] == "jiangmen-2023-manufacturing/tech-renovation-provincial")
    assert (provincial["status"], provincial["amount"], provincial["amount_is_maximum"]) == ("eligible", "600", True)
    assert provincial["clause"] == "9"
    assert any("第9条" in reason for reason in provincial["reasons"])


def test_in_another_city_the_incentives_are_not_eligible(tmp_path, catalogue):
    rows = json.loads(run(tmp_path, {**JIANGMEN_PROJECT, "city": "shaoguan"}, "--on", "2024-06-30"))
    provincial = next(r for r in rows if r["incentive"] == "jiangmen-2023-manufacturing/tech-renovation-provincial")
    assert provincial["status"] == "not_eligible"


def test_after_its_end_date_the_document_is_reported_expired(tmp_path, catalogue):
    rows = json.loads(run(tmp_path, JIANGMEN_PROJECT, "--on", "2026-11-23"))
    provincial = next(r for r in rows if r["incentive"] == "jiangmen-2023-manufacturing/tech-renovation-provincial")
    assert provincial["status"] == "not_eligible"
    assert provincial["rule_status"] == "eligible" and provincial["availability"] == "expired"
    assert any("2025-12-31" in reason for reason in provincial["reasons"])


def test_an_unknown_fact_leaves_the_incentive_unknown_and_names_it(tmp_path, catalogue):
    answers = {k: v for k, v in JIANGMEN_PROJECT.items() if k != "project_equipment_investment"}
    rows = json.loads(run(tmp_path, answers, "--on", "2024-06-30"))
    provincial = next(r for r in rows if r["incentive"] == "jiangmen-2023-manufacturing/tech-renovation-provincial")
    assert provincial["status"] == "eligible"  # eligibility does not depend on the amount
    assert (provincial["amount"], provincial["amount_is_maximum"]) == ("5000", True)


def test_text_output_reads_as_sentences(tmp_path, catalogue):
    text = run(tmp_path, JIANGMEN_PROJECT, "--format", "text", "--on", "2024-06-30")
    assert "[符合] jiangmen-2023-manufacturing/tech-renovation-provincial（第9条）" in text
    assert "可同时享受的最优合计" in text


@pytest.mark.parametrize(("answers", "message"), [
    ({"project_equipment_investment": -5}, "不能为负数"),
    ({"output_growth_rate": -150}, "不能低于 -100%"),
    ({"shaoguan_guarantee_balance_growth": 30}, "由其他回答计算得出，无需填写"),
    ({"city": "beijing"}, "应为以下之一"),
    ({"is_manufacturing": "maybe"}, "应回答是或否"),
    ({"no_such_fact": 1}, "没有名为“no_such_fact”的问题"),
])
def test_bad_answers_are_refused_with_a_clear_message(tmp_path, catalogue, answers, message):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="处回答有误，未评估"):
        call_command("eligibility", "--answers", str(path), stdout=io.StringIO(), stderr=err)
    assert message in err.getvalue()


def test_a_file_that_is_not_json_is_refused(tmp_path, catalogue):
    path = tmp_path / "answers.json"
    path.write_text("{city: jiangmen", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 UTF-8 JSON"):
        call_command("eligibility", "--answers", str(path), stdout=io.StringIO())


def test_facts_lists_every_fact_with_type_unit_and_values(catalogue):
    out = io.StringIO()
    call_command("facts", "--format", "json", stdout=out)
    facts = {fact["key"]: fact for fact in json.loads(out.getvalue())}
    assert facts["city"]["type"] == "choice" and "jiangmen" in facts["city"]["choices"]
    assert facts["project_equipment_investment"]["unit"] == "万元"
    assert facts["above_designated_size"]["label"] == "是否为规模以上工业企业（规上企业）"
