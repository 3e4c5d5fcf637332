"""The enterprise profile (一企一档): members read it, admins and signatories edit it, the credit code stays."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications.models import EnterpriseEvent
from applications.selectors import enterprise_answers
from applications.services import enterprise_answers_save, enterprise_profile_update
from applications.services import enterprises as enterprise_services
from tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PROFILE = {"name": "江门新名称制造有限公司", "city": "jiangmen", "address": "江门市新会区新路2号",
           "legal_representative": "钱法人", "contact_person": "孙联系", "phone": "13912345678",
           "email": "new@example.com", "industry": "汽车制造业（C36）", "scale": "large"}


@pytest.fixture
def enterprise():
    return EnterpriseFactory(with_profile=True)


def test_a_preparer_sees_the_profile_members_and_answers_but_no_edit_or_admin_controls(client, enterprise,
                                                                                         facts_loaded):
    MembershipFactory(enterprise=enterprise, admin=True, signatory=True, user__first_name="王管理")
    preparer = MembershipFactory(enterprise=enterprise)
    enterprise_answers_save(enterprise_id=enterprise.pk, answers={"city": "jiangmen", "is_manufacturing": True},
                            by=preparer.user)
    client.force_login(preparer.user)
    response = client.get(reverse("accounts:enterprise"))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (enterprise.name, enterprise.credit_code, "江门市", "王法人", "0750-3123456", "中型",
                 "王管理", "法定代表人/授权人", "经办人", "是否为制造业企业"):
        assert text in page
    assert reverse("accounts:enterprise_edit") not in page and reverse("accounts:invitation_create") not in page
    assert client.get(reverse("accounts:enterprise_edit")).status_code == 403
    assert client.post(reverse("accounts:enterprise_edit"), PROFILE).status_code == 403
    assert client.get(reverse("accounts:invitation_create")).status_code == 403


@pytest.mark.parametrize("traits", [{"admin": True}, {"signatory": True}])
def test_admins_and_signatories_edit_the_profile(client, enterprise, facts_loaded, traits):
    member = MembershipFactory(enterprise=enterprise, **traits)
    old_name = enterprise.name
    client.force_login(member.user)
    edit = client.get(reverse("accounts:enterprise_edit"))
    assert edit.status_code == 200 and "不可更改" in edit.content.decode()
    response = client.post(reverse("accounts:enterprise_edit"), {**PROFILE, "credit_code": "911100001000079554"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "江门新名称制造有限公司" and enterprise.scale == "large"
    assert enterprise.credit_code != "911100001000079554"  # the identity is not a field of the form
    event = EnterpriseEvent.objects.get(action=EnterpriseEvent.Action.PROFILE_UPDATED)
    assert event.data["changed"]["name"] == [old_name, "江门新名称制造有限公司"] and event.actor == member.user
    assert "credit_code" not in event.data["changed"]


def test_a_bad_edit_changes_nothing(client, enterprise, facts_loaded):
    member = MembershipFactory(enterprise=enterprise, admin=True)
    client.force_login(member.user)
    before = enterprise.profile()
    response = client.post(reverse("accounts:enterprise_edit"), {**PROFILE, "phone": "110", "name": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "手机号码应为以 13–19 开头的11位数字" in page
    enterprise.refresh_from_db()
    assert enterprise.profile() == before
    assert not EnterpriseEvent.objects.exists()


def test_the_service_refuses_the_credit_code_and_outsiders(enterprise):
    signatory = MembershipFactory(enterprise=enterprise, signatory=True)
    with pytest.raises(ValueError):
        enterprise_profile_update(enterprise_id=enterprise.pk, changes={"credit_code": "911100001000079554"},
                                  by=signatory.user)
    for who in (MembershipFactory(enterprise=enterprise).user, MembershipFactory(admin=True).user):
        with pytest.raises(PermissionDenied):
            enterprise_profile_update(enterprise_id=enterprise.pk, changes={"name": "改名"}, by=who)
    enterprise.refresh_from_db()
    assert enterprise.name != "改名"


def test_each_answer_keeps_the_time_it_was_given(enterprise, facts_loaded, monkeypatch):
    member = MembershipFactory(enterprise=enterprise)
    first = timezone.now() - timedelta(days=3)
    monkeypatch.setattr(enterprise_services.timezone, "now", lambda: first)
    enterprise_answers_save(enterprise_id=enterprise.pk, answers={"city": "jiangmen", "is_manufacturing": True},
                            by=member.user)
    second = first + timedelta(days=2)
    monkeypatch.setattr(enterprise_services.timezone, "now", lambda: second)
    enterprise_answers_save(enterprise_id=enterprise.pk,
                            answers={"city": "jiangmen", "is_manufacturing": False}, by=member.user)
    enterprise.refresh_from_db()
    given = {answer.key: answer for answer in enterprise_answers(enterprise)}
    assert given["city"].given_at == first and given["city"].shown == "江门市"
    assert given["is_manufacturing"].given_at == second and given["is_manufacturing"].shown == "否"


def test_a_user_without_an_enterprise_gets_404_and_anonymous_is_sent_to_sign_in(client, django_user_model):
    response = client.get(reverse("accounts:enterprise"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(django_user_model.objects.create_user("lonely", password="x"))
    assert client.get(reverse("accounts:enterprise")).status_code == 404


def test_signed_in_members_see_the_profile_link_in_the_navbar(client, enterprise):
    member = MembershipFactory(enterprise=enterprise)
    client.force_login(member.user)
    page = client.get(reverse("incentives:home")).content.decode()
    assert reverse("accounts:enterprise") in page and "企业档案" in page
