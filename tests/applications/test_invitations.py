"""Invitations: an admin invites by email; the one-time link makes a member, once, before it expires."""
from __future__ import annotations

import hashlib
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Invitation, Membership
from applications.selectors import enterprise_of, membership_of
from applications.services import (
    AccountError,
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from applications.services import enterprises as enterprise_services
from tests.factories import EnterpriseFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
ACCEPT_URL = "http://testserver/accounts/invitations/{token}/"


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True, signatory=True)


def invite(admin_membership, email="colleague@example.com", role="preparer"):
    return invitation_create(enterprise_id=admin_membership.enterprise_id, email=email, role=role,
                             by=admin_membership.user, accept_url=ACCEPT_URL)


def test_the_mail_carries_a_one_time_link_and_only_the_token_s_hash_is_stored(
        admin_membership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(admin_membership, email="Colleague@Example.com", role="signatory")
    assert len(callbacks) == 1 and len(mail.outbox) == 1  # mailed only after commit
    message = mail.outbox[0]
    assert message.to == ["colleague@example.com"]
    assert admin_membership.enterprise.name in message.subject
    link = re.search(r"http://testserver/accounts/invitations/(\S+)/", message.body).group(1)
    assert link == token and len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert "法定代表人/授权人" in message.body


def test_no_mail_leaves_when_the_transaction_does_not_commit(admin_membership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        invite(admin_membership)
    assert mail.outbox == []


def test_the_expiry_comes_from_settings(admin_membership, settings):
    settings.INVITATION_EXPIRY_DAYS = 2
    invitation, _token = invite(admin_membership)
    assert timedelta(days=1, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=2)


def test_only_the_enterprise_s_admins_may_invite(admin_membership):
    preparer = MembershipFactory(enterprise=admin_membership.enterprise)
    signatory = MembershipFactory(enterprise=admin_membership.enterprise, signatory=True)
    outsider_admin = MembershipFactory(admin=True)
    for who in (preparer.user, signatory.user, outsider_admin.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            invitation_create(enterprise_id=admin_membership.enterprise_id, email="x@example.com", role="preparer",
                              by=who, accept_url=ACCEPT_URL)
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(admin_membership):
    member = MembershipFactory(enterprise=admin_membership.enterprise)
    with pytest.raises(AccountError) as error:
        invite(admin_membership, email=member.user.email.upper())
    assert "已是本企业成员" in error.value.message


def test_inviting_the_same_address_again_replaces_the_pending_invitation(admin_membership):
    _first, first_token = invite(admin_membership)
    _second, second_token = invite(admin_membership)
    with pytest.raises(InvitationInvalid) as error:
        invitation_accept(token=first_token, username="newbie", password="Long-Enough-2026", full_name="新人")
    assert error.value.code == "expired"
    membership = invitation_accept(token=second_token, username="newbie", password="Long-Enough-2026",
                                   full_name="新人")
    assert membership.enterprise == admin_membership.enterprise


def test_a_new_person_creates_an_account_from_the_link_and_joins_in_the_role(client, admin_membership):
    _invitation, token = invite(admin_membership, role="signatory")
    url = reverse("accounts:invitation_accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and admin_membership.enterprise.name in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # a POST with no referrer would carry Origin: null
    response = client.post(url, {"username": "wangcaiwu", "full_name": "王财务", "password1": "Ledger-Book-2026",
                                 "password2": "Ledger-Book-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:enterprise")
    membership = Membership.objects.get(user__username="wangcaiwu")
    assert membership.enterprise == admin_membership.enterprise
    assert membership.role == Membership.Role.SIGNATORY and not membership.is_admin
    assert membership.user.email == "colleague@example.com"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == membership.user and invitation.accepted_at is not None
    assert "王财务" in client.get(reverse("accounts:enterprise")).content.decode()  # signed in, a member


def test_a_signed_in_user_without_an_enterprise_accepts(client, admin_membership):
    _invitation, token = invite(admin_membership)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 302
    assert enterprise_of(user) == admin_membership.enterprise
    assert membership_of(user, admin_membership.enterprise).role == Membership.Role.PREPARER


def test_a_used_link_says_so_and_makes_no_second_member(client, admin_membership):
    _invitation, token = invite(admin_membership)
    invitation_accept(token=token, username="first", password="Long-Enough-2026", full_name="甲")
    url = reverse("accounts:invitation_accept", args=[token])
    for response in (client.get(url), client.post(url, {"username": "second", "full_name": "乙",
                                                        "password1": "Long-Enough-2026",
                                                        "password2": "Long-Enough-2026"})):
        assert response.status_code == 410
        assert "该邀请链接已使用过" in response.content.decode()
    assert admin_membership.enterprise.memberships.count() == 2
    assert not Membership.objects.filter(user__username="second").exists()


def test_an_expired_link_says_so(client):
    InvitationFactory(expired=True, token="old-token")
    response = client.get(reverse("accounts:invitation_accept", args=["old-token"]))
    assert response.status_code == 410 and "已过期" in response.content.decode()
    with pytest.raises(InvitationInvalid) as error:
        invitation_accept(token="old-token", username="late", password="Long-Enough-2026", full_name="迟")
    assert error.value.code == "expired"


def test_a_link_expires_at_its_time(admin_membership, monkeypatch):
    _invitation, token = invite(admin_membership)
    later = timezone.now() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(enterprise_services.timezone, "now", lambda: later)
    with pytest.raises(InvitationInvalid) as error:
        invitation_accept(token=token, username="late", password="Long-Enough-2026", full_name="迟")
    assert error.value.code == "expired"


def test_an_unknown_or_mangled_link_is_404_with_a_message(client, admin_membership):
    _invitation, token = invite(admin_membership)
    response = client.get(reverse("accounts:invitation_accept", args=[token[:-2]]))
    assert response.status_code == 404 and "邀请链接无效" in response.content.decode()


def test_a_revoked_invitation_cannot_be_used(admin_membership):
    invitation, token = invite(admin_membership)
    invitation_revoke(invitation_id=invitation.pk, by=admin_membership.user)
    with pytest.raises(InvitationInvalid):
        invitation_accept(token=token, username="x1", password="Long-Enough-2026", full_name="x")


def test_a_member_of_another_enterprise_cannot_accept(client, admin_membership):
    _invitation, token = invite(admin_membership)
    elsewhere = MembershipFactory()
    client.force_login(elsewhere.user)
    response = client.post(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 200
    assert elsewhere.enterprise.name in response.content.decode() and "只能代表一家企业" in response.content.decode()
    assert not admin_membership.enterprise.memberships.filter(user=elsewhere.user).exists()
    assert Invitation.objects.get().accepted_at is None  # still usable by the right person


def test_an_existing_member_accepting_again_is_told_so(admin_membership):
    _invitation, token = invite(admin_membership, email="someone@example.com")
    with pytest.raises(AccountError) as error:
        invitation_accept(token=token, by=admin_membership.user)
    assert "已是该企业的成员" in error.value.message


def test_a_taken_username_on_the_signup_form_is_a_field_error(client, admin_membership):
    _invitation, token = invite(admin_membership)
    UserFactory(username="taken")
    response = client.post(reverse("accounts:invitation_accept", args=[token]),
                           {"username": "Taken", "full_name": "重名", "password1": "Long-Enough-2026",
                            "password2": "Long-Enough-2026"})
    assert response.status_code == 200 and "已被使用" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_the_admin_invites_through_the_page(client, admin_membership, django_capture_on_commit_callbacks):
    client.force_login(admin_membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_create"), {"email": "new@example.com",
                                                                       "role": "preparer"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "http://testserver/accounts/invitations/" in mail.outbox[0].body
    token = re.search(r"/accounts/invitations/(\S+)/", mail.outbox[0].body).group(1)
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 200
    page = client.get(reverse("accounts:enterprise")).content.decode()
    assert "new@example.com" in page  # listed as pending


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_accepting_one_link_make_one_member():
    if connection.vendor != "postgresql":
        pytest.skip("a race of two transactions needs PostgreSQL")
    enterprise = EnterpriseFactory()
    invitation = InvitationFactory(enterprise=enterprise, token="shared-token")
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def accept(user):
        try:
            barrier.wait()
            invitation_accept(token="shared-token", by=user)
            outcomes.append("joined")
        except InvitationInvalid as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "joined"]
    assert enterprise.memberships.count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by in users


def test_a_member_of_another_enterprise_is_warned_before_trying(client, admin_membership):
    _invitation, token = invite(admin_membership)
    elsewhere = MembershipFactory()
    client.force_login(elsewhere.user)
    page = client.get(reverse("accounts:invitation_accept", args=[token])).content.decode()
    assert "只能代表一家企业" in page and 'id="invitation-accept-form"' not in page
