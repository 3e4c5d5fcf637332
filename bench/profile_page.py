"""Profile one page in-process with cProfile: where a request's time goes, and how many queries it makes.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... .venv/bin/python bench/profile_page.py /policies/ [--repeat 20]

Use the environment the page benchmark gives gunicorn (see bench/README.md); --cookie sends a session id.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if args.cookie:
        client.cookies["sessionid"] = args.cookie
    response = client.get(args.path)   # warm: compiled rules and templates, as in a running worker
    assert response.status_code == 200, response.status_code
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)
    with connection.execute_wrapper(count):
        client.get(args.path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.disable()
    elapsed = (time.perf_counter() - started) / args.repeat
    print(f"{args.path}: {elapsed * 1000:.1f} ms per request (profiled), {len(queries)} queries, "
          f"{len(response.content) / 1024:.0f} KiB")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
