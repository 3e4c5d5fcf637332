"""A visitor's journey through the public policy library, in the Chinese UI of a real browser.

Home → 浏览政策库 → filter by city and search a clause's words → the 江门 document (expired) → its
provincial technical-renovation incentive with the quoted words highlighted → switch to English.
Drafts warn that they are 征求意见稿. A visitor searches "江门 技术改造", finds 江门's technical-renovation
incentives first, and narrows the list by topic and to what an open round accepts now.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from incentives.models import Incentive
from tests.factories.review import RoundFactory

from .conftest import screenshot_path

JIANGMEN = "jiangmen-2023-manufacturing"
PROVINCIAL_RENOVATION = "tech-renovation-provincial"
DRAFTS = {
    "河源": "heyuan-manufacturing-draft",
    "驻马店": "zhumadian-industry-draft",
    "深圳": "shenzhen-manufacturing-draft",
}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _library(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="浏览政策库").click()
    expect(page).to_have_url(re.compile(r"/policies/$"))


def test_visitor_browses_filters_and_searches_the_library(page: Page, live_server, catalogue):
    _library(page, live_server)
    cards = page.locator("[data-document]")
    expect(cards).to_have_count(5)
    for document in catalogue:
        card = page.locator(f'[data-document="{document.key}"]')
        expect(card.locator(".card-title a")).to_have_text(document.title)
        expect(card.locator(".card-title a")).to_be_visible()

    form = page.locator("#library-filter")
    form.locator('select[name="region"]').select_option(label="江门市")
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"[?&]region=jiangmen"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-document", JIANGMEN)
    expect(cards.first).to_contain_text("江门市")

    form.locator('input[name="q"]').fill("新设备购置额")
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    expect(page.locator('#library-filter select[name="region"]')).to_have_value("jiangmen")  # the filter is kept
    card = page.locator(f'[data-document="{JIANGMEN}"]')
    expect(cards).to_have_count(1)
    clause_9 = catalogue.get(key=JIANGMEN).clauses.get(number="9")
    hit = card.locator(".search-hits a", has_text="第9条")
    expect(hit).to_have_count(1)
    expect(hit).to_have_attribute("href", re.compile(rf"/policies/{JIANGMEN}/#clause-{clause_9.pk}$"))

    hit.click()
    expect(page).to_have_url(re.compile(rf"/policies/{JIANGMEN}/#clause-{clause_9.pk}$"))
    expect(page.locator(f"#clause-{clause_9.pk}")).to_have_attribute("data-clause", "9")
    expect(page.locator(f"#clause-{clause_9.pk}")).to_be_in_viewport()


def test_visitor_reads_the_expired_jiangmen_document_and_its_incentive(page: Page, live_server, catalogue):
    document = catalogue.get(key=JIANGMEN)
    _library(page, live_server)
    page.locator(f'[data-document="{JIANGMEN}"] .card-title a').click()
    expect(page).to_have_url(re.compile(rf"/policies/{JIANGMEN}/$"))

    # The document: its clauses in order, clause 9's incentives, and that it ran out on 2025-12-31.
    expect(page.locator("h1")).to_contain_text(document.title)
    expect(page.locator('h1 [data-status="expired"]')).to_have_text("已失效")
    expect(page.get_by_text("本文件已过有效期")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2025-12-31")
    numbers = list(document.clauses.order_by("position").values_list("number", flat=True))
    assert page.locator("[data-clause]").evaluate_all("els => els.map(e => e.dataset.clause)") == numbers
    clause_9 = page.locator('[data-clause="9"]')
    expect(clause_9).to_contain_text("新设备购置额")
    expected = list(document.clauses.get(number="9").incentives.order_by("position").values_list("key", flat=True))
    assert PROVINCIAL_RENOVATION in expected
    incentives = clause_9.locator("[data-incentive]")
    expect(incentives).to_have_count(len(expected))
    assert incentives.evaluate_all("els => els.map(e => e.dataset.incentive)") == expected
    page.screenshot(path=str(screenshot_path("jiangmen-document")))
    clause_9.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("jiangmen-document-clause-9")))

    # The provincial technical-renovation incentive of clause 9.
    clause_9.locator(f'[data-incentive="{PROVINCIAL_RENOVATION}"] a').click()
    expect(page).to_have_url(re.compile(rf"/policies/{JIANGMEN}/v\d+/incentives/{PROVINCIAL_RENOVATION}/$"))
    expect(page.locator("#conditions li").first).to_be_visible()
    amount = page.locator("#amount")
    expect(amount).to_be_visible()
    expect(amount).to_contain_text("20%")
    expect(amount).to_contain_text("单个项目最高5000万元")
    quote = page.locator("#clause")
    expect(quote).to_contain_text("新设备购置额")
    marks = quote.locator("mark")
    expect(marks.first).to_be_visible()
    marked = [_compact(text) for text in marks.all_text_contents()]
    assert any("新设备购置额" in text for text in marked), marked
    assert any("鼓励制造业企业申报省级技改政策" in text for text in marked), marked
    page.screenshot(path=str(screenshot_path("jiangmen-incentive")), full_page=True)

    # English, from the navbar: the same page comes back with <html lang="en">.
    incentive_url = page.url
    with page.expect_navigation():
        page.locator('#language-form select[name="language"]').select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(incentive_url)
    expect(page.locator("#amount")).to_contain_text("20%")
    expect(page.locator("#clause mark").first).to_be_visible()
    page.screenshot(path=str(screenshot_path("jiangmen-incentive-en")), full_page=True)


def test_visitor_searches_several_words_and_filters_by_topic_and_open_round(page: Page, live_server, catalogue):
    # the topics and the round are this test's own: the seed files' classification is not what is tested
    renovation = Incentive.objects.filter(document__key=JIANGMEN, name__contains="技术改造")
    assert renovation.count() == 2
    renovation.update(topic=Incentive.Topic.INVESTMENT)
    RoundFactory(name="2026年省级技术改造奖励申报").incentives.set(renovation.filter(key=PROVINCIAL_RENOVATION))

    _library(page, live_server)
    form = page.locator("#library-filter")
    form.locator('input[name="q"]').fill("江门 技术改造")
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    cards = page.locator("[data-document]")
    expect(cards.first).to_have_attribute("data-document", JIANGMEN)
    first_hit = cards.first.locator("[data-hit-incentive]").first
    expect(first_hit).to_have_attribute("data-hit-incentive", PROVINCIAL_RENOVATION)
    expect(first_hit).to_contain_text("技术改造")
    expect(cards.first.locator(".search-hits a", has_text="第9条")).to_have_count(1)

    form.locator('select[name="topic"]').select_option(label="投资与技改")
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"[?&]topic=investment"))
    expect(page.locator('#library-filter input[name="q"]')).to_have_value("江门 技术改造")   # the search is kept
    expect(cards).to_have_count(1)
    hits = cards.first.locator("[data-hit-incentive]")
    assert hits.evaluate_all("els => els.map(e => e.dataset.hitIncentive)") == [
        PROVINCIAL_RENOVATION, "tech-renovation-municipal"]
    expect(hits.first.locator(".badge")).to_have_text("投资与技改")

    page.get_by_label("有正在受理的批次").check()
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"[?&]open=on"))
    expect(page.get_by_label("有正在受理的批次")).to_be_checked()
    expect(cards).to_have_count(1)
    expect(hits).to_have_count(1)
    expect(hits.first).to_have_attribute("data-hit-incentive", PROVINCIAL_RENOVATION)
    page.screenshot(path=str(screenshot_path("library-search-filters")), full_page=True)

    # a bookmark of the same address gives the same list; on a phone the filters stack and nothing overflows
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url)
    expect(cards).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_path("library-search-filters-390")), full_page=True)

    # the hit leads to the incentive
    with page.expect_navigation():
        hits.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/policies/{JIANGMEN}/incentives/{PROVINCIAL_RENOVATION}/$"))


@pytest.mark.parametrize("city", DRAFTS, ids=[key.split("-")[0] for key in DRAFTS.values()])
def test_a_draft_document_warns_it_is_a_consultation_draft(page: Page, live_server, catalogue, city):
    key = DRAFTS[city]
    _library(page, live_server)
    card = page.locator(f'[data-document="{key}"]')
    expect(card).to_contain_text(city)
    expect(card.locator('[data-status="draft"]')).to_have_text("征求意见稿")
    card.locator(".card-title a").click()
    expect(page).to_have_url(re.compile(rf"/policies/{key}/$"))
    expect(page.locator('h1 [data-status="draft"]')).to_have_text("征求意见稿")
    expect(page.locator(".alert-warning")).to_contain_text("本文件为征求意见稿")
