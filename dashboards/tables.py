"""The dashboard's drill-down lists: tasks, targets, a period's reports, the department ranking.
Each is sortable and paginated by the base table; its Excel file is laid out by
dashboards.exports, in the order the table sorted."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qualitycity.formats import decimal_text as fmt
from qualitycity.tables import BaseTable
from targets.status import TargetStatus

from .selectors import ReportState


def _badge(state: str, label) -> str:
    return format_html('<span class="badge state-{}">{}</span>', state, label)


class TaskTable(BaseTable):
    number = tables.Column(accessor="path_label", verbose_name=_("编号"), order_by=("plan_id", "position"))
    title = tables.Column(verbose_name=_("工作任务"), linkify=("dashboards:task_history", [tables.A("pk")]))
    plan = tables.Column(accessor="plan__title", verbose_name=_("工作方案"))
    leads = tables.Column(accessor="leads", verbose_name=_("牵头部门"), orderable=False)
    current_status = tables.Column(verbose_name=_("进展状态"))

    class Meta(BaseTable.Meta):
        fields = ("number", "title", "plan", "leads", "current_status")

    def render_leads(self, value):
        return "、".join(a.department.name for a in value) or "—"

    def value_leads(self, value):
        return self.render_leads(value)

    def render_current_status(self, value):
        from programmes.models import Task

        return _badge(value, Task.Status(value).label)

    def value_current_status(self, value):
        from programmes.models import Task

        return str(Task.Status(value).label)


class TargetTable(BaseTable):
    indicator = tables.Column(accessor="target__indicator__name", verbose_name=_("指标"))
    commitment = tables.Column(accessor="target__commitment", verbose_name=_("目标"), orderable=False)
    current = tables.Column(accessor="reading__current", verbose_name=_("当前值"))
    expected = tables.Column(accessor="reading__expected", verbose_name=_("按进度应达"))
    status = tables.Column(accessor="status", verbose_name=_("状态"))
    task = tables.Column(
        accessor="target__task__path_label",
        verbose_name=_("所属任务"),
        linkify=lambda record: (
            reverse("dashboards:task_history", args=[record.target.task_id]) + f"#target-{record.target.pk}"
        ),
    )
    department = tables.Column(
        accessor="target__indicator__reporting_department__name", verbose_name=_("报送部门"), default="—"
    )

    class Meta(BaseTable.Meta):
        fields = ("indicator", "commitment", "current", "expected", "status", "task", "department")

    def render_current(self, value, record):
        return f"{fmt(value)}{record.target.indicator.unit}"

    def render_expected(self, value, record):
        return f"{fmt(value)}{record.target.indicator.unit}"

    def render_status(self, value):
        return _badge(value, TargetStatus(value).label)

    def value_status(self, value):
        return str(TargetStatus(value).label)

    def value_current(self, value):
        return fmt(value)

    def value_expected(self, value):
        return fmt(value)


class PeriodReportTable(BaseTable):
    department = tables.Column(
        accessor="department__name",
        verbose_name=_("部门"),
        linkify=lambda record: reverse("dashboards:department_dashboard", args=[record.department.pk]),
    )
    state = tables.Column(verbose_name=_("报送情况"))
    status = tables.Column(accessor="report__get_status_display", verbose_name=_("月报状态"), default="—")
    submitted_at = tables.TemplateColumn(
        '{% load local_dates %}{{ value|local_date:"MONTH_DAY_TIME_FORMAT"|default:"—" }}',
        accessor="report__submitted_at",
        verbose_name=_("提交时间"),
        default="—",
    )
    report = tables.Column(
        accessor="report__pk",
        verbose_name=_("月报"),
        orderable=False,
        default="—",
        linkify=lambda record: (
            reverse("reports:report_detail", args=[record.report.pk]) if record.report else None
        ),
    )

    class Meta(BaseTable.Meta):
        fields = ("department", "state", "status", "submitted_at", "report")

    def render_state(self, value):
        return _badge(value, ReportState.LABELS[value])

    def value_state(self, value):
        return str(ReportState.LABELS[value])

    def render_report(self, value):
        return _("查看")


class RankingTable(BaseTable):
    rank = tables.Column(verbose_name=_("名次"))
    department = tables.Column(
        accessor="department__name",
        verbose_name=_("部门"),
        linkify=lambda record: reverse("dashboards:department_dashboard", args=[record.department.pk]),
    )
    due = tables.Column(verbose_name=_("应报"))
    on_time = tables.Column(verbose_name=_("按时"))
    late = tables.Column(verbose_name=_("逾期"))
    missing = tables.Column(verbose_name=_("未报"))
    rate = tables.Column(verbose_name=_("按时报送率"), default=_("无应报"))

    class Meta(BaseTable.Meta):
        fields = ("rank", "department", "due", "on_time", "late", "missing", "rate")

    def render_rate(self, value):
        return f"{fmt(value)}%"
