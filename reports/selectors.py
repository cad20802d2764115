"""Reads of reports, loaded for the user in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from programmes.models import Task, path_label
from qualitycity.formats import decimal_text
from responsibilities.models import AuditEvent, Department, Role
from responsibilities.scope import user_scope
from targets.models import Target
from targets.status import TargetReading, target_readings

from .models import DepartmentReport, Evidence, IndicatorValue, ReportingPeriod, TaskEntry, WorkUpdate


def user_roles_for_report(*, user, report: DepartmentReport) -> set[str]:
    """What the user is to this report: liaison or head of its department, office, leader."""
    scope = user_scope(user)
    roles = set()
    if report.department_id in scope.department_ids:
        roles |= set(
            user.memberships.filter(department_id=report.department_id, is_active=True).values_list(
                "role", flat=True
            )
        )
    if scope.is_office_of(report.period.jurisdiction_id):
        roles.add(Role.OFFICE_ADMIN)
    if report.period.jurisdiction_id in scope.leader_jurisdiction_ids:
        roles.add(Role.LEADER)
    return roles


@dataclass
class ReportPage:
    report: DepartmentReport
    entries: list[TaskEntry]
    values: list[IndicatorValue]
    targets_by_indicator: dict[int, list[Target]]
    parts_by_task: dict[int, list[TaskEntry]] = field(default_factory=dict)
    versions: list[DepartmentReport] = field(default_factory=list)
    # Each target's reading as the months before the period left it (the last value and its
    # status), by target id: what a liaison sees next to this month's figure.
    readings_before: dict[int, TargetReading] = field(default_factory=dict)


def report_page(*, report: DepartmentReport) -> ReportPage:
    """Everything the report page shows, in a number of queries that does not grow with the
    report: entries with tasks and evidence, values with targets and their readings before the
    period, participants' parts, versions."""
    from .services import plans_due

    entries = list(
        report.entries.select_related("task__plan", "updated_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))
        )
    )
    values = list(report.values.select_related("indicator"))
    # The commitments each value answers: those of the tasks in force of the due plans, as
    # department_indicators_due finds the indicators.
    targets = Target.objects.filter(
        indicator__in=[v.indicator_id for v in values],
        task__plan__in=plans_due(period=report.period).values("pk"),
        task__withdrawn_at__isnull=True,
    ).select_related("indicator", "task__plan")
    targets_by_indicator: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        targets_by_indicator[target.indicator_id].append(target)
    lead_tasks = [e.task_id for e in entries if e.role == TaskEntry.Role.LEAD]
    parts = (
        TaskEntry.objects.filter(
            task_id__in=lead_tasks,
            role=TaskEntry.Role.PARTICIPATING,
            report__period_id=report.period_id,
            report__superseded_by__isnull=True,
        )
        .exclude(report__department_id=report.department_id)
        .select_related("report__department")
        .order_by("report__department__sort_order")
    )
    parts_by_task: dict[int, list[TaskEntry]] = defaultdict(list)
    for part in parts:
        parts_by_task[part.task_id].append(part)
    versions = list(
        DepartmentReport.objects.filter(
            period_id=report.period_id, department_id=report.department_id
        ).order_by("version")
    )
    shown = [t for targets in targets_by_indicator.values() for t in targets]
    readings = target_readings(shown, as_of=report.period.start - dt.timedelta(days=1)) if shown else {}
    return ReportPage(
        report, entries, values, dict(targets_by_indicator), dict(parts_by_task), versions, readings
    )


def reports_for_department(*, department: Department):
    return (
        DepartmentReport.objects.filter(department=department)
        .select_related("period")
        .order_by("-period__start", "-version")
    )


@dataclass
class PeriodRow:
    department: Department
    report: DepartmentReport | None

    @property
    def state(self) -> str:
        """missing (no submission), late (submitted after the deadline), or submitted."""
        if self.report is None or self.report.status == DepartmentReport.Status.DRAFT:
            return "missing"
        return "late" if self.report.is_late else "submitted"


def period_overview(*, period: ReportingPeriod) -> list[PeriodRow]:
    """Each reporting department's current report for the period (or none), in order."""
    from .services import departments_reporting

    reports = {
        r.department_id: r for r in DepartmentReport.objects.filter(period=period, superseded_by__isnull=True)
    }
    departments = departments_reporting(period=period).order_by("sort_order", "name")
    return [PeriodRow(d, reports.get(d.pk)) for d in departments]


def periods_for_user(*, user):
    return (
        ReportingPeriod.objects.for_user(user)
        .select_related("jurisdiction")
        .annotate(
            report_count=Count("reports", filter=Q(reports__superseded_by__isnull=True)),
            submitted_count=Count(
                "reports",
                filter=Q(reports__superseded_by__isnull=True)
                & ~Q(reports__status=DepartmentReport.Status.DRAFT),
            ),
        )
    )


def report_events(*, report: DepartmentReport):
    """The audit trail of a report: every save, submission, sign-off and review, with values."""
    entry_ids = [str(pk) for pk in report.entries.values_list("pk", flat=True)]
    value_ids = [str(pk) for pk in report.values.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(object_type="reports.departmentreport", object_id=str(report.pk))
        | AuditEvent.objects.filter(object_type="reports.taskentry", object_id__in=entry_ids)
        | AuditEvent.objects.filter(object_type="reports.indicatorvalue", object_id__in=value_ids)
    ).select_related("actor")


@dataclass(frozen=True)
class HistoryRow:
    """One audit event of a report as the page shows it: the change in words on both sides."""

    event: AuditEvent
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]


def report_history(*, report: DepartmentReport) -> list[HistoryRow]:
    """The report's audit trail in words: field names (进展情况, not progress), choices (推进中,
    not in_progress), figures as written (95.2) and a comment under the task it was made on (二(一)1,
    not the entry's number); two queries besides the events."""
    labels = {
        f.name: str(f.verbose_name)
        for model in (DepartmentReport, TaskEntry, IndicatorValue)
        for f in model._meta.fields
    }
    choices = {**dict(Task.Status.choices), **dict(DepartmentReport.Status.choices)}
    tasks = {str(pk): path_label(path) for pk, path in report.entries.values_list("pk", "task__path")}

    def words(changes) -> list[tuple[str, str]]:
        rows = []
        for key, value in (changes or {}).items():
            comment = key in tasks  # an office comment, keyed by its entry
            label = _("任务 %(task)s 的意见") % {"task": tasks[key]} if comment else labels.get(key, key)
            rows.append((label, _history_value(value, choices)))
        return rows

    return [HistoryRow(e, words(e.before), words(e.after)) for e in report_events(report=report)]


def _history_value(value, choices: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    try:
        return decimal_text(Decimal(value)) if isinstance(value, str) and value[:1].isdigit() else str(value)
    except (InvalidOperation, ValueError):
        return str(value)


def work_updates_for_user(*, user):
    """The office and leaders read every department's updates; department people their own."""
    scope = user_scope(user)
    updates = WorkUpdate.objects.for_user(user).select_related("department", "author")
    if not scope.overseen_jurisdiction_ids:
        updates = updates.filter(department_id__in=scope.department_ids)
    return updates


def work_update_counts(*, updates, since):
    """Updates per department and month from the month of `since` on."""
    return (
        updates.filter(date__gte=since.replace(day=1))
        .annotate(month=TruncMonth("date"))
        .values("department__name", "month")
        .annotate(n=Count("pk"))
        .order_by("department__name", "month")
    )
