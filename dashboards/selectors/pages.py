"""A department's page and a task's page: their tasks, reports, entries and history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from programmes.models import Assignment, Task
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department
from targets.models import Measurement, Target
from targets.status import TargetReading, reading_of_series, targets_with_series

from .figures import trend_points
from .reporting import DepartmentRecord, report_state
from .selection import current_statuses, tasks_shown


@dataclass
class DepartmentPage:
    department: Department
    current: DepartmentReport | None
    days_left: int | None
    returned: list[TaskEntry]
    tasks: list[Task]
    history: list[DepartmentReport]
    record: DepartmentRecord
    periods: list[ReportingPeriod]

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def department_page(*, department: Department, today: dt.date | None = None) -> DepartmentPage:
    """A department's tasks in force of the active plans, its current report and what came back
    from the office, and its whole reporting history with the on-time record of the year."""
    today = today or timezone.localdate()
    history = list(
        DepartmentReport.objects.filter(department=department)
        .select_related("period")
        .annotate(
            entry_count=Count("entries"), returned_count=Count("entries", filter=Q(entries__returned=True))
        )
        .order_by("-period__start", "-version")
    )
    current = next((r for r in history if r.period.start <= today and not _is_superseded(r, history)), None)
    returned = []
    if current is not None:
        returned = list(
            current.entries.filter(Q(returned=True) | ~Q(office_comment=""))
            .select_related("task__plan")
            .order_by("task__plan_id", "task__position")
        )
    named = Assignment.objects.filter(Q(department=department) | Q(department__members=department))
    involved = tasks_shown().filter(pk__in=named.values("task_id"))
    statuses = current_statuses(involved, as_of=today)
    tasks = list(involved.select_related("plan").order_by("plan_id", "position"))
    for task in tasks:
        task.current_status = statuses[task.pk]
    periods = sorted({r.period for r in history if r.period.start.year == today.year}, key=lambda p: p.start)
    record = DepartmentRecord(department)
    for report in history:
        if report.period.start.year == today.year and not _is_superseded(report, history):
            record.states[report.period_id] = report_state(
                status=report.status, is_late=report.is_late, deadline=report.period.deadline, today=today
            )
    return DepartmentPage(
        department=department,
        current=current,
        days_left=(current.period.deadline - today).days if current else None,
        returned=returned,
        tasks=tasks,
        history=history,
        record=record,
        periods=periods,
    )


def _is_superseded(report: DepartmentReport, history: list[DepartmentReport]) -> bool:
    return any(r.supersedes_id == report.pk for r in history)


@dataclass
class TaskPage:
    task: Task
    assignments: list[Assignment]
    entries: list[TaskEntry]
    targets: list[tuple[Target, TargetReading, list[tuple[str, float | None]], list[Measurement]]]


def task_page(*, task: Task, today: dt.date | None = None) -> TaskPage:
    """A task's whole history: every department's entry in every report version, newest
    first, and each target's reading with its values month by month."""
    today = today or timezone.localdate()
    assignments = list(task.assignments.select_related("department"))
    entries = list(
        TaskEntry.objects.filter(task=task)
        .select_related("report__period", "report__department", "updated_by")
        .order_by("-report__period__start", "report__department__sort_order", "-report__version")
    )
    loaded = targets_with_series(Target.objects.filter(task=task).order_by("position"), as_of=today)
    by_indicator: dict[int, list[Measurement]] = defaultdict(list)
    for m in (
        Measurement.objects.filter(indicator_id__in=[t.indicator_id for t in loaded])
        .select_related("department")
        .order_by("-period_end")
    ):
        by_indicator[m.indicator_id].append(m)
    targets = []
    for target in loaded:
        measurements = by_indicator[target.indicator_id]
        values = {m.period_end: m.value for m in measurements}
        reading = reading_of_series(target, series=target.series, as_of=today)
        targets.append((target, reading, trend_points(target, values=values, as_of=today), measurements))
    return TaskPage(task, assignments, entries, targets)
