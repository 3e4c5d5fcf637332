"""Load-test the portal's pages under gunicorn on PostgreSQL, against a bare view measured in the same run.

    .venv/bin/python bench/bench_pages.py [--seconds N] [--documents N] [--runs 3] [--connections 32]

A throwaway database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_speed_bench) is
dropped, created, migrated and loaded with the five seed documents; the pages are measured; then copies of the
five files are loaded until there are --documents documents, and the pages are measured again. See bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_speed_bench"
SEED = ROOT / "fixtures"

# What a visitor of 江门 asks for; the enterprise of the questionnaire has answered these.
ANSWERS = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True,
           "project_equipment_investment": "3000", "jiangmen_received_provincial_tech_renovation_award": False}
COMPARE = ("project_equipment_investment=3000&is_manufacturing=on&above_designated_size=on"
           "&project_is_tech_renovation=on")
PAGES = [  # name, path, needs the questionnaire's session
    ("bare", "/healthz", False),
    ("library", "/policies/", False),
    ("search", "/policies/?q=" + urllib.parse.quote("江门 技术改造"), False),
    ("filters", "/policies/?topic=investment&amount_min=100&open=1", False),
    ("document", "/policies/jiangmen-2023-manufacturing/", False),
    ("incentive", "/policies/jiangmen-2023-manufacturing/incentives/tech-renovation-provincial/", False),
    ("compare", "/check/compare/?" + COMPARE, False),
    ("step", "/check/step/", True),
    ("results", "/check/results/", True),
]


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


# ---------------------------------------------------------------- the catalogue

def copy_catalogue(directory: Path, documents: int) -> tuple[Path, list[Path]]:
    """facts.yaml with a city for every copy, and copies of the five files up to `documents` in all.

    A copy is another city's document: a new key, region and title, the clause texts as they are (the
    loader checks every figure against the text). Departments are the originals', referred to by key.
    """
    originals = sorted((SEED / "policies").glob("*.yaml"))
    facts = yaml.safe_load((SEED / "facts.yaml").read_text(encoding="utf-8"))
    city = next(fact for fact in facts["facts"] if fact["key"] == "city")
    labels = {choice["value"]: choice["label"] for choice in city["choices"]}
    copies = []
    for n in range(len(originals), documents):
        source = originals[n % len(originals)]
        k = n // len(originals)
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        document = data["document"]
        region = f"{document['region']}-{k}"
        city["choices"].append({"value": region, "label": f"{labels[document['region']]}{k}区",
                                "label_en": f"{document['region'].title()} {k}"})
        document.update(key=f"{document['key']}-{k}", region=region, title=f"{document['title']}（{k}）")
        data["departments"] = []
        path = directory / f"{n:04d}-{region}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        copies.append(path)
    facts_path = directory / "facts.yaml"
    facts_path.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return facts_path, copies


# ---------------------------------------------------------------- the database and the server

def environment(database_url: str, cache_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    if cache_url:   # the pages kept in a shared Redis cache rather than in each worker's memory
        env["DJANGO_CACHE_URL"] = cache_url
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=database_url,
               DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
               DJANGO_SECURE_SSL_REDIRECT="false", CELERY_BROKER_URL=os.environ.get(
                   "BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
               DJANGO_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def recreate_database(database_url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def analyze(database_url: str) -> None:
    """Fresh planner statistics after a load, as autovacuum would soon give a production database."""
    import psycopg2

    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def session_cookie(env: dict[str, str]) -> str:
    """A session holding the questionnaire of an enterprise of 江门, made as the step view would."""
    code = ("import django, json, sys; django.setup();"
            "from django.contrib.sessions.backends.db import SessionStore;"
            "s = SessionStore(); answers = json.loads(sys.argv[1]);"
            "s['questionnaire'] = {'answers': answers, 'asked': list(answers), 'steps': [['city'], list(answers)[1:]],"
            " 'current': []}; s.save(); print(s.session_key)")
    import json
    out = subprocess.run([PYTHON, "-c", code, json.dumps(ANSWERS)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--backlog", "2048", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                                  text=True).stdout.split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kib = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(kib / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


# ---------------------------------------------------------------- load generation

def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: int, connections: int, cookie: str | None) -> Sample:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Sample(rps, p50, p99, (int(bad.group(1)) if bad else 0)
                  + (sum(map(int, errors.groups())) if errors else 0))


def python_load(url: str, seconds: int, connections: int, cookie: str | None) -> Sample:
    """Without wrk: `connections` threads, each one request at a time, for `seconds`."""
    parts = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}

    def client():
        import http.client
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return Sample(0.0, 0.0, 0.0, errors[0])
    return Sample(len(latencies) / elapsed, latencies[len(latencies) // 2] * 1000,
                  latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, errors[0])


# ---------------------------------------------------------------- the measurement

def warm_up(server: Server, cookie: str) -> dict[str, int]:
    """Every page answers 200 (and each worker has seen it); returns the size of each page in bytes."""
    sizes = {}
    for name, path, needs_session in PAGES:
        request = urllib.request.Request(server.url(path))
        if needs_session:
            request.add_header("Cookie", f"sessionid={cookie}")
        for _ in range(6):
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status != 200 or response.geturl() != server.url(path):
                    raise SystemExit(f"{name}: HTTP {response.status} {response.geturl()}")
                sizes[name] = len(response.read())
    return sizes


def measure(server: Server, cookie: str, *, seconds: int, runs: int, connections: int, load) -> dict[str, Sample]:
    """Each page `runs` times, round-robin so that a busy moment of the machine does not fall on one page; medians."""
    samples: dict[str, list[Sample]] = {name: [] for name, _, _ in PAGES}
    for _ in range(runs):
        for name, path, needs_session in PAGES:
            samples[name].append(load(server.url(path), seconds, connections, cookie if needs_session else None))
            # requests still queued when the load stopped are answered before the next page is measured
            urllib.request.urlopen(server.url("/healthz"), timeout=120).read()
    return {name: Sample(statistics.median(s.rps for s in runs_), statistics.median(s.p50_ms for s in runs_),
                         statistics.median(s.p99_ms for s in runs_), sum(s.errors for s in runs_))
            for name, runs_ in samples.items()}


def report(title: str, results: dict[str, Sample], sizes: dict[str, int], rss: list[float]) -> None:
    bare = results["bare"].rps
    print(f"\n## {title}")
    print(f"{'page':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'% bare':>7} {'KiB':>7} {'errors':>6}")
    for name, sample in results.items():
        print(f"{name:<10} {sample.rps:>9.1f} {sample.p50_ms:>8.1f} {sample.p99_ms:>8.1f} "
              f"{100 * sample.rps / bare:>7.1f} {sizes[name] / 1024:>7.1f} {sample.errors:>6}")
    print("worker RSS MiB: " + ", ".join(f"{size:.0f}" for size in rss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each load run (default 5)")
    parser.add_argument("--documents", type=int, default=200, help="size of the larger catalogue (default 200)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the medians are reported (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cache-url", default="",
                        help="a Redis URL for the shared page cache (DJANGO_CACHE_URL); default: each worker's memory")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    load = wrk if shutil.which("wrk") else python_load
    print(f"load generator: {'wrk' if load is wrk else 'python threads'}, {args.connections} connections, "
          f"{args.seconds} s × {args.runs} runs per page; gunicorn 2 sync workers, settings bench.settings "
          f"(production, DEBUG off); {database_url}")
    env = environment(database_url, args.cache_url)
    recreate_database(database_url)
    manage(env, "migrate", "--no-input")
    with tempfile.TemporaryDirectory() as tmp:
        facts, copies = copy_catalogue(Path(tmp), args.documents)
        seed = sorted((SEED / "policies").glob("*.yaml"))
        manage(env, "load_policy", str(facts), *map(str, seed))
        analyze(database_url)
        cookie = session_cookie(env)
        figures = {}
        for size, extra in ((len(seed), []), (max(args.documents, len(seed)), copies)):
            if extra:
                started = time.monotonic()
                for i in range(0, len(extra), 50):
                    manage(env, "load_policy", str(facts), *map(str, extra[i:i + 50]))
                analyze(database_url)
                print(f"\nloaded {len(extra)} more documents in {time.monotonic() - started:.0f} s")
            server = Server(env)
            try:
                sizes = warm_up(server, cookie)
                results = measure(server, cookie, seconds=args.seconds, runs=args.runs,
                                  connections=args.connections, load=load)
                rss = server.worker_rss_mib()
            finally:
                server.stop()
            report(f"{size} documents", results, sizes, rss)
            figures[size] = results
    small, large = figures[min(figures)], figures[max(figures)]
    print(f"\n## time per request at {max(figures)} documents ÷ at {min(figures)} (goal ≤ 1.5); "
          "also relative to the bare view of each run")
    for name in small:
        raw = small[name].rps / large[name].rps
        relative = raw * large["bare"].rps / small["bare"].rps
        print(f"{name:<10} {raw:>5.2f} {relative:>5.2f}")
    bare = large["bare"].rps

    def pct(name: str) -> str:
        return f"{100 * large[name].rps / bare:.1f}"
    print(f"library_pct={pct('library')} document_pct={pct('document')} compare_pct={pct('compare')} "
          f"results_pct={pct('results')} library_p99_ms={large['library'].p99_ms:.1f}")


if __name__ == "__main__":
    main()
