"""Select widgets that write their options in Python: Django's own render two templates per option, which for a
province's list of cities was most of the time the library page took."""
from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A flat <select> (no option groups), rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if key in chosen else ""}>{escape(label)}</option>'
            for key, label in ((str(key), label) for key, label in self.choices))
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # noqa: S308 - escaped


class SelectMultiple(Select, forms.SelectMultiple):
    """The same, for several values."""
