"""An enterprise applies: a draft saved step by step, checked uploads, one submit that freezes what was sent."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent, Attachment, Submission
from applications.services.applying import ApplicationRefused, application_submit, application_withdraw
from tests.applications.conftest import pdf_upload
from tests.factories.applying import SignatoryFactory, open_round

pytestmark = pytest.mark.django_db

LITTLE_GIANT_DOC = "国家专精特新“小巨人”企业认定文件"


def start(client, round_, key="national-little-giant-award") -> Application:
    incentive = round_.incentives.get(key=key)
    response = client.post(reverse("applying:application_start", args=[round_.pk, incentive.pk]))
    assert response.status_code == 302
    return Application.objects.get(pk=int(response.url.split("/")[2]))


def step(client, application, name, data, status=302):
    response = client.post(reverse("applying:application_step", args=[application.pk, name]), data)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def fill_little_giant(client, round_, *, title="true", amount="100") -> Application:
    application = start(client, round_)
    step(client, application, "contact", {"person": "李明", "phone": "13800138000", "email": "li@example.com"})
    step(client, application, "project", {"name": "国家专精特新小巨人认定", "description": "2026年获工信部认定。"})
    step(client, application, "conditions", {"title_national_little_giant": title})
    if amount is not None:
        step(client, application, "amount", {"requested_amount": amount})
    step(client, application, "attachments", {"requirement": LITTLE_GIANT_DOC, "file": pdf_upload(), "upload": "1"})
    return Application.objects.get(pk=application.pk)


def submit(client, application, status=302):
    return step(client, application, "preview", {"declaration": "on"}, status=status)


def test_a_draft_is_prefilled_from_the_profile_and_kept_at_every_step(client, little_giant_round, signatory):
    signatory.enterprise.answers = {"city": "shaoguan", "title_national_little_giant": True}
    signatory.enterprise.save()
    client.force_login(signatory.user)
    application = start(client, little_giant_round)
    assert application.status == "draft"
    assert application.contact == {"person": "李明", "phone": "13800138000", "email": "liming@example.com"}
    assert application.answers == {"title_national_little_giant": True}
    assert application.max_amount == Decimal("100")
    page = client.get(reverse("applying:application_step", args=[application.pk, "amount"])).content.decode()
    assert "100 万元" in page
    # starting again (a second click, another tab) reopens the same draft
    assert start(client, little_giant_round).pk == application.pk


def test_submitting_freezes_answers_amount_policy_version_and_checksums(client, little_giant_round, signatory,
                                                                        django_capture_on_commit_callbacks):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    with django_capture_on_commit_callbacks() as callbacks:
        submit(client, application)
    application.refresh_from_db()
    year = timezone.localdate().year
    assert application.status == "submitted"
    assert application.reference == f"SHAOGUAN-{year}-00001"
    assert len(callbacks) >= 1  # the PDF is queued only once the submission is committed
    snapshot = Submission.objects.get(application=application).snapshot
    assert snapshot["reference"] == application.reference
    assert snapshot["amount"]["requested"] == "100" and snapshot["amount"]["maximum"] == "100"
    assert snapshot["incentive"]["document_version"] == 1 and snapshot["incentive"]["clause_number"]
    assert "小巨人" in snapshot["incentive"]["clause_text"]
    assert snapshot["eligibility"]["status"] == "eligible"
    attachment = Attachment.objects.get(application=application)
    assert snapshot["attachments"] == [{"id": attachment.pk, "requirement": LITTLE_GIANT_DOC, "name": "证明.pdf",
                                        "size": attachment.size, "sha256": attachment.sha256,
                                        "content_type": "application/pdf"}]
    assert snapshot["enterprise"]["name"] == signatory.enterprise.name
    assert list(ApplicationEvent.objects.filter(application=application).values_list("action", flat=True)) == [
        "create", "submit"]
    # a later change of profile never changes what was submitted
    signatory.enterprise.name = "改名后的公司"
    signatory.enterprise.save()
    assert Submission.objects.get(application=application).snapshot["enterprise"]["name"] != "改名后的公司"


def test_submitting_twice_gives_one_application_and_one_submission(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    submit(client, application)
    second = submit(client, application)
    assert second.url == reverse("applying:application_detail", args=[application.pk])
    with pytest.raises(ApplicationRefused, match="无需重复提交"):
        application_submit(application_id=application.pk, by=signatory.user, declaration_confirmed=True)
    assert Submission.objects.filter(application=application).count() == 1
    assert Application.objects.filter(enterprise=signatory.enterprise).count() == 1


def test_reference_numbers_follow_on_without_gaps_per_city_and_year(client, catalogue, signatory):
    round_ = open_round("national-little-giant-award")
    client.force_login(signatory.user)
    refused = fill_little_giant(client, round_, title="false")  # not eligible: refused, takes no number
    submit(client, refused, status=400)
    refused.refresh_from_db()
    assert refused.reference is None
    application_withdraw(application_id=refused.pk, by=signatory.user)
    first = fill_little_giant(client, round_)
    submit(client, first)
    other = SignatoryFactory()
    client.force_login(other.user)
    second = fill_little_giant(client, round_)
    submit(client, second)
    year = timezone.localdate().year
    assert [Application.objects.get(pk=a.pk).reference for a in (first, second)] == [
        f"SHAOGUAN-{year}-00001", f"SHAOGUAN-{year}-00002"]


def test_a_submission_that_became_not_eligible_is_refused_with_the_condition(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round, title="false", amount=None)
    response = submit(client, application, status=400)
    page = response.content.decode()
    assert "不符合申报条件" in page and "小巨人" in page and "✗" in page
    assert Application.objects.get(pk=application.pk).status == "draft"
    assert not Submission.objects.exists()


def test_an_amount_above_the_computed_maximum_is_refused_and_says_why(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round, amount=None)
    response = step(client, application, "amount", {"requested_amount": "150"}, status=400)
    assert "不能超过按条文测算的最高金额 100 万元" in response.content.decode()
    response = step(client, application, "amount", {"requested_amount": "1e-999999999"}, status=400)
    assert "两位小数" in response.content.decode()
    assert Application.objects.get(pk=application.pk).requested_amount is None


def test_submitting_after_the_round_closed_is_refused(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    Application.objects.filter(pk=application.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    little_giant_round.closes_at = timezone.now() - dt.timedelta(minutes=1)
    little_giant_round.opens_at = timezone.now() - dt.timedelta(days=2)
    little_giant_round.save()
    assert "截止受理" in submit(client, application, status=400).content.decode()
    # a draft started before closing may still be submitted within the grace period
    little_giant_round.grace_hours = 24
    little_giant_round.save()
    submit(client, application)
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_only_the_signatory_submits(client, little_giant_round, preparer):
    client.force_login(preparer.user)
    application = fill_little_giant(client, little_giant_round)
    page = client.get(reverse("applying:application_step", args=[application.pk, "preview"])).content.decode()
    assert "请由法定代表人或其授权人登录后提交" in page
    assert "只有法定代表人或其授权人" in submit(client, application, status=400).content.decode()
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_withdraw_before_review_but_not_after_acceptance(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    submit(client, application)
    client.post(reverse("applying:application_withdraw", args=[application.pk]), {"reason": "材料需补充"})
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert application.events.last().comment == "材料需补充"
    again = fill_little_giant(client, little_giant_round)  # a new draft may start once the old one is withdrawn
    submit(client, again)
    Application.objects.filter(pk=again.pk).update(status="in_review")
    response = client.post(reverse("applying:application_withdraw", args=[again.pk]), follow=True)
    assert "受理后不能撤回" in response.content.decode()
    assert Application.objects.get(pk=again.pk).status == "in_review"


def test_my_applications_lists_status_and_the_timeline(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    submit(client, application)
    application.refresh_from_db()
    listing = client.get(reverse("applying:application_list")).content.decode()
    assert application.reference in listing and "已提交，待受理" in listing
    detail = client.get(reverse("applying:application_detail", args=[application.pk])).content.decode()
    assert "创建草稿" in detail and "已提交" in detail


def test_results_link_each_incentive_to_its_open_round_or_say_none_is_open(client, little_giant_round):
    client.post(reverse("incentives:check_start"), {"city": "shaoguan"})
    page = client.get(reverse("incentives:check_results")).content.decode()
    round_url = reverse("applying:round_detail", args=[little_giant_round.pk])
    assert f'href="{round_url}#round-incentives">立即申报' in page
    assert "目前没有开放的申报批次" in page  # the incentives no round includes
