"""Forms of the public library."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .widgets import Select


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": _("标题或条文中的词，如：技术改造")}))
    region = forms.ChoiceField(label=_("城市"), required=False, widget=Select)
    status = forms.ChoiceField(label=_("文件状态"), required=False, widget=Select)
    kind = forms.ChoiceField(label=_("支持方式"), required=False, widget=Select)
    department = forms.ChoiceField(label=_("部门"), required=False, widget=Select)

    def __init__(self, *args, options: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["region"].choices = everything + options["regions"]
        self.fields["status"].choices = everything + options["statuses"]
        self.fields["kind"].choices = everything + options["kinds"]
        self.fields["department"].choices = everything + options["departments"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "library-filter"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-4"), Column("region", css_class="col-md-2"),
                Column("status", css_class="col-md-2"), Column("kind", css_class="col-md-2"),
                Column("department", css_class="col-md-2")),
            Submit("", _("筛选"), css_class="btn-primary"),
        )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: value.strip() for name, value in self.cleaned_data.items() if value}
