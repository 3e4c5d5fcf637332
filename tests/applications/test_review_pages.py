"""公示 and objections in public, the periodic tasks (reminders, digest, end of 公示), the dashboard and export."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.models import Application, Notification, Objection, Publicity, ReviewStep
from applications.services import reminders, review
from tests.factories.review import RoundFactory, SubmittedApplicationFactory, departments, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    d = departments()
    return {"gxj": staff(d["gxj"], "gxj", is_head=True), "gxj2": staff(d["gxj"], "gxj2"),
            "kjj": staff(d["kjj"], "kjj"), "czj": staff(d["czj"], "czj")}


def confirmed(people, **kwargs):
    application = SubmittedApplicationFactory(**kwargs)
    review.application_accept(application_id=application.pk, by=people["gxj"])
    review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="100")
    review.application_approve_step(application_id=application.pk, by=people["kjj"], amount="100")
    return review.application_confirm(application_id=application.pk, by=people["czj"])


def end_publicity(application):
    Publicity.objects.filter(application=application).update(starts_at=timezone.now() - dt.timedelta(days=8),
                                                             ends_at=timezone.now() - dt.timedelta(hours=1))


def test_publicity_page_lists_awards_and_takes_objections(client, people):
    application = confirmed(people)
    page = client.get(reverse("review:publicity")).content.decode()
    for text in (application.enterprise.name, application.incentive.name, "100.00", application.round.name, "公示中"):
        assert text in page
    publicity = Publicity.objects.get(application=application)
    url = reverse("review:objection", args=[publicity.pk])
    refused = client.post(url, {"name": "赵六", "contact": "", "text": "不属实"})
    assert refused.status_code == 200 and not Objection.objects.exists()
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    thanks = client.post(url, {"name": "赵六", "contact": "13700000000", "text": "该企业未实际购置设备"}, follow=True)
    assert "异议已收到" in thanks.content.decode()
    assert Objection.objects.get().contact == "13700000000"
    assert "13700000000" not in client.get(reverse("review:publicity")).content.decode()


def test_no_objection_once_publicity_is_over(client, people):
    application = confirmed(people)
    end_publicity(application)
    publicity = Publicity.objects.get(application=application)
    response = client.post(reverse("review:objection", args=[publicity.pk]),
                           {"name": "赵六", "contact": "137", "text": "x"})
    assert "不在公示期内" in response.content.decode() and not Objection.objects.exists()


def test_the_periodic_task_finalizes_only_quiet_publicities(people):
    quiet, contested = confirmed(people), confirmed(people)
    review.objection_file(application_id=contested.pk, name="钱七", contact="q@example.cn", text="金额有误")
    end_publicity(quiet)
    end_publicity(contested)
    assert reminders.publicity_finalize_due() == 1
    assert Application.objects.get(pk=quiet.pk).status == "final"
    assert Application.objects.get(pk=contested.pk).status == "publicity"
    assert "公示期满" in client_free_page_text(quiet)


def client_free_page_text(application) -> str:
    return " ".join(Notification.objects.filter(application=application).values_list("subject", flat=True))


def test_overdue_steps_remind_the_department_and_its_head_once(people):
    application = SubmittedApplicationFactory()
    review.application_accept(application_id=application.pk, by=people["gxj"])
    ReviewStep.objects.filter(state="open").update(due_at=timezone.now() - dt.timedelta(days=1))
    waiting = SubmittedApplicationFactory(submitted_at=timezone.now() - dt.timedelta(days=30))
    assert reminders.review_overdue_remind() > 0
    reminded = set(Notification.objects.filter(kind="reminder").values_list("recipient__username", "application"))
    assert {("gxj", application.pk), ("gxj2", application.pk), ("gxj", waiting.pk)} <= reminded
    before = Notification.objects.count()
    reminders.review_overdue_remind()
    assert Notification.objects.count() == before


def test_rounds_closing_in_three_days_remind_enterprises_with_drafts(people):
    round_ = RoundFactory(closes_at=timezone.now() + dt.timedelta(days=2))
    draft = SubmittedApplicationFactory(round=round_, status="draft", reference=None)
    SubmittedApplicationFactory(round=RoundFactory(closes_at=timezone.now() + dt.timedelta(days=10)), status="draft",
                                reference=None)
    assert reminders.rounds_closing_remind() == 1
    row = Notification.objects.get(kind="round_closing")
    assert row.recipient == draft.created_by and round_.name in row.subject
    assert reminders.rounds_closing_remind() == 0


def test_each_reviewer_gets_one_digest_a_day(people):
    SubmittedApplicationFactory()
    SubmittedApplicationFactory()
    reminders.reviewer_digest()
    reminders.reviewer_digest()
    digests = Notification.objects.filter(kind="digest")
    assert sorted(digests.values_list("recipient__username", flat=True)) == ["gxj", "gxj2"]
    assert "2 件" in digests.first().subject


def test_the_event_log_replays_to_the_status(people):
    application = confirmed(people)
    objection = review.objection_file(application_id=application.pk, name="孙八", contact="s@example.cn", text="x")
    review.objection_resolve(objection_id=objection.pk, by=people["gxj"], upheld=True, resolution="属实")
    review.application_return(application_id=application.pk, by=people["gxj"], comment="请补充")
    application.refresh_from_db()
    log = list(application.events.order_by("pk").values_list("action", "target"))
    assert workflow.replay(log) == application.status == "returned"


def test_dashboard_for_staff_with_figures_and_chart_data(client, people):
    application = confirmed(people)
    SubmittedApplicationFactory()
    client.force_login(people["gxj"])
    page = client.get(reverse("review:dashboard")).content.decode()
    assert 'id="dashboard-data"' in page and "vendor/chartjs/chart.umd.min.js" in page and "js/dashboard.js" in page
    assert "<script>" not in page.replace('<script type="application/json"', "")
    assert application.incentive.name in page and "江门市工业和信息化局" in page
    client.force_login(application.created_by)
    assert client.get(reverse("review:dashboard")).status_code == 302


def test_csv_export_of_a_round(client, people):
    round_ = RoundFactory()
    application = confirmed(people, round=round_)
    client.force_login(people["gxj"])
    response = client.get(reverse("review:round_export", args=[round_.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "申报编号" and rows[1][0] == application.reference and rows[1][7] == "100.00"
    client.force_login(people["kjj"])
    assert client.get(reverse("review:round_export", args=[round_.pk])).status_code == 404
    assert Decimal(rows[1][8]) == 0
