"""Factories of rounds and applications: a round of 韶关's document in force, open now."""
import datetime as dt

import factory
from django.utils import timezone

from applications.models import Round
from applications.rounds import documents_required_of
from incentives.models import Department, Incentive

from .applications import EnterpriseFactory, MembershipFactory


class ShaoguanEnterpriseFactory(EnterpriseFactory):
    city = "shaoguan"
    name = factory.Sequence(lambda n: f"韶关测试制造有限公司{n}")
    contact_person = "李明"
    phone = "13800138000"
    email = "liming@example.com"
    legal_representative = "王强"


class SignatoryFactory(MembershipFactory):
    enterprise = factory.SubFactory(ShaoguanEnterpriseFactory)
    role = "signatory"
    is_admin = True


class PreparerFactory(MembershipFactory):
    enterprise = factory.SubFactory(ShaoguanEnterpriseFactory)
    role = "preparer"


def open_round(*keys: str, region: str = "shaoguan", department: str = "shaoguan-gxj", **fields) -> Round:
    """A round open now (it opened yesterday, closes in 30 days) for the named incentives of the current document."""
    now = timezone.now()
    incentives = list(Incentive.objects.filter(document__is_current=True, document__region=region, key__in=keys))
    assert len(incentives) == len(keys), "unknown incentive key"
    values = {"name": "韶关市测试批次", "region": region, "accepting_department": Department.objects.get(key=department),
              "opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=30),
              "documents_required": documents_required_of(incentives), **fields}
    round_ = Round.objects.create(**values)
    round_.incentives.set(incentives)
    return round_
