"""Factories of the review: rounds with departments, submitted applications with their snapshot, staff."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from applications.models import Application, ApplicationEvent, Round, StaffMembership, Submission
from incentives.models import Department

from .applications import MembershipFactory, UserFactory
from .incentives import DepartmentFactory, IncentiveFactory


def department(key: str, name: str, region: str = "jiangmen") -> Department:
    return Department.objects.get_or_create(key=key, defaults={"name": name, "region": region})[0]


def departments() -> dict[str, Department]:
    """工信局 (accepting and first review), 科技局 (second review) and 财政局 of 江门."""
    return {"gxj": department("jiangmen-gxj", "江门市工业和信息化局"),
            "kjj": department("jiangmen-kjj", "江门市科学技术局"),
            "czj": department("jiangmen-czj", "江门市财政局")}


def staff(dept: Department, username: str | None = None, *, is_head: bool = False, email: str = ""):
    user = UserFactory(is_staff=True, email=email or f"{username or 'staff'}@bureau.example.cn",
                       **({"username": username} if username else {}))
    StaffMembership.objects.create(user=user, department=dept, is_head=is_head)
    return user


def incentive_with_route(*keys: str):
    """An incentive whose responsible departments are `keys`, in that order (as the loader stores them)."""
    incentive = IncentiveFactory()
    for key in keys:
        incentive.departments.add(departments()[key])
    return incentive


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"2026年第{n}批技术改造奖励申报")
    region = "jiangmen"
    accepting_department = factory.LazyFunction(lambda: departments()["gxj"])
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    publicity_days = 7


def snapshot(application: Application, revision: int) -> dict:
    incentive = application.incentive
    return {
        "reference": application.reference, "revision": revision,
        "submitted_at": application.submitted_at.isoformat(),
        "enterprise": application.enterprise.profile(),
        "incentive": {"name": incentive.name, "clause_number": incentive.clause.number,
                      "clause_text": incentive.clause.text, "document_title": incentive.document.title},
        "eligibility": {"status": "eligible", "reasons": ["注册地为江门市：满足（第9条）", "属于制造业企业：满足（第9条）"]},
        "amount": {"maximum": str(application.max_amount), "is_maximum": True,
                   "steps": ["设备投资额 3000 万元 × 20% = 600 万元", "最高 100 万元：取 100 万元"],
                   "requested": str(application.requested_amount)},
        "attachments": [], "answers": [["注册地", "江门市"], ["是否制造业企业", "是"]],
    }


class SubmittedApplicationFactory(factory.django.DjangoModelFactory):
    """An application as the enterprise's submit service leaves it: SUBMITTED, revision 1, a snapshot, an event."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    enterprise = factory.LazyAttribute(lambda o: o.signatory.enterprise)
    round = factory.SubFactory(RoundFactory)
    incentive = factory.LazyFunction(lambda: incentive_with_route("gxj", "kjj"))
    status = Application.Status.SUBMITTED
    reference = factory.Sequence(lambda n: f"jiangmen-2026-{n:05d}")
    requested_amount = Decimal("100.00")
    max_amount = Decimal("100.00")
    revision = 1
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = factory.LazyAttribute(lambda o: o.signatory.user)

    class Params:
        signatory = factory.SubFactory(MembershipFactory, role="signatory")

    @factory.post_generation
    def submission(self, create, extracted, **kwargs):
        if not create:
            return
        ApplicationEvent.objects.create(application=self, action="submit", source="draft", target="submitted",
                                        actor=self.created_by, actor_label=self.created_by.get_username())
        Submission.objects.create(application=self, revision=1, snapshot=snapshot(self, 1),
                                  submitted_at=self.submitted_at, submitted_by=self.created_by)


def resubmit(application: Application) -> Application:
    """What the enterprise's resubmit service does after a return: a new revision, SUBMITTED again."""
    from django.db import transaction

    from applications.services.events import event_record

    with transaction.atomic():
        application.revision += 1
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()
        Submission.objects.create(application=application, revision=application.revision,
                                  snapshot=snapshot(application, application.revision),
                                  submitted_at=application.submitted_at, submitted_by=application.created_by)
        event_record(application=application, action="resubmit", source="returned", target="submitted",
                     by=application.created_by)
    return application


__all__ = ["DepartmentFactory", "RoundFactory", "SubmittedApplicationFactory", "departments", "resubmit", "staff"]
