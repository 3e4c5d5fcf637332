"""Applications, their frozen submissions, attachments, PDFs, reference numbers and the append-only event log."""
from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incentives.models import Incentive, TimeStamped

from ..workflow import Status as _Status
from .enterprises import Enterprise
from .rounds import Round


def private_storage():
    """Files only a permission-checking view serves: never under STATIC_URL or MEDIA_URL."""
    return storages["private"]


class Application(TimeStamped):
    """An enterprise's application for one incentive in one round; what was submitted lives in its submissions."""

    class Status(models.TextChoices):
        DRAFT = _Status.DRAFT, _("草稿")
        SUBMITTED = _Status.SUBMITTED, _("已提交，待受理")
        IN_REVIEW = _Status.IN_REVIEW, _("审核中")
        RETURNED = _Status.RETURNED, _("退回修改")
        REJECTED = _Status.REJECTED, _("不予支持")
        WITHDRAWN = _Status.WITHDRAWN, _("已撤回")
        PUBLICITY = _Status.PUBLICITY, _("公示中")
        FINAL = _Status.FINAL, _("已确定")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="applications",
                                   verbose_name=_("企业"))
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报批次"))
    incentive = models.ForeignKey(Incentive, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("激励项目"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(_("申报编号"), max_length=40, unique=True, null=True, blank=True)
    contact = models.JSONField(_("联系信息"), default=dict, blank=True)
    project = models.JSONField(_("项目信息"), default=dict, blank=True)
    answers = models.JSONField(_("申报时的条件回答"), default=dict, blank=True)
    requested_amount = models.DecimalField(_("申请金额（万元）"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    max_amount = models.DecimalField(_("测算最高金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    approved_amount = models.DecimalField(_("核定金额（万元）"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    revision = models.PositiveIntegerField(_("提交次数"), default=0)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "round", "incentive"], condition=~Q(status="withdrawn"),
                                    name="application_one_live_per_enterprise_round_incentive"),
            models.CheckConstraint(condition=Q(requested_amount__isnull=True) | Q(requested_amount__gte=0),
                                   name="application_requested_not_negative"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                                   name="application_approved_not_negative"),
            models.CheckConstraint(condition=Q(status="draft") | Q(reference__isnull=False) | Q(status="withdrawn"),
                                   name="application_submitted_has_reference"),
        ]
        indexes = [models.Index(fields=["status", "round"], name="application_status_round")]

    def __str__(self) -> str:
        return self.reference or f"{self.enterprise} · {self.incentive}（{self.get_status_display()}）"


class Submission(models.Model):
    """One submission (revision) of an application, frozen: answers, amounts, policy version, checksums. Never changed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="submissions",
                                    verbose_name=_("申报"))
    revision = models.PositiveIntegerField(_("提交次数"))
    snapshot = models.JSONField(_("提交内容"))
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("提交人"))

    class Meta:
        ordering = ["application", "revision"]
        verbose_name = _("提交记录")
        verbose_name_plural = _("提交记录")
        constraints = [models.UniqueConstraint(fields=["application", "revision"], name="submission_revision_unique")]

    def __str__(self) -> str:
        return f"{self.application} · {self.revision}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # the stored name never comes from the uploader: a checksum and the sniffed extension
    return f"attachments/{instance.application_id}/{instance.sha256}.{instance.extension}"


class Attachment(models.Model):
    """A supporting document, checked by content, stored privately with its checksum."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments",
                                    verbose_name=_("申报"))
    requirement = models.CharField(_("对应材料"), max_length=200)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    extension = models.CharField(_("扩展名"), max_length=8)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True,
                                      help_text=_("已提交过的材料移除后仍保留，供核对历次提交"))

    class Meta:
        ordering = ["application", "requirement", "uploaded_at"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self) -> str:
        return f"{self.requirement}：{self.original_name}"


def pdf_path(instance: "ApplicationPdf", filename: str) -> str:
    return f"pdfs/{instance.application_id}/r{instance.revision}-{instance.sha256[:16]}.pdf"


class ApplicationPdf(models.Model):
    """The application PDF of one submission, made once by a task."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="pdfs",
                                    verbose_name=_("申报"))
    revision = models.PositiveIntegerField(_("提交次数"))
    file = models.FileField(_("文件"), storage=private_storage, upload_to=pdf_path, max_length=300)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "revision"]
        verbose_name = _("申报书 PDF")
        verbose_name_plural = _("申报书 PDF")
        constraints = [models.UniqueConstraint(fields=["application", "revision"], name="application_pdf_revision_unique")]

    def __str__(self) -> str:
        return f"{self.application} · PDF {self.revision}"


class ReferenceSequence(models.Model):
    """The last reference number given per city and year; taken under a row lock so numbers have no gaps."""

    region = models.CharField(_("地区代码"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("申报编号序列")
        verbose_name_plural = _("申报编号序列")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="reference_sequence_unique")]


class ApplicationEvent(models.Model):
    """One change of an application: who, when, from, to, why. Written in the change's transaction; never changed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events",
                                    verbose_name=_("申报"))
    action = models.CharField(_("操作"), max_length=32)
    source = models.CharField(_("原状态"), max_length=16, blank=True)
    target = models.CharField(_("新状态"), max_length=16, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作方"), max_length=200, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("申报记录")
        verbose_name_plural = _("申报记录")

    def __str__(self) -> str:
        return f"{self.application} · {self.action}"
