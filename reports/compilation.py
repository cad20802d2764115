"""The rules of the 月度推进情况汇总表: which rows, in what order, from which data.

A plan's headings are section rows and its tasks in force are blocks, in printed order. Each
block has one part per department expected on the task: its lead departments first, then its
participating ones (a collective name stands for its member units), each with the entry of the
department's latest submitted report of the period (a correction still in draft does not hide
the approved version); a department with nothing submitted is marked missing, one that
submitted after the deadline late. The indicators of the task's targets carry the period's
value and the status the targets app reads at the period's end. One query set per kind of row,
never one per task.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from programmes.models import Assignment, Heading, Plan, Task
from programmes.numbering import heading_label, task_number
from qualitycity.formats import decimal_text
from responsibilities.models import Department
from targets.models import Indicator, Measurement, Target
from targets.status import TargetStatus, reading_of_series, targets_with_series

from .models import DepartmentReport, ReportingPeriod, TaskEntry

SUBMITTED, LATE, MISSING = "submitted", "late", "missing"


@dataclass(frozen=True)
class Part:
    """One department's part of a task: its entry, or the mark that it has none."""

    department: str
    role: str  # Assignment.Role
    state: str  # SUBMITTED, LATE or MISSING
    progress: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    commitment: str
    value: str  # the period's value with its unit, or ""
    total: str  # the running total of a cumulative indicator, or ""
    status: str  # TargetStatus value
    status_label: str


@dataclass(frozen=True)
class Section:
    label: str


@dataclass
class TaskBlock:
    number: str
    title: str
    parts: list[Part] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass
class MonthTable:
    title: str
    plan: Plan
    period: ReportingPeriod
    rows: list  # Section | TaskBlock, in printed order
    counts: dict[str, int]  # departments expected by state

    @property
    def task_count(self) -> int:
        return sum(1 for row in self.rows if isinstance(row, TaskBlock))


def table_title(period: ReportingPeriod) -> str:
    """XX市质量强市工作月度推进情况汇总表（2026年11月）."""
    return _("%(place)s质量强市工作月度推进情况汇总表（%(period)s）") % {
        "place": period.jurisdiction.name,
        "period": period.label,
    }


def _report_state(report: DepartmentReport | None) -> str:
    if report is None:
        return MISSING
    return LATE if report.is_late else SUBMITTED


def _submitted_reports(period: ReportingPeriod, department_ids) -> dict[int, DepartmentReport]:
    """Each department's latest submitted version for the period (a correction in draft leaves
    the version before it in force); one query."""
    reports: dict[int, DepartmentReport] = {}
    rows = (
        DepartmentReport.objects.filter(period=period, department_id__in=department_ids)
        .exclude(status=DepartmentReport.Status.DRAFT)
        .only("pk", "department_id", "version", "is_late", "status", "department_name")
        .order_by("department_id", "version")
    )
    for report in rows:
        reports[report.department_id] = report  # the highest version wins
    return reports


def _expected_departments(tasks: list[Task]) -> dict[int, list[tuple[Department, str]]]:
    """Per task, its departments with their role in order: leads then participants, each in the
    plan's order, a collective name replaced by its active member units; two queries."""
    assignments = list(
        Assignment.objects.filter(task__in=[t.pk for t in tasks])
        .select_related("department")
        .order_by("task_id", "position", "pk")
    )
    collective_ids = {a.department_id for a in assignments if a.department.is_collective}
    members: dict[int, list[Department]] = defaultdict(list)
    if collective_ids:
        through = Department.members.through.objects.filter(from_department_id__in=collective_ids)
        for link in through.select_related("to_department").order_by(
            "to_department__sort_order", "to_department__name"
        ):
            unit = link.to_department
            if unit.is_active and not unit.is_collective:
                members[link.from_department_id].append(unit)
    by_task: dict[int, list[tuple[Department, str]]] = defaultdict(list)
    for role in (Assignment.Role.LEAD, Assignment.Role.PARTICIPATING):
        for assignment in assignments:
            if assignment.role != role:
                continue
            units = (
                members[assignment.department_id]
                if assignment.department.is_collective
                else [assignment.department]
            )
            seen = {d.pk for d, _role in by_task[assignment.task_id]}
            by_task[assignment.task_id].extend((u, role) for u in units if u.pk not in seen)
    return by_task


def _indicator_lines(tasks: list[Task], period: ReportingPeriod) -> dict[int, list[IndicatorLine]]:
    """Per task, its targets' indicators with the period's value, the running total of a
    cumulative one and the status at the period's end; a constant number of queries."""
    targets = targets_with_series(
        Target.objects.filter(task__in=[t.pk for t in tasks]).order_by("task_id", "position", "pk"),
        as_of=period.end,
    )
    values = dict(
        Measurement.objects.filter(
            indicator_id__in={t.indicator_id for t in targets}, period_end=period.end
        ).values_list("indicator_id", "value")
    )
    lines: dict[int, list[IndicatorLine]] = defaultdict(list)
    for target in targets:
        reading = reading_of_series(target, series=target.series, as_of=period.end)
        indicator = target.indicator
        value = values.get(indicator.pk)
        cumulative = indicator.aggregation == Indicator.Aggregation.SUM and target.series.count
        lines[target.task_id].append(
            IndicatorLine(
                name=indicator.name,
                commitment=target.commitment,
                value="" if value is None else f"{decimal_text(value)}{indicator.unit}",
                total=f"{decimal_text(Decimal(target.series.total))}{indicator.unit}" if cumulative else "",
                status=reading.status,
                status_label=str(TargetStatus(reading.status).label),
            )
        )
    return lines


def month_table(*, period: ReportingPeriod, plan: Plan) -> MonthTable:
    """The 汇总表 of a plan for a period (see the module's docstring for the rules)."""
    headings = list(Heading.objects.filter(plan=plan))
    tasks = list(Task.objects.filter(plan=plan).in_force())
    expected = _expected_departments(tasks)
    department_ids = {d.pk for parts in expected.values() for d, _role in parts}
    reports = _submitted_reports(period, department_ids)
    entries = {
        (e.report_id, e.task_id): e
        for e in TaskEntry.objects.filter(
            report_id__in=[r.pk for r in reports.values()], task__in=[t.pk for t in tasks]
        ).only("report_id", "task_id", "progress", "problems", "next_steps", "consolidated")
    }
    indicators = _indicator_lines(tasks, period)

    nodes = [(h.position, h) for h in headings] + [(t.position, t) for t in tasks]
    nodes.sort(key=lambda node: node[0])
    rows: list = []
    counts = {SUBMITTED: 0, LATE: 0, MISSING: 0}
    for _position, item in nodes:
        if isinstance(item, Heading):
            rows.append(Section(heading_label(item)))
            continue
        block = TaskBlock(task_number(item), item.title, indicators=indicators.get(item.pk, []))
        for department, role in expected.get(item.pk, []):
            report = reports.get(department.pk)
            entry = entries.get((report.pk, item.pk)) if report is not None else None
            state = _report_state(report) if entry is not None else MISSING
            name = (
                report.department_name if report is not None and report.department_name else department.name
            )
            if entry is None:
                block.parts.append(Part(name, role, MISSING))
                continue
            progress = entry.progress.strip()
            if entry.consolidated.strip():
                progress += "\n" + _("汇总各参与单位情况：") + entry.consolidated.strip()
            block.parts.append(
                Part(name, role, state, progress.strip(), entry.problems.strip(), entry.next_steps.strip())
            )
        rows.append(block)
    for department_id in department_ids:
        report = reports.get(department_id)
        counts[_report_state(report)] += 1
    return MonthTable(table_title(period), plan, period, rows, counts)
