"""Forms of the review: decisions in the admin, objections to 公示, notification preferences."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import NotificationKind


class DecisionForm(forms.Form):
    """One decision on an application; which fields count depends on the action."""

    action = forms.ChoiceField(choices=[("accept", _("受理")), ("return", _("退回修改")), ("reject", _("不予支持")),
                                        ("approve_step", _("审核通过")), ("confirm", _("财政确认")),
                                        ("record_payment", _("登记拨付"))], widget=forms.HiddenInput)
    seen_event_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("依据的条件或条款"), required=False, max_length=300)
    amount = forms.DecimalField(label=_("金额（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("核减理由"), required=False, max_length=500)
    paid_on = forms.DateField(label=_("拨付日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("姓名或单位"), max_length=100)
    contact = forms.CharField(label=_("联系电话或邮箱"), max_length=100,
                              help_text=_("用于告知处理结果，不会公开"))
    text = forms.CharField(label=_("异议内容和理由"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "objection-form"
        self.helper.add_input(Submit("submit", _("提交异议"), css_class="btn-primary"))


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(label=_("以下通知同时发送邮件"), choices=NotificationKind.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple)
    policy_match = forms.BooleanField(label=_("接收政策变化提醒（免申即享：新政策或修订后，您可能新符合或不再符合的项目）"),
                                      required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "preferences-form"
        self.helper.add_input(Submit("submit", _("保存"), css_class="btn-primary"))


class ResolveObjectionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), choices=[("dismissed", _("异议不成立")),
                                                               ("upheld", _("异议成立，退回复审"))])
    resolution = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))
