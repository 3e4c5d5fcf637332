"""The review services: the route, each decision's checks, 公示, objections, payments and their outbox rows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Application, Notification, Objection, Publicity, ReviewStep
from applications.services import review
from applications.services.review import AlreadyHandled, ReviewError
from tests.factories.review import RoundFactory, SubmittedApplicationFactory, departments, resubmit, staff

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def depts():
    return departments()


@pytest.fixture
def people(depts):
    return {"gxj": staff(depts["gxj"], "gxj-reviewer"), "kjj": staff(depts["kjj"], "kjj-reviewer"),
            "czj": staff(depts["czj"], "czj-officer")}


def open_step(application):
    return ReviewStep.objects.get(application=application, state="open")


def through_review(application, people, amount="100"):
    review.application_accept(application_id=application.pk, by=people["gxj"])
    review.application_approve_step(application_id=application.pk, by=people["gxj"], amount=amount,
                                    reason="" if Decimal(amount) == 100 else "部分设备不在支持范围")
    review.application_approve_step(application_id=application.pk, by=people["kjj"], amount=amount,
                                    reason="" if Decimal(amount) == 100 else "同上")
    return review.application_confirm(application_id=application.pk, by=people["czj"])


def test_the_route_runs_intake_each_department_in_order_then_finance(people, depts):
    application = SubmittedApplicationFactory()
    review.application_accept(application_id=application.pk, by=people["gxj"])
    steps = list(ReviewStep.objects.filter(application=application).order_by("position"))
    assert [(s.kind, s.department.key, s.state) for s in steps] == [
        ("intake", "jiangmen-gxj", "approved"), ("review", "jiangmen-gxj", "open"),
        ("review", "jiangmen-kjj", "waiting"), ("finance", "jiangmen-czj", "waiting")]
    assert steps[1].due_at > steps[1].opened_at
    review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="100")
    assert open_step(application).department == depts["kjj"]
    review.application_approve_step(application_id=application.pk, by=people["kjj"], amount="100")
    assert open_step(application).kind == "finance"
    application = review.application_confirm(application_id=application.pk, by=people["czj"])
    assert application.status == S.PUBLICITY and application.approved_amount == Decimal("100.00")
    publicity = Publicity.objects.get(application=application)
    assert (publicity.ends_at - publicity.starts_at).days == 7
    assert [e.action for e in application.events.order_by("pk")] == [
        "submit", "accept", "approve_step", "approve_step", "confirm"]


def test_a_round_route_overrides_the_incentive_departments(people, depts):
    from applications.models import RoundDepartment

    round_ = RoundFactory()
    RoundDepartment.objects.create(round=round_, department=depts["kjj"], position=0)
    application = SubmittedApplicationFactory(round=round_)
    review.application_accept(application_id=application.pk, by=people["gxj"])
    assert open_step(application).department == depts["kjj"]


def test_no_finance_department_in_the_region_is_a_clear_refusal(depts):
    from tests.factories import DepartmentFactory

    bureau = DepartmentFactory(region="testcity")
    application = SubmittedApplicationFactory(round=RoundFactory(region="testcity", accepting_department=bureau))
    with pytest.raises(ReviewError, match="财政部门"):
        review.application_accept(application_id=application.pk, by=staff(bureau, "testcity-intake"))
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED
    assert not ReviewStep.objects.filter(application=application).exists()


def test_another_department_cannot_take_any_decision(people):
    application = SubmittedApplicationFactory()
    with pytest.raises(ReviewError):
        review.application_accept(application_id=application.pk, by=people["kjj"])
    review.application_accept(application_id=application.pk, by=people["gxj"])
    for who in ("kjj", "czj"):
        with pytest.raises(ReviewError):
            review.application_approve_step(application_id=application.pk, by=people[who], amount="100")
        with pytest.raises(ReviewError):
            review.application_return(application_id=application.pk, by=people[who], comment="补充发票")
    with pytest.raises(ReviewError):
        review.application_confirm(application_id=application.pk, by=people["gxj"])


def test_return_needs_a_comment_and_changes_nothing_without(people):
    application = SubmittedApplicationFactory()
    with pytest.raises(ReviewError, match="写明"):
        review.application_return(application_id=application.pk, by=people["gxj"], comment="  ")
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED
    assert application.events.count() == 1


def test_after_a_return_the_route_continues_at_the_department_that_returned_it(people, depts):
    application = SubmittedApplicationFactory()
    review.application_accept(application_id=application.pk, by=people["gxj"])
    review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="100")
    review.application_return(application_id=application.pk, by=people["kjj"], comment="请补充研发费用专项审计报告")
    application.refresh_from_db()
    assert application.status == S.RETURNED
    resubmit(application)
    review.application_accept(application_id=application.pk, by=people["gxj"])
    step = open_step(application)
    assert step.department == depts["kjj"] and step.cycle == 2
    assert ReviewStep.objects.filter(application=application, department=depts["gxj"], kind="review",
                                     state="approved").count() == 1


def test_returned_by_intake_then_accepted_starts_at_the_first_review(people, depts):
    application = SubmittedApplicationFactory()
    review.application_return(application_id=application.pk, by=people["gxj"], comment="缺少营业执照")
    resubmit(Application.objects.get(pk=application.pk))
    review.application_accept(application_id=application.pk, by=people["gxj"])
    step = open_step(application)
    assert (step.kind, step.department, step.position) == ("review", depts["gxj"], 1)
    assert list(ReviewStep.objects.filter(application=application, kind="intake").values_list("state", flat=True)
                .order_by("cycle")) == ["returned", "approved"]


def test_reject_needs_a_reason_and_its_basis(people):
    application = SubmittedApplicationFactory()
    with pytest.raises(ReviewError, match="依据"):
        review.application_reject(application_id=application.pk, by=people["gxj"], reason="不符合条件", basis="")
    application = review.application_reject(application_id=application.pk, by=people["gxj"],
                                            reason="注册地不在江门", basis="第9条：注册地为江门市")
    assert application.status == S.REJECTED
    assert "第9条" in application.events.last().comment


@pytest.mark.parametrize("amount, reason, error", [
    ("150", "", "超过"), ("100.01", "", "超过"), ("80", "", "核减理由"), ("-1", "", "负数"), ("abc", "", "有效"),
])
def test_approved_amount_is_checked(people, amount, reason, error):
    application = SubmittedApplicationFactory(requested_amount=Decimal("100"), max_amount=Decimal("120"))
    review.application_accept(application_id=application.pk, by=people["gxj"])
    with pytest.raises(ReviewError, match=error):
        review.application_approve_step(application_id=application.pk, by=people["gxj"], amount=amount, reason=reason)
    assert open_step(application).kind == "review" and open_step(application).department.key == "jiangmen-gxj"


def test_a_lower_amount_with_a_reason_is_kept(people):
    application = SubmittedApplicationFactory()
    review.application_accept(application_id=application.pk, by=people["gxj"])
    application = review.application_approve_step(application_id=application.pk, by=people["gxj"], amount="80",
                                                  reason="部分设备购置发票不符合要求")
    assert application.approved_amount == Decimal("80.00")
    assert "核减理由" in application.events.last().comment


def test_a_stale_page_gets_already_handled(people):
    application = SubmittedApplicationFactory()
    seen = application.events.last().pk
    review.application_accept(application_id=application.pk, by=people["gxj"], seen_event_id=seen)
    with pytest.raises(AlreadyHandled, match="已被他人处理"):
        review.application_return(application_id=application.pk, by=people["gxj"], comment="x", seen_event_id=seen)


def test_the_round_budget_is_never_exceeded(people):
    round_ = RoundFactory(budget=Decimal("150"))
    first, second = SubmittedApplicationFactory(round=round_), SubmittedApplicationFactory(round=round_)
    through_review(first, people)
    with pytest.raises(ReviewError, match="预算"):
        through_review(second, people)
    assert Application.objects.get(pk=second.pk).status == S.IN_REVIEW


def test_objection_upheld_sends_it_back_to_review_and_dismissed_lets_it_finalize(people, depts):
    upheld, dismissed = SubmittedApplicationFactory(), SubmittedApplicationFactory()
    through_review(upheld, people)
    through_review(dismissed, people)
    with pytest.raises(ReviewError, match="联系"):
        review.objection_file(application_id=upheld.pk, name="张三", contact="", text="该企业不在江门")
    objection = review.objection_file(application_id=upheld.pk, name="张三", contact="13800000000",
                                      text="该企业不在江门")
    assert Notification.objects.filter(kind="objection", recipient=people["gxj"]).exists()
    review.objection_resolve(objection_id=objection.pk, by=people["gxj"], upheld=True, resolution="核实属实")
    upheld.refresh_from_db()
    assert upheld.status == S.IN_REVIEW and open_step(upheld).department == depts["gxj"]
    assert Publicity.objects.get(application=upheld).outcome == "interrupted"

    objection = review.objection_file(application_id=dismissed.pk, name="李四", contact="li@example.cn", text="金额过高")
    with pytest.raises(ReviewError):
        review.objection_resolve(objection_id=objection.pk, by=people["kjj"], upheld=False, resolution="x")
    Publicity.objects.filter(application=dismissed).update(ends_at=timezone.now() - dt.timedelta(minutes=1),
                                                           starts_at=timezone.now() - dt.timedelta(days=7))
    assert review.application_finalize(application_id=dismissed.pk) is None  # an objection is pending
    review.objection_resolve(objection_id=objection.pk, by=people["gxj"], upheld=False, resolution="金额按条文计算")
    assert Objection.objects.get(pk=objection.pk).status == "dismissed"
    assert review.application_finalize(application_id=dismissed.pk).status == S.FINAL


def test_payments_never_exceed_the_approved_amount(people):
    application = SubmittedApplicationFactory()
    through_review(application, people)
    Publicity.objects.filter(application=application).update(ends_at=timezone.now() - dt.timedelta(minutes=1),
                                                             starts_at=timezone.now() - dt.timedelta(days=7))
    review.application_finalize(application_id=application.pk)
    with pytest.raises(ReviewError):
        review.payment_record(application_id=application.pk, by=people["gxj"], amount="30", paid_on=dt.date.today())
    first = review.payment_record(application_id=application.pk, by=people["czj"], amount="30",
                                  paid_on=dt.date.today(), note="首期30%")
    with pytest.raises(ReviewError, match="超过核定金额"):
        review.payment_record(application_id=application.pk, by=people["czj"], amount="70.01",
                              paid_on=dt.date.today())
    second = review.payment_record(application_id=application.pk, by=people["czj"], amount="70",
                                   paid_on=dt.date.today())
    assert (first.installment, second.installment) == (1, 2)
    assert Notification.objects.filter(kind="payment", application=application).count() == 2


def test_every_decision_notifies_the_enterprise_and_the_next_department(people):
    application = SubmittedApplicationFactory()
    enterprise_user = application.created_by
    through_review(application, people)
    subjects = list(Notification.objects.filter(recipient=enterprise_user).order_by("pk")
                    .values_list("subject", flat=True))
    assert len(subjects) == 4 and "已受理" in subjects[0] and "财政确认" in subjects[-1]
    assert Notification.objects.filter(recipient=people["kjj"], kind="task").count() == 1
    assert Notification.objects.filter(recipient=people["czj"], kind="task").count() == 1
