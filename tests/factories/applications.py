"""Factories of enterprises and their members."""
import factory
from django.contrib.auth import get_user_model

from applications.credit_code import check_character
from applications.models import Enterprise, Membership


def valid_credit_code(n: int) -> str:
    """A well-formed code of a 江门 company, with its check character (GB 32100-2015)."""
    first17 = f"91440700MA{n:07d}"
    return first17 + check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"officer{n}")
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


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
