"""A first visit in a real browser: 江门's expired document is said before any question; a 韶关 enterprise with a
technical-renovation project and the 小巨人 title reaches a result in at most 15 questions and changes one answer."""
from __future__ import annotations

import re

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

KNOWS = {"is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true",
         "project_is_tech_renovation": "true", "project_equipment_investment": "3000",
         "project_fixed_asset_investment": "3500", "project_total_investment": "4000", "project_completed": "true",
         "project_provincial_tech_renovation": "false", "title_national_little_giant": "true",
         "title_provincial_specialized": "true", "holds_national_little_giant": "true",
         "holds_provincial_specialized": "true", "shaoguan_specialized_sme_holder": "true"}


def shoot(page, name: str, selector: str | None = None) -> None:
    """The page (or one element of it) at desktop width, then at 390 px (a phone), back to desktop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height, suffix in ((1280, 900, "desktop"), (390, 844, "390")):
        page.set_viewport_size({"width": width, "height": height})
        path = str(SCREENSHOTS / f"first-visit-{name}-{suffix}.png")
        if selector:
            page.locator(selector).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def choose_city(page, live_server, label: str) -> None:
    page.goto(f"{live_server.url}/check/")
    page.select_option('select[name="city"]', label=label)
    page.click("#city-form [type=submit]")
    page.wait_for_url(re.compile(r"/check/topics/"))


def test_a_jiangmen_officer_sees_the_expired_document_before_any_question(page, live_server, catalogue):
    page.goto(f"{live_server.url}/check/")
    shoot(page, "start")
    choose_city(page, live_server, "江门市")
    documents = page.locator("#city-documents").inner_text()
    assert "已失效（有效期至 2025-12-31）" in documents
    assert "没有现行有效" in page.locator("#none-in-force").inner_text()
    assert page.locator("#compare-cities").is_visible()
    assert page.locator("#step-form").count() == 0 and page.locator("#topics-form").count() == 0
    shoot(page, "expired")
    page.click("#as-written")
    assert page.locator("#topics-form").is_visible()


def test_a_shaoguan_officer_reaches_a_result_in_15_questions_and_changes_an_answer(page, live_server, catalogue):
    choose_city(page, live_server, "韶关市")
    assert "现行有效" in page.locator("#city-documents").inner_text()
    shoot(page, "topics")
    page.check('#topics-form input[value="investment"]')
    page.check('#topics-form input[value="titles"]')
    page.click("#topics-next")
    page.wait_for_url(re.compile(r"/check/step/"))
    shoot(page, "step")
    asked = 0
    for _ in range(15):
        if "/check/results/" in page.url:
            break
        names = sorted(set(page.eval_on_selector_all(
            "#step-form [name]", "els => els.map(e => e.name)")) - {"csrfmiddlewaretoken", "next", "finish"})
        asked += len(names)
        for name in names:
            value = KNOWS.get(name, "")
            radio = page.locator(f'#step-form input[name="{name}"][value="{value or "false"}"]')
            if radio.count():
                radio.check()
            elif value and page.locator(f'#step-form input[name="{name}"]').count():
                page.fill(f'#step-form input[name="{name}"]', value)
        page.click("#next")
        page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/check/results/"))
    assert asked <= 15
    before = page.locator("#best-total").inner_text()
    assert "500" in before   # 100 (小巨人) + 50 (技改, capped) + 300 (专精特新 project) + 50 (省专精特新)
    block = page.locator("#answers-given")
    shoot(page, "answers", "#answers-given")
    block.locator("#answer-project_total_investment a").click()
    page.fill('input[name="project_total_investment"]', "-1")
    page.click("#save-answer")
    assert "不能为负数" in page.locator("#answer-form").inner_text()
    page.fill('input[name="project_total_investment"]', "1000")
    page.click("#save-answer")
    page.wait_for_url(re.compile(r"/check/results/#answer-project_total_investment"))
    assert "1000" in page.locator("#answer-project_total_investment").inner_text()
    after = page.locator("#best-total").inner_text()
    assert after != before and "400" in after   # the project's 20% is now 200万元 instead of 300


def test_a_signed_in_officer_confirms_the_saved_answers_before_they_are_used(page, live_server, catalogue):
    from applications.services import enterprise_answers_save
    from tests.factories import MembershipFactory

    member = MembershipFactory(enterprise__city="shaoguan", enterprise__name="韶关示例机械有限公司")
    enterprise_answers_save(enterprise_id=member.enterprise.pk, by=member.user,
                            answers={"city": "shaoguan", "is_manufacturing": True, "title_national_little_giant": True,
                                     "project_equipment_investment": "3000"})
    page.goto(f"{live_server.url}/accounts/login/?next=/check/")
    page.fill('#login-form [name="username"]', member.user.username)
    page.fill('#login-form [name="password"]', "pw-for-tests-only")
    page.click("#login-form [type=submit]")
    page.wait_for_url(re.compile(r"/check/$"))
    card = page.locator("#saved-answers").inner_text()
    assert "上次保存于" in card and "共 3 项" in card
    page.click("#saved-answers summary")
    assert "3000" in page.locator("#saved-answer-list").inner_text()
    shoot(page, "start-saved")
    page.click("#city-form [type=submit]")   # neither reused nor refused yet: asked to choose
    assert "请选择是否沿用已有的回答" in page.locator("#city-form").inner_text()
    page.check('#city-form input[name="saved"][value="reuse"]')
    page.click("#city-form [type=submit]")
    page.wait_for_url(re.compile(r"/check/topics/"))
    assert "现行有效" in page.locator("#city-documents").inner_text()
