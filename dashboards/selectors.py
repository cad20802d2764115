"""Reads for the dashboards: where a programme stands and who is behind.

Every figure is aggregated in SQL and the page takes the same number of queries whatever the
number of tasks, targets, months or departments (the office dashboard's query-count test holds
it to that). Every figure is read fresh when a dashboard is built; the view keeps the built
page under the data's fingerprint (dashboard_data_fingerprint), so a write renews it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Count, Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Assignment, Heading, Plan, Task
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import user_scope
from targets.models import Indicator, Measurement, Target
from targets.status import TargetReading, TargetStatus, reading_of_series, target_window, targets_with_series

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


class ReportState:
    """How a department's report for a period stands, as the heatmap and the lists show it."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"

    LABELS = {ON_TIME: _("按时提交"), LATE: _("逾期提交"), MISSING: _("未提交"), PENDING: _("填报中")}
    COLOURS = {ON_TIME: "#15803d", LATE: "#d97706", MISSING: "#b91c1c", PENDING: "#93c5fd"}


def report_state(*, status: str, is_late: bool, deadline: dt.date, today: dt.date) -> str:
    """A report submitted before the deadline is on time, after it late; a draft is still being
    filled until the deadline passes, and missing after."""
    if status != DepartmentReport.Status.DRAFT:
        return ReportState.LATE if is_late else ReportState.ON_TIME
    return ReportState.MISSING if today > deadline else ReportState.PENDING


# Who sees what ---------------------------------------------------------------------------------


def dashboard_jurisdiction_id_for_user(*, user, pk: int | None = None) -> int:
    """The jurisdiction whose dashboard the user opens: one they run the office of or lead (the
    first, unless asked for another); another jurisdiction is a 404, and a user who oversees
    none is refused (403). Needs no query but the user's scope, except for a superuser."""
    scope = user_scope(user)
    if scope.is_superuser:
        allowed = Jurisdiction.objects.all()
        found = allowed.filter(pk=pk) if pk is not None else allowed.order_by("pk")
        jurisdiction_id = found.values_list("pk", flat=True).first()
        if jurisdiction_id is None:
            raise Http404
        return jurisdiction_id
    if not scope.overseen_jurisdiction_ids:
        raise PermissionDenied  # a role that reads no whole jurisdiction: 403, as elsewhere
    if pk is None:
        return min(scope.overseen_jurisdiction_ids)
    if pk not in scope.overseen_jurisdiction_ids:
        raise Http404
    return pk


def dashboard_jurisdiction_for_user(*, user, pk: int | None = None) -> Jurisdiction:
    """The jurisdiction itself, as dashboard_jurisdiction_id_for_user finds it."""
    return Jurisdiction.objects.get(pk=dashboard_jurisdiction_id_for_user(user=user, pk=pk))


def department_for_dashboard(*, user, pk: int) -> Department:
    """A department's dashboard is for its own people and for the office and leaders of its
    jurisdiction; anyone else gets a 404."""
    department = get_object_or_404(Department.objects.select_related("jurisdiction"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or pk in scope.department_ids:
        return department
    if department.jurisdiction_id in scope.overseen_jurisdiction_ids:
        return department
    raise Http404


def task_for_user(*, user, pk: int) -> Task:
    """A task's history is for its jurisdiction's office and leaders and the departments on it."""
    task = get_object_or_404(Task.objects.select_related("plan__jurisdiction", "heading"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or task.plan.jurisdiction_id in scope.overseen_jurisdiction_ids:
        return task
    involved = Assignment.objects.filter(task=task).filter(
        Q(department_id__in=scope.department_ids) | Q(department__members__in=scope.department_ids)
    )
    if involved.exists():
        return task
    raise Http404


# Filters ---------------------------------------------------------------------------------------


def current_statuses(tasks: QuerySet, *, as_of: dt.date) -> dict[int, str]:
    """Each task's current status: the one its lead department gave in its latest submitted
    report of the twelve months up to the date (latest period, then latest version), found in
    one aggregate query; a task with no such entry keeps the status the plan gave it."""
    # The latest entry has the greatest "period start + version" key; its status rides along.
    key = Concat(
        Cast("report__period__start", CharField()),
        LPad(Cast("report__version", CharField()), 5, Value("0")),
        Value("|"),
        "status",
        output_field=CharField(),
    )
    latest = dict(
        TaskEntry.objects.filter(
            task__in=tasks.values("pk"),
            role=TaskEntry.Role.LEAD,
            report__period__start__gt=as_of - dt.timedelta(days=366),
            report__period__start__lte=as_of,
        )
        .exclude(report__status=DepartmentReport.Status.DRAFT)
        .order_by()
        .values("task_id")
        .annotate(key=Max(key))
        .values_list("task_id", "key")
    )
    own = tasks.order_by().values_list("pk", "status")
    return {pk: latest[pk].rsplit("|", 1)[1] if pk in latest else status for pk, status in own}


@dataclass(frozen=True)
class TaskRow:
    pk: int
    plan_id: int
    plan_title: str
    heading_id: int | None
    status: str


def selected_tasks(selection: Selection) -> list[TaskRow]:
    """The tasks the filters select, each with its current status, in the status asked for."""
    statuses = current_statuses(selection.tasks, as_of=selection.as_of)
    rows = selection.tasks.order_by("plan_id", "position").values_list(
        "pk", "plan_id", "plan__title", "heading_id"
    )
    result = [
        TaskRow(pk, plan_id, title, heading_id, statuses[pk]) for pk, plan_id, title, heading_id in rows
    ]
    return [r for r in result if not selection.status or r.status == selection.status]


class DashboardFilter(django_filters.FilterSet):
    """The dashboard's filters over a jurisdiction's tasks; year and period pick the months the
    reporting figures cover."""

    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), label=_("工作方案"))
    section = django_filters.ModelChoiceFilter(
        queryset=Heading.objects.none(), label=_("部分"), method="filter_section"
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("责任部门"), method="filter_department"
    )
    # A task's current status comes from its entries (current_statuses), not from a column.
    status = django_filters.ChoiceFilter(
        choices=Task.Status.choices, label=_("任务状态"), method="filter_nothing"
    )
    year = django_filters.TypedChoiceFilter(choices=[], coerce=int, label=_("年度"), method="filter_nothing")
    period = django_filters.ModelChoiceFilter(
        queryset=ReportingPeriod.objects.none(), label=_("报送期"), method="filter_nothing"
    )

    class Meta:
        model = Task
        fields = ["plan", "section", "department", "status", "year", "period"]

    def __init__(self, data=None, *, jurisdiction: Jurisdiction, **kwargs):
        queryset = Task.objects.filter(plan__jurisdiction=jurisdiction)
        super().__init__(data, queryset=queryset, **kwargs)
        self.jurisdiction = jurisdiction
        plans = Plan.objects.filter(jurisdiction=jurisdiction).order_by("-year_end", "title")
        self.filters["plan"].queryset = plans
        sections = Heading.objects.filter(plan__jurisdiction=jurisdiction, parent__isnull=True)
        plan_id = (data or {}).get("plan")
        if plan_id and str(plan_id).isdigit():
            sections = sections.filter(plan_id=plan_id)
        self.filters["section"].queryset = sections.order_by("plan_id", "position")
        self.filters["department"].queryset = (
            Department.objects.filter(jurisdiction=jurisdiction).units().order_by("sort_order", "name")
        )
        # Each period's option reads its jurisdiction's name: joined, not one query per option.
        periods = ReportingPeriod.objects.filter(jurisdiction=jurisdiction).select_related("jurisdiction")
        periods = periods.order_by("-start")
        self.filters["period"].queryset = periods
        today = timezone.localdate()
        years = range(today.year, today.year - 6, -1)
        self.filters["year"].extra["choices"] = [(y, f"{y}年") for y in years]

    def filter_section(self, queryset, name, value):
        """A section holds the tasks under its heading at any depth (three levels in print)."""
        return queryset.filter(Q(heading=value) | Q(heading__parent=value) | Q(heading__parent__parent=value))

    def filter_department(self, queryset, name, value):
        """A department's tasks: those it leads or joins, directly or through a collective name."""
        named = Assignment.objects.filter(Q(department=value) | Q(department__members=value))
        return queryset.filter(pk__in=named.values("task_id"))

    def filter_nothing(self, queryset, name, value):
        return queryset


# The dashboard ---------------------------------------------------------------------------------


@dataclass
class Selection:
    """What the filters resolved to."""

    jurisdiction: Jurisdiction
    tasks: QuerySet  # the filtered tasks, with current_status
    plan: Plan | None
    section: Heading | None
    department: Department | None
    status: str | None
    year: int
    period: ReportingPeriod | None
    as_of: dt.date
    today: dt.date

    @property
    def status_label(self) -> str:
        return str(Task.Status(self.status).label) if self.status else ""


def selection_from(filterset: DashboardFilter, *, today: dt.date | None = None) -> Selection:
    """The filters resolved, with defaults: this year, and its latest period that has started."""
    today = today or timezone.localdate()
    filterset.form.is_valid()
    data = getattr(filterset.form, "cleaned_data", {})
    year = data.get("year") or today.year
    period = data.get("period")
    if period is None:
        period = (
            ReportingPeriod.objects.filter(
                jurisdiction=filterset.jurisdiction, start__year=year, start__lte=today
            )
            .order_by("-start")
            .first()
        )
    as_of = today if year >= today.year else dt.date(year, 12, 31)
    return Selection(
        jurisdiction=filterset.jurisdiction,
        tasks=filterset.qs,
        plan=data.get("plan"),
        section=data.get("section"),
        department=data.get("department"),
        status=data.get("status") or None,
        year=year,
        period=period,
        as_of=as_of,
        today=today,
    )


@dataclass
class PeriodFigures:
    period: ReportingPeriod | None
    counts: dict[str, int]
    missing: list[Department]
    rows: list[PeriodRow]


@dataclass
class PeriodRow:
    department: Department
    report: DepartmentReport | None
    state: str


@dataclass
class DepartmentRecord:
    """A department's reporting in a year: one state per month, and its on-time rate."""

    department: Department
    states: dict[int, str] = field(default_factory=dict)  # period id → state

    @property
    def counts(self) -> Counter:
        return Counter(self.states.values())

    @property
    def due(self) -> int:
        return sum(1 for s in self.states.values() if s != ReportState.PENDING)

    @property
    def on_time(self) -> int:
        return self.counts[ReportState.ON_TIME]

    @property
    def late(self) -> int:
        return self.counts[ReportState.LATE]

    @property
    def missing(self) -> int:
        return self.counts[ReportState.MISSING]

    @property
    def rate(self) -> float | None:
        """On-time rate, in percent of the reports due so far."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


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


def _department_ids(selection: Selection) -> set[int] | None:
    return {selection.department.pk} if selection.department else None


def period_figures(selection: Selection) -> PeriodFigures:
    """The selected period's reports: submitted on time, late, missing, with the departments
    still missing named; a department that must report but has no report row counts as missing."""
    period = selection.period
    empty = {ReportState.ON_TIME: 0, ReportState.LATE: 0, ReportState.MISSING: 0, ReportState.PENDING: 0}
    if period is None:
        return PeriodFigures(None, empty, [], [])
    from reports.services import departments_reporting

    reports = {
        r.department_id: r
        for r in DepartmentReport.objects.filter(period=period, superseded_by__isnull=True).only(
            "pk", "department_id", "status", "is_late", "submitted_at", "version", "period_id"
        )
    }
    departments = departments_reporting(period=period).order_by("sort_order", "name")
    if selection.department:
        departments = departments.filter(pk=selection.department.pk)
    rows = []
    for department in departments:
        report = reports.get(department.pk)
        if report is None:
            state = ReportState.MISSING if selection.today > period.deadline else ReportState.PENDING
        else:
            state = report_state(
                status=report.status, is_late=report.is_late, deadline=period.deadline, today=selection.today
            )
        rows.append(PeriodRow(department, report, state))
    counts = dict(empty)
    counts.update(Counter(r.state for r in rows))
    missing = [r.department for r in rows if r.state in (ReportState.MISSING, ReportState.PENDING)]
    return PeriodFigures(period, counts, missing, rows)


def reporting_records(selection: Selection) -> tuple[list[ReportingPeriod], list[DepartmentRecord]]:
    """Each department's report state in every period of the year that has started."""
    periods = list(
        ReportingPeriod.objects.filter(
            jurisdiction=selection.jurisdiction, start__year=selection.year, start__lte=selection.today
        ).order_by("start")
    )
    by_pk = {p.pk: p for p in periods}
    reports = DepartmentReport.objects.filter(period_id__in=by_pk, superseded_by__isnull=True)
    if selection.department:
        reports = reports.filter(department=selection.department)
    rows = reports.order_by().values_list(
        "period_id", "department_id", "department__name", "department__sort_order", "status", "is_late"
    )
    records: dict[int, DepartmentRecord] = {}
    for period_id, department_id, name, sort_order, status, is_late in rows:
        record = records.get(department_id)
        if record is None:
            department = Department(pk=department_id, name=name, sort_order=sort_order)
            record = records[department_id] = DepartmentRecord(department)
        period = by_pk[period_id]
        record.states[period_id] = report_state(
            status=status, is_late=is_late, deadline=period.deadline, today=selection.today
        )
    ordered = sorted(records.values(), key=lambda r: (r.department.sort_order, r.department.name))
    return periods, ordered


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


# Department and task pages ---------------------------------------------------------------------


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
    """A department's tasks, its current report and what came back from the office, and its
    whole reporting history with the on-time record of the year."""
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
    involved = Task.objects.filter(pk__in=named.values("task_id"))
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


FINGERPRINT_SQL = """
SELECT
  (SELECT MAX(updated_at) FROM reports_departmentreport),
  (SELECT MAX(id) FROM reports_departmentreport),
  (SELECT MAX(updated_at) FROM reports_taskentry),
  (SELECT MAX(updated_at) FROM reports_indicatorvalue),
  (SELECT MAX(recorded_at) FROM targets_measurement),
  (SELECT MAX(id) FROM targets_measurement),
  (SELECT MAX(updated_at) FROM programmes_plan),
  (SELECT COUNT(*) FROM programmes_plan),
  (SELECT MAX(id) FROM programmes_task),
  (SELECT MAX(id) FROM targets_target),
  (SELECT MAX(id) FROM programmes_assignment),
  (SELECT COUNT(*) FROM responsibilities_department),
  (SELECT MAX(opened_at) FROM reports_reportingperiod),
  (SELECT MAX(closed_at) FROM reports_reportingperiod),
  (SELECT MAX(deadline) FROM reports_reportingperiod),
  (SELECT COUNT(*) FROM reports_reportingperiod)
"""
FINGERPRINT_STATEMENT = "dashboard_data_fingerprint"


def dashboard_data_fingerprint() -> str:
    """What the dashboard's figures depend on, read in one cheap query: the latest change to
    reports, entries, values, measurements, plans and periods, the newest task, target and
    assignment, and how many plans, departments and periods there are. Every write through the
    portal's services changes it (rows are added, or their change time moves; a task or target
    goes only with its plan).

    Only indexed maxima and counts of the three small tables, so its cost does not grow with
    the data; global rather than per jurisdiction, so a change anywhere renews every dashboard
    (over-eager). One blind spot: change times are stamped when a row is saved, not when its
    transaction commits, so a write that commits after a later-stamped one leaves the maxima
    as they were; the next write anywhere, or the cache's expiry, renews the page.

    On PostgreSQL the query is a prepared statement, once per connection: planning its sixteen
    subqueries costs twice what running them does, on every dashboard request. (A pooler in
    front of PostgreSQL must therefore keep a client on one server connection: session pooling,
    or none.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(FINGERPRINT_SQL)
        else:
            # Prepared statements outlive transactions and die with the connection they were
            # made on: one per raw connection, which Django replaces when it reconnects.
            if getattr(connection, "_dashboard_fingerprint_prepared_on", None) is not connection.connection:
                cursor.execute(f"PREPARE {FINGERPRINT_STATEMENT} AS {FINGERPRINT_SQL}")
                connection._dashboard_fingerprint_prepared_on = connection.connection
            cursor.execute(f"EXECUTE {FINGERPRINT_STATEMENT}")
        return "|".join(str(value) for value in cursor.fetchone())


# The fingerprint this process read last, and when (time.monotonic()).
_RECENT_FINGERPRINT: dict[str, tuple[float, str]] = {}


def dashboard_recent_fingerprint() -> str:
    """The data fingerprint as this process last read it, if that was less than
    DASHBOARD_FINGERPRINT_SECONDS ago, else read afresh: a write shows on the dashboards within
    that time, and a burst of dashboard requests (a meeting opening the page at once) reads the
    fingerprint once, not once per request."""
    now = time.monotonic()
    recent = _RECENT_FINGERPRINT.get("default")
    if recent is not None and 0 <= now - recent[0] < settings.DASHBOARD_FINGERPRINT_SECONDS:
        return recent[1]
    fingerprint = dashboard_data_fingerprint()
    _RECENT_FINGERPRINT["default"] = (now, fingerprint)
    return fingerprint
