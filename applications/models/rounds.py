"""Application rounds (申报批次): which incentives may be applied for, when, at which department, with what."""
from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from incentives.models import Department, Incentive, TimeStamped


class RoundQuerySet(models.QuerySet):
    def accepting(self, at: dt.datetime) -> "RoundQuerySet":
        """Rounds open for new applications at `at`."""
        return self.filter(opens_at__lte=at, closes_at__gt=at)

    def for_incentive(self, incentive_id: int) -> "RoundQuerySet":
        return self.filter(incentives=incentive_id)


class Round(TimeStamped):
    """A call for applications, opened by an administrator for some incentives of current documents."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("未开始")
        OPEN = "open", _("申报中")
        GRACE = "grace", _("截止后补交期")
        CLOSED = "closed", _("已截止")

    name = models.CharField(_("批次名称"), max_length=200)
    region = models.CharField(_("地区代码"), max_length=32, help_text=_("取自所选激励项目的政策文件"))
    incentives = models.ManyToManyField(Incentive, related_name="rounds", verbose_name=_("激励项目"))
    accepting_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rounds_accepting",
                                              verbose_name=_("受理部门"))
    opens_at = models.DateTimeField(_("开始申报时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    grace_hours = models.PositiveIntegerField(
        _("补交宽限（小时）"), default=0,
        help_text=_("截止前已开始填写的申报，可在截止后此时限内提交"))
    budget = models.DecimalField(_("资金预算（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    documents_required = models.JSONField(
        _("申报材料清单"), default=dict, blank=True,
        help_text=_("所有申报共同需要的材料（common），以及每个项目各自需要的材料（按“文件代码/项目代码”）"))
    notice = models.TextField(_("申报通知"), blank=True)
    transitional_basis = models.TextField(
        _("过渡期依据"), blank=True,
        help_text=_("政策文件已失效时必填：说明本批次受理的依据（如文件有效期内已完成的项目）"))
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="round_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grace_until(self) -> dt.datetime:
        return self.closes_at + dt.timedelta(hours=self.grace_hours)

    def documents_for(self, incentive: Incentive) -> list[str]:
        """The documents an application for this incentive must upload: the round's common ones, then its own."""
        required = self.documents_required or {}
        own = required.get("by_incentive", {}).get(f"{incentive.document.key}/{incentive.key}", [])
        return list(dict.fromkeys([*required.get("common", []), *own]))

    def phase_label_at(self, at: dt.datetime) -> str:
        return str(self.Phase(self.phase_at(at)).label)

    def days_left_at(self, at: dt.datetime) -> int:
        """Days until closing, a part of a day counting as one (closing in 2 hours: 1 day left)."""
        seconds = (self.closes_at - at).total_seconds()
        return max(math.ceil(seconds / 86400), 0)

    def phase_at(self, at: dt.datetime) -> str:
        if at < self.opens_at:
            return self.Phase.UPCOMING
        if at < self.closes_at:
            return self.Phase.OPEN
        if at < self.grace_until:
            return self.Phase.GRACE
        return self.Phase.CLOSED
