"""The office dashboard's figures: task and target counts, the section chart, the trend of one
target, and the drill-down lists behind each figure."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from programmes.models import Assignment, Heading, Task
from reports.models import ReportingPeriod
from targets.models import Indicator, Measurement, Target
from targets.status import TargetReading, TargetStatus, reading_of_series, target_window, targets_with_series

from .reporting import DepartmentRecord, PeriodFigures, period_figures, reporting_records
from .selection import Selection, TaskRow, selected_tasks

# Colours shared by the charts, the badges and the PDF: green met, blue on track, amber at
# risk, red off track, grey waiting or empty.
STATUS_COLOURS = {
    TargetStatus.MET: "#15803d",
    TargetStatus.ON_TRACK: "#1d4ed8",
    TargetStatus.AT_RISK: "#d97706",
    TargetStatus.OFF_TRACK: "#b91c1c",
    TargetStatus.AWAITING_DATA: "#7c8aa0",
    TargetStatus.NO_DATA: "#c7ccd4",
}
TASK_COLOURS = {
    Task.Status.DONE: "#15803d",
    Task.Status.IN_PROGRESS: "#1d4ed8",
    Task.Status.NOT_STARTED: "#9ca3af",
    Task.Status.DELAYED: "#b91c1c",
}


@dataclass
class Dashboard:
    selection: Selection
    task_counts: dict[str, int]
    tasks_by_section: list[tuple[str, dict[str, int], str]]  # label, counts by status, drill-down key
    readings: dict[int, TargetReading]
    targets: list[Target]
    target_counts: dict[str, int]
    period: PeriodFigures
    periods: list[ReportingPeriod]
    records: list[DepartmentRecord]
    trend_target: Target | None
    trend_points: list[tuple[str, float | None]]

    @property
    def trend_choices(self) -> list[Target]:
        """The targets offered for the trend chart: those behind first, at most a hundred (the
        full list is one click away)."""
        order = {TargetStatus.OFF_TRACK: 0, TargetStatus.AT_RISK: 1}
        ranked = sorted(self.targets, key=lambda t: order.get(self.readings[t.pk].status, 2))
        return ranked[:100]

    @property
    def sections_by_plan(self) -> bool:
        """Across several plans the task chart groups by plan rather than by section."""
        return bool(self.tasks_by_section) and self.tasks_by_section[0][2].startswith("plan=")

    @property
    def task_total(self) -> int:
        return sum(self.task_counts.values())

    @property
    def target_total(self) -> int:
        return sum(self.target_counts.values())

    @property
    def ranking(self) -> list[DepartmentRecord]:
        """Departments by on-time rate, best first; ties by fewer missing, then printed order."""
        rated = [r for r in self.records if r.rate is not None]
        return sorted(rated, key=lambda r: (-r.rate, r.missing, r.department.sort_order, r.department.name))


# What the dashboard reads of a target: a thousand rows load faster without the tasks' text.
TARGET_FIELDS = (
    *(f.name for f in Target._meta.concrete_fields if f.name not in ("text",)),
    "task__path",
    "task__position",
    "task__plan__year_start",
    "task__plan__year_end",
    "indicator__name",
    "indicator__unit",
    "indicator__aggregation",
    "indicator__source",
)


def dashboard_build(*, selection: Selection, trend_target_id: int | None = None) -> Dashboard:
    """Every figure of the office dashboard for the selection, in a fixed number of queries."""
    tasks = selected_tasks(selection)
    task_counts = {s.value: 0 for s in Task.Status}
    task_counts.update(Counter(t.status for t in tasks))
    by_section = tasks_by_section(tasks)
    targets = targets_with_series(
        Target.objects.filter(task_id__in=[t.pk for t in tasks])
        .only(*TARGET_FIELDS)
        .order_by("task__plan_id", "task__position", "position"),
        as_of=selection.as_of,
    )
    readings = {t.pk: reading_of_series(t, series=t.series, as_of=selection.as_of) for t in targets}
    target_counts = {s.value: 0 for s in TargetStatus}
    for reading in readings.values():
        target_counts[reading.status] += 1
    periods, records = reporting_records(selection)
    figures = period_figures(selection)
    trend_target = _trend_target(targets, readings, trend_target_id)
    points = target_trend(trend_target, as_of=selection.as_of) if trend_target else []
    return Dashboard(
        selection=selection,
        task_counts=task_counts,
        tasks_by_section=by_section,
        readings=readings,
        targets=targets,
        target_counts=target_counts,
        period=figures,
        periods=periods,
        records=records,
        trend_target=trend_target,
        trend_points=points,
    )


def tasks_by_section(tasks: list[TaskRow]) -> list[tuple[str, dict[str, int], str]]:
    """Task status counts per top-level section of one plan; across several plans, per plan."""
    plan_ids = {t.plan_id for t in tasks}
    if len(plan_ids) > 1:
        grouped: dict[int, tuple[str, Counter]] = {}
        for t in tasks:
            grouped.setdefault(t.plan_id, (t.plan_title, Counter()))[1][t.status] += 1
        return [(label, dict(counts), f"plan={pk}") for pk, (label, counts) in sorted(grouped.items())]
    headings = {
        h["pk"]: h
        for h in Heading.objects.filter(plan_id__in=plan_ids).values(
            "pk", "parent_id", "number", "title", "position"
        )
    }

    def root(pk):
        while pk in headings and headings[pk]["parent_id"]:
            pk = headings[pk]["parent_id"]
        return pk

    sections: dict[int | None, Counter] = defaultdict(Counter)
    for t in tasks:
        sections[root(t.heading_id)][t.status] += 1
    result = []
    for pk in sorted(sections, key=lambda k: headings[k]["position"] if k in headings else 0):
        h = headings.get(pk)
        label = f"{h['number']}、{h['title']}".strip("、") if h else str(_("未分部分"))
        result.append((label, dict(sections[pk]), f"section={pk}" if h else ""))
    return result


def _trend_target(
    targets: list[Target], readings: dict[int, TargetReading], wanted: int | None
) -> Target | None:
    """The target whose trend the dashboard draws: the one asked for, else the first off track,
    else the first with data."""
    if wanted is not None:
        return next((t for t in targets if t.pk == wanted), None)
    for status in (TargetStatus.OFF_TRACK, TargetStatus.AT_RISK):
        found = next((t for t in targets if readings[t.pk].status == status), None)
        if found:
            return found
    return next((t for t in targets if t.series.count), None)


def month_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def target_trend(target: Target, *, as_of: dt.date) -> list[tuple[str, float | None]]:
    """A target's values month by month over its window up to the date (one query)."""
    start, end = target_window(target)
    values = Measurement.objects.filter(
        indicator_id=target.indicator_id, period_end__gte=start, period_end__lte=min(end, as_of)
    ).values_list("period_end", "value")
    return trend_points(target, values=dict(values), as_of=as_of)


def trend_points(
    target: Target, *, values: dict[dt.date, Decimal], as_of: dt.date
) -> list[tuple[str, float | None]]:
    """A point per month of the target's window up to the date, None where nothing was reported;
    a sum of increments is drawn as its running total, so it meets the target line when the
    target is reached."""
    start, end = target_window(target)
    stop = min(end, as_of)
    by_month = {(d.year, d.month): v for d, v in values.items() if start <= d <= stop}
    cumulative = target.indicator.aggregation == Indicator.Aggregation.SUM
    points: list[tuple[str, float | None]] = []
    running = Decimal(0)
    year, month = start.year, start.month
    while (year, month) <= (stop.year, stop.month):
        value = by_month.get((year, month))
        if cumulative and value is not None:
            running += value
            value = running
        points.append((month_label(dt.date(year, month, 1)), None if value is None else float(value)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


# Drill-down lists ------------------------------------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    reading: TargetReading

    @property
    def status(self) -> str:
        return self.reading.status

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.reading.status).label)


def target_rows(*, selection: Selection, status: str | None = None) -> list[TargetRow]:
    """The selection's targets with their readings, optionally of one status."""
    targets = targets_with_series(
        Target.objects.filter(task_id__in=[t.pk for t in selected_tasks(selection)])
        .select_related("indicator__reporting_department")
        .order_by("task__plan_id", "task__position", "position"),
        as_of=selection.as_of,
    )
    rows = [TargetRow(t, reading_of_series(t, series=t.series, as_of=selection.as_of)) for t in targets]
    return [r for r in rows if not status or r.status == status]


def task_rows(*, selection: Selection) -> list[Task]:
    """The selection's tasks with plan, lead departments and current status, for the task list."""
    statuses = {t.pk: t.status for t in selected_tasks(selection)}
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD).select_related("department")
    tasks = list(
        Task.objects.filter(pk__in=list(statuses))
        .select_related("plan")
        .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="leads"))
        .order_by("plan_id", "position")
    )
    for task in tasks:
        task.current_status = statuses[task.pk]
    return tasks
