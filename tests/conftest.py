"""Fixtures shared by every test: the seed catalogue, roles, paths."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
POLICY_FILES = sorted((FIXTURES / "policies").glob("*.yaml"))


def seed_files() -> list[str]:
    return [str(FIXTURES / "facts.yaml"), *map(str, POLICY_FILES)]


@pytest.fixture
def catalogue(db):
    """The five seed documents, loaded as an administrator would (once per database state)."""
    from incentives.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        call_command("load_policy", *seed_files(), stdout=open("/dev/null", "w"))
    return PolicyDocument.objects.current()


@pytest.fixture
def facts_loaded(db):
    call_command("load_policy", str(FIXTURES / "facts.yaml"), stdout=open("/dev/null", "w"))


@pytest.fixture
def administrator(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")


@pytest.fixture
def applicant(db):
    """A finance officer signed up for an enterprise of 江门, with no answers saved yet."""
    from tests.factories import MembershipFactory

    return MembershipFactory().user


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Attachments and PDFs of each test in a folder of its own, never the portal's."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


def pytest_collection_modifyitems(config, items):
    """Skip the tests marked `postgres` unless the database is PostgreSQL (row locks do nothing on SQLite)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
