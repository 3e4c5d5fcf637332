"""The steps of an application form, and the upload form; they validate and lay out, the services decide."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..uploads import UploadRefused, sniff

PHONE_HELP = _("手机号或带区号的固定电话")


class _Laid(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ContactForm(_Laid):
    person = forms.CharField(label=_("联系人"), max_length=100)
    phone = forms.RegexField(label=_("联系电话"), max_length=32, regex=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
                             help_text=PHONE_HELP,
                             error_messages={"invalid": _("请填写11位手机号，或“区号-号码”格式的固定电话。")})
    email = forms.EmailField(label=_("联系邮箱"), required=False)


class ProjectForm(_Laid):
    name = forms.CharField(label=_("项目（事项）名称"), max_length=200,
                           help_text=_("如“年产10万台电机智能化技术改造项目”；申请称号类奖励可填称号名称"))
    description = forms.CharField(label=_("项目简介"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("建设内容、投资、进度与成效，4000字以内"))


class AmountForm(_Laid):
    requested_amount = forms.CharField(label=_("申请金额（万元）"), max_length=20,
                                       widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def clean_requested_amount(self) -> Decimal:
        raw = self.cleaned_data["requested_amount"].strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("请填写数字，单位为万元，例如 50 或 12.5。")) from None
        if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= Decimal("1e12"):
            raise forms.ValidationError(_("金额最多保留两位小数（0.01万元即100元）。"))
        return value.quantize(Decimal("0.01"))


UPLOAD_MESSAGES = {
    "empty": _("文件是空的。"),
    "too_large": _("文件过大（%(size_mb)s MB），单个文件不能超过 %(limit_mb)s MB。"),
    "type": _("只接受 PDF、JPG、PNG 或 OFD 文件；该文件的内容不是这些格式（识别为 %(detected)s），与文件名无关。"),
    "corrupt": _("文件已损坏或不完整（%(kind)s），请重新导出后上传。"),
    "zip_not_ofd": _("这是一个压缩包，不是 OFD 文件；请上传 PDF、图片或 OFD。"),
    "archive_bomb": _("文件解压后的体积异常，已拒绝。"),
    "image_too_large": _("图片尺寸过大（%(width)s×%(height)s 像素），请缩小后上传。"),
}


class AttachmentForm(forms.Form):
    requirement = forms.ChoiceField(label=_("材料名称"))
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG、PNG 或 OFD；系统按文件内容识别格式"))

    def __init__(self, *args, requirements: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r, r) for r in requirements]
        self.fields["file"].help_text = _("PDF、JPG、PNG 或 OFD，单个不超过 %(mb)s MB；系统按文件内容识别格式") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        self.sniffed = None
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.sniffed = sniff(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
        except UploadRefused as refused:
            params = dict(refused.params)
            if "size" in params:
                params["size_mb"] = f"{params['size'] / 1048576:.1f}"
                params["limit_mb"] = params["limit"] // 1048576
            raise forms.ValidationError(UPLOAD_MESSAGES[refused.code] % params, code=refused.code) from None
        return upload


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(label=_("我已阅读并确认以上承诺"), required=True,
                                     error_messages={"required": _("请阅读并确认承诺书。")})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（可选）"), max_length=500, required=False)
