"""Settings: the embedded default boots with nothing set; production passes check --deploy and needs its secrets."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    "DATABASE_URL": "postgres://portal@db:5432/portal",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def manage_env(env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return {**clean, **env}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=manage_env(env),
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_embedded_default_needs_nothing_set():
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_load_demo_refuses_to_run_under_the_production_settings():
    result = manage("load_demo", env=PRODUCTION)
    assert result.returncode != 0
    assert "load_demo 只用于本地演示" in result.stderr and "生产环境" in result.stderr
    assert "已创建" not in result.stdout


def test_load_demo_creates_no_known_password_where_demo_accounts_are_not_allowed(db, settings, django_user_model):
    import pytest
    from django.core.management import CommandError, call_command

    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="不允许运行"):
        call_command("load_demo")
    assert not django_user_model.objects.exists()


def test_plain_http_cookies_only_when_asked_for():
    probe = ("from django.conf import settings as s; "
             "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")
    secure = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {probe}"], cwd=ROOT,
                            env={**manage_env(PRODUCTION)}, capture_output=True, text=True, timeout=60)
    assert secure.stdout.split() == ["True", "True", "True"], secure.stderr
    plain = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {probe}"], cwd=ROOT,
                           env=manage_env({**PRODUCTION, "DJANGO_SECURE_SSL_REDIRECT": "false",
                                           "DJANGO_SECURE_COOKIES": "false"}),
                           capture_output=True, text=True, timeout=60)
    assert plain.stdout.split() == ["False", "False", "False"], plain.stderr
