"""免申即享 push: a loaded policy is matched against every saved profile; only changes notify; opt-out honoured."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from applications.models import MatchResult, Notification, NotificationPreference
from applications.services.matching import match_chunk
from incentives.models import PolicyDocument
from tests.conftest import FIXTURES
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def while_in_force(monkeypatch):
    """江门's document is in force until 2025-12-31: judge on a day it applies."""
    monkeypatch.setattr("applications.services.matching.today", lambda: dt.date(2025, 6, 1))


@pytest.fixture
def member(catalogue):
    return MembershipFactory(enterprise__with_answers=True)


def jiangmen():
    return PolicyDocument.objects.get(key__contains="jiangmen", is_current=True)


def test_first_match_notifies_each_eligible_incentive_once(member):
    document = jiangmen()
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    told = MatchResult.objects.get(enterprise=member.enterprise, document_key=document.key)
    assert told.eligible and told.document_version == document.version
    assert set(told.eligible) <= set(document.incentives.values_list("key", flat=True))
    notices = Notification.objects.filter(recipient=member.user, kind="policy_match")
    assert notices.count() == len(told.eligible)
    assert "您可能符合" in notices.first().subject and notices.first().url.startswith("/policies/")
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    assert notices.count() == len(told.eligible), "an unchanged result notified again"
    assert MatchResult.objects.filter(enterprise=member.enterprise).count() == 1


def test_changes_in_status_and_amount_are_told(member):
    document = jiangmen()
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    told = MatchResult.objects.get(enterprise=member.enterprise, document_key=document.key)
    key, amount = next(iter(told.eligible.items()))
    not_eligible = next(i for i in document.incentives.all() if i.key not in told.eligible)
    # as if the previous version had said otherwise: another amount, and one more incentive
    told.eligible = {**told.eligible, key: str(Decimal(amount or 0) + 1), not_eligible.key: "5.00"}
    told.document_version = 0
    told.save()
    Notification.objects.all().delete()
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    subjects = sorted(Notification.objects.values_list("subject", flat=True))
    assert len(subjects) == 2
    assert any("金额已变化" in s for s in subjects) and any("条件已变化" in s for s in subjects)
    told.refresh_from_db()
    assert told.eligible[key] == amount and not_eligible.key not in told.eligible
    assert told.document_version == document.version


def test_an_enterprise_eligible_for_nothing_any_more_keeps_no_row_and_is_told(member):
    document = jiangmen()
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    told = MatchResult.objects.get(enterprise=member.enterprise, document_key=document.key)
    enterprise = member.enterprise
    enterprise.answers = {**enterprise.answers, "city": "shaoguan"}   # moved: 江门's incentives are not for it
    enterprise.save(update_fields=["answers"])
    Notification.objects.all().delete()
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[document.pk])
    assert not MatchResult.objects.filter(enterprise=enterprise).exists()
    subjects = list(Notification.objects.filter(recipient=member.user).values_list("subject", flat=True))
    assert len(subjects) == len(told.eligible) and all("条件已变化" in s for s in subjects)


def test_an_enterprise_can_turn_these_notices_off(member):
    NotificationPreference.objects.create(user=member.user, kind="policy_match", email=False, enabled=False)
    match_chunk(enterprise_ids=[member.enterprise_id], document_ids=[jiangmen().pk])
    assert not Notification.objects.filter(kind="policy_match").exists()
    assert MatchResult.objects.filter(enterprise=member.enterprise).exists()


def test_loading_a_new_version_starts_the_match_after_commit(member, django_capture_on_commit_callbacks, tmp_path):
    source = next((FIXTURES / "policies").glob("004-*.yaml")).read_text(encoding="utf-8")
    revised = tmp_path / "004-jiangmen.yaml"
    revised.write_text(source.replace("  number: 江府〔2023〕11号", "  number: 江府〔2023〕11号（修订）", 1), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_policy", str(revised), stdout=open("/dev/null", "w"))
    assert jiangmen().version == 2
    assert Notification.objects.filter(recipient=member.user, kind="policy_match").exists()
    assert set(MatchResult.objects.values_list("document_version", flat=True)) == {2}
