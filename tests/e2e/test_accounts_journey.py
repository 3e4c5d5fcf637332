"""Enterprise accounts in a real browser: register, read the profile, invite a colleague who joins."""
from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.e2e.conftest import fill_registration, screenshot_path

pytestmark = pytest.mark.e2e


def test_register_then_invite_a_colleague_who_joins_as_signatory(page, live_server, facts_loaded, browser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.goto(f"{live_server.url}/")
    page.click("text=注册")
    page.wait_for_url(re.compile(r"/accounts/register/"))
    # a mistyped code first: the page says what is wrong and keeps what was typed
    fields = {"name": "韶关精工机械有限公司", "credit_code": "91440300708461136A", "address": "韶关市浈江区工业大道8号",
              "legal_representative": "陈法人", "contact_person": "周经办", "phone": "0751-8123456",
              "email": "office@sgjg.example.com", "username": "zhoujingban", "full_name": "周经办",
              "user_email": "zhou@sgjg.example.com", "password1": "Gear-Box-2026!", "password2": "Gear-Box-2026!"}
    fill_registration(page, fields=fields, city="韶关市", industry="C34 通用设备制造业", scale="小型", role="preparer")
    page.screenshot(path=str(screenshot_path("accounts_register")), full_page=True)
    page.click("#profile-form [type=submit]")
    assert "第18位校验码与前17位不符" in page.locator("#profile-form").inner_text()
    page.fill('[name="credit_code"]', "91440300708461136t")
    for name in ("password1", "password2"):
        page.fill(f'[name="{name}"]', "Gear-Box-2026!")
    page.click("#profile-form [type=submit]")
    page.wait_for_url(re.compile(r"/accounts/enterprise/$"))
    assert "91440300708461136T" in page.locator("#credit-code").inner_text()
    assert "企业档案" in page.locator("#account").inner_text()
    page.click("#invite")
    page.fill('[name="email"]', "chen@sgjg.example.com")
    page.check('input[name="role"][value="signatory"]')
    page.click("#invitation-form [type=submit]")
    page.wait_for_url(re.compile(r"/accounts/enterprise/$"))
    assert "chen@sgjg.example.com" in page.locator("#invitations").inner_text()
    page.screenshot(path=str(screenshot_path("accounts_profile")), full_page=True)

    link = re.search(r"https?://\S+/accounts/invitations/\S+/", mail.outbox[-1].body).group(0)
    other = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        colleague = other.new_page()
        colleague.goto(link)
        assert "韶关精工机械有限公司" in colleague.locator("main").inner_text()
        colleague.fill('[name="username"]', "chenfaren")
        colleague.fill('[name="full_name"]', "陈法人")
        colleague.fill('[name="password1"]', "Seal-Stamp-2026")
        colleague.fill('[name="password2"]', "Seal-Stamp-2026")
        colleague.click("#invitation-signup-form [type=submit]")
        colleague.screenshot(path=str(screenshot_path("accounts_invitation_signup")), full_page=True)
        colleague.wait_for_url(re.compile(r"/accounts/enterprise/$"))
        assert "法定代表人/授权人" in colleague.locator("#my-role").inner_text()
        colleague.goto(link)  # a second use says so
        assert "已使用过" in colleague.locator("#invitation-refused").inner_text()
    finally:
        other.close()
