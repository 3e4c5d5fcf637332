"""{% fixed %}: a part of the page written once per language and URL prefix, then kept."""
from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import set_script_prefix
from django.utils import translation


def render(template: Template, **context) -> str:
    return template.render(Context(context))


def test_kept_per_language_and_url_prefix():
    template = Template('{% load i18n page_tags %}{% fixed %}{% translate "政策库" %} {% url "incentives:home" %}'
                        '{% endfixed %}')
    with translation.override("zh-hans"):
        assert render(template) == "政策库 /"
    with translation.override("en"):
        assert render(template) == "Policy library /"
    try:
        set_script_prefix("/portal/")
        with translation.override("zh-hans"):
            assert render(template) == "政策库 /portal/"
    finally:
        set_script_prefix("/")
    with translation.override("zh-hans"):
        assert render(template) == "政策库 /"


def test_written_once():
    template = Template("{% load page_tags %}{% fixed %}{{ n }}{% endfixed %}")
    with translation.override("zh-hans"):
        assert render(template, n=1) == "1"
        assert render(template, n=2) == "1"   # why nothing of the request may be inside


@pytest.mark.parametrize("inside", ["{% csrf_token %}", "{% block title %}{% endblock %}"])
def test_refuses_what_differs_per_visitor_or_page(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load page_tags %}{% fixed %}" + inside + "{% endfixed %}")


@pytest.mark.django_db
def test_the_frame_keeps_nothing_of_one_visitor_for_the_next(client, django_user_model, catalogue):
    django_user_model.objects.create_user("officer-wang", password="right-password-2026")
    client.login(username="officer-wang", password="right-password-2026")
    signed_in = client.get("/check/").content.decode()
    assert "officer-wang" in signed_in and "/accounts/logout/" in signed_in
    client.logout()
    visitor = client.get("/check/?from=elsewhere").content.decode()
    assert "officer-wang" not in visitor and "/accounts/logout/" not in visitor
    assert "/accounts/login/?next=/check/%3Ffrom%3Delsewhere" in visitor   # the visitor's own address
    english = client.get("/check/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Policy library" in english and "政策库" not in english
