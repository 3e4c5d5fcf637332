"""Self-registration of an enterprise: one page, one transaction, one enterprise per credit code."""
from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from applications.forms.accounts import RegistrationForm
from applications.models import Enterprise, EnterpriseEvent, Membership
from applications.selectors import enterprise_of, membership_of
from applications.services import CreditCodeTaken, enterprise_register
from applications.services import accounts as account_services
from tests.factories import EnterpriseFactory

TAKEN = "该统一社会信用代码已注册，请联系贵企业的管理员邀请您加入"
User = get_user_model()


def form_data(**overrides) -> dict[str, str]:
    data = {
        "name": "韶关精工机械有限公司", "credit_code": "91440300708461136T", "city": "shaoguan",
        "address": "韶关市浈江区工业大道8号", "legal_representative": "陈法人", "contact_person": "周经办",
        "phone": "0751-8123456", "email": "office@sgjg.example.com", "industry": "通用设备制造业（C34）",
        "scale": "small", "username": "zhoujingban", "full_name": "周经办", "user_email": "zhou@sgjg.example.com",
        "role": "preparer", "password1": "Gear-Box-2026!", "password2": "Gear-Box-2026!",
    }
    data.update(overrides)
    return data


def service_kwargs(**overrides) -> dict:
    profile = {key: value for key, value in form_data().items()
               if key in {"name", "credit_code", "city", "address", "legal_representative", "contact_person",
                          "phone", "email", "industry", "scale"}}
    kwargs = {"username": "zhoujingban", "password": "Gear-Box-2026!", "email": "zhou@sgjg.example.com",
              "full_name": "周经办", "role": "signatory", "profile": profile}
    kwargs.update(overrides)
    return kwargs


@pytest.mark.django_db
def test_registering_creates_the_account_the_enterprise_and_an_admin_membership(client, facts_loaded):
    response = client.post(reverse("accounts:register"), form_data(credit_code="91440300708461136t",
                                                                   phone="0751 8123456"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:enterprise")
    user = User.objects.get(username="zhoujingban")
    assert user.check_password("Gear-Box-2026!") and user.email == "zhou@sgjg.example.com"
    enterprise = enterprise_of(user)
    assert enterprise.credit_code == "91440300708461136T"  # normalised
    assert enterprise.phone == "0751-8123456"
    assert (enterprise.city, enterprise.legal_representative, enterprise.scale) == ("shaoguan", "陈法人", "small")
    membership = membership_of(user, enterprise)
    assert membership.is_admin and membership.role == Membership.Role.PREPARER
    assert list(enterprise.events.values_list("action", flat=True)) == [EnterpriseEvent.Action.REGISTERED]
    page = client.get(reverse("accounts:enterprise")).content.decode()  # signed in straight away
    assert "韶关精工机械有限公司" in page and "91440300708461136T" in page


@pytest.mark.django_db
def test_a_wrong_check_character_is_a_form_error_that_says_so(client, facts_loaded):
    response = client.post(reverse("accounts:register"), form_data(credit_code="91440300708461136A"))
    assert response.status_code == 200
    assert "第18位校验码与前17位不符" in response.content.decode()
    assert not User.objects.exists() and not Enterprise.objects.exists()


@pytest.mark.parametrize("code, message", [
    ("91440300708461136", "应为18位，您输入了17位"),
    ("9144030070846113SO", "不能有字符 O、S"),
    ("9144A3007084611360", "第3至8位"),
])
@pytest.mark.django_db
def test_each_kind_of_credit_code_mistake_is_named(code, message, facts_loaded):
    form = RegistrationForm(form_data(credit_code=code))
    assert not form.is_valid()
    assert message in " ".join(form.errors["credit_code"])


@pytest.mark.django_db
def test_a_second_registration_with_the_same_code_is_told_to_ask_for_an_invitation(client, facts_loaded):
    EnterpriseFactory(credit_code="91440300708461136T", name="先注册的公司")
    response = client.post(reverse("accounts:register"), form_data())
    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="zhoujingban").exists()  # nothing half-written


@pytest.mark.django_db
def test_the_check_missing_a_registration_that_just_committed_still_gives_the_message(monkeypatch, facts_loaded):
    """The unique constraint decides: a registration whose early check missed a rival's gets the same refusal."""
    EnterpriseFactory(credit_code="91440300708461136T")
    real = account_services._credit_code_registered
    calls: list[str] = []

    def early_check_misses(code):  # the early check ran before the rival committed; later checks see it
        calls.append(code)
        return False if len(calls) == 1 else real(code)

    monkeypatch.setattr(account_services, "_credit_code_registered", early_check_misses)
    with pytest.raises(CreditCodeTaken) as error:
        enterprise_register(**service_kwargs())
    assert TAKEN in error.value.message
    assert len(calls) == 2  # the insert itself was refused by the constraint, then the refusal was explained
    assert Enterprise.objects.count() == 1 and not User.objects.filter(username="zhoujingban").exists()


@pytest.mark.django_db
def test_weak_passwords_mismatches_and_taken_usernames_are_refused(facts_loaded, django_user_model):
    django_user_model.objects.create_user("ZhouJingban", password="x")
    form = RegistrationForm(form_data(password1="12345678", password2="12345678"))
    assert not form.is_valid()
    assert "username" in form.errors and "password2" in form.errors
    assert "已被使用" in " ".join(form.errors["username"])
    mismatch = RegistrationForm(form_data(username="other", password2="Gear-Box-2027!"))
    assert not mismatch.is_valid() and "password2" in mismatch.errors


@pytest.mark.django_db
def test_bad_phone_email_city_and_missing_fields_are_refused_in_chinese(facts_loaded):
    form = RegistrationForm(form_data(phone="12345", city="beijing", email="not-an-email", address=""))
    assert not form.is_valid()
    assert set(form.errors) >= {"phone", "city", "email", "address"}
    assert "手机号码" in " ".join(form.errors["phone"])


@pytest.mark.django_db
def test_the_registration_page_offers_the_questionnaire_s_cities(client, facts_loaded):
    page = client.get(reverse("accounts:register")).content.decode()
    for city in ("河源市", "驻马店市", "韶关市", "深圳市", "江门市"):
        assert city in page
    assert "法定代表人/授权人" in page and "经办人" in page


@pytest.mark.django_db
def test_anonymous_visitors_see_register_next_to_sign_in(client):
    page = client.get(reverse("incentives:home")).content.decode()
    assert reverse("accounts:register") in page and "企业登录" in page


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a race of two transactions needs PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_one_code_make_one_enterprise(postgres_only, monkeypatch):
    barrier = threading.Barrier(2, timeout=10)
    real = account_services._credit_code_registered
    seen: set[int] = set()

    def checked_together(code):  # both pass the early check before either inserts
        found = real(code)
        if threading.get_ident() not in seen:
            seen.add(threading.get_ident())
            barrier.wait()
        return found

    monkeypatch.setattr(account_services, "_credit_code_registered", checked_together)
    outcomes: list[object] = []

    def register(n):
        try:
            outcomes.append(enterprise_register(**service_kwargs(username=f"racer{n}", email=f"r{n}@example.com")))
        except CreditCodeTaken as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["CreditCodeTaken", "Membership"]
    assert Enterprise.objects.filter(credit_code="91440300708461136T").count() == 1
    assert User.objects.filter(username__startswith="racer").count() == 1  # the loser's account rolled back
