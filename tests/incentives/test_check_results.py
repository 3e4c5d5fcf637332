"""The results page as an officer reads it: alternatives counted once, 待确认 by topic, whom to contact, when, with what."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incentives.models import Incentive
from incentives.selectors import clear_caches
from tests.factories.applying import open_round

pytestmark = pytest.mark.django_db

JIANGMEN = "jiangmen-2023-manufacturing"
PROVINCIAL = f"{JIANGMEN}/tech-renovation-provincial"
MUNICIPAL = f"{JIANGMEN}/tech-renovation-municipal"


def answer(client, answers: dict) -> None:
    session = client.session
    session["questionnaire"] = {"answers": answers, "asked": list(answers), "steps": [list(answers)], "current": []}
    session.save()


def results(client, query: str = "") -> str:
    response = client.get(reverse("incentives:check_results") + query)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(f'id="{start}"'):html.index(f'id="{end}"')]


def row(html: str, key: str) -> str:
    """One result's row: from its opening tag to the next row's."""
    start = html.index(f'data-incentive="{key}"')
    following = html.find('<div class="list-group-item', start + 1)
    return html[start:following if following != -1 else len(html)]


def text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)




TECH_PROJECT = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                "project_equipment_investment": "3000", "project_provincial_tech_renovation": True}


def test_incentives_that_exclude_each_other_are_shown_as_alternatives_the_higher_counted(client, both_tech_awards):
    answer(client, TECH_PROJECT)
    html = results(client)
    eligible = section(html, "eligible", "unknown")
    group = eligible[eligible.index('data-alternatives="pair"'):]
    assert "二选一，已按较高者计入" in group
    assert "计入合计的是“省级技术改造政策奖励”：金额较高。" in group
    assert 'data-counted="total"' in row(group, PROVINCIAL) and "最高600万元" in row(group, PROVINCIAL)
    assert 'data-counted="no"' in row(group, MUNICIPAL) and "未计入合计" in row(group, MUNICIPAL)
    # the higher one first, and neither is listed a second time outside the group
    assert group.index(PROVINCIAL) < group.index(MUNICIPAL)
    assert eligible.count(f'data-incentive="{PROVINCIAL}"') == 1
    assert eligible.count(f'data-incentive="{MUNICIPAL}"') == 1


def test_the_page_total_counts_the_alternative_once(client, both_tech_awards):
    answer(client, TECH_PROJECT)
    response = client.get(reverse("incentives:check_results"))
    combination = response.context["combination"]
    assert PROVINCIAL in combination.selected and MUNICIPAL not in combination.selected
    amounts = {row.result.key: row.result.amount.value for row in response.context["eligible"]}
    counted = sum(amounts[key] for key in combination.selected)
    assert combination.total == counted
    assert amounts[PROVINCIAL] + amounts[MUNICIPAL] == Decimal(900)   # what adding both would have claimed
    shown = text(response.content.decode())
    total = shown[shown.index("现行有效政策中可同时享受的最优合计"):]
    assert f"{combination.total.normalize():f}万元" in total.replace("最高", "")


def test_an_expired_pair_is_counted_in_the_total_as_written(client, catalogue, monkeypatch):
    """As loaded, 江门's measures have expired: the higher of the pair goes into the total as written, and says so."""
    both = Incentive.objects.get(document__key=JIANGMEN, document__is_current=True, key="tech-renovation-municipal")
    both.eligibility = {"all": [item for item in both.eligibility["all"]
                                if item["fact"] != "project_provincial_tech_renovation"]}
    both.save(update_fields=["eligibility"])
    clear_caches()
    answer(client, TECH_PROJECT)
    html = results(client)
    group = section(html, "eligible", "unknown")
    assert "计入按条文测算的合计的是“省级技术改造政策奖励”" in group
    assert 'data-counted="as_written"' in row(group, PROVINCIAL)
    clear_caches()


def test_while_undecided_each_of_the_pair_says_it_cannot_go_with_the_other(client, catalogue):
    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    unknown = section(results(client), "unknown", "not-eligible")
    assert "不能与“市级技术改造政策奖励”同时享受" in row(unknown, PROVINCIAL)
    assert "不能与“省级技术改造政策奖励”同时享受" in row(unknown, MUNICIPAL)


def test_pending_results_are_grouped_by_topic_the_most_money_first(client, catalogue):
    Incentive.objects.filter(document__key=JIANGMEN, key__in=["tech-renovation-provincial",
                                                               "tech-renovation-municipal"]).update(topic="investment")
    # an incentive left unclassified is listed under 其他
    Incentive.objects.filter(document__key=JIANGMEN, topic="talent").update(topic="other")
    clear_caches()
    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    response = client.get(reverse("incentives:check_results"))
    groups = response.context["unknown_groups"]
    investment = next(g for g in groups if g.topic == "investment")
    assert investment.label == "投资与技改" and investment.stake == Decimal(900)   # 600 + 300, the maximums known
    other = next(g for g in groups if g.topic == "other")
    assert other.label == "其他"
    stakes = [g.stake for g in groups]
    assert stakes == sorted(stakes, reverse=True)
    assert sum(g.count for g in groups) == len(response.context["unknown"])
    html = response.content.decode()
    unknown = section(html, "unknown", "not-eligible")
    # collapsible, the first open
    details = re.findall(r'<details class="topic-group[^"]*" data-topic="(\w+)"( open)?>', unknown)
    assert details[0][1] == " open" and all(not opened for _topic, opened in details[1:])
    first = unknown[unknown.index('data-topic="investment"'):]
    assert "投资与技改" in first[:400] and "合计最高900万元" in first[:600]
    assert "含金额未定的项目" in unknown   # some pending incentives have no amount yet
    clear_caches()


def test_every_row_says_whom_to_contact(client, catalogue):
    answer(client, {"city": "shaoguan", "title_national_little_giant": True, "is_industrial": True})
    html = results(client)
    little_giant = row(section(html, "eligible", "unknown"), "shaoguan-2020-manufacturing/national-little-giant-award")
    assert "受理部门：" in little_giant
    assert "韶关市工业和信息化局" in little_giant and "韶关市财政局" in little_giant
    # an incentive whose text names no department says so rather than guessing
    without = Incentive.objects.filter(document__is_current=True, document__region="shaoguan",
                                       departments__isnull=True).values_list("key", flat=True)
    shown_without = [key for key in without if f'data-incentive="shaoguan-2020-manufacturing/{key}"' in html]
    for key in shown_without:
        assert "文件未载明受理部门" in row(html, f"shaoguan-2020-manufacturing/{key}")


def test_every_row_says_when_the_open_round_closes_and_how_many_days_are_left(client, catalogue):
    open_round("national-little-giant-award")
    answer(client, {"city": "shaoguan", "title_national_little_giant": True, "is_industrial": True})
    html = results(client)
    little_giant = text(row(html, "shaoguan-2020-manufacturing/national-little-giant-award"))
    assert "立即申报" in little_giant and "韶关市测试批次" in little_giant
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d 截止", little_giant)
    assert re.search(r"还剩 (29|30) 天", little_giant)


def test_without_a_round_the_period_the_text_sets_or_that_it_sets_none(client, catalogue):
    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    html = results(client)
    provincial = text(row(html, PROVINCIAL))
    assert "目前没有开放的申报批次" in provincial
    assert "申报期限：2023-01-01 起 至 2025-12-31" in provincial and "原文：“2023 至 2025 年”" in provincial
    undated = Incentive.objects.filter(document__key=JIANGMEN, document__is_current=True, window_from=None,
                                       window_to=None).values_list("key", flat=True)
    shown = [key for key in undated if f'data-incentive="{JIANGMEN}/{key}"' in html]
    assert shown
    for key in shown:
        assert "文件未规定申报期限" in row(html, f"{JIANGMEN}/{key}")


def test_documents_to_prepare_are_collapsed_and_marked_when_not_from_the_text(client, catalogue):
    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    municipal = row(results(client), MUNICIPAL)
    documents = municipal[municipal.index('<details class="small documents'):]
    assert not documents.startswith('<details class="small documents mt-1" open')    # collapsed
    assert "通常需要（3 项）" in documents
    assert "未享受省级技改政策的承诺书" in documents and "非文件原文，供参考" in documents


def test_a_document_named_in_the_clause_is_shown_as_is(client, catalogue):
    incentive = Incentive.objects.select_related("clause").get(document__key=JIANGMEN, document__is_current=True,
                                                               key="tech-renovation-municipal")
    verbatim = incentive.clause.text.split("，")[0][:12]      # a phrase of the clause text itself
    incentive.documents_required = [verbatim, "新设备购置合同及发票"]
    incentive.save(update_fields=["documents_required"])
    clear_caches()
    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    documents = row(results(client), MUNICIPAL)
    items = re.findall(r"<li>(.*?)</li>", documents[documents.index("documents"):])
    assert items[0] == verbatim          # as is, no mark
    assert "非文件原文，供参考" in items[1]
    clear_caches()


def test_the_reasons_of_what_is_not_met_are_written_only_when_asked_for(client, catalogue):
    answer(client, TECH_PROJECT)
    reason = "该技术改造项目是否申报并享受省级技改政策（省级技术改造奖励）：您的回答 是；条文要求 否 ✗"
    html = results(client)
    assert MUNICIPAL in section(html, "not-eligible", "answers") and reason not in html
    assert 'href="?reasons=1#not-eligible"' in html
    assert reason in results(client, "?reasons=1")


def test_the_results_and_comparison_take_few_queries_with_many_rows(client, catalogue):
    """Departments and documents are read once per document version, not per row."""
    open_round("national-little-giant-award")
    answer(client, {"city": "shaoguan", "title_national_little_giant": True, "is_industrial": True})
    clear_caches()
    with CaptureQueriesContext(connection) as cold:
        results(client)
    with CaptureQueriesContext(connection) as warm:
        html = results(client)
    assert html.count('<span class="who') > 20
    # session, catalogue state, open rounds; the first time also the documents, rules, facts and details
    assert len(warm) == 3
    assert len(cold) <= 10
    compare = reverse("incentives:check_compare") + "?project_equipment_investment=3000&is_manufacturing=on"
    client.get(compare)
    with CaptureQueriesContext(connection) as warm:
        assert client.get(compare).status_code == 200
    assert len(warm) <= 2     # session, catalogue state


def test_the_round_shown_is_the_open_one_closing_soonest(client, catalogue):
    from django.utils import timezone

    now = timezone.now()
    open_round("national-little-giant-award", name="较晚截止的批次", closes_at=now + dt.timedelta(days=40))
    open_round("national-little-giant-award", name="较早截止的批次", closes_at=now + dt.timedelta(days=10))
    open_round("national-little-giant-award", name="已截止的批次", opens_at=now - dt.timedelta(days=20),
               closes_at=now - dt.timedelta(days=1))
    open_round("national-little-giant-award", name="尚未开始的批次", opens_at=now + dt.timedelta(days=2),
               closes_at=now + dt.timedelta(days=5))
    answer(client, {"city": "shaoguan", "title_national_little_giant": True, "is_industrial": True})
    little_giant = text(row(results(client), "shaoguan-2020-manufacturing/national-little-giant-award"))
    assert "较早截止的批次" in little_giant and re.search(r"还剩 (9|10) 天", little_giant)
    for other in ("较晚截止的批次", "已截止的批次", "尚未开始的批次"):
        assert other not in little_giant


def test_the_comparison_marks_the_alternative_left_out_of_a_citys_total(client, both_tech_awards):
    response = client.get(reverse("incentives:check_compare"), {
        "project_equipment_investment": "3000", "is_manufacturing": "on", "project_is_tech_renovation": "on",
        "project_provincial_tech_renovation": "true", "cities": ["jiangmen"]})
    column = response.context["columns"][0]
    assert column["best"].total == 600 and column["left_out"] == {MUNICIPAL}
    card = response.content.decode()
    card = card[card.index('data-region="jiangmen"'):]
    assert "未计入合计" in row(card.replace("<li ", '<div class="list-group-item" '), MUNICIPAL)
    assert "未计入合计" not in row(card.replace("<li ", '<div class="list-group-item" '), PROVINCIAL)
    assert "其中有不能同时享受的项目，已按金额较高者计入。" in card


def test_a_new_version_of_a_document_is_on_the_results_at_once(client, catalogue, tmp_path):
    from tests.conftest import load_revised_seed

    answer(client, {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
                    "project_equipment_investment": "3000"})
    assert "省级技术改造政策奖励" in results(client)

    def rename(data):
        for incentive in data["incentives"]:
            if incentive["key"] == "tech-renovation-provincial":
                incentive["name"] = "省级技术改造政策奖励（新版）"
    load_revised_seed(tmp_path, "jiangmen", rename, with_facts=True)
    assert "省级技术改造政策奖励（新版）" in results(client)


def test_the_comparison_offers_every_city_and_refuses_an_unknown_one(client, catalogue):
    url = reverse("incentives:check_compare")
    html = client.get(url).content.decode()
    assert re.search(r'<option value="jiangmen"[^>]*>江门市</option>', html)
    refused = client.get(url, {"project_equipment_investment": "3000", "cities": ["atlantis"]})
    assert refused.context["columns"] == [] and refused.context["form"].errors["cities"]
    chosen = client.get(url, {"project_equipment_investment": "3000", "cities": ["shaoguan"]})
    assert [c["document"].region for c in chosen.context["columns"]] == ["shaoguan"]
    assert re.search(r'<option value="shaoguan"[^>]*selected', chosen.content.decode())
