"""A signed-in officer's questionnaire answers are saved to the enterprise and reused next time."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications.selectors import enterprise_of
from applications.services import enterprise_answers_save
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def first_step_fields(client) -> list[str]:
    response = client.get(reverse("incentives:check_step"))
    assert response.status_code == 200
    return list(response.context["form"].fields)


def test_answers_are_saved_to_the_enterprise_step_by_step(client, catalogue, applicant):
    client.force_login(applicant)
    client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    fields = first_step_fields(client)
    assert "is_manufacturing" in fields
    client.post(reverse("incentives:check_step"), {"is_manufacturing": "true"})
    enterprise = enterprise_of(applicant)
    assert enterprise.answers["is_manufacturing"] is True
    assert enterprise.answers["city"] == "jiangmen"
    assert enterprise.answers_updated_at is not None


def test_saved_answers_are_reused_and_not_asked_again(client, catalogue, applicant):
    enterprise = enterprise_of(applicant)
    enterprise.answers = {"city": "jiangmen", "is_manufacturing": True, "project_is_tech_renovation": True}
    enterprise.save()
    client.force_login(applicant)
    start = client.get(reverse("incentives:check_start"))
    assert "上次保存于" in start.content.decode()  # shown, and reused only once confirmed
    assert start.context["form"].initial["city"] == "jiangmen"
    client.post(reverse("incentives:check_start"), {"city": "jiangmen", "saved": "reuse"})
    fields = first_step_fields(client)
    assert "is_manufacturing" not in fields and "project_is_tech_renovation" not in fields


def test_a_bad_step_saves_nothing(client, catalogue, applicant):
    client.force_login(applicant)
    client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    for _ in range(15):
        fields = first_step_fields(client)
        if "project_equipment_investment" in fields:
            break
        client.post(reverse("incentives:check_step"), {})
    else:
        pytest.fail("the equipment investment was never asked")
    before = dict(enterprise_of(applicant).answers)
    data = {key: "" for key in fields}
    data.update({"project_equipment_investment": "-3000"})
    data.update({key: "true" for key in fields if key.startswith("title_")})
    response = client.post(reverse("incentives:check_step"), data)
    assert response.status_code == 200
    assert "不能为负数" in response.content.decode()
    assert enterprise_of(applicant).answers == before


def test_anonymous_answers_stay_in_the_session(client, catalogue):
    client.post(reverse("incentives:check_start"), {"city": "shaoguan"})
    client.post(reverse("incentives:check_step"), {})
    assert client.session["questionnaire"]["answers"]["city"] == "shaoguan"


def test_only_members_may_change_an_enterprise_s_answers(db):
    enterprise = EnterpriseFactory()
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        enterprise_answers_save(enterprise_id=enterprise.pk, answers={"city": "jiangmen"}, by=stranger)
    enterprise.refresh_from_db()
    assert enterprise.answers == {}


def test_an_officer_signs_in_and_out(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.username,
                                                       "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response["Location"] == reverse("incentives:check_start")
    assert applicant.username in client.get(reverse("incentives:home")).content.decode()
    client.post(reverse("accounts:logout"))
    assert "企业登录" in client.get(reverse("incentives:home")).content.decode()


def test_a_wrong_password_is_refused_in_chinese(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.username, "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
