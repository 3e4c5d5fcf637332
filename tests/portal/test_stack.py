"""The production stack, run for real: collectstatic with the production settings, then gunicorn (DEBUG off) on
PostgreSQL and Redis with the commands of docker-compose.yml, a Celery worker and beat, and a visitor's requests.

The stack test needs PostgreSQL (DATABASE_URL=postgres://..., as CI sets it) and Redis (PORTAL_REDIS_URL, default
redis://127.0.0.1:6379/15); it makes and drops its own database, <name of DATABASE_URL's database>_smoke.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, seed_files
from tests.portal.test_compose import compose, compose_default, web_commands

BIN = Path(sys.executable).parent
ADMIN = ("smoke-admin", "smoke-admin-password-2026")
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "smoke-" + "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
    "PYTHONUNBUFFERED": "1",
}
HASHED_CSS = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "GUNICORN_"))}
    return {**env, **PRODUCTION, **extra}


def argv(command: str) -> list[str]:
    """A compose command, run with this virtual environment's programs."""
    words = shlex.split(command)
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return [str(BIN / words[0]), *words[1:]]


def run(command: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def collectstatic(root: Path, env: dict[str, str]) -> None:
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], {**env, "DJANGO_STATIC_ROOT": str(root)})


@pytest.fixture(scope="module")
def production_static(tmp_path_factory) -> Path:
    """Static files collected as the Dockerfile does, with the production settings and no database."""
    root = tmp_path_factory.mktemp("static")
    env = clean_env(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    collectstatic(root, env)
    return root


def test_collectstatic_works_with_the_production_settings(production_static):
    """The vendored files must not point at files that are not shipped (Bootstrap's source maps did)."""
    paths = json.loads((production_static / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js", "css/portal.css",
                 "js/portal.js", "admin/css/base.css"):
        assert name in paths and (production_static / paths[name]).exists()


# --- the whole stack -------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_or_skip() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the production stack test needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)")
    return url


def redis_or_skip() -> str:
    import redis

    url = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"the production stack test needs Redis at {url} (PORTAL_REDIS_URL): {exc}")
    return url


class Throwaway:
    """A database of its own on the test server, dropped afterwards."""

    def __init__(self, url: str):
        import psycopg2

        self.parts = urllib.parse.urlsplit(url)
        self.name = f"{self.parts.path.lstrip('/') or 'portal'}_smoke"
        self.url = urllib.parse.urlunsplit(self.parts._replace(path=f"/{self.name}"))
        self._connect = lambda: psycopg2.connect(
            host=self.parts.hostname, port=self.parts.port or 5432, user=self.parts.username,
            password=self.parts.password or None, dbname="postgres")

    def _admin(self, sql: str) -> None:
        connection = self._connect()
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create(self) -> None:
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Visitor:
    """A browser without JavaScript: cookies (Secure ones only over HTTPS, as browsers do) and no redirects followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self.NoRedirect)

    def get(self, path: str):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]):
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path}))

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((c for c in self.cookies if c.name == name), None)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, production_static):
    database = Throwaway(postgres_or_skip())
    broker = redis_or_skip()
    static_root = production_static
    port = free_port()
    logs = tmp_path_factory.mktemp("logs")
    env = clean_env(
        DATABASE_URL=database.url, CELERY_BROKER_URL=broker, DJANGO_STATIC_ROOT=str(static_root),
        # what docker-compose.yml gives the containers when the operator sets nothing
        DJANGO_SECURE_SSL_REDIRECT=compose_default("DJANGO_SECURE_SSL_REDIRECT"),
        DJANGO_SECURE_COOKIES=compose_default("DJANGO_SECURE_COOKIES"),
        GUNICORN_CMD_ARGS=compose()["services"]["web"]["environment"]["GUNICORN_CMD_ARGS"]
        .replace("0.0.0.0:8000", f"127.0.0.1:{port}").replace("--workers 3", "--workers 2"),
    )
    database.create()
    processes: list[subprocess.Popen] = []

    def start(name: str, command: list[str]) -> subprocess.Popen:
        log = (logs / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    try:
        migrate, serve = web_commands()
        run(argv(migrate), env)
        run([sys.executable, "manage.py", "load_policy", *seed_files()], env)
        run([sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", ADMIN[0],
             "--email", "smoke@example.cn"], {**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN[1]})
        web = start("web", argv(serve))
        worker = start("worker", argv(shlex.join(compose()["services"]["worker"]["command"])))
        beat_command = [word.replace("/tmp/", f"{logs}/") for word in compose()["services"]["beat"]["command"]]
        start("beat", argv(shlex.join(beat_command)))
        health = [sys.executable, "-m", "portal.healthcheck", f"http://127.0.0.1:{port}/policies/"]
        deadline = time.monotonic() + 90
        while subprocess.run(health, cwd=ROOT, env=env, capture_output=True).returncode != 0:
            assert web.poll() is None, (logs / "web.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not become healthy:\n" + (logs / "web.log").read_text()
            time.sleep(0.5)
        yield {"base": f"http://127.0.0.1:{port}", "env": env, "logs": logs, "worker": worker}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        database.drop()



def assert_styled(visitor: Visitor, html: str, page: str) -> None:
    stylesheets = HASHED_CSS.findall(html)
    assert stylesheets, f"{page}: no hashed stylesheet in the page"
    for href in stylesheets:
        status, headers, body = visitor.get(href)
        assert status == 200 and headers["Content-Type"].startswith("text/css"), (page, href, status)
        assert "{" in body and len(body) > 100, (page, href)


@pytest.mark.postgres
def test_the_production_stack_serves_every_kind_of_page_with_its_css(stack):
    visitor = Visitor(stack["base"])
    status, _, library = visitor.get("/policies/")
    assert status == 200
    key = re.search(r'href="/policies/([a-z0-9_-]+)/"', library).group(1)
    pages = {"/": "制造业惠企政策平台", "/policies/": "政策库", f"/policies/{key}/": "第", "/check/": "资格自测",
             "/admin/login/": "管理后台"}
    for path, text in pages.items():
        status, headers, html = visitor.get(path)
        assert status == 200, (path, status, html[:2000])
        assert text in html, path
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert_styled(visitor, html, path)
    status, _, html = visitor.get(f"/policies/{key}/v0/")
    assert status == 404 and "页面不存在" in html
    assert_styled(visitor, html, "404")


@pytest.mark.postgres
def test_signing_in_works_over_the_plain_http_of_the_local_compose_stack(stack):
    visitor = Visitor(stack["base"])
    status, _, html = visitor.get("/accounts/login/")
    assert status == 200
    csrf = visitor.cookie("csrftoken")
    assert csrf is not None and not csrf.secure
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, headers, _ = visitor.post("/accounts/login/", {"csrfmiddlewaretoken": token, "username": ADMIN[0],
                                                           "password": ADMIN[1], "next": "/policies/"})
    assert status == 302 and headers["Location"] == "/policies/"
    status, _, html = visitor.get("/policies/")
    assert status == 200 and ADMIN[0] in html  # the navbar shows who is signed in


@pytest.mark.postgres
def test_the_worker_and_beat_of_the_compose_file_run(stack):
    env = stack["env"]
    deadline = time.monotonic() + 60
    while True:
        ping = subprocess.run([str(BIN / "celery"), "-A", "portal", "inspect", "ping", "-d",
                               f"celery@{socket.gethostname()}", "--timeout", "5"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        if ping.returncode == 0:
            break
        assert stack["worker"].poll() is None, (stack["logs"] / "worker.log").read_text()
        assert time.monotonic() < deadline, ping.stdout + ping.stderr + (stack["logs"] / "worker.log").read_text()
        time.sleep(1)
    assert "pong" in ping.stdout
    pid = int((stack["logs"] / "celerybeat.pid").read_text().strip())
    os.kill(pid, 0)  # beat is alive: what the compose health check asks
