"""A first visit to the check: the city's documents before any question, topics first, the money decides the order,
answers seen and changed from the results, and saved answers confirmed rather than silently reused."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from applications.selectors import enterprise_of
from incentives.asking import Pending, next_step, weighted_pending
from incentives.models import Fact, Incentive
from incentives.rules.evaluate import AmountResult, Result
from incentives.selectors import facts_by_key

pytestmark = pytest.mark.django_db

POLICIES = Path(__file__).resolve().parents[2] / "fixtures" / "policies"

# a 韶关 enterprise with a technical-renovation project and the national 小巨人 title (see bench/bench_questions.py)
TECH_RENOVATION_LITTLE_GIANT = {
    "is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true", "enterprise_size": "medium",
    "project_is_tech_renovation": "true", "project_equipment_investment": "3000",
    "project_fixed_asset_investment": "3500", "project_total_investment": "4000", "project_completed": "true",
    "project_provincial_tech_renovation": "false", "title_national_little_giant": "true",
    "title_provincial_specialized": "true", "holds_national_little_giant": "true",
    "holds_provincial_specialized": "true", "shaoguan_specialized_sme_holder": "true"}


def answer(key: str, knows: dict) -> str:
    """What the enterprise knows; 否 to a yes-or-no question about what it lacks; blank (不清楚) otherwise."""
    if key in knows:
        return knows[key]
    fact = facts_by_key({key}).get(key)
    return "false" if fact is not None and fact.type == Fact.Type.BOOL else ""


def walk(client, city: str, topics: list[str], knows: dict) -> list[str]:
    """Start, tick the topics, answer every step; the questions asked."""
    client.post(reverse("incentives:check_start"), {"city": city})
    assert client.post(reverse("incentives:check_topics"), {"topics": topics}).status_code == 302
    asked = []
    for _ in range(40):
        response = client.get(reverse("incentives:check_step"))
        if response.status_code == 302:
            return asked
        fields = list(response.context["form"].fields)
        asked.extend(fields)
        client.post(reverse("incentives:check_step"), {key: answer(key, knows) for key in fields})
    pytest.fail("the questionnaire never ended")


# --- topics in the policy files -------------------------------------------------------------------------------

def test_every_incentive_of_the_policy_files_has_a_topic():
    topics = set(Incentive.Topic.values)
    for path in sorted(POLICIES.glob("*.yaml")):
        for incentive in yaml.safe_load(path.read_text(encoding="utf-8"))["incentives"]:
            assert incentive.get("topic") in topics, f"{path.name}: {incentive['key']}"


def test_the_loaded_incentives_keep_their_topics(catalogue):
    tech = Incentive.objects.get(document__key="jiangmen-2023-manufacturing", key="tech-renovation-provincial")
    giant = Incentive.objects.get(document__key="shaoguan-2020-manufacturing", key="national-little-giant-award")
    assert (tech.topic, giant.topic) == ("investment", "titles")


# --- the city's documents before the first question -----------------------------------------------------------

def test_jiangmen_says_its_document_expired_before_any_question(client, catalogue):
    response = client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    assert response["Location"] == reverse("incentives:check_topics")
    html = client.get(reverse("incentives:check_topics")).content.decode()
    assert "已失效（有效期至 2025-12-31）" in html
    assert "没有现行有效的制造业政策文件" in html
    assert reverse("incentives:check_compare") in html and "按条文测算" in html
    assert reverse("incentives:document_detail", args=["jiangmen-2023-manufacturing"]) in html
    assert 'id="topics-form"' not in html           # nothing to tick until the estimate as written is asked for
    assert "questionnaire" in client.session and client.session["questionnaire"]["asked"] == ["city"]
    as_written = client.get(reverse("incentives:check_topics") + "?as_written=1").content.decode()
    assert 'id="topics-form"' in as_written


def test_shaoguan_shows_its_document_in_force_and_the_money_of_each_topic(client, catalogue):
    client.post(reverse("incentives:check_start"), {"city": "shaoguan"})
    response = client.get(reverse("incentives:check_topics"))
    html = response.content.decode()
    assert "现行有效" in html and 'id="none-in-force"' not in html and 'id="topics-form"' in html
    stakes = {stake.value: stake for stake in response.context["view"].stakes}
    assert stakes["titles"].maximum == Decimal(100)   # 小巨人 and 单项冠军: 100万元 each
    assert stakes["investment"].maximum == Decimal(300)  # 专精特新 technical renovation, at most 300万元
    assert "最高 300 万元" in html and "金额未定" in html


def test_a_topic_must_be_ticked(client, catalogue):
    client.post(reverse("incentives:check_start"), {"city": "shaoguan"})
    response = client.post(reverse("incentives:check_topics"), {})
    assert response.status_code == 200 and "请至少选择一项" in response.content.decode()


# --- asking by topic, by money --------------------------------------------------------------------------------

def test_the_shaoguan_tech_renovation_little_giant_enterprise_is_done_in_15_questions(client, catalogue):
    asked = walk(client, "shaoguan", ["investment", "titles"], TECH_RENOVATION_LITTLE_GIANT)
    assert len(asked) <= 15, asked
    assert len(asked) == len(set(asked))
    results = client.get(reverse("incentives:check_results"))
    eligible = {row.result.key for row in results.context["eligible"]}
    assert "shaoguan-2020-manufacturing/national-little-giant-award" in eligible
    assert "shaoguan-2020-manufacturing/tech-renovation-award" in eligible
    assert results.context["combination"].total >= 100


def test_only_the_chosen_topics_are_asked_about(client, catalogue):
    asked = walk(client, "shaoguan", ["titles"], {"title_national_little_giant": "true"})
    assert asked and "project_equipment_investment" not in asked and "rd_expense" not in asked


def test_the_first_question_decides_the_most_money(client, catalogue):
    client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    client.post(reverse("incentives:check_topics") + "?as_written=1", {"topics": ["investment"]})
    fields = list(client.get(reverse("incentives:check_step")).context["form"].fields)
    # the provincial award (up to 5000万元) needs a manufacturer with a technical-renovation project
    assert fields[0] in {"is_manufacturing", "project_is_tech_renovation"}


def _result(key: str, status: str, missing: tuple, value, amount_missing: tuple = ()) -> Result:
    return Result(key=key, status=status, rule_status=status, availability="open", missing=missing, reasons=(),
                  amount=AmountResult(value=None if value is None else Decimal(value), missing=amount_missing))


def test_a_fact_deciding_one_large_award_comes_before_one_deciding_two_small_ones():
    results = [_result("a/big", "unknown", ("big_title",), 300),
               _result("a/small1", "unknown", ("common",), 10), _result("a/small2", "unknown", ("common",), 10),
               _result("a/service", "unknown", ("service",), None),
               _result("a/gone", "not_eligible", ("ignored",), 5000)]
    pending = weighted_pending([], results)
    assert [p.key for p in pending] == ["big_title", "common", "service"]
    assert pending[0].weight == 300 and pending[1].count == 2 and not pending[2].has_figure


def test_a_step_leaves_for_later_what_its_own_questions_may_make_moot():
    pending = [Pending("is_project", Decimal(500), 2, frozenset({"r1", "r2"})),
               Pending("title", Decimal(100), 1, frozenset({"r3"})),
               Pending("investment", Decimal(90), 1, frozenset({"r1"})),
               Pending("other", Decimal(1), 1, frozenset({"r4"}))]
    assert next_step(pending, 5) == ["is_project", "title", "other"]   # the investment waits for the answer
    assert next_step(pending, 2) == ["is_project", "title"]


# --- answers seen and changed from the results ----------------------------------------------------------------

def _with_answers(client, answers: dict) -> None:
    session = client.session
    session["questionnaire"] = {"answers": answers, "asked": list(answers), "steps": [["city"]], "current": [],
                                "topics": ["investment"]}
    session.save()


JIANGMEN_PROJECT = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000", "project_provincial_tech_renovation": True}


def test_an_answer_is_changed_from_the_results_and_the_total_follows(client, catalogue):
    _with_answers(client, dict(JIANGMEN_PROJECT))
    results = client.get(reverse("incentives:check_results"))
    html = results.content.decode()
    url = reverse("incentives:check_answer", args=["project_equipment_investment"])
    assert 'id="answer-project_equipment_investment"' in html and url in html
    before = results.context["combination_as_written"].total
    page = client.get(url)
    assert list(page.context["form"].fields) == ["project_equipment_investment"]
    assert 'value="3000"' in page.content.decode()
    bad = client.post(url, {"project_equipment_investment": "-5"})
    assert bad.status_code == 200 and "不能为负数" in bad.content.decode()
    assert client.session["questionnaire"]["answers"]["project_equipment_investment"] == "3000"
    good = client.post(url, {"project_equipment_investment": "1000"})
    assert good["Location"] == reverse("incentives:check_results") + "#answer-project_equipment_investment"
    after = client.get(reverse("incentives:check_results")).context["combination_as_written"].total
    assert before == 600 and after == 200   # 20% of the new equipment purchase


def test_an_unknown_question_is_not_found(client, catalogue):
    _with_answers(client, {"city": "jiangmen"})
    assert client.get(reverse("incentives:check_answer", args=["no_such_fact"])).status_code == 404


def test_a_signed_in_officer_s_changed_answer_is_saved_to_the_enterprise(client, catalogue, applicant):
    client.force_login(applicant)
    _with_answers(client, dict(JIANGMEN_PROJECT))
    client.post(reverse("incentives:check_answer", args=["is_manufacturing"]), {"is_manufacturing": "false"})
    assert enterprise_of(applicant).answers["is_manufacturing"] is False


def test_restarting_asks_first_and_only_a_post_clears(client, catalogue):
    _with_answers(client, dict(JIANGMEN_PROJECT))
    confirm = client.get(reverse("incentives:check_restart"))
    assert confirm.status_code == 200 and 'id="restart-form"' in confirm.content.decode()
    assert client.session["questionnaire"]["answers"]["project_equipment_investment"] == "3000"
    done = client.post(reverse("incentives:check_restart"))
    assert done["Location"] == reverse("incentives:check_start")
    assert client.session["questionnaire"]["answers"] == {}
    assert client.get(reverse("incentives:check_results"))["Location"] == reverse("incentives:check_start")


# --- saved answers are shown and confirmed --------------------------------------------------------------------

def _saved(applicant) -> None:
    from applications.services import enterprise_answers_save

    enterprise_answers_save(enterprise_id=enterprise_of(applicant).pk, by=applicant,
                            answers={"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True})


def test_saved_answers_are_shown_with_their_date_and_must_be_confirmed(client, catalogue, applicant):
    _saved(applicant)
    client.force_login(applicant)
    html = client.get(reverse("incentives:check_start")).content.decode()
    assert "上次保存于" in html and "共 2 项" in html
    assert "沿用并核对" in html and "不用，重新回答" in html
    refused = client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    assert refused.status_code == 200 and "请选择是否沿用已有的回答" in refused.content.decode()


def test_saved_answers_are_reused_only_when_chosen(client, catalogue, applicant):
    _saved(applicant)
    client.force_login(applicant)
    client.post(reverse("incentives:check_start"), {"city": "jiangmen", "saved": "fresh"})
    assert client.session["questionnaire"]["answers"] == {"city": "jiangmen"}
    client.post(reverse("incentives:check_start"), {"city": "jiangmen", "saved": "reuse"})
    assert client.session["questionnaire"]["answers"]["project_is_tech_renovation"] is True


def test_the_questions_deciding_no_amount_come_only_when_asked_for(client, catalogue):
    asked = walk(client, "shaoguan", ["investment", "titles"], TECH_RENOVATION_LITTLE_GIANT)
    assert "shaoguan_rebuild_original_site" not in asked   # 免补缴出让金: the text names no amount
    html = client.get(reverse("incentives:check_results")).content.decode()
    more = reverse("incentives:check_step") + "?unstated=1"
    assert more.replace("&", "&amp;") in html
    extra = []
    for _ in range(10):
        response = client.get(more)
        if response.status_code == 302:
            break
        fields = list(response.context["form"].fields)
        extra.extend(fields)
        assert client.post(more, {key: "" for key in fields})["Location"] == more
    assert "shaoguan_rebuild_original_site" in extra and not set(extra) & set(asked)
