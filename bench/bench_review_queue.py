"""Time the admin review queue (the changelist a reviewer opens first) over N applications.

    .venv/bin/python bench/bench_review_queue.py [--applications N] [--runs R]

On PostgreSQL when DATABASE_URL names it (use a database of its own: the bench flushes it when N changes),
else on a SQLite file in /tmp. The last line is exactly ``applications=<n> median_ms=<n> queries=<n>``.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/portal-bench-review-queue.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.credit_code import check_character  # noqa: E402
from applications.models import Application, Enterprise, Membership, ReviewStep, Round, StaffMembership  # noqa: E402
from incentives.models import Clause, Department, Incentive, PolicyDocument  # noqa: E402

DEPARTMENTS = 8
ROUNDS = 20
INCENTIVES = 30
BATCH = 5000


def credit_code(n: int) -> str:
    first = f"91440700MA{n:07d}"
    return first + check_character(first)


def generate(n: int) -> None:
    """N applications over 20 rounds, 8 departments; those in review have their route (steps) too."""
    rng = random.Random(7)
    now = timezone.now()
    user = get_user_model().objects.create_user("bench-enterprise", password="bench")
    departments = [Department.objects.create(key=f"benchcity-d{i}", name=f"基准市第{i}局", region="benchcity")
                   for i in range(DEPARTMENTS)]
    document = PolicyDocument.objects.create(key="bench-doc", version=1, is_current=True, region="benchcity",
                                             region_name="基准市", issuer="基准市人民政府", title="基准政策",
                                             status="in_force", full_text="全文", fixture_name="bench.yaml",
                                             digest="0" * 64)
    incentives = []
    for i in range(INCENTIVES):
        clause = Clause.objects.create(document=document, position=i, number=str(i + 1), text=f"{i + 1}.条文")
        incentives.append(Incentive.objects.create(document=document, clause=clause, position=i, key=f"i{i}",
                                                   name=f"基准奖励{i}", kind="one_time_reward",
                                                   beneficiary="enterprise", summary="摘要"))
    rounds = [Round.objects.create(name=f"基准批次{i}", region="benchcity", accepting_department=departments[i % 3],
                                   opens_at=now - timedelta(days=60), closes_at=now + timedelta(days=30))
              for i in range(ROUNDS)]
    statuses = ["submitted"] * 3 + ["in_review"] * 4 + ["returned", "rejected", "publicity", "final"]
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        enterprises = Enterprise.objects.bulk_create([
            Enterprise(name=f"基准制造有限公司{start + i}", credit_code=credit_code(start + i), city="benchcity")
            for i in range(size)])
        Membership.objects.bulk_create([Membership(user=user, enterprise=e, role="signatory") for e in enterprises])
        applications = Application.objects.bulk_create([
            Application(enterprise=e, round=rounds[rng.randrange(ROUNDS)], incentive=incentives[rng.randrange(INCENTIVES)],
                        status=rng.choice(statuses), reference=f"benchcity-2026-{start + i:06d}",
                        requested_amount=Decimal(rng.randrange(10, 500)), max_amount=Decimal(500), revision=1,
                        submitted_at=now - timedelta(minutes=rng.randrange(60 * 24 * 60)), created_by=user)
            for i, e in enumerate(enterprises)])
        steps = []
        for application in applications:
            if application.status not in ("in_review", "publicity", "final", "returned"):
                continue
            route = rng.sample(departments[3:], 2) + [departments[7]]
            current = rng.randrange(3) if application.status == "in_review" else None
            for position, department in enumerate(route, start=1):
                state = ("open" if position - 1 == current else "approved" if current is None or position - 1 < current
                         else "waiting")
                steps.append(ReviewStep(application=application, position=position, department=department,
                                        kind="finance" if position == 3 else "review", state=state,
                                        opened_at=now, due_at=now + timedelta(days=14)))
        ReviewStep.objects.bulk_create(steps)
    reviewer = get_user_model().objects.create_user("bench-reviewer", password="bench", is_staff=True)
    StaffMembership.objects.create(user=reviewer, department=departments[3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if Application.objects.filter(reference__startswith="benchcity-").count() != args.applications:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            generate(args.applications)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"generated {args.applications} applications in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-reviewer"))
    url = "/admin/applications/applicationreview/"
    timings, queries = [], 0
    for run in range(args.runs + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if run:  # the first request warms caches (templates, the content types)
            timings.append(elapsed)
            queries = len(captured)
    print(f"database: {connection.vendor}; reviewer's queue (待我部门处理), {args.runs} runs; "
          f"slowest query: {max((float(q['time']) for q in captured.captured_queries), default=0) * 1000:.1f} ms")
    print(f"applications={args.applications} median_ms={statistics.median(timings):.0f} queries={queries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
