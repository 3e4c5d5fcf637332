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


def load_revised_seed(tmp_path: Path, city: str, change, *, with_facts: bool = False) -> None:
    """Load a new version of a city's seed document: its file read, changed by `change(data)`, written and loaded."""
    import yaml

    source = next(path for path in POLICY_FILES if city in path.name)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data)
    revised = tmp_path / source.name
    revised.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    files = [str(FIXTURES / "facts.yaml")] if with_facts else []
    call_command("load_policy", *files, str(revised), stdout=open("/dev/null", "w"))


# The rows the first load_policy of the run wrote, copied back into later tests' databases: the loader itself is
# tested on its own, and loading five documents for each of a few hundred tests would take most of the run.
_CATALOGUE_ROWS: list | None = None


def _catalogue_models():
    from django.apps import apps

    return list(apps.get_app_config("incentives").get_models(include_auto_created=True))


def _catalogue_restore(rows) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with transaction.atomic():  # foreign keys are checked at commit, whatever the order of the tables
        for model, values in rows:
            model.objects.bulk_create([model(**value) for value in values])
    with connection.cursor() as cursor:  # later inserts must not collide with the copied primary keys
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in rows]):
            cursor.execute(sql)


@pytest.fixture
def catalogue(db):
    """The five seed documents, as load_policy loads them (loaded once per run, copied for each test)."""
    global _CATALOGUE_ROWS
    from incentives.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        if _CATALOGUE_ROWS is None:
            call_command("load_policy", *seed_files(), stdout=open("/dev/null", "w"))
            _CATALOGUE_ROWS = [(model, list(model.objects.values())) for model in _catalogue_models()]
        else:
            _catalogue_restore(_CATALOGUE_ROWS)
    return PolicyDocument.objects.current()


@pytest.fixture
def both_tech_awards(catalogue, monkeypatch):
    """江门's provincial and municipal tech-renovation awards (第9条) exclude each other. As loaded, their conditions
    also contradict (the municipal one is for projects without the provincial policy); here the municipal award's
    condition on that is lifted, so both are met, and the page is read on a day the document was in force."""
    import datetime as dt

    from incentives.models import Incentive
    from incentives.selectors import clear_caches

    municipal = Incentive.objects.get(document__key="jiangmen-2023-manufacturing", document__is_current=True,
                                      key="tech-renovation-municipal")
    municipal.eligibility = {"all": [item for item in municipal.eligibility["all"]
                                     if item["fact"] != "project_provincial_tech_renovation"]}
    municipal.save(update_fields=["eligibility"])
    clear_caches()
    monkeypatch.setattr("incentives.eligibility.today", lambda: dt.date(2024, 6, 1))
    yield
    clear_caches()


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
def celery_config_restored():
    """Tests that point the project's Celery app at a real broker (worker tests) leave it as they found it:
    eager and in-memory for the tests after them, or their tasks would wait on a queue nobody reads."""
    from portal.celery import app

    keys = ("broker_url", "task_always_eager", "result_backend")
    saved = {key: app.conf.get(key) for key in keys}
    yield
    if any(app.conf.get(key) != value for key, value in saved.items()):
        app.conf.update(saved)
        app._pool = None  # drop the pooled connections to the test's broker
        app.amqp._producer_pool = None


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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages kept for another test's (identical) catalogue are not its own."""
    from django.core.cache import cache

    cache.clear()
