"""The questionnaire, its results and the city comparison, through Django's test client."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from incentives.eligibility import current_incentives, rule_of
from incentives.selectors import known_fact_specs

pytestmark = pytest.mark.django_db


def start(client, city: str) -> None:
    response = client.post(reverse("incentives:check_start"), {"city": city})
    assert response.status_code == 302


def step_fields(client) -> list[str]:
    response = client.get(reverse("incentives:check_step"))
    if response.status_code == 302:
        return []
    return list(response.context["form"].fields)


def test_the_questionnaire_needs_a_city_first(client, catalogue):
    assert client.get(reverse("incentives:check_step"))["Location"] == reverse("incentives:check_start")
    response = client.post(reverse("incentives:check_start"), {"city": "atlantis"})
    assert response.status_code == 200 and response.context["form"].errors["city"]


@pytest.mark.parametrize("city", ["jiangmen", "shaoguan", "zhumadian"])
def test_it_never_asks_a_fact_that_no_incentive_of_the_city_uses(client, catalogue, city):
    specs = known_fact_specs()
    used = set()
    for incentive in current_incentives(regions=[city]):
        rule = rule_of(incentive, specs)
        used |= rule.eligibility.facts() | rule.amount.facts()
    start(client, city)
    asked = []
    for _ in range(100):
        fields = step_fields(client)
        if not fields:
            break
        asked.extend(fields)
        client.post(reverse("incentives:check_step"), {})
    assert asked and set(asked) <= used
    assert len(asked) == len(set(asked))  # nothing asked twice


def test_the_first_step_asks_what_decides_the_most(client, catalogue):
    start(client, "jiangmen")
    assert "is_manufacturing" in step_fields(client)


def test_going_back_shows_the_same_questions_with_the_answers_kept(client, catalogue):
    start(client, "jiangmen")
    first = step_fields(client)
    client.post(reverse("incentives:check_step"), {"is_manufacturing": "true"})
    assert step_fields(client) != first
    assert 'id="back-form"' in client.get(reverse("incentives:check_step")).content.decode()
    back = client.post(reverse("incentives:check_step"), {"back": "1"})
    assert back.status_code == 302
    response = client.get(reverse("incentives:check_step"))
    assert list(response.context["form"].fields) == first
    assert 'value="true" checked' in response.content.decode() or \
        re.search(r'name="is_manufacturing" value="true"[^>]*checked', response.content.decode())


def test_a_get_with_back_in_the_address_changes_nothing(client, catalogue):
    start(client, "jiangmen")
    client.post(reverse("incentives:check_step"), {"is_manufacturing": "true"})
    second = step_fields(client)
    state = dict(client.session["questionnaire"])
    response = client.get(reverse("incentives:check_step") + "?back=1")
    assert response.status_code == 200
    assert list(response.context["form"].fields) == second
    assert client.session["questionnaire"] == state


def test_a_bad_answer_is_shown_and_nothing_of_the_step_is_kept(client, catalogue):
    start(client, "jiangmen")
    fields = []
    for _ in range(20):
        fields = step_fields(client)
        if "project_equipment_investment" in fields:
            break
        client.post(reverse("incentives:check_step"), {})
    data = {key: "" for key in fields}
    data["project_equipment_investment"] = "-1"
    data["is_manufacturing"] = "true"
    response = client.post(reverse("incentives:check_step"), data)
    assert "不能为负数" in response.content.decode()
    answers = client.session["questionnaire"]["answers"]
    assert "project_equipment_investment" not in answers


def test_the_results_show_the_amount_the_steps_and_the_best_total(client, catalogue):
    session = client.session
    session["questionnaire"] = {"answers": {"city": "jiangmen", "is_manufacturing": True,
                                            "project_is_tech_renovation": True,
                                            "project_equipment_investment": "3000",
                                            "project_provincial_tech_renovation": True},
                                "asked": ["city"], "steps": [["city"]], "current": []}
    session.save()
    html = client.get(reverse("incentives:check_results") + "?reasons=1").content.decode()
    eligible = html[html.index('id="eligible"'):html.index('id="unknown"')]
    assert "jiangmen-2023-manufacturing/tech-renovation-provincial" in eligible
    assert "20% × 3000万元 = 600万元" in eligible and "最高600万元" in eligible
    assert "文件已失效" in eligible
    # the municipal award is for projects the provincial programme does not support: not for this one
    assert "jiangmen-2023-manufacturing/tech-renovation-municipal" not in eligible
    assert "该技术改造项目是否申报并享受省级技改政策（省级技术改造奖励）：您的回答 是；条文要求 否 ✗" in html
    assert "若按文件条文测算" in html
    total = html[html.index('id="best-total-as-written"'):]
    assert "万元" in total


def test_the_comparison_puts_the_cities_side_by_side(client, catalogue):
    response = client.get(reverse("incentives:check_compare"), {
        "project_equipment_investment": "3000", "is_manufacturing": "on", "above_designated_size": "on",
        "project_is_tech_renovation": "on", "project_provincial_tech_renovation": "true"})
    columns = {c["document"].region: c for c in response.context["columns"]}
    assert {"jiangmen", "shenzhen", "shaoguan", "heyuan"} <= set(columns)
    jiangmen = {result.key: result.amount.value for result, _ in columns["jiangmen"]["rows"]}
    assert jiangmen["jiangmen-2023-manufacturing/tech-renovation-provincial"] == 600
    shenzhen = {result.key: result.amount.value for result, _ in columns["shenzhen"]["rows"]}
    assert shenzhen["shenzhen-manufacturing-draft/tech-renovation-grant"] == 600  # 20% of 3000, cap 5000
    shaoguan = {result.key: result.amount.value for result, _ in columns["shaoguan"]["possible"]}
    assert shaoguan["shaoguan-2020-manufacturing/tech-renovation-award"] == 50  # 5% of 3000 = 150, capped at 50


def test_the_comparison_refuses_a_negative_investment(client, catalogue):
    response = client.get(reverse("incentives:check_compare"), {"project_equipment_investment": "-5"})
    assert response.context["columns"] == []
    assert response.context["form"].errors["project_equipment_investment"]


def test_each_page_evaluates_once_and_explains_only_what_it_shows(client, catalogue, monkeypatch):
    from incentives import check_views

    calls = []
    real = check_views.evaluate_enterprise

    def counted(*args, **kwargs):
        calls.append(kwargs.get("explain", True))
        return real(*args, **kwargs)
    monkeypatch.setattr(check_views, "evaluate_enterprise", counted)
    start(client, "jiangmen")
    fields = step_fields(client)
    assert calls == [False]                      # the step shows no reasons
    calls.clear()
    response = client.post(reverse("incentives:check_step"), {key: "" for key in fields})
    assert response.status_code == 302 and calls == []   # the questions shown were remembered, not worked out again
    client.get(reverse("incentives:check_results"))
    assert calls == [False]                      # the results explain the rows they show, one by one
    calls.clear()
    client.get(reverse("incentives:check_compare"), {"project_equipment_investment": "3000"})
    assert calls == [False]                      # the comparison explains only the rows it shows, one by one


def test_the_comparison_compares_the_chosen_cities_at_most_six(client, catalogue):
    url = reverse("incentives:check_compare")
    chosen = client.get(url, {"project_equipment_investment": "3000", "is_manufacturing": "on",
                              "project_is_tech_renovation": "on", "cities": ["jiangmen", "shenzhen"]})
    assert {c["document"].region for c in chosen.context["columns"]} == {"jiangmen", "shenzhen"}
    too_many = client.get(url, {"project_equipment_investment": "3000", "cities": ["jiangmen"] * 7})
    assert too_many.context["columns"] == []
    assert "最多同时比较6个城市" in too_many.content.decode()
