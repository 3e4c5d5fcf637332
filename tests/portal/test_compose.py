"""docker-compose.yml cannot run here; check that it describes the stack the portal needs."""
from __future__ import annotations

import yaml

from tests.conftest import ROOT


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_stack_has_web_worker_postgres_and_redis_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "db", "redis"}
    assert all("healthcheck" in service for service in services.values())
    assert "gunicorn portal.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A portal worker")
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_web_and_worker_get_the_production_settings_and_wait_for_their_services():
    services = compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert "DJANGO_SECRET_KEY" in env and "DJANGO_ALLOWED_HOSTS" in env
        assert services[name]["depends_on"] == {"db": {"condition": "service_healthy"},
                                                "redis": {"condition": "service_healthy"}}


def test_the_database_credentials_agree():
    services = compose()["services"]
    db_env = services["db"]["environment"]
    url = services["web"]["environment"]["DATABASE_URL"]
    assert f"postgres://{db_env['POSTGRES_USER']}:" in url and url.endswith(f"/{db_env['POSTGRES_DB']}")
