"""The PDF task and its store service: once per revision, nothing for a stale revision, no orphan file after a race."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import IntegrityError

from applications.models import ApplicationEvent, ApplicationPdf
from applications.services import application_pdf_store
from applications.storage import PrivateStorage
from applications.tasks.pdf import application_pdf_generate
from tests.factories.pdf import SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(monkeypatch, tmp_path) -> Path:
    """Private storage in a temporary folder (the field holds its storage since the model was loaded)."""
    root = tmp_path / "private"
    monkeypatch.setattr(ApplicationPdf._meta.get_field("file"), "storage", PrivateStorage(location=str(root)))
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_the_task_stores_the_pdf_of_the_revision_with_its_sha256_and_size(private_root):
    application = SubmittedApplicationFactory()
    assert application_pdf_generate(application.id, 1) == "stored"
    pdf = ApplicationPdf.objects.get(application=application, revision=1)
    (path,) = stored_files(private_root)
    content = path.read_bytes()
    assert content.startswith(b"%PDF-")
    assert pdf.sha256 == hashlib.sha256(content).hexdigest() and pdf.size == len(content)
    assert path.relative_to(private_root).as_posix() == pdf.file.name
    assert pdf.file.name.startswith(f"pdfs/{application.id}/r1-")
    event = ApplicationEvent.objects.get(application=application, action="pdf_generated")
    assert event.data == {"revision": 1, "sha256": pdf.sha256, "size": pdf.size}
    assert event.source == event.target == application.status  # the status is not changed by it


def test_running_the_task_twice_makes_one_pdf(private_root):
    application = SubmittedApplicationFactory()
    assert application_pdf_generate(application.id, 1) == "stored"
    assert application_pdf_generate(application.id, 1) == "exists"
    assert ApplicationPdf.objects.filter(application=application).count() == 1
    assert len(stored_files(private_root)) == 1


def test_a_task_for_a_superseded_revision_does_nothing(private_root):
    application = SubmittedApplicationFactory(revision=2)
    assert application_pdf_generate(application.id, 1) == "stale"
    assert not ApplicationPdf.objects.exists() and not stored_files(private_root)
    assert application_pdf_generate(application.id, 2) == "stored"
    assert list(ApplicationPdf.objects.values_list("revision", flat=True)) == [2]


def test_a_task_for_an_application_that_is_gone_or_has_no_submission_does_nothing(private_root):
    assert application_pdf_generate(987654, 1) == "missing"
    application = SubmittedApplicationFactory()
    application.submissions.all().delete()
    assert application_pdf_generate(application.id, 1) == "missing"
    assert not stored_files(private_root)


def test_the_pdf_printed_is_the_frozen_snapshot_not_todays_profile(private_root):
    from tests.applications.test_pdf import text_of

    application = SubmittedApplicationFactory()
    application.enterprise.name = "改名后的公司"
    application.enterprise.save()
    application_pdf_generate(application.id, 1)
    text = text_of(ApplicationPdf.objects.get().file.read())
    assert "韶关市丹霞精密机械制造有限公司" in text and "改名后的公司" not in text
    assert application.reference in text


def test_the_loser_of_a_race_keeps_no_file(private_root):
    """Two workers render the same revision: the unique constraint keeps the first, the second file is deleted."""
    application = SubmittedApplicationFactory()
    first = application_pdf_store(application=application, revision=1, content=b"%PDF-1.7 first")
    second = application_pdf_store(application=application, revision=1, content=b"%PDF-1.7 second")
    assert second == first
    assert ApplicationPdf.objects.count() == 1
    (path,) = stored_files(private_root)
    assert path.read_bytes() == b"%PDF-1.7 first"


def test_the_store_refuses_a_revision_the_application_has_moved_past(private_root):
    application = SubmittedApplicationFactory(revision=2)
    assert application_pdf_store(application=application, revision=1, content=b"%PDF-1.7 old") is None
    assert not ApplicationPdf.objects.exists() and not stored_files(private_root)


def test_the_store_refuses_what_is_not_a_pdf(private_root):
    application = SubmittedApplicationFactory()
    with pytest.raises(ValueError, match="不是 PDF"):
        application_pdf_store(application=application, revision=1, content=b"<html>")
    assert not stored_files(private_root)


def test_the_database_allows_one_pdf_per_revision():
    application = SubmittedApplicationFactory()
    ApplicationPdf.objects.create(application=application, revision=1, file="a.pdf", size=1, sha256="0" * 64)
    with pytest.raises(IntegrityError):
        ApplicationPdf.objects.create(application=application, revision=1, file="b.pdf", size=1, sha256="1" * 64)


def test_the_task_is_declared_for_late_acks_retries_and_time_limits():
    assert application_pdf_generate.acks_late is True
    assert OSError in application_pdf_generate.autoretry_for
    assert application_pdf_generate.retry_backoff and application_pdf_generate.max_retries
    assert application_pdf_generate.soft_time_limit < application_pdf_generate.time_limit
