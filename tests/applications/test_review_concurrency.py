"""Races on PostgreSQL: two reviewers deciding at once, two confirmations overspending a budget."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from applications.models import Application, ReviewStep
from applications.services import review
from tests.factories.review import RoundFactory, SubmittedApplicationFactory, departments, staff

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="SELECT ... FOR UPDATE does nothing on SQLite, which serialises every write: "
                              "races are only meaningful on PostgreSQL (set DATABASE_URL)"),
]


def race(*calls):
    """Run the calls at the same moment in threads; return what each returned or raised."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def people():
    d = departments()
    return {"gxj": [staff(d["gxj"], "gxj-a"), staff(d["gxj"], "gxj-b")], "czj": staff(d["czj"], "czj")}


@pytest.mark.parametrize("decisions", [("approve", "approve"), ("approve", "return"), ("reject", "return")])
def test_two_reviewers_at_once_make_exactly_one_decision(people, decisions):
    application = SubmittedApplicationFactory()
    review.application_accept(application_id=application.pk, by=people["gxj"][0])
    seen = application.events.order_by("-pk").first().pk
    calls = {
        "approve": lambda who: lambda: review.application_approve_step(
            application_id=application.pk, by=who, amount="100", seen_event_id=seen),
        "return": lambda who: lambda: review.application_return(
            application_id=application.pk, by=who, comment="请补充材料", seen_event_id=seen),
        "reject": lambda who: lambda: review.application_reject(
            application_id=application.pk, by=who, reason="不符合", basis="第9条", seen_event_id=seen),
    }
    results = race(calls[decisions[0]](people["gxj"][0]), calls[decisions[1]](people["gxj"][1]))
    done = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, review.AlreadyHandled)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "已被他人处理" in str(refused[0])
    assert application.events.exclude(action__in=["submit", "accept"]).count() == 1
    assert ReviewStep.objects.filter(application=application, state="open").count() <= 1


def test_two_confirmations_at_once_never_overspend_the_budget(people):
    round_ = RoundFactory(budget=Decimal("150"))
    kjj = staff(departments()["kjj"], "kjj")
    applications = [SubmittedApplicationFactory(round=round_) for _ in range(2)]
    for application in applications:
        review.application_accept(application_id=application.pk, by=people["gxj"][0])
        review.application_approve_step(application_id=application.pk, by=people["gxj"][0], amount="100")
        review.application_approve_step(application_id=application.pk, by=kjj, amount="100")
    results = race(*[lambda a=a: review.application_confirm(application_id=a.pk, by=people["czj"])
                     for a in applications])
    assert sum(isinstance(r, Application) for r in results) == 1, results
    assert any(isinstance(r, review.ReviewError) and "预算" in str(r) for r in results)
    confirmed = Application.objects.filter(round=round_, status="publicity")
    assert sum(a.approved_amount for a in confirmed) <= round_.budget
