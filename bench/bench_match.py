"""Time the 免申即享 match of N generated enterprise profiles against a changed document, through real workers.

    .venv/bin/python bench/bench_match.py [--profiles N] [--workers W] [--document KEY|all] [--again] [--on DAY] [--dispatch]

Needs Redis (PORTAL_REDIS_URL, default redis://127.0.0.1:6379/10). On PostgreSQL when DATABASE_URL names it
(a database of its own: the bench adds profiles until there are N, and uses the first N), else a SQLite file in
/tmp (slower: one writer). It starts `celery -A portal worker` with W processes (default 2), queues one chunk
task per MATCH_CHUNK_SIZE profiles (what the dispatch task queues after a load), follows the match's progress
(matching.match_progress, in Redis) and stops when every chunk is done. The stored results are emptied first
(every eligible pair is new and written) unless --again (the same versions matched again: nothing to write).
The last line is exactly ``profiles=<n> seconds=<n> per_second=<n>``.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/portal-bench-match.sqlite3")
os.environ["CELERY_BROKER_URL"] = REDIS
os.environ["CELERY_RESULT_BACKEND"] = REDIS
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import override_settings  # noqa: E402

from applications.credit_code import check_character  # noqa: E402
from applications.models import Enterprise, MatchResult  # noqa: E402
from applications.services.matching import match_progress, new_run, progress_planned  # noqa: E402
from applications.tasks.matching import policy_match_chunk, policy_match_dispatch  # noqa: E402
from bench.bench_eligibility import profile  # noqa: E402
from incentives.models import PolicyDocument  # noqa: E402
from incentives.rules.model import FactType  # noqa: E402
from incentives.selectors import known_fact_specs  # noqa: E402
from portal.celery import app  # noqa: E402

FIXTURES = ROOT / "fixtures"


def json_answers(facts: dict, specs) -> dict:
    """What the questionnaire stores: JSON values (numbers and dates as text)."""
    answers = {}
    for key, value in facts.items():
        if isinstance(value, bool) or specs[key].type == FactType.CHOICE:
            answers[key] = value
        elif isinstance(value, (Decimal, int)):
            answers[key] = str(value)
        elif isinstance(value, date):
            answers[key] = value.isoformat()
    return answers


def prepare(n: int) -> None:
    call_command("migrate", verbosity=0)
    if not PolicyDocument.objects.exists():
        with override_settings(POLICY_LOADED_HOOKS=[]):  # the bench queues the match itself, timed
            call_command("load_policy", str(FIXTURES / "facts.yaml"), *map(str, sorted((FIXTURES / "policies")
                                                                                       .glob("*.yaml"))),
                         stdout=open(os.devnull, "w"))
    have = Enterprise.objects.exclude(answers={}).count()
    if have >= n:
        return
    specs = known_fact_specs()
    rng = random.Random(11 + have)
    cities = [c for c in specs["city"].choices] if "city" in specs else ["jiangmen"]
    started = time.perf_counter()
    for start in range(have, n, 5000):
        rows = []
        for i in range(start, min(n, start + 5000)):
            facts = profile(specs, rng, unknown_share=0.3)
            facts["city"] = rng.choice(cities)
            first = f"91440700MB{i:07d}"
            rows.append(Enterprise(name=f"基准企业{i}", credit_code=first + check_character(first), city=facts["city"],
                                   answers=json_answers(facts, specs)))
        Enterprise.objects.bulk_create(rows)
        reset_queries()      # with DEBUG on, every query's SQL is kept: gigabytes at a million profiles
    print(f"generated {n - have} profiles in {time.perf_counter() - started:.1f} s")


def eligible_pairs() -> int:
    """Eligible (enterprise, incentive) pairs stored: the incentives of every stored result."""
    if connection.vendor != "postgresql":
        return sum(len(eligible) for eligible in MatchResult.objects.values_list("eligible", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(eligible))), 0) "
                       f"FROM {MatchResult._meta.db_table}")
        return int(cursor.fetchone()[0])


def pool_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (the worker's pool), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--document", default="all", help="a document key, or all (the whole catalogue, default)")
    parser.add_argument("--again", action="store_true",
                        help="keep the stored results: a second match of the same versions (nothing changes)")
    parser.add_argument("--on", help="judge on this day (YYYY-MM-DD) instead of today, e.g. 2025-06-01, when 江门's "
                                     "document is in force too")
    parser.add_argument("--dispatch", action="store_true",
                        help="queue the dispatch task, as a load does (every profile in the database, listed by it)")
    parser.add_argument("--prepare-only", action="store_true", help="generate the profiles, match nothing")
    args = parser.parse_args(argv)
    prepare(args.profiles)
    if args.prepare_only:
        return 0
    # the first N profiles, in the dispatch's order (answered city, then pk: see enterprise_id_chunks)
    first = (Enterprise.objects.filter(answered_city__isnull=False).order_by("pk")
             .values_list("pk", "answered_city")[:args.profiles])
    ids = [pk for pk, _ in sorted(first, key=lambda row: (row[1], row[0]))]
    if not args.again:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {MatchResult._meta.db_table}")
    documents = PolicyDocument.objects.current()
    if args.document != "all":
        documents = documents.filter(key=args.document)
    document_ids = list(documents.values_list("pk", flat=True))
    incentives = sum(d.incentives.count() for d in documents)
    size = settings.MATCH_CHUNK_SIZE
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    connection.close()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "match_worker.py"), "worker", "--concurrency", str(args.workers),
         "--loglevel", "WARNING", "--without-mingle", "--without-gossip", "-n", f"bench-match-{os.getpid()}@%h"],
        cwd=ROOT, env={"PORTAL_COMPILED_DOCUMENTS": "32", "DJANGO_CONN_MAX_AGE": "60", **os.environ,
                      "DJANGO_DEBUG": "false", "BENCH_MATCH_ON": args.on or ""},   # connections kept between tasks, as the production settings do
        start_new_session=True)
    run = new_run()
    load = os.getloadavg()
    try:
        time.sleep(5)  # the worker boots while nothing is queued yet
        pool_cpu_before = pool_cpu_seconds(worker.pid)
        started = time.perf_counter()
        if args.dispatch:   # what a load queues: the dispatch task lists every profile and queues the chunks
            policy_match_dispatch.delay(document_ids, run)
        else:               # what policy_match_dispatch does, with the ids chosen here (the first N profiles)
            for chunk in chunks:
                policy_match_chunk.delay(chunk, document_ids, run)
            progress_planned(run, chunks=len(chunks), profiles=len(ids))
        shown = 0.0
        while True:
            progress = match_progress(run)
            if progress["chunks"] is not None and progress["done"] >= progress["chunks"]:
                break
            if time.perf_counter() - shown > 10:
                shown = time.perf_counter()
                print(f"  {time.perf_counter() - started:6.1f} s: {progress['done']}/{progress['chunks']} chunks, "
                      f"{progress['matched']:,} profiles", flush=True)
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        matched = match_progress(run)["matched"]
        worker_cpu = pool_cpu_seconds(worker.pid) - pool_cpu_before
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
    print(f"database: {connection.vendor}; {len(document_ids)} documents, {incentives} incentives "
          f"({args.document}); judged on {args.on or 'today'}; {match_progress(run)['chunks']} chunks of {size}; "
          f"{args.workers} worker processes; "
          f"results stored: {MatchResult.objects.count():,} (enterprise and document), {eligible_pairs():,} eligible "
          f"pairs; load average before {load[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}")
    print(f"CPU time of the worker processes (Python: the engine, reading and writing; not the database's): "
          f"{worker_cpu:.1f} s, {worker_cpu / max(matched, 1) * 1e6:.0f} µs per profile, "
          f"{matched / max(worker_cpu, 1e-9):,.0f} profiles per CPU-second")
    print(f"profiles={matched} seconds={elapsed:.1f} per_second={matched / elapsed:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
