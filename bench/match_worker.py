"""`celery -A portal worker` for bench_match.py, judging on the day BENCH_MATCH_ON names (YYYY-MM-DD) instead of
today: the match against a catalogue state other than today's (on 2025-06-01 江门's document is in force too).

    BENCH_MATCH_ON=2025-06-01 python bench/match_worker.py worker --concurrency 3 ...
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

import django  # noqa: E402

django.setup()

from celery.__main__ import main  # noqa: E402

from applications.services import matching  # noqa: E402

if os.environ.get("BENCH_MATCH_ON"):
    day = dt.date.fromisoformat(os.environ["BENCH_MATCH_ON"])
    matching.today = lambda: day        # the worker's processes are forked from this one: they judge on `day` too

if __name__ == "__main__":
    sys.argv = ["celery", "-A", "portal", *sys.argv[1:]]
    sys.exit(main())
