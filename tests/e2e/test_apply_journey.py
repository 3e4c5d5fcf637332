"""Applying in a real browser: register, check eligibility in 韶关, apply in the open round, submit, get the PDF."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.applications.conftest import PDF_BYTES
from tests.e2e.conftest import fill_registration, screenshot_path
from tests.factories.applying import open_round

pytestmark = pytest.mark.e2e


def register(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/register/")
    fields = {"name": "韶关精密齿轮有限公司", "credit_code": "914403001922038216", "address": "韶关市武江区工业西路18号",
              "legal_representative": "陈法人", "contact_person": "陈法人", "phone": "13800138000",
              "email": "office@gear.example.com", "username": "chenfaren", "full_name": "陈法人",
              "user_email": "chen@gear.example.com", "password1": "Gear-Box-2026!", "password2": "Gear-Box-2026!"}
    fill_registration(page, fields=fields, city="韶关市", industry="C34 通用设备制造业", scale="中型", role="signatory")
    page.click("#profile-form [type=submit]")
    page.wait_for_url(re.compile(r"/accounts/enterprise/$"))


def check_shaoguan(page, live_server) -> None:
    page.goto(f"{live_server.url}/check/")
    page.select_option('select[name="city"]', label="韶关市")
    page.click("#city-form [type=submit]")
    page.wait_for_url(re.compile(r"/check/topics/"))
    page.check('#topics-form input[value="titles"]')
    page.click("#topics-next")
    for _ in range(40):
        if "/check/results/" in page.url:
            break
        radio = page.locator('input[name="title_national_little_giant"][value="true"]')
        if radio.count():
            radio.check()
            page.click("#finish")
            break
        page.click("#next")
    page.wait_for_url(re.compile(r"/check/results/"))


def test_register_check_apply_upload_submit_and_download_the_pdf(page, live_server, catalogue, tmp_path):
    round_ = open_round("national-little-giant-award", "tech-renovation-award", name="韶关市2026年第一批奖补申报")
    register(page, live_server)
    check_shaoguan(page, live_server)
    item = page.locator('#eligible [data-incentive$="/national-little-giant-award"]')
    assert "100万元" in item.inner_text().replace(" ", "")
    item.locator("text=立即申报").click()
    page.wait_for_url(re.compile(rf"/rounds/{round_.pk}/"))
    assert "还剩 30 天" in page.locator("#round-facts").inner_text()
    page.locator('#round-incentives .list-group-item', has_text="小巨人").locator("button").click()

    page.wait_for_url(re.compile(r"/edit/contact/"))
    assert page.input_value('[name="person"]') == "陈法人"  # prefilled from the profile
    page.click("#next")
    page.fill('[name="name"]', "国家级专精特新“小巨人”企业认定")
    page.fill('[name="description"]', "2026年7月获工业和信息化部认定为第八批专精特新“小巨人”企业。")
    page.click("#next")
    page.wait_for_url(re.compile(r"/edit/conditions/"))
    assert page.locator('input[name="title_national_little_giant"][value="true"]').is_checked()  # from the check
    page.click("#next")
    assert "100 万元" in page.locator("#computed-amount").inner_text()
    page.fill('[name="requested_amount"]', "120")
    page.click("#next")
    assert "不能超过按条文测算的最高金额 100 万元" in page.locator("main").inner_text()
    page.fill('[name="requested_amount"]', "100")
    page.click("#next")

    page.wait_for_url(re.compile(r"/edit/attachments/"))
    upload = tmp_path / "小巨人认定文件.pdf"
    upload.write_bytes(PDF_BYTES)
    page.set_input_files('input[name="file"]', str(upload))
    page.click("#upload")
    assert "已上传" in page.locator("#attachment-list").inner_text()
    page.click("#next")
    page.wait_for_url(re.compile(r"/edit/preview/"))
    assert "韶关精密齿轮有限公司" in page.locator("#preview").inner_text()
    page.screenshot(path=str(screenshot_path("apply_preview")), full_page=True)
    page.check('[name="declaration"]')
    page.click("#submit")

    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    reference = page.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"SHAOGUAN-\d{4}-00001", reference)
    assert "已提交，待受理" in page.locator("#status").inner_text()
    assert "已提交" in page.locator("#timeline").inner_text()
    page.screenshot(path=str(screenshot_path("apply_submitted")), full_page=True)
    with page.expect_download() as download:
        page.click("#pdf-1")
    path = tmp_path / "application.pdf"
    download.value.save_as(path)
    text = "".join(page_.extract_text() for page_ in PdfReader(path).pages)
    assert reference in text and "韶关精密齿轮有限公司" in text and "100" in text
    page.goto(f"{live_server.url}/applications/")
    assert reference in page.locator("#applications").inner_text()
