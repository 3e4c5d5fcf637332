"""Frozen submission snapshots as the submit service writes them, and submitted applications that carry one."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib

import factory
from django.utils import timezone

from applications.credit_code import check_character
from applications.models import Application, Round, Submission
from incentives.models import Department

from .applications import EnterpriseFactory, UserFactory
from .incentives import IncentiveFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

CLAUSE_TEXT = (
    "（八）大力培育“专精特新”中小企业。启动“专精特新”型中小企业专项培育工程，支持中小企业通过上下游配套、"
    "分工协作等方式进入领军龙头企业配套体系，培育一批专精特新或细分市场的隐形冠军、单项冠军企业。对入选国家专精特新"
    "“小巨人”企业、国家单项冠军企业和产品、广东省“专精特新”中小企业以及市认定的专精特新中小企业，分别由市财政一次性"
    "给予100万元、100万元、50万元和20万元的奖励。按不超过单个项目总投资的20%，且最高不超过300万元的额度，支持"
    "“专精特新”企业开展技术改造、关键技术研发、自主创新能力提升，企业研发成果转化。（责任单位：市工信局、市科技局、"
    "市财政局）"
)

DECLARATION = (
    "本单位郑重承诺：所填报的申报信息及提交的全部材料真实、准确、完整，不存在弄虚作假、重复申报等情形；"
    "本项目未因同一事项获得其他市级财政资金支持；本单位近三年无重大安全生产、环境污染和产品质量事故，"
    "未被列入严重失信主体名单。如有不实，本单位愿意承担由此产生的一切法律责任，并退回已获得的财政资金。"
    "本单位同意主管部门为审核需要向有关部门核实申报信息，并同意按规定公示申报结果。"
)


def _sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def application_snapshot(**overrides) -> dict:
    """A snapshot of a typical 韶关 application (a 专精特新 technical-renovation project); overrides merge by section."""
    snapshot = {
        "reference": "shaoguan-2026-00001",
        "revision": 1,
        "submitted_at": "2026-11-26T10:00:00+08:00",
        "submitted_by": {"username": "zhangwei", "name": "张伟", "role": "signatory", "role_label": "法定代表人/授权人"},
        "enterprise": {
            "name": "韶关市丹霞精密机械制造有限公司",
            "credit_code": "91440200MA4UJ8KX2" + check_character("91440200MA4UJ8KX2"),
            "city": "shaoguan", "city_label": "韶关市",
            "address": "广东省韶关市浈江区华南装备工业园创业大道18号",
            "legal_representative": "张伟",
            "contact_person": "李晓燕", "phone": "0751-8881234", "email": "finance@danxia-precision.cn",
            "industry": "通用设备制造业", "scale": "small", "scale_label": "小型",
        },
        "contact": {"person": "李晓燕", "phone": "13902281234", "email": "finance@danxia-precision.cn"},
        "project": {
            "name": "高精度齿轮箱壳体智能化加工生产线技术改造项目",
            "description": "新购五轴联动加工中心6台、在线三坐标测量系统1套，建设数字化车间管理系统，"
                           "项目总投资1250万元，已于2026年6月完工投产，产品良品率由92%提高到98.5%。",
        },
        "round": {"id": 1, "name": "2026年度韶关市“专精特新”企业技术改造项目申报",
                  "accepting_department": "韶关市工业和信息化局", "closes_at": "2026-12-31T17:30:00+08:00"},
        "incentive": {
            "key": "shaoguan-2020-manufacturing/specialized-sme-project-subsidy",
            "name": "“专精特新”企业技术改造及创新项目支持",
            "kind": "rate_with_cap", "kind_label": "按比例补助（封顶）",
            "document_key": "shaoguan-2020-manufacturing",
            "document_title": "关于推动制造业高质量发展的实施意见",
            "document_number": "韶委字〔2020〕2号",
            "document_version": 1, "document_status": "in_force",
            "issuer": "中共韶关市委、韶关市人民政府",
            "clause_number": "（八）",
            "clause_text": CLAUSE_TEXT,
            "quotes": ["支持“专精特新”企业", "开展技术改造", "按不超过单个项目总投资的20%，且最高不超过300万元的额度"],
        },
        "answers": [
            {"key": "city", "label": "企业注册地", "value": "韶关市"},
            {"key": "shaoguan_specialized_sme_holder", "label": "是否为“专精特新”企业", "value": "是"},
            {"key": "project_is_tech_renovation", "label": "项目是否属于技术改造", "value": "是"},
            {"key": "project_total_investment", "label": "项目总投资", "value": "1,250万元"},
        ],
        "eligibility": {
            "status": "eligible",
            "reasons": [
                "韶关市·第（八）条：支持“专精特新”企业——是 ✓",
                "韶关市·第（八）条：开展技术改造——是 ✓",
            ],
            "on": "2026-11-26",
        },
        "amount": {
            "maximum": "250", "is_maximum": True,
            "steps": ["20% × 1,250万元 = 250万元", "不超过单个项目最高300万元，取250万元"],
            "requested": "250", "installments": "",
        },
        "declaration": DECLARATION,
        "attachments": [
            {"requirement": "“专精特新”企业认定文件", "name": "广东省专精特新中小企业认定通知.pdf", "size": 482133,
             "sha256": _sha("recognition"), "content_type": "application/pdf"},
            {"requirement": "项目立项或备案文件", "name": "技改项目备案证.pdf", "size": 215904,
             "sha256": _sha("filing"), "content_type": "application/pdf"},
            {"requirement": "项目投资明细及发票", "name": "设备投资明细及发票汇总.pdf", "size": 3870211,
             "sha256": _sha("invoices"), "content_type": "application/pdf"},
            {"requirement": "项目投资明细及发票", "name": "五轴加工中心发票扫描件.jpg", "size": 1204455,
             "sha256": _sha("invoice-scan"), "content_type": "image/jpeg"},
        ],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(snapshot.get(key), dict):
            snapshot[key] = {**snapshot[key], **value}
        else:
            snapshot[key] = copy.deepcopy(value)
    return snapshot


class RoundForPdfFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    name = "2026年度韶关市“专精特新”企业技术改造项目申报"
    region = "shaoguan"
    accepting_department = factory.LazyFunction(
        lambda: Department.objects.get_or_create(key="pdf-test-gxj",
                                                 defaults={"name": "韶关市工业和信息化局", "region": "shaoguan"})[0])
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class SubmittedApplicationFactory(factory.django.DjangoModelFactory):
    """An application submitted once, with its frozen submission (revision 1) built from `application_snapshot`."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory, name="韶关市丹霞精密机械制造有限公司", city="shaoguan")
    round = factory.SubFactory(RoundForPdfFactory)
    incentive = factory.SubFactory(IncentiveFactory, name="“专精特新”企业技术改造及创新项目支持")
    status = Application.Status.SUBMITTED
    reference = factory.Sequence(lambda n: f"shaoguan-2026-{n + 1:05d}")
    requested_amount = 250
    max_amount = 250
    revision = 1
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def submission(self, create, extracted, **kwargs):
        """Write the frozen submission of each revision up to the current one (kwargs override the snapshot)."""
        if not create:
            return
        for revision in range(1, self.revision + 1):
            snapshot = application_snapshot(
                reference=self.reference, revision=revision,
                submitted_at=self.submitted_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
                enterprise={"name": self.enterprise.name, "credit_code": self.enterprise.credit_code},
                **kwargs)
            Submission.objects.create(application=self, revision=revision, snapshot=snapshot,
                                      submitted_at=self.submitted_at, submitted_by=self.created_by)
