"""Forms of enterprise accounts: registration, the profile, invitations and members' roles."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin, UsernameField
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext, gettext_noop as N_
from django.utils.translation import gettext_lazy as _

from .. import credit_code as credit_codes
from .. import phone as phones
from ..models import Enterprise, Membership

# 国民经济行业分类 (GB/T 4754-2017), section C (manufacturing), divisions 13–43; then everyone else.
# The stored value is the Chinese name with its code, whatever the language of the page.
INDUSTRIES = [
    ("C13", N_("农副食品加工业")), ("C14", N_("食品制造业")), ("C15", N_("酒、饮料和精制茶制造业")),
    ("C16", N_("烟草制品业")), ("C17", N_("纺织业")), ("C18", N_("纺织服装、服饰业")),
    ("C19", N_("皮革、毛皮、羽毛及其制品和制鞋业")), ("C20", N_("木材加工和木、竹、藤、棕、草制品业")),
    ("C21", N_("家具制造业")), ("C22", N_("造纸和纸制品业")), ("C23", N_("印刷和记录媒介复制业")),
    ("C24", N_("文教、工美、体育和娱乐用品制造业")), ("C25", N_("石油、煤炭及其他燃料加工业")),
    ("C26", N_("化学原料和化学制品制造业")), ("C27", N_("医药制造业")), ("C28", N_("化学纤维制造业")),
    ("C29", N_("橡胶和塑料制品业")), ("C30", N_("非金属矿物制品业")), ("C31", N_("黑色金属冶炼和压延加工业")),
    ("C32", N_("有色金属冶炼和压延加工业")), ("C33", N_("金属制品业")), ("C34", N_("通用设备制造业")),
    ("C35", N_("专用设备制造业")), ("C36", N_("汽车制造业")),
    ("C37", N_("铁路、船舶、航空航天和其他运输设备制造业")), ("C38", N_("电气机械和器材制造业")),
    ("C39", N_("计算机、通信和其他电子设备制造业")), ("C40", N_("仪器仪表制造业")), ("C41", N_("其他制造业")),
    ("C42", N_("废弃资源综合利用业")), ("C43", N_("金属制品、机械和设备修理业")),
    ("other", N_("其他行业（非制造业）")),
]


def industry_choices(current: str = "") -> list[tuple[str, str]]:
    """The divisions, stored as their Chinese name with the code (what an application's snapshot shows)."""
    choices = [(f"{name}（{code}）" if code != "other" else name, f"{code} {gettext(name)}" if code != "other"
                else gettext(name)) for code, name in INDUSTRIES]
    if current and current not in {value for value, _label in choices}:
        choices.append((current, current))  # a value given before the list existed stays selectable
    return [("", "—")] + choices


def city_choices() -> list[tuple[str, str]]:
    """The cities of the questionnaire's `city` fact: the profile and the questionnaire speak of the same places."""
    from incentives.models import Fact  # the catalogue owns the list of cities

    fact = Fact.objects.filter(key="city").first()
    return [("", "—")] + [(choice["value"], choice["label"]) for choice in (fact.choices if fact else [])]


class CreditCodeField(forms.CharField):
    """The 18-character code, normalised (upper case, no spaces or dashes) and checked by its check character."""

    default_error_messages = {
        "length": _("统一社会信用代码应为18位，您输入了%(count)d位。"),
        "alphabet": _("统一社会信用代码中不能有字符 %(chars)s（代码不使用 I、O、S、V、Z 和汉字、符号）。"),
        "region": _("统一社会信用代码第3至8位是登记管理机关的行政区划码，应全为数字。"),
        "check": _("统一社会信用代码校验不通过：第18位校验码与前17位不符，请对照营业执照逐位核对。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # room for the spaces and dashes people paste
        kwargs.setdefault("label", _("统一社会信用代码"))
        kwargs.setdefault("help_text", _("18位，见营业执照；注册后不可更改。"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return credit_codes.validate(value)
        except credit_codes.CreditCodeError as error:
            code = credit_codes.normalise(value)
            params = {"count": len(code),
                      "chars": "、".join(sorted({c for c in code if c not in credit_codes.ALPHABET}))}
            raise forms.ValidationError(self.error_messages[error.code], code=error.code, params=params) from error


class PhoneField(forms.CharField):
    """A mainland mobile or landline number, written one way."""

    default_error_messages = {
        "empty": _("请填写联系电话。"),
        "mobile": _("手机号码应为以 13–19 开头的11位数字。"),
        "format": _("请填写11位手机号码，或带区号的固定电话（如 0750-3123456）。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("联系电话"))
        kwargs.setdefault("help_text", _("手机或带区号的固定电话。"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return phones.validate(value)
        except phones.PhoneError as error:
            raise forms.ValidationError(self.error_messages[error.code], code=error.code) from error


class EnterpriseProfileForm(forms.Form):
    """The profile an enterprise keeps (一企一档), without its credit code, which never changes."""

    name = forms.CharField(label=_("企业名称"), max_length=200, help_text=_("与营业执照一致。"))
    city = forms.ChoiceField(label=_("注册地（所在城市）"))
    address = forms.CharField(label=_("注册地址"), max_length=300)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100)
    contact_person = forms.CharField(label=_("联系人"), max_length=100)
    phone = PhoneField()
    email = forms.EmailField(label=_("企业联系邮箱"))
    industry = forms.ChoiceField(label=_("所属行业"), help_text=_("按国民经济行业分类（GB/T 4754—2017）。"))
    scale = forms.ChoiceField(label=_("企业规模"), choices=[("", "—"), *Enterprise.Scale.choices],
                              help_text=_("按工业企业划型标准。"))

    profile_fields = ("name", "city", "address", "legal_representative", "contact_person", "phone", "email",
                      "industry", "scale")
    submit_label = _("保存")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = city_choices()
        self.fields["industry"].choices = industry_choices(self.initial.get("industry", ""))
        self.helper = FormHelper()
        self.helper.form_id = "profile-form"
        self.helper.layout = Layout(*self.layout_fields())
        self.helper.add_input(Submit("", self.submit_label, css_class="btn-primary"))

    def layout_fields(self):
        return [Div(*self.profile_fields)]

    def profile(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field in self.profile_fields}


class RegistrationForm(SetPasswordMixin, EnterpriseProfileForm):
    """One page: the enterprise, and the account of the person registering it, who becomes its admin."""

    credit_code = CreditCodeField()
    username = UsernameField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                             help_text=_("登录时使用；可用字母、数字、汉字及 @ . + - _ 。"))
    full_name = forms.CharField(label=_("您的姓名"), max_length=150)
    user_email = forms.EmailField(label=_("您的邮箱"), help_text=_("用于找回密码和接收通知。"))
    role = forms.ChoiceField(label=_("您的角色"), choices=Membership.Role.choices, widget=forms.RadioSelect,
                             initial=Membership.Role.PREPARER,
                             help_text=_("只有法定代表人/授权人可以提交申报；经办人可以填写、保存申报材料。"
                                         "注册人同时成为本企业的管理员，可邀请同事加入。"))
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("密码"), label2=_("确认密码"))

    submit_label = _("注册")

    def layout_fields(self):
        return [
            Fieldset(_("企业信息"), "name", "credit_code", *self.profile_fields[1:]),
            Fieldset(_("您的账号"), "username", "full_name", "user_email", "role", "password1", "password2"),
        ]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"), code="username_taken")
        return username

    def clean(self):
        self.validate_passwords()
        user = get_user_model()(username=self.cleaned_data.get("username", ""),
                                email=self.cleaned_data.get("user_email", ""),
                                first_name=self.cleaned_data.get("full_name", ""))
        self.validate_password_for_user(user)
        return super().clean()

    def profile(self) -> dict[str, str]:
        return {**super().profile(), "credit_code": self.cleaned_data["credit_code"]}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("同事的邮箱"), help_text=_("邀请链接将发送到这个邮箱。"))
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices, widget=forms.RadioSelect,
                             initial=Membership.Role.PREPARER,
                             help_text=_("只有法定代表人/授权人可以提交申报。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "invitation-form"
        self.helper.add_input(Submit("", _("发送邀请"), css_class="btn-primary"))


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices)
    is_admin = forms.BooleanField(label=_("企业管理员"), required=False)


class InvitationSignupForm(SetPasswordMixin, forms.Form):
    """A new account for the invited address: the email is the invitation's, not typed again."""

    username = UsernameField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                             help_text=_("登录时使用；可用字母、数字、汉字及 @ . + - _ 。"))
    full_name = forms.CharField(label=_("您的姓名"), max_length=150)
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("密码"), label2=_("确认密码"))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.form_id = "invitation-signup-form"
        self.helper.add_input(Submit("", _("创建账号并加入"), css_class="btn-primary"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"), code="username_taken")
        return username

    def clean(self):
        self.validate_passwords()
        user = get_user_model()(username=self.cleaned_data.get("username", ""), email=self.email,
                                first_name=self.cleaned_data.get("full_name", ""))
        self.validate_password_for_user(user)
        return super().clean()
