"""The eligibility check in a real browser: an enterprise of 江门 and one of 韶关 answer and read their results."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def answer_until_results(page, answers: dict[str, str], steps: int = 40) -> None:
    """Answer what is asked among `answers`, leave the rest unknown, step on until the results page."""
    for _ in range(steps):
        if "/check/results/" in page.url:
            return
        for key, value in answers.items():
            radio = page.locator(f'input[name="{key}"][value="{value}"]')
            if radio.count():
                radio.check()
            elif page.locator(f'input[name="{key}"]').count():
                page.fill(f'input[name="{key}"]', value)
        page.click("#next")
    page.click("#finish")


def start(page, live_server, city_label: str) -> None:
    """Choose the city, then every topic (where nothing is in force, after asking for the estimate as written)."""
    page.goto(f"{live_server.url}/check/")
    page.select_option('select[name="city"]', label=city_label)
    page.click("#city-form [type=submit]")
    page.wait_for_url(re.compile(r"/check/topics/"))
    if page.locator("#as-written").count():
        page.click("#as-written")
    for box in page.locator('#topics-form input[name="topics"]').all():
        box.check()
    page.click("#topics-next")
    page.wait_for_url(re.compile(r"/check/step/"))


def test_a_jiangmen_enterprise_sees_the_tech_renovation_award_computed(page, live_server, catalogue):
    start(page, live_server, "江门市")
    assert page.locator("#progress").is_visible()
    # a bad answer first: a negative amount is refused with a message, nothing recorded
    answer_until_results(page, {"is_manufacturing": "true", "project_is_tech_renovation": "true",
                                "project_equipment_investment": "3000",
                                "project_provincial_tech_renovation": "true"}, steps=60)
    page.wait_for_url(re.compile(r"/check/results/"))
    card = page.locator('[data-incentive="jiangmen-2023-manufacturing/tech-renovation-provincial"]').first
    assert "最高600万元" in card.inner_text()
    assert "文件已失效" in card.inner_text()  # 江门's measures ran until 2025-12-31
    assert "20% × 3000万元 = 600万元" in card.inner_text()


def test_a_bad_answer_is_refused_in_the_user_language(page, live_server, catalogue):
    start(page, live_server, "江门市")
    for _ in range(20):
        field = page.locator('input[name="project_equipment_investment"]')
        if field.count():
            field.fill("-3000")
            page.click("#next")
            assert "不能为负数" in page.locator("#step-form").inner_text()
            return
        page.click("#next")
    pytest.fail("the questionnaire never asked for the equipment investment")


def test_a_shaoguan_enterprise_sees_the_little_giant_award(page, live_server, catalogue):
    start(page, live_server, "韶关市")
    answer_until_results(page, {"title_national_little_giant": "true", "is_industrial": "true"}, steps=60)
    page.wait_for_url(re.compile(r"/check/results/"))
    card = page.locator('[data-incentive="shaoguan-2020-manufacturing/national-little-giant-award"]').first
    assert "100万元" in card.inner_text()
    assert "现行有效政策中可同时享受的最优合计" in page.locator("#best-total").inner_text()


def test_the_city_comparison_shows_each_city_for_a_3000_wan_upgrade(page, live_server, catalogue):
    page.goto(f"{live_server.url}/check/compare/")
    page.fill('input[name="project_equipment_investment"]', "3000")
    page.click("#compare-form [type=submit]")
    jiangmen = page.locator('[data-region="jiangmen"]')
    assert "最高600万元" in jiangmen.locator(
        '[data-incentive="jiangmen-2023-manufacturing/tech-renovation-provincial"]').inner_text()
    shenzhen = page.locator('[data-region="shenzhen"]')
    assert "20% × 3000万元 = 600万元" in shenzhen.locator(
        '[data-incentive="shenzhen-manufacturing-draft/tech-renovation-grant"]').inner_text()
    assert "征求意见稿" in shenzhen.inner_text()
    page.screenshot(path="/tmp/e2e-screenshots/compare.png", full_page=True)


def step_names(page) -> list[str]:
    names = page.eval_on_selector_all("#step-form [name]", "els => els.map(e => e.name)")
    return sorted({name for name in names if name not in ("csrfmiddlewaretoken", "next", "finish")})


def test_back_returns_to_the_previous_questions_and_enter_still_means_next(page, live_server, catalogue):
    start(page, live_server, "江门市")
    first = step_names(page)
    page.locator('input[name="is_manufacturing"][value="true"]').check()
    page.click("#next")
    page.wait_for_url(re.compile(r"/check/step/"))
    second = step_names(page)
    assert second != first
    assert page.locator("#progress").evaluate("bar => bar.style.width").endswith("%")

    page.click("#back")  # a POST of its own form
    page.wait_for_url(re.compile(r"/check/step/"))
    assert step_names(page) == first
    assert page.locator('input[name="is_manufacturing"][value="true"]').is_checked()

    # pressing Enter in a field submits the step ("next"), never "back"
    page.click("#next")
    for _ in range(20):
        field = page.locator('#step-form input[inputmode="decimal"]').first
        if field.count():
            field.fill("12.5")
            with page.expect_navigation():
                field.press("Enter")
            assert step_names(page) != first
            return
        page.click("#next")
    pytest.fail("the questionnaire never asked for a number")


def test_the_results_page_prints_from_its_button(page, live_server, catalogue):
    start(page, live_server, "江门市")
    page.click("#finish")
    page.wait_for_url(re.compile(r"/check/results/"))
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
