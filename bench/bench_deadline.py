"""Deadline day: N submissions in a burst, their notifications (and PDFs, where the PDF task exists) through a real
Celery worker on Redis; prints the time until everything queued is delivered, and the errors.

    .venv/bin/python bench/bench_deadline.py [--submissions N] [--workers W]

Needs Redis (PORTAL_REDIS_URL, default redis://127.0.0.1:6379/10); PostgreSQL when DATABASE_URL names it (a
database of its own), else a SQLite file in /tmp. Each submission is written as the enterprise's submit service
writes it (status, snapshot, the "submit" event, in one transaction), so event_record queues the outbox rows and
the on-commit wake-up; applications.tasks.pdf.application_pdf_generate is queued too when it is installed.
The last line is exactly ``submissions=<n> notifications=<n> pdfs=<n> drain_seconds=<n> errors=<n>``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/portal-bench-deadline.sqlite3")
os.environ["CELERY_BROKER_URL"] = REDIS
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.credit_code import check_character  # noqa: E402
from applications.models import (  # noqa: E402
    Application,
    ApplicationPdf,
    Enterprise,
    Membership,
    Notification,
    Round,
    StaffMembership,
    Submission,
)
from applications.services.events import event_record  # noqa: E402
from incentives.models import Clause, Department, Incentive, PolicyDocument  # noqa: E402
from portal.celery import app  # noqa: E402


def pdf_task():
    try:
        return importlib.import_module("applications.tasks.pdf").application_pdf_generate
    except (ImportError, AttributeError):
        return None


def prepare(n: int) -> list[int]:
    call_command("flush", interactive=False, verbosity=0)
    User = get_user_model()
    now = timezone.now()
    intake = Department.objects.create(key="deadline-gxj", name="截止日市工业和信息化局", region="deadline")
    for i in range(3):
        user = User.objects.create_user(f"deadline-staff{i}", f"staff{i}@bureau.example.cn", "bench", is_staff=True)
        StaffMembership.objects.create(user=user, department=intake)
    document = PolicyDocument.objects.create(key="deadline-doc", version=1, is_current=True, region="deadline",
                                             region_name="截止日市", issuer="截止日市人民政府", title="截止日政策",
                                             status="in_force", full_text="全文", fixture_name="deadline.yaml",
                                             digest="1" * 64)
    clause = Clause.objects.create(document=document, position=0, number="9", text="9.给予最高100万元奖励。")
    incentive = Incentive.objects.create(document=document, clause=clause, position=0, key="award", name="截止日奖励",
                                         kind="one_time_reward", beneficiary="enterprise", summary="奖励")
    round_ = Round.objects.create(name="截止日批次", region="deadline", accepting_department=intake,
                                  opens_at=now - timedelta(days=30), closes_at=now + timedelta(hours=2))
    users = User.objects.bulk_create([User(username=f"deadline-officer{i}", email=f"officer{i}@factory.example.cn")
                                      for i in range(n)])
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(name=f"截止日制造有限公司{i}", credit_code=(f"91440700MC{i:07d}" + check_character(f"91440700MC{i:07d}")),
                   city="deadline") for i in range(n)])
    Membership.objects.bulk_create([Membership(user=u, enterprise=e, role="signatory")
                                    for u, e in zip(users, enterprises)])
    drafts = Application.objects.bulk_create([
        Application(enterprise=e, round=round_, incentive=incentive, requested_amount=Decimal("100"),
                    max_amount=Decimal("100"), created_by=u) for u, e in zip(users, enterprises)])
    return [a.pk for a in drafts]


def submit(application_id: int, number: int, pdf) -> None:
    """What the submit service writes, in its one transaction."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("enterprise", "incentive").get(
            pk=application_id)
        application.status, application.revision = "submitted", 1
        application.reference, application.submitted_at = f"deadline-2026-{number:05d}", timezone.now()
        application.save()
        Submission.objects.create(application=application, revision=1, submitted_at=application.submitted_at,
                                  submitted_by=application.created_by,
                                  snapshot={"reference": application.reference, "revision": 1,
                                            "enterprise": application.enterprise.profile(),
                                            "amount": {"maximum": "100", "requested": "100", "steps": []}})
        event_record(application=application, action="submit", source="draft", target="submitted",
                     by=application.created_by)
        if pdf is not None:
            transaction.on_commit(lambda: pdf.delay(application.pk, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    ids = prepare(args.submissions)
    pdf = pdf_task()
    connection.close()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency", str(args.workers),
         "--loglevel", "WARNING", "--without-mingle", "--without-gossip", "-n", f"bench-deadline-{os.getpid()}@%h"],
        cwd=ROOT, env={**os.environ}, start_new_session=True)
    errors = 0
    try:
        time.sleep(3)
        started = time.perf_counter()
        for number, application_id in enumerate(ids, start=1):
            try:
                submit(application_id, number, pdf)
            except Exception as error:  # noqa: BLE001 - counted and shown
                errors += 1
                print(f"submission {number}: {error}")
        submitted = time.perf_counter() - started
        expected_pdfs = len(ids) - errors if pdf is not None else 0
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            pending = Notification.objects.filter(email="pending").count()
            with app.connection_for_write() as conn:
                queued = conn.default_channel.client.llen("celery")
            if not pending and not queued and ApplicationPdf.objects.count() >= expected_pdfs:
                break
            time.sleep(0.5)
        drained = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
    pending = Notification.objects.filter(email="pending").count()
    notifications = Notification.objects.count()
    pdfs = ApplicationPdf.objects.count()
    errors += pending + (expected_pdfs - pdfs if pdf is not None else 0)
    print(f"database: {connection.vendor}; {args.workers} worker processes; submissions written in {submitted:.1f} s; "
          f"PDF task: {'applications.tasks.pdf' if pdf else 'not installed, notifications only'}; "
          f"emails sent: {Notification.objects.filter(email='sent').count()}")
    print(f"submissions={len(ids)} notifications={notifications} pdfs={pdfs} drain_seconds={drained:.1f} "
          f"errors={errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
