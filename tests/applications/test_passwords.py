"""Password change and reset, in Chinese, with the reset mail through the configured backend."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(user__email="caiwu@example.com").user


def test_a_signed_in_user_changes_the_password(client, member):
    client.force_login(member)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "旧密码" in page and "修改密码" in page
    response = client.post(reverse("accounts:password_change"), {"old_password": "pw-for-tests-only",
                                                                "new_password1": "Fresh-Ledger-2026",
                                                                "new_password2": "Fresh-Ledger-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    member.refresh_from_db()
    assert member.check_password("Fresh-Ledger-2026")
    assert "您的密码已修改" in client.get(response["Location"]).content.decode()


def test_a_wrong_old_password_or_a_weak_new_one_is_refused_in_chinese(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "123", "new_password2": "123"})
    page = response.content.decode()
    assert response.status_code == 200 and "旧密码不正确" in page
    assert "new_password2" in response.context["form"].errors  # (Django 5.2's zh_Hans lacks this message's text)
    member.refresh_from_db()
    assert member.check_password("pw-for-tests-only")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, member):
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:password_reset"), {"email": "CaiWu@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["caiwu@example.com"] and "重置密码" in message.subject
    assert member.username in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Reset-Ledger-2026", "new_password2": "Reset-Ledger-2026"})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_complete")
    member.refresh_from_db()
    assert member.check_password("Reset-Ledger-2026")
    again = client.get(link, follow=True)  # the link was for one use
    assert "链接无效" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, member):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_mail_settings_come_from_the_environment_with_the_console_by_default(settings):
    from portal.settings import base

    assert base.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert base.INVITATION_EXPIRY_DAYS == 7 and base.DEFAULT_FROM_EMAIL
