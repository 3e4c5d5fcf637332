"""The review in a real browser: 工信局 returns an application, the enterprise resubmits, 受理 → 工信局 → 科技局 →
财政局 approve in the admin, 公示 shows the award, and the enterprise's inbox shows every step."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import Application
from tests.factories.review import SubmittedApplicationFactory, departments, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def journey(facts_loaded):
    d = departments()
    people = {"gxj": staff(d["gxj"], "gxj-reviewer"), "kjj": staff(d["kjj"], "kjj-reviewer"),
              "czj": staff(d["czj"], "czj-officer")}
    application = SubmittedApplicationFactory()
    return people, application


def admin_login(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def enterprise_login(browser, live_server, application):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill('input[name="username"]', application.created_by.username)
    page.fill('input[name="password"]', PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    return page


def open_application(page, live_server, application):
    page.goto(f"{live_server.url}/admin/applications/applicationreview/")
    page.click(f"text={application.reference}")
    page.wait_for_selector("#review-page")


def decide(page, action, **fields):
    form = page.locator(f'form.review-action[data-action="{action}"]')
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator("input[type=submit]").click()
    page.wait_for_load_state()


def test_review_journey_from_return_to_publicity_and_inbox(browser, live_server, journey):
    people, application = journey
    # 工信局 returns it for revision, saying what to fix
    gxj = admin_login(browser, live_server, "gxj-reviewer")
    open_application(gxj, live_server, application)
    assert "注册地为江门市：满足（第9条）" in gxj.locator("#review-eligibility").inner_text()
    assert "600 万元" in gxj.locator("#review-amount").inner_text()
    decide(gxj, "return", comment="请补充设备购置发票的原件扫描件")
    assert "已办理" in gxj.locator(".messagelist").inner_text()
    assert Application.objects.get(pk=application.pk).status == "returned"

    # the enterprise reads what to fix in 我的申报, edits and resubmits
    enterprise = enterprise_login(browser, live_server, application)
    enterprise.goto(live_server.url + reverse("applying:application_detail", args=[application.pk]))
    assert "请补充设备购置发票的原件扫描件" in enterprise.locator("#timeline").inner_text()
    enterprise.click("#edit")
    enterprise.wait_for_url(re.compile(r"/edit/contact/"))
    enterprise.goto(live_server.url + reverse("applying:application_step", args=[application.pk, "preview"]))
    enterprise.check('[name="declaration"]')
    enterprise.click("#submit")
    enterprise.wait_for_url(re.compile(r"/applications/\d+/$"))
    assert "已提交，待受理" in enterprise.locator("#status").inner_text()
    assert Application.objects.get(pk=application.pk).revision == 2

    # 受理 again, then 工信局's review with the amount
    open_application(gxj, live_server, application)
    decide(gxj, "accept", comment="材料齐全")
    gxj.wait_for_selector('form.review-action[data-action="approve_step"]')
    decide(gxj, "approve_step", amount="80", reason="部分设备不在支持目录内", comment="同意")
    assert "已办理" in gxj.locator(".messagelist").inner_text()

    kjj = admin_login(browser, live_server, "kjj-reviewer")
    open_application(kjj, live_server, application)
    decide(kjj, "approve_step", amount="80", reason="同意工信局核定金额")

    czj = admin_login(browser, live_server, "czj-officer")
    open_application(czj, live_server, application)
    assert czj.locator('form.review-action[data-action="confirm"] [name="amount"]').input_value() == "80.00"
    decide(czj, "confirm")
    assert Application.objects.get(pk=application.pk).status == "publicity"

    # 公示 shows it to anyone
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/publicity/")
    row = public.locator(f'tr:has-text("{application.enterprise.name}")')
    assert application.incentive.name in row.inner_text() and "80.00" in row.inner_text()

    # the enterprise's inbox shows every step
    enterprise.goto(f"{live_server.url}/")
    assert enterprise.locator("#unread-count").inner_text() == "6"
    enterprise.click("#inbox-link")
    inbox = enterprise.locator("#inbox").inner_text()
    for step in ("被退回修改", "请补充设备购置发票的原件扫描件", "已重新提交", "已受理", "通过部门审核", "财政确认，进入公示"):
        assert step in inbox, step
    enterprise.screenshot(path="/tmp/e2e-screenshots/review-inbox.png", full_page=True)
    czj.screenshot(path="/tmp/e2e-screenshots/review-admin-page.png", full_page=True)


def test_the_returned_application_shows_the_comment_in_my_applications(browser, live_server, journey):
    people, application = journey
    from applications.services.review import application_return

    application_return(application_id=application.pk, by=people["gxj"], comment="请补充设备购置发票的原件扫描件")
    page = enterprise_login(browser, live_server, application)
    page.goto(live_server.url + reverse("applying:application_detail", args=[application.pk]))
    assert "请补充设备购置发票的原件扫描件" in page.content()


def test_the_dashboard_draws_its_charts_from_the_page_data(browser, live_server, journey):
    people, application = journey
    from applications.services.review import application_accept

    application_accept(application_id=application.pk, by=people["gxj"])
    SubmittedApplicationFactory()
    page = admin_login(browser, live_server, "gxj-reviewer")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/staff/dashboard/")
    page.wait_for_function("window.Chart && Object.keys(window.Chart.instances).length === 3")
    assert errors == []
    assert "江门市工业和信息化局" in page.locator("#by-department").inner_text()
    assert application.incentive.name in page.locator("#amounts").inner_text()
    page.screenshot(path="/tmp/e2e-screenshots/review-dashboard.png", full_page=True)
