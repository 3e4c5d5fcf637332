"""The results page in a real browser: alternatives counted once, whom to contact, documents collapsed; phone width."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot_path
from tests.e2e.test_check_journey import answer_until_results, start
from tests.factories.applying import open_round

pytestmark = pytest.mark.e2e

PROVINCIAL = '[data-incentive="jiangmen-2023-manufacturing/tech-renovation-provincial"]'
MUNICIPAL = '[data-incentive="jiangmen-2023-manufacturing/tech-renovation-municipal"]'




def test_a_jiangmen_enterprise_sees_the_two_tech_awards_as_alternatives(page, live_server, both_tech_awards):
    start(page, live_server, "江门市")
    answer_until_results(page, {"is_manufacturing": "true", "project_is_tech_renovation": "true",
                                "project_equipment_investment": "3000",
                                "project_provincial_tech_renovation": "true"}, steps=60)
    page.wait_for_url(re.compile(r"/check/results/"))
    group = page.locator("#eligible [data-alternatives]")
    assert "二选一，已按较高者计入" in group.inner_text()
    assert "计入合计的是“省级技术改造政策奖励”：金额较高。" in group.inner_text()
    assert "计入合计" in group.locator(PROVINCIAL).inner_text()
    assert "未计入合计" in group.locator(MUNICIPAL).inner_text()
    # documents to prepare: collapsed until asked for
    documents = group.locator(f"{MUNICIPAL} details.documents")
    assert not documents.locator("li").first.is_visible()
    documents.locator("summary").click()
    assert "非文件原文，供参考" in documents.inner_text()
    page.screenshot(path=str(screenshot_path("results-alternatives-desktop")), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_path("results-alternatives-390")), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390   # nothing wider than a phone


def test_a_shaoguan_enterprise_sees_whom_to_contact_and_the_days_left(page, live_server, catalogue):
    open_round("national-little-giant-award")
    start(page, live_server, "韶关市")
    answer_until_results(page, {"title_national_little_giant": "true", "is_industrial": "true"}, steps=60)
    page.wait_for_url(re.compile(r"/check/results/"))
    card = page.locator('#eligible [data-incentive="shaoguan-2020-manufacturing/national-little-giant-award"]')
    assert "受理部门：" in card.inner_text() and "韶关市工业和信息化局" in card.inner_text()
    assert re.search(r"还剩 (29|30) 天", card.inner_text())
    # 待确认 by topic: the first group open, the others closed until clicked
    groups = page.locator("#unknown details.topic-group")
    assert groups.count() >= 1 and groups.first.get_attribute("open") is not None
    page.screenshot(path=str(screenshot_path("results-shaoguan-desktop")), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_path("results-shaoguan-390")), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
