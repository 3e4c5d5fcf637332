"""Time the application PDF: our setup (vendored pre-subset font, cached font configuration) against the naive one.

The naive setup is what most projects do: the same HTML and stylesheet, with the system's CJK font found by
fontconfig ("Noto Sans CJK SC", Debian: fonts-noto-cjk) and a fresh WeasyPrint stylesheet for every PDF.
Both are timed in the same run, alternately, on the same typical snapshot (tests/factories/pdf.py).

    .venv/bin/python bench/bench_pdf.py            # 50 runs of each
    .venv/bin/python bench/bench_pdf.py --runs 10

On a shared machine, count instructions instead of timing (deterministic to about 1 %): render one PDF and then
0 or N more under cachegrind, and divide the difference of the two counts by N.

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no .venv/bin/python bench/bench_pdf.py --only 0
    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no .venv/bin/python bench/bench_pdf.py --only 3
"""
from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # run as a script from anywhere, without installing the project
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

import django  # noqa: E402

django.setup()

from applications import pdf  # noqa: E402  (before WeasyPrint: it quiets WeasyPrint's progress log)

import weasyprint  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from tests.factories.pdf import application_snapshot  # noqa: E402

TARGET_MS, TARGET_KB = 150, 100
SYSTEM_FONT = "Noto Sans CJK SC"


def naive_render(snapshot: dict, verify_url: str, css_text: str) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(pdf.TEMPLATE, pdf._context(snapshot, verify_url))
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css_text)])


def naive_stylesheet() -> str:
    css = re.sub(r"@font-face\s*{[^}]*}", "", pdf.STYLESHEET.read_text(encoding="utf-8"))
    return css.replace('"Portal Sans SC"', f'"{SYSTEM_FONT}"')


def timed(function) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = function()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="PDFs of each setup (default 50)")
    parser.add_argument("--only", type=int, metavar="N",
                        help="render one PDF of ours and then N more, print nothing (to count instructions)")
    args = parser.parse_args(argv)
    if args.only is not None:
        for _ in range(args.only + 1):
            pdf.render_application_pdf(application_snapshot(), verify_url="https://portal.example.cn/verify/"
                                       "shaoguan-2026-00001/?code=ABCDEFGHJK")
        return 0
    if args.runs < 1:
        parser.error("--runs 至少为 1")

    snapshot = application_snapshot()
    verify_url = "https://portal.example.cn/verify/shaoguan-2026-00001/?code=ABCDEFGHJK"
    css_text = naive_stylesheet()
    ours = lambda: pdf.render_application_pdf(snapshot, verify_url=verify_url)  # noqa: E731
    naive = lambda: naive_render(snapshot, verify_url, css_text)  # noqa: E731

    first_ms, _, content = timed(ours)            # loads the vendored fonts into fontconfig: once per thread
    naive_first_ms, _, naive_content = timed(naive)
    pages = _pages(content)
    walls, cpus, naive_walls, naive_cpus = [], [], [], []
    for _ in range(args.runs):
        wall, cpu, content = timed(ours)
        walls.append(wall), cpus.append(cpu)
        wall, cpu, naive_content = timed(naive)
        naive_walls.append(wall), naive_cpus.append(cpu)

    median_ms, naive_ms = statistics.median(walls), statistics.median(naive_walls)
    size_kb, naive_kb = len(content) / 1024, len(naive_content) / 1024
    print(f"typical application: {pages} pages, {args.runs} runs of each setup, alternating")
    print(f"{'':34}{'ours':>12}{'naive':>12}")
    print(f"{'first PDF of a process (ms)':34}{first_ms:12.0f}{naive_first_ms:12.0f}")
    print(f"{'median wall-clock (ms)':34}{median_ms:12.1f}{naive_ms:12.1f}")
    print(f"{'median CPU time (ms)':34}{statistics.median(cpus):12.1f}{statistics.median(naive_cpus):12.1f}")
    print(f"{'p90 wall-clock (ms)':34}{_p90(walls):12.1f}{_p90(naive_walls):12.1f}")
    print(f"{'size (KB)':34}{size_kb:12.1f}{naive_kb:12.1f}")
    print(f"naive / ours: time × {naive_ms / median_ms:.2f}, size × {naive_kb / size_kb:.2f}")
    print(f"targets: median ≤ {TARGET_MS} ms {'met' if median_ms <= TARGET_MS else 'NOT met'}, "
          f"size ≤ {TARGET_KB} KB {'met' if size_kb <= TARGET_KB else 'NOT met'}")
    print(f"median_ms={median_ms:.0f} size_kb={size_kb:.0f} naive_median_ms={naive_ms:.0f}")
    return 0


def _pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def _p90(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.9))]


if __name__ == "__main__":
    sys.exit(main())
