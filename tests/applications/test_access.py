"""Another enterprise, or nobody, reads and writes nothing of an enterprise's applications through any URL."""
from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationEvent, Attachment, Submission
from tests.applications.test_applying import fill_little_giant, submit
from tests.factories.applying import SignatoryFactory

pytestmark = pytest.mark.django_db


def state() -> tuple:
    return (
        list(Application.objects.order_by("pk").values()),
        list(Attachment.objects.order_by("pk").values()),
        list(Submission.objects.order_by("pk").values_list("pk", "revision")),
        ApplicationEvent.objects.count(),
    )


def urls_of(application: Application) -> list[str]:
    attachment = application.attachments.get()
    pk = application.pk
    urls = [reverse("applying:application_detail", args=[pk]),
            reverse("applying:application_withdraw", args=[pk]),
            reverse("applying:attachments_next", args=[pk]),
            reverse("applying:attachment_download", args=[pk, attachment.pk]),
            reverse("applying:attachment_remove", args=[pk, attachment.pk]),
            reverse("applying:application_pdf", args=[pk, 1])]
    urls += [reverse("applying:application_step", args=[pk, step])
             for step in ("contact", "project", "conditions", "amount", "attachments", "preview")]
    return urls


@pytest.mark.parametrize("who", ["other enterprise", "anonymous"])
def test_every_url_of_an_application_refuses_others(client, little_giant_round, signatory, who):
    client.force_login(signatory.user)
    draft = fill_little_giant(client, little_giant_round)
    submitted_enterprise = SignatoryFactory()
    client.force_login(submitted_enterprise.user)
    submitted = fill_little_giant(client, little_giant_round)
    submit(client, submitted)
    client.logout()
    if who == "other enterprise":
        client.force_login(SignatoryFactory().user)
    secrets = [signatory.enterprise.name, submitted_enterprise.enterprise.name,
               Application.objects.get(pk=submitted.pk).reference]
    before = state()
    for application in (draft, submitted):
        for url in urls_of(application):
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"person": "X", "phone": "13900000000", "declaration": "on",
                                                         "requested_amount": "1", "name": "x", "description": "x"})
                if who == "anonymous":
                    assert response.status_code in (302, 405), (method, url, response.status_code)
                    if response.status_code == 302:
                        assert response.url.startswith(reverse("accounts:login")), (method, url)
                else:
                    assert response.status_code in (404, 405), (method, url, response.status_code)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                for secret in secrets:
                    assert secret.encode() not in body, (method, url)
    assert state() == before
    listing = client.get(reverse("applying:application_list"))
    if who == "other enterprise":
        assert not any(secret in listing.content.decode() for secret in secrets)
