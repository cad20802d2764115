"""Reporting periods, department reports with task entries and indicator values, evidence,
review comments, work updates and notifications."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from programmes.models import Task
from qualitycity.storage import private_storage
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import user_scope
from targets.models import Indicator


class ReportingRule(models.Model):
    """How a jurisdiction's periods run: the deadline day of the following month."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="reporting_rule"
    )
    deadline_day = models.PositiveSmallIntegerField(_("截止日（次月几号）"), default=5)
    reminder_days_before = models.PositiveSmallIntegerField(_("提前几天提醒"), default=3)

    class Meta:
        verbose_name = _("报送规则")
        verbose_name_plural = _("报送规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_day__gte=1, deadline_day__lte=28), name="rule_deadline_day_1_28"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}：次月{self.deadline_day}日截止"


class PeriodQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the periods of the jurisdictions they hold a role in."""
        from responsibilities.selectors import jurisdiction_ids_for_user

        return self.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user))

    def open(self):
        return self.filter(status=ReportingPeriod.Status.OPEN)


class ReportingPeriod(models.Model):
    """A month of reporting in a jurisdiction, with its deadline on a working day."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("未开始")
        OPEN = "open", _("填报中")
        CLOSED = "closed", _("已截止")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="periods"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    opened_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction", "-start"]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "start"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("end")), name="period_deadline_after_end"
            ),
        ]

    def __str__(self) -> str:
        """甲市 2026年11月 / 甲市 November 2026: what a period picker lists."""
        return f"{self.jurisdiction} {self.display_label}"

    @property
    def label(self) -> str:
        """2026年11月 whatever the language: the label audit summaries, notices and the files
        (汇总表, 督办单) carry."""
        return f"{self.start.year}年{self.start.month}月"

    @property
    def display_label(self) -> str:
        """The month as the reader's language writes it on a page: 2026年11月, November 2026."""
        return date_format(self.start, "YEAR_MONTH_FORMAT")

    @property
    def is_quarter_end(self) -> bool:
        return self.end.month in (3, 6, 9, 12)

    def days_left(self, today: dt.date) -> int:
        return (self.deadline - today).days


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """The office and leaders see their jurisdiction's reports; liaisons and heads only their
        department's."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        whole = Q(period__jurisdiction_id__in=scope.overseen_jurisdiction_ids)
        own = Q(department_id__in=scope.department_ids)
        return self.filter(whole | own)

    def current(self):
        """The latest version of each department's report for a period."""
        return self.filter(superseded_by__isnull=True)


class DepartmentReport(models.Model):
    """One department's report for one period, covering every task it leads or joins in every
    plan due that period. A correction after approval is a new version; both stay."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        SIGNED_OFF = "signed_off", _("负责人已审签")
        APPROVED = "approved", _("已通过")

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("报送期"), on_delete=models.CASCADE, related_name="reports"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="reports"
    )
    department_name = models.CharField(
        _("填报时单位名称"), max_length=64, blank=True, help_text=_("部门更名后，旧月报仍显示填报时的名称")
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    is_late = models.BooleanField(_("逾期提交"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("审签时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审签人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(_("质强办评分"), null=True, blank=True)
    head_comment = models.TextField(
        _("负责人意见"), blank=True, max_length=2000, help_text=_("负责人退回或审签时的意见，联络员可见")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ReportQuerySet.as_manager()

    # The workflow in one place: which action moves which status where.
    TRANSITIONS = {
        "submit": (Status.DRAFT, Status.SUBMITTED),
        "sign_off": (Status.SUBMITTED, Status.SIGNED_OFF),
        "send_back": (Status.SUBMITTED, Status.DRAFT),  # the head returns it to the liaison
        "approve": (Status.SIGNED_OFF, Status.APPROVED),
        "return": (Status.SIGNED_OFF, Status.DRAFT),
    }

    class Meta:
        ordering = ["period", "department", "version"]
        verbose_name = _("部门月报")
        verbose_name_plural = _("部门月报")
        constraints = [
            models.UniqueConstraint(fields=["period", "department", "version"], name="report_unique_version"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__lte=100), name="report_rating_0_100"
            ),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.department} {self.period.label}{suffix}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:report_detail", args=[self.pk])

    @property
    def unit_name(self) -> str:
        """The department's name as it was when the report was written (it may since be renamed)."""
        return self.department_name or self.department.name

    def can(self, action: str) -> bool:
        """Whether the workflow allows the action from the current status (not who may do it)."""
        source, _target = self.TRANSITIONS[action]
        return self.status == source and not hasattr_superseded(self)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT and not hasattr_superseded(self)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED


def hasattr_superseded(report: DepartmentReport) -> bool:
    try:
        return report.superseded_by is not None
    except DepartmentReport.superseded_by.RelatedObjectDoesNotExist:
        return False


class TaskEntry(models.Model):
    """A department's progress on one task in one report. Each entry carries its own version
    so two people saving different entries never collide, and the same entry never silently."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        PARTICIPATING = "participating", _("参与")

    report = models.ForeignKey(
        DepartmentReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="entries"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="entries"
    )
    role = models.CharField(_("职责"), max_length=16, choices=Role.choices)
    task_text = models.TextField(
        _("填报时的任务内容"), blank=True, help_text=_("提交时记下；方案调整后仍可看到按什么填报")
    )
    status = models.CharField(
        _("进度"), max_length=16, choices=Task.Status.choices, default=Task.Status.IN_PROGRESS
    )
    progress = models.TextField(_("进展情况"), blank=True, max_length=5000)
    problems = models.TextField(_("存在问题"), blank=True, max_length=2000)
    next_steps = models.TextField(_("下步计划"), blank=True, max_length=2000)
    consolidated = models.TextField(
        _("汇总各参与单位情况"), blank=True, max_length=5000, help_text=_("牵头单位汇总参与单位报送的内容")
    )
    office_comment = models.TextField(_("质强办意见"), blank=True, max_length=2000)
    returned = models.BooleanField(_("被退回"), default=False)
    version = models.PositiveIntegerField(_("修改次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "task__plan_id", "task__position"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="entry_unique_task")]

    def __str__(self) -> str:
        return f"{self.report} · {self.task.path_label}"

    @property
    def task_changed_since(self) -> bool:
        """The task's text has been revised since this entry was submitted against it."""
        current = "\n".join(part for part in (self.task.title, self.task.text) if part)
        return bool(self.task_text) and self.task_text != current

    @cached_property
    def is_blank(self) -> bool:
        return not (self.progress.strip() or self.problems.strip() or self.next_steps.strip())


class IndicatorValue(models.Model):
    """A department's value of one indicator for the period: entered once, seen by every plan."""

    report = models.ForeignKey(
        DepartmentReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="reported_values"
    )
    value = models.DecimalField(_("本期数值"), max_digits=18, decimal_places=4, null=True, blank=True)
    gap_explanation = models.TextField(_("未达标说明"), blank=True, max_length=2000)
    note = models.CharField(_("备注"), blank=True, max_length=500)
    commitment = models.CharField(
        _("填报时的目标"), max_length=300, blank=True, help_text=_("提交时记下；目标调整后仍可看到按什么填报")
    )
    version = models.PositiveIntegerField(_("修改次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["report", "indicator__name"]
        verbose_name = _("指标填报")
        verbose_name_plural = _("指标填报")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="value_unique_indicator")]

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator.name}"


def evidence_storage():
    """Evidence lives under PRIVATE_ROOT, outside any public path; a view streams it after a
    permission check."""
    return private_storage("evidence")


def evidence_path(instance, filename: str) -> str:
    today = dt.date.today()
    return f"{today:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot >= 0 else ""


class Evidence(models.Model):
    """A supporting file (佐证材料) for a task entry: pdf, image, Word or Excel, at most 20 MB."""

    entry = models.ForeignKey(
        TaskEntry, verbose_name=_("任务进展"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class WorkUpdateQuerySet(models.QuerySet):
    def for_user(self, user):
        from responsibilities.selectors import jurisdiction_ids_for_user

        return self.filter(department__jurisdiction_id__in=jurisdiction_ids_for_user(user))


class WorkUpdate(models.Model):
    """A dated news item a department posts (工作动态); the office counts them per month."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="work_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL
    )
    date = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=5000)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = WorkUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("工作动态")
        verbose_name_plural = _("工作动态")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.department} {self.title}"


class Notification(models.Model):
    """An in-app message to one user: a reminder, a return, an approval."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


def compiled_storage():
    """The month's compiled tables and briefings, streamed after a permission check."""
    return private_storage("compiled")


class MonthlyCompilation(models.Model):
    """The 月度推进情况汇总表 of a plan for a period, built in the worker (xlsx and docx), with
    its progress for the page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        SUCCESS = "success", _("已生成")
        FAILED = "failed", _("失败")

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("报送期"), on_delete=models.CASCADE, related_name="compilations"
    )
    plan = models.ForeignKey(
        "programmes.Plan", verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="compilations"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.CharField(_("错误信息"), max_length=300, blank=True)
    xlsx = models.FileField(
        _("Excel"), storage=compiled_storage, upload_to="tables/%Y/%m", blank=True, max_length=200
    )
    docx = models.FileField(
        _("Word"), storage=compiled_storage, upload_to="tables/%Y/%m", blank=True, max_length=200
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("月度推进情况汇总表")
        verbose_name_plural = _("月度推进情况汇总表")

    def __str__(self) -> str:
        return f"{self.plan} {self.period.label}"


class Briefing(models.Model):
    """An issue of the 工作简报: numbered per jurisdiction and year (第N期), its items picked by
    the office from 工作动态 and task entries, laid out as a docx in the 简报 layout."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编辑中")
        ISSUED = "issued", _("已印发")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="briefings"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200, default="质量强市工作简报")
    editor_unit = models.CharField(_("编发单位"), max_length=128, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    send_to = models.CharField(_("报送"), max_length=500, blank=True)
    copy_to = models.CharField(_("抄送"), max_length=500, blank=True)
    items = models.JSONField(_("内容"), default=list, help_text=_("[{title, body, source, kind, id}]"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    docx = models.FileField(
        _("Word"), storage=compiled_storage, upload_to="briefings/%Y", blank=True, max_length=200
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction", "-year", "-number", "-created_at"]
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "number"],
                condition=Q(number__isnull=False),
                name="briefing_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}年第{self.number or '—'}期"


class Channel(models.TextChoices):
    """Where a notification reaches a person besides the portal itself."""

    EMAIL = "email", _("电子邮件")
    DINGTALK = "dingtalk", _("政务钉钉")
    WECOM = "wecom", _("企业微信")
    SMS = "sms", _("短信")


class GroupRobot(models.Model):
    """A 政务钉钉 or 企业微信 group robot of a department (or, with no department, of the office):
    the webhook that a message for the group's members is posted to, with its signing secret."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="group_robots"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_robots",
        help_text=_("留空表示质强办的工作群"),
    )
    kind = models.CharField(
        _("渠道"),
        max_length=16,
        choices=[(Channel.DINGTALK, Channel.DINGTALK.label), (Channel.WECOM, Channel.WECOM.label)],
    )
    name = models.CharField(_("群名称"), max_length=100)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction", "department", "kind", "name"]
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class NotificationPreference(models.Model):
    """The channels a person chose to hear from the portal on, besides its own 通知 page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)
    dingtalk = models.BooleanField(_("政务钉钉"), default=False)
    wecom = models.BooleanField(_("企业微信"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知方式")
        verbose_name_plural = _("通知方式")

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """A notification sent over one channel to one address: queued, sent or failed after its
    retries, kept as the delivery log the office reads."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("行政区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    robot = models.ForeignKey(
        GroupRobot,
        verbose_name=_("群机器人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("发送至"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("错误信息"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        indexes = [models.Index(fields=["jurisdiction", "-created_at"], name="delivery_log")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address} {self.get_status_display()}"


def statistics_storage():
    """The statistics sheets the office uploaded, kept with what they changed."""
    return private_storage("statistics")


class StatisticsUpload(models.Model):
    """An office's upload of official statistics: one Excel sheet of indicator values saved in
    one transaction; a value uploaded again replaces the earlier one, which stays on record."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.CASCADE, related_name="statistics_uploads"
    )
    file = models.FileField(
        _("文件"), storage=statistics_storage, upload_to="%Y/%m", blank=True, max_length=200
    )
    file_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    replaced_count = models.PositiveIntegerField(_("替换行数"), default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("统计数据上传")
        verbose_name_plural = _("统计数据上传")

    def __str__(self) -> str:
        return f"{self.file_name} {self.uploaded_at:%Y-%m-%d}"


class StatisticsValue(models.Model):
    """One row of an upload: an indicator's official value for a period, with its source and
    the value it replaced (the history of a re-upload)."""

    upload = models.ForeignKey(
        StatisticsUpload, verbose_name=_("上传"), on_delete=models.CASCADE, related_name="values"
    )
    row = models.PositiveIntegerField(_("行号"))
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="statistics_values"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    previous_value = models.DecimalField(_("原数值"), max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["upload", "row"]
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")
        indexes = [models.Index(fields=["indicator", "period_end"], name="statistics_value_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_end:%Y-%m} {self.value}"
