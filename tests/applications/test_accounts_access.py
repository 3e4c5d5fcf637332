"""Access: another enterprise's admin, or anyone anonymous, neither reads nor changes enterprise A's accounts."""
from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import EnterpriseEvent, Invitation, Membership
from tests.factories import EnterpriseFactory, InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise_a(facts_loaded):
    enterprise = EnterpriseFactory(with_profile=True, name="甲公司秘密名称", legal_representative="甲法人")
    admin = MembershipFactory(enterprise=enterprise, admin=True, signatory=True, user__username="jia-admin",
                              user__email="jia-admin@a.example.com")
    preparer = MembershipFactory(enterprise=enterprise, user__username="jia-preparer")
    invitation = InvitationFactory(enterprise=enterprise, email="jia-invitee@a.example.com", invited_by=admin.user,
                                   token="jia-token")
    return {"enterprise": enterprise, "admin": admin, "preparer": preparer, "invitation": invitation}


@pytest.fixture
def admin_of_b(facts_loaded):
    return MembershipFactory(admin=True, signatory=True, enterprise__name="乙公司")


A_SECRETS = ("甲公司秘密名称", "甲法人", "jia-admin", "jia-preparer", "jia-invitee")


def state(a):
    enterprise = a["enterprise"]
    enterprise.refresh_from_db()
    return (enterprise.profile(), sorted(Membership.objects.filter(enterprise=enterprise)
                                         .values_list("pk", "role", "is_admin")),
            list(Invitation.objects.filter(enterprise=enterprise).values_list("pk", "expires_at", "accepted_at")),
            EnterpriseEvent.objects.filter(enterprise=enterprise).count())


def attempts(a):
    """Every accounts URL that could touch A's rows, with what an attacker would send."""
    profile = {"name": "被篡改", "city": "jiangmen", "address": "x", "legal_representative": "x",
               "contact_person": "x", "phone": "13912345678", "email": "x@example.com",
               "industry": "汽车制造业（C36）", "scale": "large"}
    return [
        ("get", reverse("accounts:enterprise"), {}),
        ("get", reverse("accounts:enterprise_edit"), {}),
        ("post", reverse("accounts:enterprise_edit"), profile),
        ("get", reverse("accounts:invitation_create"), {}),
        ("post", reverse("accounts:invitation_create"), {"email": "newcomer@example.com", "role": "signatory"}),
        ("post", reverse("accounts:member_role", args=[a["preparer"].pk]), {"role": "signatory", "is_admin": "on"}),
        ("post", reverse("accounts:member_role", args=[a["admin"].pk]), {"role": "preparer"}),
        ("post", reverse("accounts:member_remove", args=[a["preparer"].pk]), {}),
        ("post", reverse("accounts:member_remove", args=[a["admin"].pk]), {}),
        ("post", reverse("accounts:invitation_revoke", args=[a["invitation"].pk]), {}),
    ]


def test_the_admin_of_another_enterprise_reads_and_changes_nothing_of_a(client, enterprise_a, admin_of_b):
    before = state(enterprise_a)
    client.force_login(admin_of_b.user)
    for method, url, data in attempts(enterprise_a):
        response = getattr(client, method)(url, data)
        body = response.content.decode()
        for secret in A_SECRETS:
            assert secret not in body, (url, secret)
        if "/members/" in url or ("/invitations/" in url and url.endswith("/revoke/")):
            assert response.status_code == 404, url  # A's rows do not exist for B
    assert state(enterprise_a) == before


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, enterprise_a):
    before = state(enterprise_a)
    for method, url, data in attempts(enterprise_a):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
    assert state(enterprise_a) == before


def test_a_preparer_of_a_cannot_administer_a(client, enterprise_a):
    before = state(enterprise_a)
    client.force_login(enterprise_a["preparer"].user)
    for method, url, data in attempts(enterprise_a)[1:]:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert state(enterprise_a) == before


def test_the_profile_page_of_b_lists_only_b(client, enterprise_a, admin_of_b):
    client.force_login(admin_of_b.user)
    page = client.get(reverse("accounts:enterprise")).content.decode()
    assert "乙公司" in page and admin_of_b.user.username in page
    assert not any(secret in page for secret in A_SECRETS)


def test_the_invitation_page_shows_only_what_the_link_holder_may_see(client, enterprise_a):
    page = client.get(reverse("accounts:invitation_accept", args=["jia-token"])).content.decode()
    assert "甲公司秘密名称" in page and "jia-invitee@a.example.com" in page  # the invitee's own invitation
    assert "jia-preparer" not in page and "甲法人" not in page
