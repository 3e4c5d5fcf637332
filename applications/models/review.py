"""The review by departments: staff, routes and steps, 公示 and objections, payments, and the notification outbox."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incentives.models import Department, TimeStamped

from .applications import Application
from .enterprises import Enterprise
from .rounds import Round


class StaffMembership(TimeStamped):
    """A bureau staff user working for a department; the head also gets its overdue reminders."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships",
                             verbose_name=_("用户"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="staff_memberships",
                                   verbose_name=_("部门"))
    is_head = models.BooleanField(_("部门负责人"), default=False)

    class Meta:
        verbose_name = _("部门工作人员")
        verbose_name_plural = _("部门工作人员")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="staff_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


class RoundDepartment(models.Model):
    """One department of a round's review route, in order; without any, the incentive's departments are used."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="review_departments",
                              verbose_name=_("申报批次"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核部门"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        verbose_name = _("审核部门（按顺序）")
        verbose_name_plural = _("审核部门（按顺序）")
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="round_department_unique")]

    def __str__(self) -> str:
        return f"{self.round} · {self.position} · {self.department}"


class ReviewStep(models.Model):
    """One step of an application's route: 受理, a department's review, or the 财政 confirmation."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("受理")
        REVIEW = "review", _("部门审核")
        FINANCE = "finance", _("财政确认")

    class State(models.TextChoices):
        WAITING = "waiting", _("未开始")
        OPEN = "open", _("办理中")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")
        REJECTED = "rejected", _("不予支持")
        SUPERSEDED = "superseded", _("已作废")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps",
                                    verbose_name=_("申报"))
    cycle = models.PositiveSmallIntegerField(_("轮次"), default=1,
                                             help_text=_("每次受理（含退回后重新提交、异议成立后复审）为一轮"))
    position = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("环节"), max_length=8, choices=Kind.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="review_steps",
                                   verbose_name=_("部门"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.WAITING)
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("办理人"))
    approved_amount = models.DecimalField(_("核定金额（万元）"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    comment = models.TextField(_("意见"), blank=True)
    reminded_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["application", "cycle", "position"]
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(state="open"),
                                    name="review_step_one_open_per_application"),
            models.UniqueConstraint(fields=["application", "cycle", "position"], name="review_step_position_unique"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                                   name="review_step_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["department", "state", "application"], name="review_step_queue"),
            models.Index(fields=["state", "due_at"], name="review_step_due"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()} · {self.department}"


class Publicity(models.Model):
    """An application's period of 公示, from 财政 confirmation to its end; closed early when an objection is upheld."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("公示中")
        FINAL = "final", _("公示期满")
        INTERRUPTED = "interrupted", _("异议成立，中止")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="publicities",
                                    verbose_name=_("申报"))
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="publicities", verbose_name=_("申报批次"))
    approved_amount = models.DecimalField(_("核定金额（万元）"), max_digits=14, decimal_places=2)
    starts_at = models.DateTimeField(_("公示开始"))
    ends_at = models.DateTimeField(_("公示结束"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(outcome="running"),
                                    name="publicity_one_running_per_application"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="publicity_ends_after_start"),
        ]
        indexes = [models.Index(fields=["outcome", "ends_at"], name="publicity_outcome_end")]

    def __str__(self) -> str:
        return f"{self.application} · {self.starts_at:%Y-%m-%d}"


class Objection(models.Model):
    """An objection to an award in 公示, filed by anyone with contact details, resolved by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="objections",
                                  verbose_name=_("公示"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections",
                                    verbose_name=_("申报"))
    name = models.CharField(_("姓名或单位"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"))
    status = models.CharField(_("处理状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("处理人"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [models.Index(fields=["status", "application"], name="objection_status_application")]

    def __str__(self) -> str:
        return f"{self.application} · {self.name}"


class Payment(models.Model):
    """One installment paid out on a final award; their sum never exceeds the approved amount."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments",
                                    verbose_name=_("申报"))
    installment = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("金额（万元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("拨付日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "installment"]
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        constraints = [
            models.UniqueConstraint(fields=["application", "installment"], name="payment_installment_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.installment}"


class NotificationKind(models.TextChoices):
    PROGRESS = "progress", _("申报进度")
    TASK = "task", _("待办事项")
    OBJECTION = "objection", _("公示异议")
    PAYMENT = "payment", _("资金拨付")
    REMINDER = "reminder", _("超期提醒")
    DIGEST = "digest", _("每日待办汇总")
    ROUND_CLOSING = "round_closing", _("批次即将截止")
    POLICY_MATCH = "policy_match", _("政策变化提醒（免申即享）")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """The outbox and the in-app inbox at once: written in the change's transaction, emailed later by a task."""

    class Email(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        SKIPPED = "skipped", _("不发送")
        FAILED = "failed", _("发送失败")

    key = models.CharField(_("去重键"), max_length=200, unique=True,
                           help_text=_("同一事件对同一收件人只生成一条"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("收件人"))
    kind = models.CharField(_("类别"), max_length=16, choices=NotificationKind.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="notifications", verbose_name=_("申报"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    email = models.CharField(_("邮件"), max_length=8, choices=Email.choices, default=Email.PENDING)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("发送失败次数"), default=0)
    email_retry_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    email_error = models.CharField(_("最近一次发送错误"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["email", "id"], name="notification_outbox",
                         condition=Q(email="pending")),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """Whether a user wants a kind of notification by email too (the in-app inbox always has it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
                             verbose_name=_("用户"))
    kind = models.CharField(_("类别"), max_length=16, choices=NotificationKind.choices)
    email = models.BooleanField(_("发送邮件"), default=True)
    enabled = models.BooleanField(_("接收"), default=True, help_text=_("关闭后站内也不再提醒（仅适用于政策变化提醒）"))

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]


class MatchResult(models.Model):
    """What an enterprise was last told it is eligible for under one policy document: the incentives (by their key in
    the document) with the amounts, as of a version of the document. No row: eligible for none of them, or never
    matched; so the millions of pairs that are not eligible cost nothing, and a first match writes one row per
    enterprise and document rather than one per incentive."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="match_results",
                                   verbose_name=_("企业"), db_index=False)   # the unique constraint's index serves
    document_key = models.CharField(_("政策文件"), max_length=100)
    document_version = models.PositiveIntegerField(_("文件版本"))
    eligible = models.JSONField(_("符合的激励项目"), default=dict,
                                help_text=_("激励项目编号 → 测算金额（万元，文本，精确到分；无金额为空）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政策匹配结果")
        verbose_name_plural = _("政策匹配结果")
        constraints = [models.UniqueConstraint(fields=["enterprise", "document_key"], name="match_result_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.document_key} v{self.document_version}"


class ApplicationReview(Application):
    """Applications as bureau staff see them in the admin: the review queue."""

    class Meta:
        proxy = True
        verbose_name = _("申报审核")
        verbose_name_plural = _("申报审核")
