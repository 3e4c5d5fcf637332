"""Factories of the catalogue."""
import factory

from incentives.models import Clause, Department, Incentive, PolicyDocument


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    key = factory.Sequence(lambda n: f"testcity-dept{n}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    region = "jiangmen"


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    key = factory.Sequence(lambda n: f"test-doc-{n}")
    version = 1
    is_current = True
    region = "jiangmen"
    region_name = "江门市"
    issuer = "江门市人民政府"
    title = factory.Sequence(lambda n: f"测试政策文件{n}")
    status = PolicyDocument.Status.IN_FORCE
    full_text = "全文"
    fixture_name = "test.yaml"
    digest = factory.Sequence(lambda n: f"{n:064d}")

    class Params:
        draft = factory.Trait(status=PolicyDocument.Status.DRAFT)
        superseded = factory.Trait(is_current=False)


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause
        skip_postgeneration_save = True

    document = factory.SubFactory(PolicyDocumentFactory)
    position = factory.Sequence(int)
    number = factory.Sequence(str)
    text = factory.Sequence(lambda n: f"{n}.对符合条件的企业给予最高100万元奖励。")

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)


class IncentiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incentive
        skip_postgeneration_save = True

    clause = factory.SubFactory(ClauseFactory)
    document = factory.SelfAttribute("clause.document")
    position = factory.Sequence(int)
    key = factory.Sequence(lambda n: f"incentive-{n}")
    name = factory.Sequence(lambda n: f"测试奖励{n}")
    kind = Incentive.Kind.ONE_TIME_REWARD
    beneficiary = Incentive.Beneficiary.ENTERPRISE
    summary = "对符合条件的企业给予最高100万元奖励。"
    amount = {"type": "fixed", "value": "100万元", "up_to": True, "quote": "给予最高100万元奖励"}

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)
