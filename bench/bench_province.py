"""A province's catalogue: the engine at 5, 200 and 2,000 documents, in one run, without a database.

    .venv/bin/python bench/bench_province.py                       # 5, 200 and 2000 documents
    .venv/bin/python bench/bench_province.py --sizes 5 200 --profiles 10000

The catalogue grows as a province's does: the five seed documents, then copies of them as other cities'
documents (a new key and region each, as bench_pages.copy_catalogue makes them, the clause texts as they are),
built into engine rules from the parsed fixture files with `evaluate.build_rule`, in memory. For each size it
prints:

* per enterprise, one enterprise of 江门 (all facts answered): the median wall-clock time of evaluating its
  region's rules through the per-region index (`RuleIndex.evaluate`, explain=False, then `best_total`), the CPU
  time per enterprise over a batch of different 江门 enterprises, and the ratio of each to the figure at 5
  documents; beside it, the same enterprise against every rule with no index (what evaluate_all over the whole
  catalogue costs), for comparison;
* compile time: building every rule of the catalogue (parse) and compiling every rule's closures;
* memory: the resident size (VmRSS) of a fresh process after warming, in two roles: a web worker that has
  served the check of 江门 and the comparison of six cities (rules built and compiled per region, as
  `incentives.eligibility` keeps them per document version), and a match worker that holds the whole
  catalogue's rules, compiled for both engines; with the ratio to 5 documents;
* match throughput: `--profiles` generated profiles (stored answers as text, 30 % unanswered, cities drawn
  from every region of the catalogue), in chunks of 5,000 ordered by city as the dispatch orders them, judged
  column-wise (`incentives.rules.batch.eligible`) against their own city's rules, amounts included: profiles
  per CPU-second (one core).

Every line carries the load average (`uptime`) when it was measured; the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incentives.policy_files import PolicyData, read_files  # noqa: E402
from incentives.policy_files.reader import fact_spec  # noqa: E402
from incentives.rules.combine import best_total  # noqa: E402
from incentives.rules.evaluate import RuleIndex, build_rule, evaluate_all  # noqa: E402

ON = date(2025, 6, 1)          # every seed document in force, 江门's included
TODAY = date(2025, 6, 30)
SEED = ROOT / "fixtures"


def load_seed():
    paths = [SEED / "facts.yaml", *sorted((SEED / "policies").glob("*.yaml"))]
    reports = read_files([(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in paths])
    specs, documents = {}, []
    for report in reports:
        if not report.ok:
            raise SystemExit(f"{report.file} does not validate")
        for raw in report.data.facts:
            specs[raw["key"]] = fact_spec(raw)
        if isinstance(report.data, PolicyData):
            documents.append((report.data.document, report.data.incentives))
    return specs, documents


def catalogue(specs, seed_documents, size: int):
    """The facts (city choices extended) and `size` documents: the seed's, then other cities' copies of them."""
    documents = list(seed_documents)
    city = specs["city"]
    choices, labels = list(city.choices), list(city.choice_labels)
    named = dict(labels)
    for n in range(len(seed_documents), size):
        document, incentives = seed_documents[n % len(seed_documents)]
        k = n // len(seed_documents)
        region = f"{document['region']}-{k}"
        choices.append(region)
        labels.append((region, f"{named[document['region']]}{k}区"))
        documents.append(({**document, "key": f"{document['key']}-{k}", "region": region,
                           "title": f"{document['title']}（{k}）"}, incentives))
    specs = {**specs, "city": replace(city, choices=tuple(choices), choice_labels=tuple(labels))}
    return specs, documents


def build(specs, documents, regions=None):
    return [build_rule(document, incentive, specs) for document, incentives in documents
            if regions is None or document["region"] in regions for incentive in incentives]


def profile(specs, rng, city, unknown_share=0.0):
    """An enterprise's answers as the questionnaire stores them (text), or typed when `typed`."""
    from bench.bench_eligibility import profile as typed_profile

    facts = typed_profile(specs, rng, unknown_share)
    facts["city"] = city
    return facts


def stored(facts):
    out = {}
    for key, value in facts.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (Decimal, int)):
            out[key] = str(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# ------------------------------------------------------------------ memory, in a fresh process per size and role

def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(size: int, role: str, kept: int = 32) -> None:
    specs, seed = load_seed()
    specs, documents = catalogue(specs, seed, size)
    rng = random.Random(3)
    facts = profile(specs, rng, "jiangmen")
    if role == "web":
        # the check of 江门 and the comparison of six cities: the documents of those regions, built and compiled
        regions = ["jiangmen", "shaoguan", "shenzhen", "heyuan", "zhumadian", "jiangmen-1" if size > 5 else "jiangmen"]
        rules = build(specs, documents, set(regions))
        index = RuleIndex(rules)
        for region in regions:
            index.evaluate({**facts, "city": region}, on=ON, specs=specs)
            evaluate_all(index.by_region.get(region, ()), {**facts, "city": region}, on=ON, specs=specs,
                         ignore_region=True, explain=True)
    else:
        # a match worker: chunks come ordered by city, so it compiles region after region and keeps the last
        # `kept` documents' rules (incentives.eligibility's bounded cache, INCENTIVES_COMPILED_DOCUMENTS)
        from collections import OrderedDict

        from incentives.rules.batch import Columns, batch_rule, eligible

        kept_documents: OrderedDict[str, list] = OrderedDict()
        by_region: dict[str, list] = {}
        for document, incentives in documents:
            by_region.setdefault(document["region"], []).append((document, incentives))
        rules = []
        for region, region_documents in by_region.items():
            region_rules = []
            for document in region_documents:
                built = build(specs, [document])
                kept_documents[document[0]["key"]] = built
                kept_documents.move_to_end(document[0]["key"])
                region_rules += built
            while len(kept_documents) > kept:
                kept_documents.popitem(last=False)
            for rule in region_rules:
                batch_rule(rule, specs)
            columns = Columns.from_answers([stored({**facts, "city": region})] * 30, specs, TODAY)
            eligible(region_rules, columns, city=region, on=ON, specs=specs)
        rules = [rule for built in kept_documents.values() for rule in built]
    del seed, documents
    import gc

    gc.collect()
    print(json.dumps({"rss": rss_mib(), "rules": len(rules)}))


def measure_memory(size: int, role: str, kept: int) -> tuple[float, int]:
    out = subprocess.run([sys.executable, __file__, "--child", str(size), role, "--kept", str(kept)],
                         capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return found["rss"], found["rules"]


# ------------------------------------------------------------------ one size

def run_size(base_specs, seed, size: int, args) -> dict:
    from incentives.rules.batch import Columns, batch_rule, eligible

    figures: dict[str, object] = {"size": size}
    specs, documents = catalogue(base_specs, seed, size)
    started = time.process_time()
    rules = build(specs, documents)
    figures["build_s"] = time.process_time() - started
    started = time.process_time()
    for rule in rules:
        rule._compiled
    figures["compile_s"] = time.process_time() - started
    started = time.process_time()
    for rule in rules:
        batch_rule(rule, specs)
    figures["compile_batch_s"] = time.process_time() - started
    figures["rules"] = len(rules)
    index = RuleIndex(rules)
    by_key = {rule.key: rule for rule in rules}
    figures["load_build"] = load()

    # one enterprise of 江门
    rng = random.Random(args.seed)
    one = profile(specs, rng, "jiangmen")
    for _ in range(50):                                    # warm: compile 江门's rules, settle the allocator
        best_total(index.evaluate(one, on=ON, specs=specs), by_key)
    timings = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        best_total(index.evaluate(one, on=ON, specs=specs), by_key)
        timings.append(time.perf_counter() - start)
    figures["one_ms"] = statistics.median(timings) * 1000
    batch = [profile(specs, rng, "jiangmen") for _ in range(args.enterprises)]
    start = time.process_time()
    for facts in batch:
        best_total(index.evaluate(facts, on=ON, specs=specs), by_key)
    figures["one_cpu_ms"] = (time.process_time() - start) / len(batch) * 1000
    timings = []
    for _ in range(max(3, args.repeats // 20)):
        start = time.perf_counter()
        best_total(evaluate_all(rules, one, on=ON, specs=specs, explain=False), by_key)
        timings.append(time.perf_counter() - start)
    figures["all_rules_ms"] = statistics.median(timings) * 1000
    figures["load_one"] = load()

    # the match, column-wise, chunks ordered by city
    # as in a run over a million profiles spread evenly over the regions: chunks of 5,000 ordered by city hold
    # groups of min(5000, 1,000,000 / regions) enterprises of one city
    regions = index.regions()
    group = max(1, min(5000, 1_000_000 // len(regions)))
    rng = random.Random(args.seed + 1)
    chosen = [rng.choice(regions) for _ in range(-(-args.profiles // group))]
    answers = []
    for city in chosen:
        answers += [stored(profile(specs, rng, city, unknown_share=0.3)) for _ in range(group)]
    answers = answers[:args.profiles]
    figures["group"] = group
    pairs = 0
    start = time.process_time()
    for at in range(0, len(answers), 5000):
        chunk = answers[at:at + 5000]
        groups: dict[str, list[dict]] = {}
        for a in chunk:
            groups.setdefault(a["city"], []).append(a)
        for city, rows in groups.items():
            columns = Columns.from_answers(rows, specs, TODAY)
            pairs += len(eligible(index.by_region[city], columns, city=city, on=ON, specs=specs))
    cpu = time.process_time() - start
    figures["match_per_cpu_s"] = len(answers) / cpu
    figures["match_pairs"] = pairs
    figures["load_match"] = load()
    figures["_kept"] = (specs, index, by_key)
    return figures


def round_robin(results, args) -> None:
    """The 江门 enterprise's CPU time at every size again, sizes taken in turn, `--rounds` times: each size sees the
    same machine, so the ratios are fairer than those of the sizes measured one after the other."""
    rng = random.Random(args.seed + 2)
    timings: dict[int, list[float]] = {r["size"]: [] for r in results}
    for _ in range(args.rounds):
        for figures in results:
            specs, index, by_key = figures["_kept"]
            batch = [profile(specs, rng, "jiangmen") for _ in range(500)]
            start = time.process_time()
            for facts in batch:
                best_total(index.evaluate(facts, on=ON, specs=specs), by_key)
            timings[figures["size"]].append((time.process_time() - start) / len(batch) * 1000)
    base = statistics.median(timings[results[0]["size"]])
    line = ", ".join(f"{size} documents {statistics.median(t):.3f} ms (× {statistics.median(t) / base:.2f})"
                     for size, t in timings.items())
    print(f"\n江门 enterprise, sizes in turn ({args.rounds} rounds of 500, median CPU per enterprise): {line}   [{load()}]")
    for figures in results:
        figures["rr_ratio"] = statistics.median(timings[figures["size"]]) / base


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 200, 2000])
    parser.add_argument("--repeats", type=int, default=300, help="repeats for the one-enterprise median")
    parser.add_argument("--enterprises", type=int, default=2000, help="江门 enterprises for the CPU time per enterprise")
    parser.add_argument("--profiles", type=int, default=20000, help="profiles for the match throughput")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the sizes-in-turn comparison")
    parser.add_argument("--kept", type=int, default=32,
                        help="documents a match worker keeps compiled (PORTAL_COMPILED_DOCUMENTS; default 32)")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "ROLE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(int(args.child[0]), args.child[1], args.kept)
        return 0
    base_specs, seed = load_seed()
    print(f"Province benchmark — Python {sys.version.split()[0]}, judged on {ON}, {os.cpu_count()} cores; {load()}")
    results = []
    for size in args.sizes:
        figures = run_size(base_specs, seed, size, args)
        figures["rss_web"], _ = measure_memory(size, "web", args.kept)
        figures["rss_match"], _ = measure_memory(size, "match", args.kept)
        figures["load_memory"] = load()
        results.append(figures)
        first = results[0]
        print(f"\n{size} documents, {figures['rules']:,} incentives")
        print(f"  江门 enterprise, own region (index): median {figures['one_ms']:.3f} ms "
              f"(× {figures['one_ms'] / first['one_ms']:.2f} of {first['size']} documents); "
              f"CPU {figures['one_cpu_ms']:.3f} ms per enterprise over {args.enterprises} "
              f"(× {figures['one_cpu_ms'] / first['one_cpu_ms']:.2f})   [{figures['load_one']}]")
        print(f"  the same enterprise against every rule, no index: median {figures['all_rules_ms']:.2f} ms")
        print(f"  compile: build {figures['build_s']:.2f} s, closures {figures['compile_s']:.2f} s, "
              f"column-wise {figures['compile_batch_s']:.2f} s (CPU)   [{figures['load_build']}]")
        print(f"  memory after warming (VmRSS, fresh process): web worker (江门 + 6-city comparison) "
              f"{figures['rss_web']:.1f} MiB (× {figures['rss_web'] / first['rss_web']:.2f}); match worker (every "
              f"region matched, {args.kept} documents kept compiled) {figures['rss_match']:.1f} MiB (× {figures['rss_match'] / first['rss_match']:.2f})"
              f"   [{figures['load_memory']}]")
        print(f"  match, column-wise, own city's rules: {figures['match_per_cpu_s']:,.0f} profiles per CPU-second "
              f"({figures['match_pairs']:,} eligible pairs for {args.profiles:,} profiles, groups of {figures['group']:,})   [{figures['load_match']}]")
    round_robin(results, args)
    last = results[-1]
    first = results[0]
    print(f"\nsizes={' '.join(str(r['size']) for r in results)} one_ratio={last['one_ms'] / first['one_ms']:.2f} "
          f"round_robin_cpu_ratio={last['rr_ratio']:.2f} "
          f"cpu_ratio={last['one_cpu_ms'] / first['one_cpu_ms']:.2f} web_rss_ratio={last['rss_web'] / first['rss_web']:.2f} "
          f"match_rss_ratio={last['rss_match'] / first['rss_match']:.2f} "
          f"match_per_cpu_s={last['match_per_cpu_s']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
