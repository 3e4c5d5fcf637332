"""Enterprises (一企一档), the people who act for them with their roles, and invitations of colleagues."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _

from incentives.models import TimeStamped


class Enterprise(TimeStamped):
    """A manufacturer using the portal: its profile and the facts it last gave the questionnaire."""

    class Scale(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   error_messages={"unique": _("该统一社会信用代码已注册。")})
    city = models.CharField(_("注册地"), max_length=32)
    address = models.CharField(_("注册地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    email = models.EmailField(_("联系邮箱"), blank=True)
    industry = models.CharField(_("所属行业"), max_length=100, blank=True)
    scale = models.CharField(_("企业规模"), max_length=16, choices=Scale.choices, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="enterprises",
                                     verbose_name=_("成员"))
    answers = models.JSONField(_("问卷回答"), default=dict, blank=True)
    answers_updated_at = models.DateTimeField(_("回答更新时间"), null=True, blank=True)
    # when each answer was last given or changed, keyed like `answers` (ISO 8601 strings)
    answers_given_at = models.JSONField(_("各项回答时间"), default=dict, blank=True)
    # The city the questionnaire was answered for, kept by the database from `answers` (never out of step with it):
    # the 免申即享 match groups a chunk's profiles by it without reading their answers, and reads the answers of
    # none whose city has no incentive open on the day.
    answered_city = models.GeneratedField(expression=KT("answers__city"), output_field=models.TextField(),
                                          db_persist=True, verbose_name=_("问卷所答城市"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"),
                                   name="enterprise_credit_code_format"),
        ]
        # the 免申即享 dispatch lists the profiles by answered city, in order, without reading them
        indexes = [models.Index(fields=["answered_city", "id"], name="enterprise_answered_city",
                                condition=Q(answered_city__isnull=False))]

    def __str__(self) -> str:
        return self.name

    def profile(self) -> dict[str, str]:
        """The profile as it is copied into an application's snapshot."""
        return {field: str(getattr(self, field) or "") for field in PROFILE_FIELDS}


PROFILE_FIELDS = ("name", "credit_code", "city", "address", "legal_representative", "contact_person", "phone",
                  "email", "industry", "scale")


class Membership(TimeStamped):
    """A user acting for an enterprise, in a role: only a signatory may submit an application."""

    class Role(models.TextChoices):
        PREPARER = "preparer", _("经办人")
        SIGNATORY = "signatory", _("法定代表人/授权人")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("用户"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("企业"))
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.PREPARER)
    is_admin = models.BooleanField(_("企业管理员"), default=False, help_text=_("可邀请同事、管理成员"))

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"

    @property
    def may_submit(self) -> bool:
        return self.role == self.Role.SIGNATORY

    @property
    def may_edit_profile(self) -> bool:
        """The enterprise's admins and its signatories keep the profile; preparers read it."""
        return self.is_admin or self.role == self.Role.SIGNATORY


class Invitation(TimeStamped):
    """An enterprise admin's invitation of a colleague, accepted once through the emailed link."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations",
                                   verbose_name=_("企业"))
    email = models.EmailField(_("邮箱"))
    role = models.CharField(_("角色"), max_length=16, choices=Membership.Role.choices,
                            default=Membership.Role.PREPARER)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("邀请人"))
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("接受人"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")

    def __str__(self) -> str:
        return f"{self.email} · {self.enterprise}"

    def state(self, at) -> str:
        """pending, accepted or expired at the given time."""
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expires_at <= at else "pending"


class EnterpriseEvent(models.Model):
    """One change of an enterprise's profile or members: who, when, what. Written in the change's transaction."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("注册企业")
        PROFILE_UPDATED = "profile_updated", _("修改企业档案")
        INVITED = "invited", _("邀请成员")
        INVITATION_REVOKED = "invitation_revoked", _("撤销邀请")
        JOINED = "joined", _("接受邀请加入")
        ROLE_CHANGED = "role_changed", _("变更成员角色")
        REMOVED = "removed", _("移除成员")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("企业"))
    action = models.CharField(_("操作"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人账号"), max_length=150, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["enterprise", "created_at", "id"]
        verbose_name = _("企业档案记录")
        verbose_name_plural = _("企业档案记录")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_action_display()}"
