"""The review in the admin: scoping by department on every URL, the page's content, decisions through services."""
from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import ApplicationPdf, Attachment, Objection
from applications.services import review
from tests.factories import DepartmentFactory
from tests.factories.review import SubmittedApplicationFactory, departments, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {"BACKEND": "applications.storage.PrivateStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def application():
    application = SubmittedApplicationFactory()
    digest = hashlib.sha256(PDF).hexdigest()
    attachment = Attachment(application=application, requirement="设备购置发票", original_name="发票.pdf",
                            content_type="application/pdf", extension="pdf", size=len(PDF), sha256=digest,
                            uploaded_by=application.created_by)
    attachment.file.save("x.pdf", ContentFile(PDF), save=True)
    pdf = ApplicationPdf(application=application, revision=1, size=len(PDF), sha256=digest)
    pdf.file.save("x.pdf", ContentFile(PDF), save=True)
    return application


@pytest.fixture
def reviewer():
    return staff(departments()["gxj"], "gxj-reviewer")


@pytest.fixture
def outsider():
    """A reviewer of another city's bureau."""
    return staff(DepartmentFactory(key="shaoguan-gxj", name="韶关市工业和信息化局", region="shaoguan"), "sg-reviewer")


def urls_of(application) -> dict[str, str]:
    pk = application.pk
    attachment = application.attachments.get()
    return {
        "change": reverse("admin:applications_applicationreview_change", args=[pk]),
        "history": reverse("admin:applications_applicationreview_history", args=[pk]),
        "delete": reverse("admin:applications_applicationreview_delete", args=[pk]),
        "attachment": reverse("admin:applications_applicationreview_attachment", args=[pk, attachment.pk]),
        "pdf": reverse("admin:applications_applicationreview_pdf", args=[pk, 1]),
    }


def test_the_reviewer_sees_the_queue_the_page_and_downloads_files(client, application, reviewer):
    client.force_login(reviewer)
    queue = client.get(reverse("admin:applications_applicationreview_changelist"))
    assert queue.status_code == 200 and application.reference in queue.content.decode()
    page = client.get(urls_of(application)["change"])
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("注册地为江门市：满足（第9条）", "设备投资额 3000 万元 × 20% = 600 万元", application.enterprise.name,
                 "设备购置发票", "办理记录", 'data-action="accept"', 'data-action="return"', 'data-action="reject"'):
        assert text in html
    assert 'data-action="approve_step"' not in html
    for name in ("attachment", "pdf"):
        response = client.get(urls_of(application)[name])
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_a_reviewer_of_another_department_gets_404_or_403_everywhere(client, application, outsider):
    client.force_login(outsider)
    queue = client.get(reverse("admin:applications_applicationreview_changelist") + "?queue=all")
    assert queue.status_code == 200 and application.reference not in queue.content.decode()
    for name, url in urls_of(application).items():
        assert client.get(url).status_code in (403, 404), name
    decide = reverse("admin:applications_applicationreview_decide", args=[application.pk])
    for action in ("accept", "return", "reject", "approve_step", "confirm", "record_payment"):
        response = client.post(decide, {"action": action, "comment": "x", "basis": "x", "amount": "1"})
        assert response.status_code == 404, action
    bulk = client.post(reverse("admin:applications_applicationreview_changelist"),
                       {"action": "accept_selected", "_selected_action": [application.pk], "queue": "all"})
    assert bulk.status_code in (200, 302)
    application.refresh_from_db()
    assert application.status == "submitted" and application.events.count() == 1
    for model in ("objection", "payment", "publicity"):
        listing = client.get(reverse(f"admin:applications_{model}_changelist"))
        assert listing.status_code == 200 and application.reference not in listing.content.decode()


def test_objections_of_another_department_are_404(client, application, reviewer, outsider):
    people = {"gxj": reviewer, "kjj": staff(departments()["kjj"], "kjj"), "czj": staff(departments()["czj"], "czj")}
    review.application_accept(application_id=application.pk, by=reviewer)
    review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="100")
    review.application_approve_step(application_id=application.pk, by=people["kjj"], amount="100")
    review.application_confirm(application_id=application.pk, by=people["czj"])
    objection = review.objection_file(application_id=application.pk, name="王五", contact="13900000000", text="有误")
    client.force_login(outsider)
    assert client.get(reverse("admin:applications_objection_change", args=[objection.pk])).status_code == 404
    response = client.post(reverse("admin:applications_objection_resolve", args=[objection.pk]),
                           {"decision": "upheld", "resolution": "x"})
    assert response.status_code == 404
    assert Objection.objects.get(pk=objection.pk).status == "pending"
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_objection_change", args=[objection.pk]))
    assert page.status_code == 200 and "处理异议" in page.content.decode()
    client.post(reverse("admin:applications_objection_resolve", args=[objection.pk]),
                {"decision": "dismissed", "resolution": "经核实，金额按条文计算"})
    assert Objection.objects.get(pk=objection.pk).status == "dismissed"


def test_a_non_staff_enterprise_user_cannot_reach_the_admin(client, application):
    client.force_login(application.created_by)
    for url in urls_of(application).values():
        assert client.get(url).status_code in (302, 403, 404)


def test_decisions_in_the_admin_go_through_the_services(client, application, reviewer):
    client.force_login(reviewer)
    decide = reverse("admin:applications_applicationreview_decide", args=[application.pk])
    seen = application.events.last().pk
    response = client.post(decide, {"action": "return", "comment": "", "seen_event_id": seen}, follow=True)
    assert "必须写明" in response.content.decode()
    client.post(decide, {"action": "accept", "seen_event_id": seen})
    application.refresh_from_db()
    assert application.status == "in_review"
    stale = client.post(decide, {"action": "approve_step", "amount": "100", "seen_event_id": seen}, follow=True)
    assert "已被他人处理" in stale.content.decode()
    seen = application.events.last().pk
    too_much = client.post(decide, {"action": "approve_step", "amount": "120", "seen_event_id": seen}, follow=True)
    assert "超过" in too_much.content.decode()
    client.post(decide, {"action": "approve_step", "amount": "90", "reason": "部分发票不符", "seen_event_id": seen})
    application.refresh_from_db()
    assert application.approved_amount == 90 and application.steps.get(state="open").department.key == "jiangmen-kjj"
    # the page still shows it (gxj is on its route) but offers no decision any more
    page = client.get(reverse("admin:applications_applicationreview_change", args=[application.pk])).content.decode()
    assert 'id="review-no-actions"' in page


def test_the_queue_shows_what_waits_for_my_department_by_default(client, application, reviewer):
    other = staff(departments()["kjj"], "kjj-reviewer")
    client.force_login(other)
    queue = client.get(reverse("admin:applications_applicationreview_changelist")).content.decode()
    assert application.reference not in queue
    review.application_accept(application_id=application.pk, by=reviewer)
    review.application_approve_step(application_id=application.pk, by=reviewer, amount="100")
    queue = client.get(reverse("admin:applications_applicationreview_changelist")).content.decode()
    assert application.reference in queue


def test_a_superuser_sees_every_application_and_every_admin_page_renders(client, application, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    queue = client.get(reverse("admin:applications_applicationreview_changelist") + "?queue=all").content.decode()
    assert application.reference in queue
    for model in ("objection", "payment", "publicity", "staffmembership", "notification"):
        assert client.get(reverse(f"admin:applications_{model}_changelist")).status_code == 200, model
    page = client.get(urls_of(application)["change"]).content.decode()
    assert 'data-action="accept"' in page
