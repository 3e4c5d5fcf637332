"""python manage.py load_demo: the facts, all policy fixtures and the demo accounts, for the embedded portal."""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from applications.models import Enterprise, Membership

DEMO_ADMIN = ("admin", "portal-admin-2026")
DEMO_ENTERPRISE_USER = ("jiangmen-demo", "enterprise-demo-2026")
DEMO_ENTERPRISE = {"name": "江门示例制造有限公司", "credit_code": "91440700MA5DEMO001", "city": "jiangmen"}


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
        enterprise, _ = Enterprise.objects.get_or_create(credit_code=DEMO_ENTERPRISE["credit_code"],
                                                         defaults=DEMO_ENTERPRISE)
        member, created = User.objects.get_or_create(username=DEMO_ENTERPRISE_USER[0])
        if created:
            member.set_password(DEMO_ENTERPRISE_USER[1])
            member.save()
            Membership.objects.create(user=member, enterprise=enterprise)
            self.stdout.write(self.style.SUCCESS(f"已创建企业演示账号 {member.username}（{enterprise.name}）"))
