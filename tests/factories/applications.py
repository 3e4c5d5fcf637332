"""Factories of enterprises, their members and invitations."""
import hashlib
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from applications.credit_code import check_character
from applications.models import Enterprise, Invitation, Membership


def valid_credit_code(n: int) -> str:
    """A well-formed code of a 江门 company, with its check character (GB 32100-2015)."""
    first17 = f"91440700MA{n:07d}"
    return first17 + check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw-for-tests-only")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试制造有限公司{n}")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n))
    city = "jiangmen"

    class Params:
        with_answers = factory.Trait(answers={"city": "jiangmen", "is_manufacturing": True,
                                              "project_equipment_investment": "3000"})
        with_profile = factory.Trait(
            address="江门市蓬江区测试路1号", legal_representative="王法人", contact_person="赵联系",
            phone="0750-3123456", email="contact@example.com", industry="电气机械和器材制造业（C38）",
            scale=Enterprise.Scale.MEDIUM)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)

    class Params:
        signatory = factory.Trait(role=Membership.Role.SIGNATORY)
        admin = factory.Trait(is_admin=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose raw token is `token` (only its sha256 is stored, as the service does)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    enterprise = factory.SubFactory(EnterpriseFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.com")
    token = factory.Sequence(lambda n: f"test-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.token.encode()).hexdigest())
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Params:
        expired = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1)))
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now),
                                 accepted_by=factory.SubFactory(UserFactory))
