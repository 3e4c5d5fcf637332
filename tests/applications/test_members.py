"""Members and roles: admins change roles and remove members, and the enterprise always keeps an admin."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications.models import EnterpriseEvent, Membership
from applications.services import AccountError, membership_change_role, membership_remove
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True, signatory=True)


@pytest.fixture
def preparer(admin_membership):
    return MembershipFactory(enterprise=admin_membership.enterprise)


def test_an_admin_makes_a_preparer_the_signatory_and_an_admin(admin_membership, preparer):
    membership_change_role(membership_id=preparer.pk, role="signatory", is_admin=True, by=admin_membership.user)
    preparer.refresh_from_db()
    assert preparer.role == Membership.Role.SIGNATORY and preparer.is_admin and preparer.may_submit
    event = EnterpriseEvent.objects.get(action=EnterpriseEvent.Action.ROLE_CHANGED)
    assert event.actor == admin_membership.user
    assert event.data["before"] == {"role": "preparer", "is_admin": False}
    assert event.data["after"] == {"role": "signatory", "is_admin": True}


def test_the_last_admin_cannot_step_down_or_be_removed(admin_membership, preparer):
    with pytest.raises(AccountError) as error:
        membership_change_role(membership_id=admin_membership.pk, role="signatory", is_admin=False,
                               by=admin_membership.user)
    assert "至少需要一名管理员" in error.value.message
    with pytest.raises(AccountError) as error:
        membership_remove(membership_id=admin_membership.pk, by=admin_membership.user)
    assert "最后一名管理员" in error.value.message
    admin_membership.refresh_from_db()
    assert admin_membership.is_admin


def test_with_a_second_admin_the_first_may_step_down_or_leave(admin_membership, preparer):
    membership_change_role(membership_id=preparer.pk, role="preparer", is_admin=True, by=admin_membership.user)
    membership_change_role(membership_id=admin_membership.pk, role="preparer", is_admin=False,
                           by=admin_membership.user)
    membership_remove(membership_id=admin_membership.pk, by=preparer.user)
    assert list(preparer.enterprise.memberships.all()) == [preparer]


def test_an_admin_removes_a_member_whose_account_stays(admin_membership, preparer):
    membership_remove(membership_id=preparer.pk, by=admin_membership.user)
    assert not Membership.objects.filter(pk=preparer.pk).exists()
    assert preparer.user.__class__.objects.filter(pk=preparer.user.pk).exists()
    assert EnterpriseEvent.objects.get(action=EnterpriseEvent.Action.REMOVED).data["member"] == \
        preparer.user.username


def test_non_admins_and_other_enterprises_admins_may_not_change_members(admin_membership, preparer):
    signatory = MembershipFactory(enterprise=admin_membership.enterprise, signatory=True)
    other_admin = MembershipFactory(admin=True)
    for who in (preparer.user, signatory.user, other_admin.user):
        with pytest.raises(PermissionDenied):
            membership_change_role(membership_id=preparer.pk, role="signatory", is_admin=True, by=who)
        with pytest.raises(PermissionDenied):
            membership_remove(membership_id=admin_membership.pk, by=who)
    preparer.refresh_from_db()
    assert preparer.role == Membership.Role.PREPARER and not preparer.is_admin


def test_roles_are_changed_and_members_removed_on_the_profile_page(client, admin_membership, preparer):
    client.force_login(admin_membership.user)
    response = client.post(reverse("accounts:member_role", args=[preparer.pk]), {"role": "signatory"})
    assert response.status_code == 302
    preparer.refresh_from_db()
    assert preparer.role == Membership.Role.SIGNATORY and not preparer.is_admin
    response = client.post(reverse("accounts:member_remove", args=[admin_membership.pk]), follow=True)
    assert "不能移除企业的最后一名管理员" in response.content.decode()
    client.post(reverse("accounts:member_remove", args=[preparer.pk]))
    assert not Membership.objects.filter(pk=preparer.pk).exists()


def test_a_bad_role_is_refused_with_a_message(client, admin_membership, preparer):
    client.force_login(admin_membership.user)
    response = client.post(reverse("accounts:member_role", args=[preparer.pk]), {"role": "boss"}, follow=True)
    assert "请选择有效的角色" in response.content.decode()
    preparer.refresh_from_db()
    assert preparer.role == Membership.Role.PREPARER
