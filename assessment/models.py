"""Assessment (考核): a plan's scheme, the office's bonus, penalty and veto items, departments'
self-assessments, the compile job, and the compiled, ranked result with its files.

The tables keep the names they had when these models belonged to the reports app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan
from qualitycity.storage import private_storage
from responsibilities.models import Department

from .periods import AssessmentPeriod, PeriodKind
from .titles import report_title


class CriterionKind(models.TextChoices):
    ON_TIME = "on_time", _("按时报送")
    COMPLETENESS = "completeness", _("报送完整")
    TARGETS = "targets", _("目标完成")
    RATING = "rating", _("质强办评分")


class AssessmentScheme(models.Model):
    """How a plan's departments (or, for a plan delegated downwards, its subordinate
    jurisdictions) are assessed: criteria weights, grade thresholds, the bonus cap and the month
    the assessment year starts (7 for a July–June year)."""

    class Subject(models.TextChoices):
        DEPARTMENTS = "departments", _("本级成员单位")
        JURISDICTIONS = "jurisdictions", _("下级行政区")

    plan = models.OneToOneField(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="assessment_scheme"
    )
    subject = models.CharField(
        _("考核对象"),
        max_length=16,
        choices=Subject.choices,
        default=Subject.DEPARTMENTS,
        help_text=_(
            "下级行政区：按各县(市、区)对下发任务的报送和指标完成情况考核，以代表其人民政府的部门列示"
        ),
    )
    year_start_month = models.PositiveSmallIntegerField(_("考核年度起始月"), default=1)
    grade_a = models.DecimalField(_("优秀（A）最低分"), max_digits=5, decimal_places=1, default=Decimal(90))
    grade_b = models.DecimalField(_("良好（B）最低分"), max_digits=5, decimal_places=1, default=Decimal(80))
    grade_c = models.DecimalField(_("合格（C）最低分"), max_digits=5, decimal_places=1, default=Decimal(60))
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=1, default=Decimal(5))
    appeal_days = models.PositiveSmallIntegerField(
        _("申诉期（工作日）"), default=5, help_text=_("发布后多少个工作日内可以申诉；0 表示不受理申诉")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        db_table = "reports_assessmentscheme"
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_start_month__gte=1, year_start_month__lte=12), name="scheme_year_start_month"
            ),
            models.CheckConstraint(
                condition=Q(grade_a__gt=models.F("grade_b"), grade_b__gt=models.F("grade_c"), grade_c__gte=0),
                name="scheme_grades_descending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 考核方案"

    def grade_for(self, total: Decimal, *, vetoed: bool) -> str:
        """A–D by the thresholds; a veto item forces D whatever the score."""
        if vetoed:
            return "D"
        if total >= self.grade_a:
            return "A"
        if total >= self.grade_b:
            return "B"
        if total >= self.grade_c:
            return "C"
        return "D"


class AssessmentCriterion(models.Model):
    """One weighted criterion of a scheme; the weights of a scheme add up to 100."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="criteria"
    )
    kind = models.CharField(_("考核内容"), max_length=16, choices=CriterionKind.choices)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        db_table = "reports_assessmentcriterion"
        ordering = ["scheme", "position"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="criterion_unique_kind"),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="criterion_weight_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.weight}分）"


class AssessmentItem(models.Model):
    """A bonus, penalty or veto the office enters for a department, dated and with a reason;
    it counts in every assessment whose period contains its date."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("加分")
        PENALTY = "penalty", _("扣分")
        VETO = "veto", _("一票否决")

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="assessment_items"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="assessment_items"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=Decimal(0))
    reason = models.CharField(_("事由"), max_length=300)
    occurred_on = models.DateField(_("发生日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        db_table = "reports_assessmentitem"
        ordering = ["plan", "-occurred_on", "pk"]
        verbose_name = _("加减分及否决事项")
        verbose_name_plural = _("加减分及否决事项")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0, points__lte=100), name="item_points_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.reason}"


class SelfAssessment(models.Model):
    """A department's own scores for one assessment period (自评), submitted before the office
    scores it."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    start = models.DateField(_("考核期开始"))
    end = models.DateField(_("考核期结束"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "reports_selfassessment"
        ordering = ["plan", "-start", "department"]
        verbose_name = _("部门自评")
        verbose_name_plural = _("部门自评")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department", "start", "end"], name="self_assessment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} 自评 {self.start:%Y-%m}—{self.end:%Y-%m}"


def assessment_storage():
    """Self-assessment evidence and compiled files live under PRIVATE_ROOT; views stream them."""
    return private_storage("assessments")


class SelfScore(models.Model):
    self_assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("部门自评"), on_delete=models.CASCADE, related_name="scores"
    )
    kind = models.CharField(_("考核内容"), max_length=16, choices=CriterionKind.choices)
    score = models.DecimalField(_("自评分"), max_digits=5, decimal_places=1)
    justification = models.CharField(_("自评说明"), max_length=500, blank=True)
    evidence = models.FileField(
        _("佐证材料"), storage=assessment_storage, upload_to="self/%Y/%m", blank=True, max_length=200
    )

    class Meta:
        db_table = "reports_selfscore"
        ordering = ["self_assessment", "kind"]
        verbose_name = _("自评分")
        verbose_name_plural = _("自评分")
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "kind"], name="self_score_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.self_assessment} {self.get_kind_display()} {self.score}"


class AssessmentRun(models.Model):
    """The background job compiling one assessment (Saleor style): a row with a status and
    progress, a Celery task given its id, success and failure hooks that update it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("计算中")
        SUCCESS = "success", _("已完成")
        FAILED = "failed", _("失败")

    ACTIVE = (Status.PENDING, Status.RUNNING)

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="assessment_runs"
    )
    kind = models.CharField(_("考核周期"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("考核期开始"))
    end = models.DateField(_("考核期结束"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessment = models.ForeignKey(
        "Assessment",
        verbose_name=_("考核结果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("最近心跳"),
        null=True,
        blank=True,
        help_text=_("计算中的任务定时更新；长时间未更新视为工作进程已停止"),
    )
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        db_table = "reports_assessmentrun"
        ordering = ["-created_at"]
        verbose_name = _("考核计算任务")
        verbose_name_plural = _("考核计算任务")
        constraints = [
            # Two clicks (or the schedule and a click) share one job for a plan and period.
            models.UniqueConstraint(
                fields=["plan", "start", "end"],
                condition=Q(status__in=["pending", "running"]),
                name="assessment_run_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.start:%Y-%m}—{self.end:%Y-%m} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


def assessment_file_path(instance, filename: str) -> str:
    return f"compiled/{instance.plan_id}/{instance.start:%Y%m}-{instance.end:%Y%m}/{filename}"


class Assessment(models.Model):
    """A compiled, ranked assessment of a plan's departments for one period. A draft is replaced
    by a re-run; a published one never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本取代")

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("考核周期"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("考核期开始"))
    end = models.DateField(_("考核期结束"))
    label = models.CharField(_("考核期"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    scheme = models.JSONField(_("考核方案快照"), default=dict)
    summary = models.JSONField(_("概况"), default=dict)
    as_of = models.DateField(_("数据截至"))
    compiled_at = models.DateTimeField(_("计算时间"))
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provisional = models.BooleanField(
        _("暂定结果"), default=False, help_text=_("计算时考核期内仍有报送期未截止，截止后需重新计算")
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("取代的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text=_("申诉被采纳后重新发布的版本指向原版本，原版本保留"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    xlsx = models.FileField(
        _("Excel"), storage=assessment_storage, upload_to=assessment_file_path, blank=True, max_length=200
    )
    pdf = models.FileField(
        _("PDF"), storage=assessment_storage, upload_to=assessment_file_path, blank=True, max_length=200
    )
    docx = models.FileField(
        _("Word"), storage=assessment_storage, upload_to=assessment_file_path, blank=True, max_length=200
    )

    class Meta:
        db_table = "reports_assessment"
        ordering = ["plan", "-end", "kind"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "start", "end"], condition=Q(status="draft"), name="assessment_one_draft"
            ),
            models.UniqueConstraint(
                fields=["plan", "start", "end"],
                condition=Q(status="published"),
                name="assessment_one_published",
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="assessment_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.label}考核"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def display_label(self) -> str:
        """The period as the reader's language writes it on a page (2026年第三季度, Q3 2026); the
        stored label stays Chinese for the files and the audit."""
        return AssessmentPeriod(self.kind, self.start, self.end).display_label

    @property
    def title(self) -> str:
        """关于…考核结果的通报, with the year once (see assessment.titles)."""
        single = self.kind == "year" and self.plan.year_start == self.plan.year_end == self.start.year
        return report_title(plan_title=self.plan.title, label=self.label, single_year=single)


class AssessmentResult(models.Model):
    """One department's place in an assessment: scores, bonus, penalty, veto, total, rank, grade."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("考核结果"), on_delete=models.CASCADE, related_name="results"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+"
    )
    base = models.DecimalField(_("基础得分"), max_digits=6, decimal_places=2)
    bonus = models.DecimalField(_("加分"), max_digits=6, decimal_places=2, default=Decimal(0))
    penalty = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    rank = models.PositiveSmallIntegerField(_("名次"))
    grade = models.CharField(_("等次"), max_length=1)
    adjustments = models.JSONField(_("加减分及否决事项"), default=list)

    class Meta:
        db_table = "reports_assessmentresult"
        ordering = ["assessment", "rank", "department__sort_order", "department__name"]
        verbose_name = _("部门考核结果")
        verbose_name_plural = _("部门考核结果")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "department"], name="result_unique_department"),
        ]

    def __str__(self) -> str:
        return f"{self.department} 第{self.rank}名 {self.total}分"


class CriterionScore(models.Model):
    """A criterion's raw figure, computed score, the department's self-score and the office's
    final score, with the plain-language reasons for every point lost."""

    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("部门考核结果"), on_delete=models.CASCADE, related_name="scores"
    )
    kind = models.CharField(_("考核内容"), max_length=16, choices=CriterionKind.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    applies = models.BooleanField(
        _("适用"),
        default=True,
        help_text=_("该单位本期没有应考核的内容或尚未评分时不适用，其余各项按比例折算"),
    )
    effective_weight = models.DecimalField(
        _("折算后分值"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    raw = models.CharField(_("原始数据"), max_length=100)
    computed = models.DecimalField(_("计算得分"), max_digits=6, decimal_places=2)
    self_score = models.DecimalField(_("自评分"), max_digits=6, decimal_places=2, null=True, blank=True)
    self_justification = models.CharField(_("自评说明"), max_length=500, blank=True)
    final = models.DecimalField(_("认定得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_reason = models.CharField(_("认定理由"), max_length=500, blank=True)
    lost = models.JSONField(_("失分说明"), default=list)

    class Meta:
        db_table = "reports_criterionscore"
        ordering = ["result", "position"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [models.UniqueConstraint(fields=["result", "kind"], name="score_unique_kind")]

    def __str__(self) -> str:
        return f"{self.result.department} {self.get_kind_display()} {self.score}"

    @property
    def score(self) -> Decimal:
        """What counts: the office's final score where it set one, else the computed score."""
        return self.computed if self.final is None else self.final


class Appeal(models.Model):
    """A unit's appeal (申诉) against a line of its published result, within the scheme's window
    of working days; the office accepts it (the result is re-issued as a new version, the old
    kept) or rejects it, with a reason either way."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("考核结果"), on_delete=models.PROTECT, related_name="appeals"
    )
    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("部门考核结果"), on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(
        _("申诉事项"), max_length=16, help_text=_("考核内容（如按时报送），或 bonus / penalty / veto / total")
    )
    reasons = models.TextField(_("申诉理由"), max_length=3000)
    requested_score = models.DecimalField(
        _("申请认定得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    decision = models.TextField(_("处理意见"), blank=True, max_length=2000)
    decided_score = models.DecimalField(_("认定得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reissued_as = models.ForeignKey(
        Assessment,
        verbose_name=_("重新发布的版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["assessment", "submitted_at"]
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")
        constraints = [
            models.UniqueConstraint(
                fields=["result", "kind"], condition=Q(status="pending"), name="appeal_one_pending_per_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result.department} {self.kind} {self.get_status_display()}"


class AppealFile(models.Model):
    """A file supporting an appeal: pdf, image, Word or Excel."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("申诉"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), storage=assessment_storage, upload_to="appeals/%Y/%m", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["appeal", "pk"]
        verbose_name = _("申诉材料")
        verbose_name_plural = _("申诉材料")

    def __str__(self) -> str:
        return self.original_name
