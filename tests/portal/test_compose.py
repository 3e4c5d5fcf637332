"""docker-compose.yml and the Dockerfile cannot run here; check that they describe the stack the portal needs.

tests/portal/test_stack.py runs the same commands against PostgreSQL and Redis.
"""
from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def compose_default(name: str) -> str:
    """The value compose gives a variable of x-portal-env when the operator sets nothing (${NAME:-default})."""
    raw = compose()["x-portal-env"][name]
    match = re.fullmatch(r"\$\{" + name + r":-([^}]*)\}", raw)
    assert match, f"{name} has no default in docker-compose.yml: {raw}"
    return match.group(1)


def web_commands() -> list[str]:
    """The web container's start-up commands, in order (`sh -c "a && exec b"`)."""
    command = compose()["services"]["web"]["command"]
    assert command[:2] == ["sh", "-c"]
    return [part.strip().removeprefix("exec ") for part in command[2].split("&&")]


def test_the_stack_has_web_worker_beat_postgres_and_redis_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert all("healthcheck" in service for service in services.values())
    assert web_commands() == ["python manage.py migrate --noinput", "gunicorn portal.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "portal.healthcheck"]


def test_web_worker_and_beat_get_the_production_settings_and_wait_for_their_services():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert "DJANGO_SECRET_KEY" in env and "DJANGO_ALLOWED_HOSTS" in env
        assert services[name]["depends_on"] == {"db": {"condition": "service_healthy"},
                                                "redis": {"condition": "service_healthy"}}
    assert "--bind 0.0.0.0:8000" in services["web"]["environment"]["GUNICORN_CMD_ARGS"]


def test_the_secret_key_must_be_given_and_plain_http_is_only_the_local_default():
    env = compose()["x-portal-env"]
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    # plain HTTP: no redirect to HTTPS, and cookies a browser sends back over HTTP, or no one can sign in
    assert compose_default("DJANGO_SECURE_SSL_REDIRECT") == "false"
    assert compose_default("DJANGO_SECURE_COOKIES") == "false"
    # ... so the port is published on this machine only unless the operator says otherwise
    assert compose()["services"]["web"]["ports"] == ["${PORTAL_PORT:-127.0.0.1:8000}:8000"]


def test_the_database_credentials_agree():
    services = compose()["services"]
    db_env = services["db"]["environment"]
    url = services["web"]["environment"]["DATABASE_URL"]
    assert f"postgres://{db_env['POSTGRES_USER']}:" in url and url.endswith(f"/{db_env['POSTGRES_DB']}")


def test_the_image_collects_static_files_with_the_production_settings():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    run = next(block for block in dockerfile.split("\nRUN ") if "collectstatic" in block)
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in run
    for required in ("DJANGO_SECRET_KEY=", "DJANGO_ALLOWED_HOSTS=", "DATABASE_URL=", "CELERY_BROKER_URL="):
        assert required in run
    assert "USER portal" in dockerfile  # not root
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "staticfiles", "db.sqlite3", ".git"} <= set(ignored)
