"""Sign-in throttling, the Content-Security-Policy, and the portal's own error pages (DEBUG is off in tests)."""
from __future__ import annotations

import re

import pytest
from django.urls import path, reverse

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-2026"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("officer", password=PASSWORD, is_staff=True)  # may use the admin


def sign_in(client, url: str, password: str, ip: str = "203.0.113.7", username: str = "officer"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_wrong_passwords_lock_out_the_user_from_that_address(client, officer, settings, url):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = sign_in(client, url, "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = sign_in(client, url, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and f"连续 {limit} 次密码错误" in page and "30 分钟后再试" in page
    # the right password no longer helps from there ...
    assert sign_in(client, url, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but the same user from elsewhere, and another user from there, are not locked out
    assert sign_in(client, url, PASSWORD, ip="198.51.100.20").status_code == 302
    client.logout()
    assert sign_in(client, url, "wrong", username="someone-else").status_code == 200


def test_an_administrator_unlocks_in_the_admin(client, officer, administrator, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/accounts/login/", "wrong")
    attempt = AccessAttempt.objects.get(username="officer")
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 429

    admin = client.__class__()
    admin.force_login(administrator)
    assert admin.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_a_successful_sign_in_clears_the_count(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "wrong")
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "/accounts/login/", "wrong").status_code == 200


def test_code_that_signs_in_without_a_request_still_can(client, officer):
    assert client.login(username="officer", password=PASSWORD)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_kind_of_page_has_a_strict_policy_and_no_inline_script(client, catalogue, administrator):
    document = catalogue.first()
    client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    pages = ["/", "/policies/", f"/policies/{document.key}/", "/check/step/", "/check/results/", "/check/compare/",
             "/accounts/login/", "/admin/login/", "/no-such-page/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = csp(response)
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"], url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html))
        assert not STYLE_ATTRIBUTE.search(html), (url, STYLE_ATTRIBUTE.search(html))
    client.force_login(administrator)
    for url in ["/admin/", reverse("admin:incentives_policydocument_change", args=[document.pk])]:
        response = client.get(url)
        assert csp(response)["script-src"] == ["'self'"]
        assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_the_navbar_and_print_button_use_the_static_script(client, catalogue):
    client.post(reverse("incentives:check_start"), {"city": "jiangmen"})
    html = client.get("/check/results/").content.decode()
    assert 'src="/static/js/portal.js"' in html
    assert re.search(r'<select name="language"[^>]*data-submit-on-change', html)
    assert re.search(r"<button[^>]*data-print", html)


def test_a_missing_page_gets_the_portals_404_in_chinese(client, catalogue):
    document = catalogue.first()
    for url in ["/no-such-page/", f"/policies/{document.key}/v0/", f"/policies/{document.key}/v00/",
                f"/policies/{document.key}/v99/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "页面不存在" in html and "返回首页" in html and 'class="navbar' in html, url
        assert "Page not found" not in html and "Traceback" not in html
    assert client.get(f"/policies/{document.key}/v1/").status_code == 200


def boom(request):
    raise RuntimeError("secret detail that must not be shown")


urlpatterns = [path("boom/", boom)]  # this module is the URLconf of the test below


@pytest.mark.urls("tests.portal.test_security")
def test_a_server_error_gets_the_portals_500_in_chinese(client, settings):
    assert settings.DEBUG is False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错" in html and "返回首页" in html and "bootstrap" in html
    assert "secret detail" not in html and "Traceback" not in html
