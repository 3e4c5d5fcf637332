"""免申即享 over the whole catalogue: each saved profile judged against its own city's rules, the same verdicts and
amounts as the questionnaire's results, chunks ordered by city, and the progress of a match visible."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from applications.models import Enterprise, MatchResult
from applications.services import matching
from applications.tasks.matching import policy_match_chunk, policy_match_dispatch
from bench.bench_eligibility import profile
from incentives.eligibility import evaluate_enterprise
from incentives.models import PolicyDocument
from incentives.questionnaire import typed_answers
from incentives.rules.model import FactType
from incentives.selectors import known_fact_specs
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 1)          # every seed document in force, 江门's included


def json_answers(facts: dict, specs) -> dict:
    """What the questionnaire stores: JSON values (numbers and dates as text)."""
    return {key: value if isinstance(value, bool) or specs[key].type == FactType.CHOICE
            else value.isoformat() if isinstance(value, dt.date) else str(value) for key, value in facts.items()}


@pytest.fixture(autouse=True)
def on_a_day_all_apply(monkeypatch):
    monkeypatch.setattr("applications.services.matching.today", lambda: DAY)


@pytest.fixture
def profiles(catalogue):
    specs = known_fact_specs()
    rng = random.Random(5)
    enterprises = []
    for i, city in enumerate(["jiangmen", "shaoguan", "shenzhen", "heyuan", "zhumadian"] * 6):
        facts = profile(specs, rng, unknown_share=0.3)
        facts["city"] = city
        if i % 7 == 3:
            facts.pop("city")                       # not answered yet: eligible for nothing
        # some answered another city than they registered in: the answer is what the rules judge
        registered = city if i % 4 else "jiangmen"
        enterprises.append(EnterpriseFactory(city=registered, answers=json_answers(facts, specs)))
    return enterprises


def test_the_match_agrees_with_the_questionnaires_results(profiles):
    documents = list(PolicyDocument.objects.current().values_list("pk", flat=True))
    found, incentives, ids, keys = matching.match_profiles([e.pk for e in profiles], documents)
    specs = known_fact_specs()
    assert sorted(ids) == sorted(e.pk for e in profiles)
    checked = 0
    for enterprise in profiles:
        facts = typed_answers(enterprise.answers, specs)
        evaluation = evaluate_enterprise(facts, on=DAY, specs=specs, explain=False)
        expected = {r.key: r.amount.value.quantize(r.amount.value.__class__("0.01")) if r.amount.value is not None
                    else None for r in evaluation.results if r.status == "eligible"}
        matched = {f"{document}/{key}": None if amount is None else Decimal(amount)
                   for document, told in found.get(enterprise.pk, {}).items() for key, amount in told.items()}
        assert matched == expected, enterprise.answers.get("city")
        checked += len(expected)
    assert checked > 20                             # the profiles do qualify for something


def test_a_chunk_run_twice_stores_and_counts_once(profiles):
    documents = list(PolicyDocument.objects.current().values_list("pk", flat=True))
    ids = [e.pk for e in profiles]
    run = matching.new_run()
    policy_match_chunk(ids, documents, run)
    stored = {(r.enterprise_id, r.document_key): (r.eligible, r.updated_at) for r in MatchResult.objects.all()}
    assert sum(len(eligible) for eligible, _ in stored.values()) > 20
    policy_match_chunk(ids, documents, run)
    assert {(r.enterprise_id, r.document_key): (r.eligible, r.updated_at) for r in MatchResult.objects.all()} == stored
    assert matching.match_progress(run)["done"] == 1 and matching.match_progress(run)["matched"] == len(ids)


def test_the_dispatch_orders_chunks_by_city_and_reports_progress(profiles, settings):
    settings.MATCH_CHUNK_SIZE = 7
    chunks = list(matching.enterprise_id_chunks())
    cities = [Enterprise.objects.get(pk=pk).answers["city"] for chunk in chunks for pk in chunk]   # answered city
    assert cities == sorted(cities)
    with_city = [e for e in profiles if "city" in e.answers]
    assert sorted(pk for chunk in chunks for pk in chunk) == sorted(e.pk for e in with_city)
    run = "test-run"
    policy_match_dispatch(list(PolicyDocument.objects.current().values_list("pk", flat=True)), run)
    progress = matching.match_progress(run)
    assert progress["chunks"] == len(chunks) and progress["done"] == len(chunks)
    assert progress["matched"] == progress["profiles"] == len(with_city)


def test_a_profile_that_no_longer_names_a_city_is_matched_once_more_to_be_told(profiles):
    """Told something before, its answers now name no city: the dispatch still lists it, and the match clears what
    it was told."""
    documents = list(PolicyDocument.objects.current().values_list("pk", flat=True))
    enterprise = next(e for e in profiles if "city" in e.answers)
    matching.match_chunk(enterprise_ids=[enterprise.pk], document_ids=documents)
    if not MatchResult.objects.filter(enterprise=enterprise).exists():   # nothing to tell it: give it something
        MatchResult.objects.create(enterprise=enterprise, document_key="shaoguan-2020-manufacturing",
                                   document_version=1, eligible={"tech-renovation-award": None})
    enterprise.answers = {key: value for key, value in enterprise.answers.items() if key != "city"}
    enterprise.save(update_fields=["answers"])
    listed = [pk for chunk in matching.enterprise_id_chunks() for pk in chunk]
    assert listed.count(enterprise.pk) == 1
    matching.match_chunk(enterprise_ids=[enterprise.pk], document_ids=documents)
    assert not MatchResult.objects.filter(enterprise=enterprise).exists()


def test_the_load_record_in_the_admin_shows_how_far_the_match_of_its_version_has_got(profiles, admin_client,
                                                                                     monkeypatch):
    from django.urls import reverse

    from incentives.models import PolicyLoad

    document = PolicyDocument.objects.current().get(key="shaoguan-2020-manufacturing")
    # no match remembered for this id from an earlier test (ids are reused from one test database to the next)
    monkeypatch.setattr(matching, "_LOCAL_RUNS", {})
    store = matching._progress_store()
    if store is not None:
        store.delete(f"portal:match:document:{document.pk}")
    load = PolicyLoad.objects.filter(document=document).latest("loaded_at")
    page = reverse("admin:incentives_policyload_change", args=[load.pk])
    with monkeypatch.context() as deployed:   # as a deployment with Redis sees it before any match
        deployed.setattr(matching, "progress_is_shared", lambda: True)
        assert "没有进行中或近期的匹配记录" in admin_client.get(page).content.decode()

    matching.policy_loaded([document.pk])   # what the loader calls after its commit; the tasks run eagerly here

    html = admin_client.get(page).content.decode()
    named_a_city = sum("city" in e.answers for e in profiles)     # the others are eligible for nothing
    assert f"已完成：{named_a_city} 家企业（1 批）" in html


def test_without_redis_the_load_record_says_the_match_was_done_while_loading(catalogue, admin_client, monkeypatch):
    """The embedded default runs tasks in the loading process: the match is over when the load is, and the web
    process cannot read its progress."""
    from django.urls import reverse

    from incentives.models import PolicyLoad

    monkeypatch.setattr(matching, "_progress_store", lambda: None)
    monkeypatch.setattr(matching, "_LOCAL_RUNS", {})
    load = PolicyLoad.objects.filter(document__key="shaoguan-2020-manufacturing").latest("loaded_at")
    html = admin_client.get(reverse("admin:incentives_policyload_change", args=[load.pk])).content.decode()
    assert "加载时已在同一进程内完成（未使用 Redis，不记录进度）" in html


def test_facts_of_documents_not_in_force_are_not_even_read(profiles, monkeypatch):
    """江门's document has expired by 2026-06-01: its profiles are eligible for none of it, and the match reads only
    which city they answered for (on PostgreSQL a column kept from the answers), not the fifty-odd facts its rules
    ask about."""
    monkeypatch.setattr("applications.services.matching.today", lambda: dt.date(2026, 6, 1))
    read = []
    real = matching._read_answers
    monkeypatch.setattr(matching, "_read_answers", lambda ids, keys, *a: read.append(keys) or real(ids, keys, *a))
    jiangmen = [e.pk for e in profiles if e.city == "jiangmen" and e.answers.get("city") == "jiangmen"]
    document = PolicyDocument.objects.current().get(key="jiangmen-2023-manufacturing")
    found, _incentives, ids, _keys = matching.match_profiles(jiangmen, [document.pk])
    assert sorted(ids) == sorted(jiangmen) and found == {}
    assert not any(read), read


def test_the_answered_city_is_kept_by_the_database_from_the_answers(catalogue):
    enterprise = EnterpriseFactory(city="jiangmen", answers={"city": "shaoguan", "is_manufacturing": True})
    assert Enterprise.objects.get(pk=enterprise.pk).answered_city == "shaoguan"
    Enterprise.objects.filter(pk=enterprise.pk).update(answers={"is_manufacturing": True})   # not answered (yet)
    assert Enterprise.objects.get(pk=enterprise.pk).answered_city is None
