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
