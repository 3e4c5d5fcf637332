"""python manage.py load_demo: the facts, all policy fixtures and the demo accounts, for the embedded portal."""
import datetime as dt
import os
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications.models import Enterprise, Membership, Round
from applications.rounds import documents_required_of, round_problems
from incentives.models import Department, Incentive

DEMO_ADMIN = ("admin", "portal-admin-2026")
DEMO_ENTERPRISE_USER = ("jiangmen-demo", "enterprise-demo-2026")
# One open round, so that the whole journey (check → apply → submit) works on a fresh machine; 韶关's document
# is the one in force among the seeds.
DEMO_ROUND = {"name": "【演示】韶关市制造业高质量发展奖补申报（第一批）", "department": "shaoguan-gxj",
              "incentives": ["national-little-giant-award", "provincial-specialized-sme-award", "tech-renovation-award",
                             "small-tech-renovation-subsidy", "new-above-size-small-micro-award"],
              "days_open": 30, "grace_hours": 48, "budget": Decimal("5000")}
DEMO_ENTERPRISE = {  # obviously made-up demo values
    "name": "江门示例制造有限公司", "credit_code": "91440700MA52DEMQ04", "city": "jiangmen",
    "address": "广东省江门市蓬江区示例大道1号（演示地址）", "legal_representative": "张示例",
    "contact_person": "李演示", "phone": "0750-3123456", "email": "demo@example.com",
    "industry": "电气机械和器材制造业（C38）", "scale": "medium",
}
DEMO_MEMBER = {"first_name": "李演示", "email": "demo@example.com"}
# An enterprise of 韶关, whose document is in force, to try applying in the demo round.
DEMO_APPLICANT_USER = ("shaoguan-demo", "enterprise-demo-2026")
DEMO_APPLICANT = {
    "name": "韶关示例机械有限公司", "credit_code": "91440200MA52DEMQ0A", "city": "shaoguan",
    "address": "广东省韶关市浈江区示例路2号（演示地址）", "legal_representative": "王示例",
    "contact_person": "王示例", "phone": "0751-8123456", "email": "shaoguan-demo@example.com",
    "industry": "通用设备制造业（C34）", "scale": "small",
}
DEMO_APPLICANT_MEMBER = {"first_name": "王示例", "email": "shaoguan-demo@example.com"}


class Command(BaseCommand):
    help = "加载全部政策文件数据并创建演示管理员账号（仅用于本地演示）。"

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("load_demo 只用于本地演示，会创建密码公开的账号，生产环境（portal.settings.production）"
                               "不允许运行。请用 manage.py load_policy 加载政策文件，用 manage.py createsuperuser 创建管理员。")
        root = settings.POLICY_FIXTURE_DIR
        files = [str(root / "facts.yaml"), *sorted(str(p) for p in (root / "policies").glob("*.yaml"))]
        call_command("load_policy", *files, stdout=self.stdout, stderr=self.stderr)
        username, password = os.environ.get("PORTAL_ADMIN_USER", DEMO_ADMIN[0]), os.environ.get(
            "PORTAL_ADMIN_PASSWORD", DEMO_ADMIN[1])
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True, "is_superuser": True})
        if created:
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS(f"已创建管理员账号 {username}"))
        self._demo_enterprise(DEMO_ENTERPRISE, DEMO_ENTERPRISE_USER, DEMO_MEMBER)
        self._demo_enterprise(DEMO_APPLICANT, DEMO_APPLICANT_USER, DEMO_APPLICANT_MEMBER)
        self._demo_round()

    def _demo_enterprise(self, profile: dict, account: tuple[str, str], person: dict) -> None:
        User = get_user_model()
        enterprise, created = Enterprise.objects.get_or_create(credit_code=profile["credit_code"], defaults=profile)
        blank = [field for field, value in profile.items() if not getattr(enterprise, field)]
        if not created and blank:  # a demo enterprise made before profiles were full gets the rest
            for field in blank:
                setattr(enterprise, field, profile[field])
            enterprise.save(update_fields=blank)
        member, created = User.objects.get_or_create(username=account[0], defaults=person)
        if created:
            member.set_password(account[1])
            member.save()
            self.stdout.write(self.style.SUCCESS(f"已创建企业演示账号 {member.username}（{enterprise.name}）"))
        # the demo officer signs applications and administers the enterprise
        Membership.objects.update_or_create(user=member, enterprise=enterprise, defaults={
            "role": Membership.Role.SIGNATORY, "is_admin": True})

    def _demo_round(self) -> None:
        if Round.objects.filter(name=DEMO_ROUND["name"]).exists():
            return
        incentives = list(Incentive.objects.filter(document__is_current=True, document__region="shaoguan",
                                                   key__in=DEMO_ROUND["incentives"]).select_related("document"))
        department = Department.objects.filter(key=DEMO_ROUND["department"]).first()
        now = timezone.now()
        if department is None or round_problems(incentives, transitional_basis="", on=timezone.localdate(now)):
            self.stdout.write(self.style.WARNING("未创建演示申报批次：韶关政策数据未加载或不可申报。"))
            return
        round_ = Round.objects.create(
            name=DEMO_ROUND["name"], region="shaoguan", accepting_department=department,
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=DEMO_ROUND["days_open"]),
            grace_hours=DEMO_ROUND["grace_hours"], budget=DEMO_ROUND["budget"],
            documents_required=documents_required_of(incentives),
            notice="本批次为演示数据，用于体验在线申报流程：选择项目 → 填写 → 上传材料 → 预览 → 提交。",
        )
        round_.incentives.set(incentives)
        self.stdout.write(self.style.SUCCESS(f"已创建演示申报批次：{round_.name}"))
