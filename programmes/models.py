"""Plans, their heading tree, tasks and each task's lead and participating departments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import jurisdiction_ids_for_user


def path_label(path: list[str]) -> str:
    """A task's printed path as people cite it: 二(一)1, or 附件·3 for a table row."""
    parts = []
    for number in path:
        if parts and not number.startswith("(") and not parts[-1].startswith("("):
            parts.append("·")
        parts.append(number)
    return "".join(parts)


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the plans of the jurisdictions they hold a role in."""
        return self.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user))

    def active(self):
        return self.filter(status=Plan.Status.ACTIVE)

    def current(self):
        """Plans that are not archived: drafts and active ones."""
        return self.exclude(status=Plan.Status.ARCHIVED)


class Plan(models.Model):
    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", _("行动计划")
        IMPLEMENTATION = "implementation", _("实施方案")
        WORK_POINTS = "work_points", _("工作要点")
        DELEGATED = "delegated", _("上级下发任务")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("执行中")
        ARCHIVED = "archived", _("已归档")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, default=Kind.ACTION_PLAN)
    issuer = models.CharField(_("印发机关"), max_length=128, blank=True)
    document_number = models.CharField(
        _("文号"), max_length=64, blank=True, help_text=_("例如：太政办〔2022〕64号")
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    year_start = models.PositiveSmallIntegerField(_("起始年度"))
    year_end = models.PositiveSmallIntegerField(_("截止年度"))
    reporting_frequency = models.CharField(
        _("报送频次"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    revision = models.PositiveIntegerField(
        _("调整次数"), default=0, help_text=_("每次修改方案加一；页面缓存以它为键")
    )
    # A child jurisdiction's plan that holds the tasks its parent delegated from one of its plans.
    parent_plan = models.ForeignKey(
        "self",
        verbose_name=_("上级工作方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_plans",
    )
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    source_text = models.TextField(_("原文"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year_end", "jurisdiction", "title"]
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=models.F("year_start")), name="plan_years_in_order"
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "document_number"],
                condition=~Q(document_number=""),
                name="plan_unique_document_number",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        """2026年 / 2025—2026年 whatever the language: the years the plan's files print."""
        if self.year_start == self.year_end:
            return f"{self.year_start}年"
        return f"{self.year_start}—{self.year_end}年"

    @property
    def period_display(self) -> str:
        """The plan's years as the reader's language writes them on a page: 2026年, 2025—2026年;
        2026, 2025—2026."""
        years = self.year_start if self.year_start == self.year_end else f"{self.year_start}—{self.year_end}"
        return _("%(year)s年") % {"year": years}


class Heading(models.Model):
    """A numbered item of a plan that has numbered items below it (二、任务分工; (一)…)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="headings"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级标题"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("编号"), max_length=16, help_text=_("按原文，例如：二、(一)"))
    path = models.JSONField(_("编号路径"), default=list)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("标题")
        verbose_name_plural = _("标题")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="heading_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def depth(self) -> int:
        return len(self.path) - 1


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees the tasks of the plans they may see."""
        return self.filter(plan__jurisdiction_id__in=jurisdiction_ids_for_user(user))

    def led_by(self, department):
        return self.filter(assignments__department=department, assignments__role=Assignment.Role.LEAD)

    def involving(self, department):
        return self.filter(assignments__department=department).distinct()

    def in_force(self):
        """Tasks not withdrawn (撤销): only these are reported, shown on dashboards and assessed."""
        return self.filter(withdrawn_at__isnull=True)


class Task(models.Model):
    """A numbered item with no numbered item below it: what departments report on."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        DELAYED = "delayed", _("滞后")

    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="tasks")
    heading = models.ForeignKey(
        Heading,
        verbose_name=_("所属标题"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    number = models.CharField(_("编号"), max_length=16)
    path = models.JSONField(_("编号路径"), default=list)
    title = models.CharField(_("工作任务"), max_length=300)
    text = models.TextField(_("主要内容"), blank=True)
    due = models.CharField(_("完成时限"), max_length=64, blank=True, help_text=_("按原文，例如：长期坚持"))
    due_date = models.DateField(_("完成日期"), null=True, blank=True)
    position = models.PositiveIntegerField(_("顺序"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    departments = models.ManyToManyField(
        Department, through="Assignment", verbose_name=_("责任部门"), related_name="tasks"
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="task_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.path_label} {self.title}"

    @property
    def path_label(self) -> str:
        return path_label(self.path)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Milestone(models.Model):
    """A dated step of a task (时间节点): 6月底前完成招标, 12月底前建成投用."""

    task = models.ForeignKey(
        Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("日期"))
    title = models.CharField(_("节点内容"), max_length=200)

    class Meta:
        ordering = ["task", "date", "pk"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class Assignment(models.Model):
    """A department's part in a task: lead (牵头) or participating (参与/配合)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        PARTICIPATING = "participating", _("参与")

    task = models.ForeignKey(
        Task, verbose_name=_("工作任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("职责"), max_length=16, choices=Role.choices)
    printed_name = models.CharField(_("原文名称"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["task", "role", "position"]
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "role"], name="assignment_unique_role"),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "participating"]), name="assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.path_label} · {self.department} · {self.get_role_display()}"


class PlanRevision(models.Model):
    """A change to a plan (方案调整) with its reason, author and the plan as it stood after it.

    Number 0 is the plan as first issued, recorded before its first change; any two revisions'
    snapshots are compared to show what changed between them.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("序号"))
    reason = models.CharField(_("调整原因"), max_length=300)
    summary = models.CharField(_("调整内容"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("调整时间"), auto_now_add=True)
    snapshot = models.JSONField(_("调整后的方案"), default=dict)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("方案调整")
        verbose_name_plural = _("方案调整")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.number}"


class Delegation(models.Model):
    """A parent's task delegated (任务下发) to one subordinate jurisdiction: the child's copy of
    it, whose text only the parent changes and whose reports feed the parent's view."""

    task = models.ForeignKey(
        Task, verbose_name=_("上级任务"), on_delete=models.CASCADE, related_name="delegations"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("下级行政区"), on_delete=models.PROTECT, related_name="delegations"
    )
    child_task = models.OneToOneField(
        Task, verbose_name=_("下级任务"), on_delete=models.CASCADE, related_name="delegated_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下发人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("下发时间"), auto_now_add=True)

    class Meta:
        ordering = ["task", "jurisdiction__name"]
        verbose_name = _("任务下发")
        verbose_name_plural = _("任务下发")
        constraints = [
            models.UniqueConstraint(fields=["task", "jurisdiction"], name="delegation_once_per_child"),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.jurisdiction}"
