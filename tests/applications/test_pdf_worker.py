"""The PDF task under a real Celery worker on Redis: queued after commit, made once however often it is sent.

The worker runs in a thread of the test process (celery.contrib.testing.worker.start_worker), so the data it
reads must be committed: these tests use transactional database access. They are skipped when Redis cannot
be reached; PORTAL_REDIS_URL chooses the server and database (CI: redis://127.0.0.1:6379/15).
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from celery import Celery, _state
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from applications.models import ApplicationPdf
from applications.storage import PrivateStorage
from applications.tasks.pdf import application_pdf_generate
from tests.factories.pdf import SubmittedApplicationFactory

REDIS_URL = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def redis_unreachable() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.RedisError, OSError) as error:
        return f"Redis 不可达（{REDIS_URL}）：{error}；设置 PORTAL_REDIS_URL 或启动 redis-server"
    return ""


@pytest.fixture(scope="module")
def redis_app():
    """A Celery app of the project's settings on Redis, not eager, on a queue of its own; made current while used."""
    if reason := redis_unreachable():
        pytest.skip(reason)
    app = Celery("portal-test-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                    task_default_queue=f"portal-test-{uuid.uuid4().hex[:8]}", broker_connection_retry_on_startup=False,
                    worker_hijack_root_logger=False, result_expires=300)
    app.autodiscover_tasks(["applications"], force=True)
    app.finalize()
    assert "applications.tasks.pdf.application_pdf_generate" in app.tasks
    # start_worker makes its app the current AND the process-wide default one; other threads (a live server)
    # fall back to the default, so both are put back, or later tests would queue to this worker's Redis queue
    before, before_default = _state.get_current_app(), _state.default_app
    app.set_current()
    try:
        yield app
    finally:
        before.set_current()
        _state.set_default_app(before_default)


@pytest.fixture
def worker(redis_app):
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as running:
        yield running


@pytest.fixture(autouse=True)
def private_root(monkeypatch, tmp_path) -> Path:
    root = tmp_path / "private"
    monkeypatch.setattr(ApplicationPdf._meta.get_field("file"), "storage", PrivateStorage(location=str(root)))
    return root


def test_the_task_queued_on_commit_is_run_by_the_worker_and_the_pdf_appears(worker, private_root):
    with transaction.atomic():
        application = SubmittedApplicationFactory()
        # what the submit service does: the task is only sent once the submission is committed
        application_pdf_generate.delay_on_commit(application.id, 1)
    pdf = _wait_for_pdf(application)
    (path,) = (p for p in private_root.rglob("*.pdf"))
    assert path.read_bytes().startswith(b"%PDF-") and path.stat().st_size == pdf.size


def test_sent_twice_the_worker_makes_one_pdf(worker, redis_app, private_root):
    application = SubmittedApplicationFactory()
    task = redis_app.tasks[application_pdf_generate.name]
    first, second = task.delay(application.id, 1), task.delay(application.id, 1)
    results = {first.get(timeout=120), second.get(timeout=120)}
    assert results == {"stored", "exists"}
    assert ApplicationPdf.objects.filter(application=application).count() == 1
    assert len(list(private_root.rglob("*.pdf"))) == 1


def test_a_task_sent_for_an_old_revision_does_nothing(worker, redis_app, private_root):
    application = SubmittedApplicationFactory(revision=2)
    assert redis_app.tasks[application_pdf_generate.name].delay(application.id, 1).get(timeout=120) == "stale"
    assert not ApplicationPdf.objects.exists() and not list(private_root.rglob("*"))


def _wait_for_pdf(application, timeout: float = 120) -> ApplicationPdf:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pdf := ApplicationPdf.objects.filter(application=application, revision=1).first():
            return pdf
        time.sleep(0.2)
    raise AssertionError(f"no PDF after {timeout} s")
