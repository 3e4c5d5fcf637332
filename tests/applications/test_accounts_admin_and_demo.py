"""The admin of enterprises and invitations, the demo accounts, and invitations whose mail cannot leave."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.credit_code import is_valid
from applications.models import Enterprise, Invitation, Membership
from applications.services import invitation_create
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_enterprise_admin_shows_members_with_roles_and_keeps_the_credit_code(client, administrator):
    member = MembershipFactory(admin=True, signatory=True, enterprise__name="后台可见公司")
    client.force_login(administrator)
    assert "后台可见公司" in client.get(reverse("admin:applications_enterprise_changelist")).content.decode()
    page = client.get(reverse("admin:applications_enterprise_change", args=[member.enterprise.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and member.user.username in body and "法定代表人/授权人" in body
    assert 'name="credit_code"' not in body  # read-only once registered


def test_the_admin_refuses_to_leave_an_enterprise_without_an_admin(client, administrator):
    member = MembershipFactory(admin=True)
    client.force_login(administrator)
    enterprise = member.enterprise
    data = {"name": enterprise.name, "city": enterprise.city, "address": "", "legal_representative": "",
            "contact_person": "", "phone": "", "email": "", "industry": "", "scale": "",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000", "memberships-0-id": str(member.pk),
            "memberships-0-enterprise": str(enterprise.pk), "memberships-0-user": str(member.user.pk),
            "memberships-0-role": "preparer",
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "0"}
    response = client.post(reverse("admin:applications_enterprise_change", args=[enterprise.pk]), data)
    assert response.status_code == 200 and "企业至少需要一名管理员" in response.content.decode()
    member.refresh_from_db()
    assert member.is_admin


def test_invitations_are_read_only_in_the_admin(client, administrator):
    invitation = InvitationFactory(email="readonly@example.com")
    client.force_login(administrator)
    assert "readonly@example.com" in client.get(reverse("admin:applications_invitation_changelist")).content.decode()
    page = client.get(reverse("admin:applications_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.token_hash not in page and 'name="email"' not in page
    assert client.get(reverse("admin:applications_invitation_add")).status_code == 403


def test_the_demo_officer_is_signatory_and_admin_of_a_full_profile(tmp_path, settings):
    (tmp_path / "policies").mkdir()
    (tmp_path / "facts.yaml").write_text((settings.POLICY_FIXTURE_DIR / "facts.yaml").read_text("utf-8"), "utf-8")
    settings.POLICY_FIXTURE_DIR = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))  # twice: nothing doubles
    membership = Membership.objects.get(user__username="jiangmen-demo")
    assert membership.role == Membership.Role.SIGNATORY and membership.is_admin
    enterprise = membership.enterprise
    assert Enterprise.objects.count() == 2 and is_valid(enterprise.credit_code)
    assert all(enterprise.profile().values())
    assert membership.user.check_password("enterprise-demo-2026")
    applicant = Membership.objects.get(user__username="shaoguan-demo")  # the one who can apply in the demo round
    assert applicant.enterprise.city == "shaoguan" and applicant.may_submit
    assert all(applicant.enterprise.profile().values()) and is_valid(applicant.enterprise.credit_code)


def test_the_demo_round_is_open_for_the_shaoguan_demo_enterprise(catalogue):
    from django.utils import timezone

    from applications.models import Round

    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    round_ = Round.objects.get()
    assert round_.phase_at(timezone.now()) == Round.Phase.OPEN and round_.region == "shaoguan"
    assert round_.incentives.filter(key="national-little-giant-award").exists()


def test_an_invitation_stands_when_its_mail_cannot_be_sent(settings, django_capture_on_commit_callbacks, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    admin = MembershipFactory(admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(enterprise_id=admin.enterprise_id, email="x@example.com", role="preparer", by=admin.user,
                          accept_url="http://testserver/{token}/")
    assert Invitation.objects.filter(email="x@example.com").exists()
    assert "could not be sent" in caplog.text
