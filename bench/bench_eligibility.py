"""Time the eligibility engine on the seed catalogue: one enterprise, then a batch of generated enterprises, no Django."""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # run as a script from anywhere, without installing the project

from incentives.policy_files import PolicyData, read_files  # noqa: E402
from incentives.policy_files.reader import fact_spec  # noqa: E402
from incentives.rules.combine import best_total  # noqa: E402
from incentives.rules.evaluate import IncentiveRule, build_rule, evaluate_all  # noqa: E402
from incentives.rules.model import FactSpec, FactType  # noqa: E402

ON = date(2024, 6, 1)
TARGET_ONE_MS = 1.0
TARGET_BATCH_S = 60.0


def load_catalogue() -> tuple[list[IncentiveRule], dict[str, FactSpec], list[str]]:
    """Read fixtures/facts.yaml and every policy file; files still being written and not yet valid are skipped."""
    paths = [ROOT / "fixtures" / "facts.yaml", *sorted((ROOT / "fixtures" / "policies").glob("*.yaml"))]
    reports = read_files([(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")) for path in paths])
    specs: dict[str, FactSpec] = {}
    skipped = []
    for report in reports:
        if not report.ok:
            skipped.append(f"{report.file}（{len(report.problems)} 处错误）")
            continue
        for raw in report.data.facts:
            specs[raw["key"]] = fact_spec(raw)
    rules = [build_rule(report.data.document, incentive, specs)
             for report in reports if report.ok and isinstance(report.data, PolicyData)
             for incentive in report.data.incentives]
    return rules, specs, skipped


def profile(specs: Mapping[str, FactSpec], rng: random.Random, unknown_share: float = 0.0) -> dict[str, object]:
    """A random enterprise: every fact answered, or each left unanswered with the given probability."""
    facts: dict[str, object] = {}
    for key, spec in specs.items():
        if unknown_share and rng.random() < unknown_share:
            continue
        if spec.type == FactType.BOOL:
            facts[key] = rng.random() < 0.5
        elif spec.type == FactType.CHOICE:
            facts[key] = rng.choice(spec.choices)
        elif spec.type == FactType.DATE:
            facts[key] = date(2018, 1, 1) + timedelta(days=rng.randrange(2500))
        elif spec.type == FactType.MONEY:
            facts[key] = Decimal(rng.randrange(0, 10**8)) / 100     # up to 100万 万元 (100亿元), to the 0.01万元
        elif spec.type == FactType.PERCENT:
            facts[key] = Decimal(rng.randrange(-2000, 10000)) / 100
        else:
            facts[key] = Decimal(rng.randrange(0, 5000))
    return facts


def median_ms(rules, facts, specs, explain: bool, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        evaluate_all(rules, facts, on=ON, specs=specs, explain=explain)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def batch(rules, specs, count: int, seed: int) -> tuple[float, float, float, int]:
    """Evaluate `count` generated enterprises against every rule (explain=False, then the best combination).

    Profiles are generated in chunks outside the timed part, so the figure is the engine's and memory stays flat.
    Returns (CPU seconds evaluating, wall seconds evaluating, seconds generating, incentives selected).
    CPU time is the fair "one core" figure: on a busy machine wall time also counts time spent waiting for it.
    """
    rng = random.Random(seed)
    by_key = {rule.key: rule for rule in rules}
    evaluating = wall = generating = 0.0
    eligible = 0
    chunk = 1000
    for done in range(0, count, chunk):
        start = time.perf_counter()
        profiles = [profile(specs, rng) for _ in range(min(chunk, count - done))]
        generating += time.perf_counter() - start
        start, start_cpu = time.perf_counter(), time.process_time()
        for facts in profiles:
            results = evaluate_all(rules, facts, on=ON, specs=specs, explain=False)
            eligible += len(best_total(results, by_key).selected)
        evaluating += time.process_time() - start_cpu
        wall += time.perf_counter() - start
    return evaluating, wall, generating, eligible


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=100_000, help="enterprises in the batch (default 100000)")
    parser.add_argument("--repeats", type=int, default=200, help="repeats for the one-enterprise medians")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    # tracemalloc slows every allocation, so it watches only loading and compiling; the timings run without it
    tracemalloc.start()
    rules, specs, skipped = load_catalogue()
    if not rules:
        print("没有可用的政策文件（全部未通过校验）", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    known = profile(specs, rng)
    half = profile(specs, rng, unknown_share=0.5)
    evaluate_all(rules, known, on=ON, specs=specs)      # compile every rule once, as a long-running worker would
    _, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rows = [
        ("rules (incentives) / 激励项目数", f"{len(rules)}", ""),
        ("facts / 事实项数", f"{len(specs)}", ""),
    ]
    for label, facts in (("all facts known", known), ("half unknown", half)):
        for explain in (False, True):
            ms = median_ms(rules, facts, specs, explain, args.repeats)
            target = f"< {TARGET_ONE_MS:g} ms {'ok' if ms < TARGET_ONE_MS else 'MISSED'}" if not explain else ""
            rows.append((f"one enterprise, {label}, explain={explain}", f"{ms:.3f} ms", target))
    seconds, wall, generating, selected = batch(rules, specs, args.profiles, args.seed)
    scaled = seconds * 100_000 / args.profiles
    rows += [
        (f"{args.profiles} enterprises × all rules (1 core, CPU time)", f"{seconds:.2f} s",
         f"< {TARGET_BATCH_S:g} s per 100000 {'ok' if scaled < TARGET_BATCH_S else 'MISSED'}"),
        ("  the same, wall-clock time", f"{wall:.2f} s", ""),
        ("  enterprises / second", f"{args.profiles / seconds:,.0f}", ""),
        ("  per enterprise (evaluate + best_total)", f"{seconds / args.profiles * 1000:.3f} ms", ""),
        ("  generating profiles (not timed above)", f"{generating:.2f} s", ""),
        ("  incentives selected, on average", f"{selected / args.profiles:.2f}", ""),
    ]
    rows += [
        ("peak memory, loading + compiling (tracemalloc)", f"{load_peak / 2**20:.1f} MiB", ""),
        ("peak resident memory of the process (ru_maxrss)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB", ""),
    ]

    width = max(len(row[0]) for row in rows)
    print(f"Eligibility benchmark — Python {sys.version.split()[0]}, date {ON.isoformat()}")
    if skipped:
        print("skipped (do not validate yet): " + ", ".join(skipped))
    print("-" * (width + 36))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")
    print("-" * (width + 36))
    return 0


if __name__ == "__main__":
    sys.exit(main())
