"""The public verification page: with the printed code it shows what a printed copy is checked against, nothing more."""
from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationPdf
from applications.pdf import verification_code
from tests.factories.pdf import SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def url(reference: str, code: str | None = None) -> str:
    path = reverse("verify:application", kwargs={"reference": reference})
    return path if code is None else f"{path}?code={code}"


@pytest.fixture
def application():
    application = SubmittedApplicationFactory(enterprise__address="广东省韶关市浈江区创业大道18号",
                                              enterprise__phone="0751-8881234", enterprise__legal_representative="张伟")
    ApplicationPdf.objects.create(application=application, revision=1, file="pdfs/x.pdf", size=12345, sha256="ab" * 32)
    return application


PRIVATE = ("91440", "广东省韶关市浈江区", "0751-8881234", "张伟", "250")


def test_with_the_printed_code_a_reader_sees_reference_enterprise_incentive_status_and_digest(client, application):
    response = client.get(url(application.reference, verification_code(application.reference)))
    page = response.content.decode()
    assert response.status_code == 200
    assert application.reference in page
    assert "韶关市丹霞精密机械制造有限公司" in page
    assert "“专精特新”企业技术改造及创新项目支持" in page
    assert "已提交，待受理" in page
    assert "ab" * 32 in page
    assert "第1次" in page


def test_the_page_shows_nothing_else_of_the_enterprise(client, application):
    page = client.get(url(application.reference, verification_code(application.reference))).content.decode()
    assert application.enterprise.credit_code not in page
    for private in PRIVATE:
        assert private not in page, private


@pytest.mark.parametrize("code", [None, "", "AAAAAAAAAA", "wrong"])
def test_without_the_right_code_nothing_of_the_application_is_shown(client, application, code):
    response = client.get(url(application.reference, code))
    page = response.content.decode()
    assert response.status_code == 200
    assert "韶关市丹霞精密机械制造有限公司" not in page and "ab" * 32 not in page
    assert "核验码" in page
    if code:
        assert "核验码与申报编号不符" in page


def test_the_code_is_accepted_as_typed_from_paper(client, application):
    code = verification_code(application.reference)
    typed = f"{code[:5].lower()}-{code[5:].lower()}"
    assert "韶关市丹霞精密机械制造有限公司" in client.get(url(application.reference, typed)).content.decode()


def test_an_unknown_reference_is_not_found(client, db):
    assert client.get(url("shaoguan-2026-99999", verification_code("shaoguan-2026-99999"))).status_code == 404


def test_every_revision_is_listed_and_a_pdf_not_made_yet_says_so(client):
    application = SubmittedApplicationFactory(revision=2)
    ApplicationPdf.objects.create(application=application, revision=1, file="pdfs/1.pdf", size=1, sha256="cd" * 32)
    page = client.get(url(application.reference, verification_code(application.reference))).content.decode()
    assert "第1次" in page and "第2次" in page
    assert "cd" * 32 in page and "生成中" in page


def test_a_withdrawn_application_shows_its_status(client, application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    page = client.get(url(application.reference, verification_code(application.reference))).content.decode()
    assert "已撤回" in page
