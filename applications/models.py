"""Enterprises and the people who act for them; applications and their review build on these."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """A manufacturer using the portal, with the answers it last gave the questionnaire."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    city = models.CharField(_("注册地"), max_length=32)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="enterprises",
                                     verbose_name=_("成员"))
    answers = models.JSONField(_("问卷回答"), default=dict, blank=True)
    answers_updated_at = models.DateTimeField(_("回答更新时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_code__regex=r"^[0-9A-Z]{18}$"),
                                   name="enterprise_credit_code_format"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user acting for an enterprise (its finance or admin officer)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("用户"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("企业"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"
