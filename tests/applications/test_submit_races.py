"""Submissions at the same moment, on PostgreSQL: one submission per application, reference numbers without gaps."""
from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, Submission
from applications.services.applying import ApplicationRefused, application_submit
from tests.applications.test_applying import fill_little_giant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls) -> list:
    """Run the calls in threads released at once; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_tabs_submitting_at_once_make_one_submission(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    application = fill_little_giant(client, little_giant_round)
    outcomes = run_together([
        lambda: application_submit(application_id=application.pk, by=signatory.user, declaration_confirmed=True)
        for _ in range(4)])
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    assert all(isinstance(o, ApplicationRefused) and o.code == "already_submitted"
               for o in outcomes if not isinstance(o, Application))
    assert Submission.objects.filter(application=application).count() == 1


def test_simultaneous_submissions_of_one_city_number_without_gaps(client, little_giant_round):
    from tests.factories.applying import SignatoryFactory

    pairs = []
    for _ in range(5):
        member = SignatoryFactory()
        client.force_login(member.user)
        pairs.append((member.user, fill_little_giant(client, little_giant_round)))
    outcomes = run_together([
        (lambda user=user, app=app: application_submit(application_id=app.pk, by=user, declaration_confirmed=True))
        for user, app in pairs])
    assert all(isinstance(o, Application) for o in outcomes), outcomes
    year = timezone.localdate().year
    assert sorted(Application.objects.values_list("reference", flat=True)) == [
        f"SHAOGUAN-{year}-{n:05d}" for n in range(1, 6)]
