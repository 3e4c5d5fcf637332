"""Policy documents, their clauses, departments, incentives and the facts the questionnaire asks about."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Department(TimeStamped):
    """A bureau that is responsible for clauses or receives applications (市工信局, 市财政局 ...)."""

    key = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    region = models.CharField(_("地区"), max_length=32, blank=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Fact(TimeStamped):
    """Something the questionnaire can ask of an enterprise; the rules are written over these."""

    class Type(models.TextChoices):
        BOOL = "bool", _("是/否")
        MONEY = "money", _("金额（万元）")
        PERCENT = "percent", _("百分比")
        NUMBER = "number", _("数值")
        INTEGER = "integer", _("整数")
        CHOICE = "choice", _("单选")
        DATE = "date", _("日期")

    class Group(models.TextChoices):
        BASICS = "basics", _("基本情况")
        SCALE = "scale", _("经营规模")
        PROJECT = "project", _("项目情况")
        TITLES = "titles", _("资质与称号")
        AWARDS = "awards", _("已获奖励与资助")
        FINANCE = "finance", _("融资情况")
        OTHER = "other", _("其他")

    key = models.SlugField(_("代码"), max_length=80, unique=True)
    label = models.CharField(_("问题"), max_length=500)
    label_en = models.CharField(_("问题（英文）"), max_length=500, blank=True)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    group = models.CharField(_("分组"), max_length=16, choices=Group.choices, default=Group.OTHER)
    help_text = models.TextField(_("说明"), blank=True)
    help_en = models.TextField(_("说明（英文）"), blank=True)
    choices = models.JSONField(_("可选值"), default=list, blank=True)
    compute = models.JSONField(_("计算方式"), null=True, blank=True,
                               help_text=_("由其他回答计算得出的事实项：{difference|growth|sum: [事实项, ...]}"))
    growth = models.BooleanField(_("增长率"), default=False, help_text=_("百分比为增长率，可超过100%"))
    per_project = models.BooleanField(_("按项目填写"), default=False, help_text=_("每个项目一个值"))
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("问卷事实项")
        verbose_name_plural = _("问卷事实项")

    def __str__(self) -> str:
        return f"{self.label}（{self.key}）"

    def choice_label(self, value: str) -> str:
        return next((c["label"] for c in self.choices if c["value"] == value), value)


class PolicyDocumentQuerySet(models.QuerySet):
    def current(self) -> "PolicyDocumentQuerySet":
        return self.filter(is_current=True)


class PolicyDocument(TimeStamped):
    """One version of a policy document, as loaded from its fixture file; versions are never changed."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("现行有效")
        DRAFT = "draft", _("征求意见稿")
        EXPIRED = "expired", _("已失效")

    key = models.SlugField(_("文件代码"), max_length=80)
    version = models.PositiveIntegerField(_("版本"))
    is_current = models.BooleanField(_("当前版本"), default=True)
    region = models.CharField(_("地区代码"), max_length=32)
    region_name = models.CharField(_("地区"), max_length=32)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True, help_text=_("空白表示文件未载明"))
    status_basis = models.CharField(_("状态依据"), max_length=500, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    effective_to = models.DateField(_("有效期至"), null=True, blank=True)
    effective_quote = models.TextField(_("有效期原文"), blank=True)
    full_text = models.TextField(_("全文"))
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True)
    fixture_name = models.CharField(_("数据文件"), max_length=200)
    digest = models.CharField(_("内容摘要"), max_length=64)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["region", "key", "-version"]
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="policy_document_key_version_unique"),
            models.UniqueConstraint(fields=["key"], condition=Q(is_current=True),
                                    name="policy_document_one_current_version"),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True) | Q(effective_to__isnull=True)
                | Q(effective_from__lte=models.F("effective_to")),
                name="policy_document_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_name}｜{self.title}（第{self.version}版）"

    def status_on(self, day: dt.date) -> str:
        """The status on a given day: a document past its end date has expired whatever the file says."""
        if self.status == self.Status.IN_FORCE:
            if self.effective_to and day > self.effective_to:
                return self.Status.EXPIRED
            if self.effective_from and day < self.effective_from:
                return "not_yet"
        return self.status


class Clause(models.Model):
    """A numbered clause of a document, with its verbatim text."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="clauses",
                                 verbose_name=_("政策文件"))
    position = models.PositiveIntegerField(_("顺序"))
    number = models.CharField(_("条款编号"), max_length=32)
    chapter = models.CharField(_("章节"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("条文"))
    departments = models.ManyToManyField(Department, blank=True, related_name="clauses",
                                         verbose_name=_("责任单位"))

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="clause_number_unique"),
            models.UniqueConstraint(fields=["document", "position"], name="clause_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document.region_name} 第{self.number}条"


class Incentive(models.Model):
    """One thing that can be applied for, tied to its clause, with its rules as data."""

    class Kind(models.TextChoices):
        ONE_TIME_REWARD = "one_time_reward", _("一次性奖励")
        RATE_WITH_CAP = "rate_with_cap", _("按比例资助")
        TIERED = "tiered", _("分档奖励")
        MATCHING = "matching", _("配套奖励")
        INTEREST_SUBSIDY = "interest_subsidy", _("贴息")
        LOAN_OR_GUARANTEE = "loan_or_guarantee", _("融资与担保")
        FEE_REDUCTION = "fee_reduction", _("费用减免")
        PRIORITY_SUPPORT = "priority_support", _("优先支持与服务")

    class Topic(models.TextChoices):
        """What an enterprise has or plans, as it would say it: the questionnaire asks by these."""
        INVESTMENT = "investment", _("投资与技改")
        TITLES = "titles", _("资质与称号")
        INNOVATION = "innovation", _("研发与创新")
        DIGITAL = "digital", _("数字化与智能化")
        GREEN = "green", _("绿色与节能")
        FINANCE = "finance", _("融资")
        TALENT = "talent", _("人才")
        MARKET = "market", _("市场、品牌与外贸")
        GROWTH = "growth", _("上规、做大与上市")
        OTHER = "other", _("其他")

    class Beneficiary(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PARK = "park", _("园区")
        INSTITUTION = "institution", _("事业单位与院所")
        PERSON = "person", _("个人")
        ORGANISATION = "organisation", _("机构与组织")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="incentives",
                                 verbose_name=_("政策文件"))
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="incentives", verbose_name=_("条款"))
    position = models.PositiveIntegerField(_("顺序"))
    key = models.SlugField(_("代码"), max_length=80)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("名称（英文）"), max_length=200, blank=True)
    kind = models.CharField(_("支持方式"), max_length=24, choices=Kind.choices)
    beneficiary = models.CharField(_("申请对象"), max_length=16, choices=Beneficiary.choices)
    topic = models.CharField(_("主题"), max_length=16, choices=Topic.choices, default=Topic.OTHER,
                             help_text=_("企业按主题选择要回答的问题；不是文件原文的内容"))
    summary = models.TextField(_("摘要"))
    eligibility = models.JSONField(_("申请条件"), null=True, blank=True)
    amount = models.JSONField(_("金额规则"), null=True, blank=True)
    window_from = models.DateField(_("申报期起"), null=True, blank=True)
    window_to = models.DateField(_("申报期止"), null=True, blank=True)
    window_quote = models.TextField(_("期限原文"), blank=True)
    excludes = models.JSONField(_("不可同时享受"), default=list, blank=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="incentives",
                                         verbose_name=_("受理部门"))
    documents_required = models.JSONField(_("申报材料"), default=list, blank=True)

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("激励项目")
        verbose_name_plural = _("激励项目")
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="incentive_key_unique"),
            models.CheckConstraint(
                condition=Q(window_from__isnull=True) | Q(window_to__isnull=True)
                | Q(window_from__lte=models.F("window_to")),
                name="incentive_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stable_key(self) -> str:
        """The key that names this incentive across versions: document key / incentive key."""
        return f"{self.document.key}/{self.key}"

    @property
    def has_amount(self) -> bool:
        return bool(self.amount) and self.amount.get("type") != "none"


class PolicyLoad(models.Model):
    """A record of every fixture file loaded, by whom and with what result; never changed."""

    class Result(models.TextChoices):
        CREATED = "created", _("新建")
        NEW_VERSION = "new_version", _("新版本")
        UNCHANGED = "unchanged", _("无变化")

    fixture_name = models.CharField(_("数据文件"), max_length=200)
    digest = models.CharField(_("内容摘要"), max_length=64)
    document = models.ForeignKey(PolicyDocument, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="loads", verbose_name=_("政策文件"))
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices)
    loaded_by = models.CharField(_("操作人"), max_length=150, blank=True)
    loaded_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("数据加载记录")
        verbose_name_plural = _("数据加载记录")

    def __str__(self) -> str:
        return f"{self.fixture_name} · {self.get_result_display()}"
