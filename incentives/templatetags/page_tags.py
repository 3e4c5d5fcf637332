"""Template tags for every page's frame: parts of a template written once per language and kept."""
from django import template
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


class FixedNode(template.Node):
    """Renders its contents once per language, URL prefix and URL configuration, then gives the same text."""

    # {% extends %} looks for the blocks of base.html on every render, walking its nodes: there are none in here
    child_nodelists = ()

    def __init__(self, nodelist):
        self.nodelist = nodelist
        # on the node, so it goes when the template does (a changed template file, in development)
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), get_urlconf())
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = self.nodelist.render(context)
        return mark_safe(text)  # noqa: S308 - rendered by the template engine, which escaped it


@register.tag
def fixed(parser, token):
    """{% fixed %}…{% endfixed %}: a part of a page that depends only on the language and the site's URLs.

    Translations, `{% url %}` without variable arguments and `{% static %}` (the manifest does not change while
    a process runs) cost a few hundredths of a millisecond each; the navigation alone has twenty-five of them on
    every page. What is inside must read nothing from the context but the language: not the user, the request,
    the CSRF token or messages (it would be shown to everyone who reads the page in that language).
    """
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode) or nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError("{% fixed %} cannot hold a {% block %} or a {% csrf_token %}")
    return FixedNode(nodelist)
