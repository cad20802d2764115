"""The roll-up over a jurisdiction's direct children: each child's tasks, targets and reporting
side by side, the children ranked, the tasks the jurisdiction delegated to them, and its
indicators beside the children's that feed them.

Each kind of figure is read for every child at once (grouped by jurisdiction in SQL or in one
pass over one query's rows), so the roll-up takes the same number of queries for two children
as for twenty; like the office dashboard, the targets' windows (plan years) are the one thing
that adds queries (two a window, as in targets_with_series), never the children.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Concat, LPad, RowNumber
from django.utils import timezone

from programmes.models import Assignment, Delegation, Plan, Task
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department, Jurisdiction
from targets.models import Indicator, Measurement, Target
from targets.status import (
    Series,
    TargetStatus,
    _commitment_apply,
    _earlier_of,
    _with_earlier_commitment,
    reading_of_series,
    target_window,
)

from .reporting import ReportCounts, ReportState, report_state, version_counted
from .selection import current_statuses, tasks_shown

# The periods whose reporting the roll-up counts: open now, or closed; a scheduled one has not
# begun (see _children_with_periods for which one).
COUNTED_PERIODS = (ReportingPeriod.Status.OPEN, ReportingPeriod.Status.CLOSED)


@dataclass
class ChildReporting(ReportCounts):
    """A child's departments in its latest open or last closed period, by report state."""

    period: ReportingPeriod | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReportState.LABELS, 0))

    @property
    def departments(self) -> int:
        """The departments that must report in the period."""
        return sum(self.counts.values())

    @property
    def pending(self) -> int:
        return self.counts[ReportState.PENDING]


@dataclass
class ChildRow:
    jurisdiction: Jurisdiction
    task_counts: dict[str, int]
    target_counts: dict[str, int]
    reporting: ChildReporting
    rank: int | None = None

    @property
    def task_total(self) -> int:
        return sum(self.task_counts.values())

    @property
    def target_total(self) -> int:
        return sum(self.target_counts.values())

    @property
    def met_share(self) -> float | None:
        """Targets met, in percent of the child's targets; None when it has none."""
        if not self.target_total:
            return None
        return round(100 * self.target_counts[TargetStatus.MET] / self.target_total, 1)

    @property
    def task_statuses(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.task_counts[s.value]) for s in Task.Status]

    @property
    def target_statuses(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.target_counts[s.value]) for s in TargetStatus]


@dataclass
class TargetValue:
    indicator: Indicator
    value: Decimal | None
    period_end: dt.date | None


@dataclass
class DelegatedCell:
    """How one child stands on a task delegated to it."""

    jurisdiction: Jurisdiction
    child_task_id: int
    status: str
    progress: str
    progress_period: dt.date | None
    values: list[TargetValue]

    @property
    def status_label(self) -> str:
        return str(Task.Status(self.status).label)


@dataclass
class DelegatedRow:
    task: Task
    cells: dict[int, DelegatedCell]  # child jurisdiction id → its cell
    columns: list[DelegatedCell | None] = field(default_factory=list)  # one per child, in order


@dataclass
class LevelRow:
    """One of the jurisdiction's indicators beside its children's: a count sums, a rate does not."""

    indicator: Indicator
    own: Decimal | None
    by_child: dict[int, Decimal | None]  # child jurisdiction id → value (None: not reported)
    fed_by: set[int]  # the children with an indicator feeding this one
    columns: list[tuple[bool, Decimal | None]] = field(default_factory=list)  # values_in the children

    @property
    def is_sum(self) -> bool:
        return self.indicator.aggregation == Indicator.Aggregation.SUM

    @property
    def children_total(self) -> Decimal | None:
        """The children's sum, for a count only; None when no child has reported."""
        if not self.is_sum:
            return None
        reported = [v for v in self.by_child.values() if v is not None]
        return sum(reported, Decimal(0)) if reported else None

    def values_in(self, children: list[Jurisdiction]) -> list[tuple[bool, Decimal | None]]:
        """Per child in order: whether it feeds this indicator, and its value."""
        return [(c.pk in self.fed_by, self.by_child.get(c.pk)) for c in children]


@dataclass
class Rollup:
    jurisdiction: Jurisdiction
    period: ReportingPeriod | None  # the jurisdiction's own period, chosen as its children's are
    children: list[Jurisdiction]
    rows: list[ChildRow]  # ranked first, then the unranked by name
    delegated: list[DelegatedRow]
    levels: list[LevelRow]
    levels_month: dt.date | None  # the month the indicators' values are of
    as_of: dt.date

    @property
    def ranked(self) -> list[ChildRow]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def unranked(self) -> list[ChildRow]:
        return [r for r in self.rows if r.rank is None]


def rollup_build(*, jurisdiction: Jurisdiction, today: dt.date | None = None) -> Rollup:
    """The roll-up of a jurisdiction over its direct children, in a fixed number of queries."""
    today = today or timezone.localdate()
    own, children, periods = _children_with_periods(jurisdiction, today=today)
    children.sort(key=lambda c: c.name)
    child_ids = [c.pk for c in children]
    tasks = tasks_shown().filter(plan__jurisdiction_id__in=child_ids)
    task_counts = _task_counts(tasks, child_ids, as_of=today)
    target_counts = _target_counts(tasks, child_ids, as_of=today)
    reporting = _reporting(children, periods, today=today)
    rows = rollup_ranked(
        [ChildRow(c, task_counts[c.pk], target_counts[c.pk], reporting[c.pk]) for c in children]
    )
    levels, month = levels_across(jurisdiction=jurisdiction, child_ids=child_ids, as_of=today)
    for level in levels:
        level.columns = level.values_in(children)
    delegated = delegated_rows(jurisdiction=jurisdiction, child_ids=child_ids, as_of=today)
    for row in delegated:
        row.columns = [row.cells.get(child.pk) for child in children]
    return Rollup(
        jurisdiction=jurisdiction,
        period=periods.get(own.pk) if own else None,
        children=children,
        rows=rows,
        delegated=delegated,
        levels=levels,
        levels_month=month,
        as_of=today,
    )


def rollup_ranked(rows: list[ChildRow]) -> list[ChildRow]:
    """Children by on-time rate, then by share of targets met, best first; equal figures share a
    rank. A child with nothing due is listed after them unranked: nothing due does not count,
    for or against."""
    rated = [r for r in rows if r.reporting.rate is not None]
    rated.sort(key=lambda r: (-r.reporting.rate, -(r.met_share or 0), r.jurisdiction.name))
    previous = None
    for position, row in enumerate(rated, start=1):
        key = (row.reporting.rate, row.met_share or 0)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)
    unrated = sorted((r for r in rows if r.reporting.rate is None), key=lambda r: r.jurisdiction.name)
    for row in unrated:
        row.rank = None
    return rated + unrated


def _children_with_periods(
    jurisdiction: Jurisdiction, *, today: dt.date
) -> tuple[Jurisdiction | None, list[Jurisdiction], dict[int, ReportingPeriod]]:
    """The jurisdiction and its children, each with the period its reporting is judged by (two
    queries): the latest open or closed one whose deadline has passed, else the latest open or
    closed one. A period still before its deadline has nothing due yet, and judged by it every
    child would go unranked for most of each month."""
    latest = (
        ReportingPeriod.objects.filter(
            jurisdiction=OuterRef("pk"), status__in=COUNTED_PERIODS, start__lte=today
        )
        .annotate(due=Case(When(deadline__lt=today, then=Value(1)), default=Value(0)))
        .order_by("-due", "-start")
        .values("pk")[:1]
    )
    found = list(
        Jurisdiction.objects.filter(Q(pk=jurisdiction.pk) | Q(parent=jurisdiction))
        .annotate(period_id=Subquery(latest))
        .order_by("name")
    )
    by_pk = {
        p.pk: p for p in ReportingPeriod.objects.filter(pk__in=[j.period_id for j in found if j.period_id])
    }
    periods = {j.pk: by_pk[j.period_id] for j in found if j.period_id}
    own = next((j for j in found if j.pk == jurisdiction.pk), None)
    return own, [j for j in found if j.pk != jurisdiction.pk], periods


def _task_counts(tasks, child_ids: list[int], *, as_of: dt.date) -> dict[int, dict[str, int]]:
    """Each child's tasks in force by current status (three queries)."""
    statuses = current_statuses(tasks, as_of=as_of)
    counts = {pk: dict.fromkeys(Task.Status.values, 0) for pk in child_ids}
    for task_id, jurisdiction_id in tasks.order_by().values_list("pk", "plan__jurisdiction_id"):
        counts[jurisdiction_id][statuses[task_id]] += 1
    return counts


def _target_counts(tasks, child_ids: list[int], *, as_of: dt.date) -> dict[int, dict[str, int]]:
    """Each child's targets of its tasks in force by status, by the office dashboard's rules
    (targets.status.reading_of_series on the commitment in force and the series in SQL): one
    query for the targets and two per distinct window, as targets_with_series reads them."""
    rows = _with_earlier_commitment(
        Target.objects.filter(task__in=tasks.values("pk")).order_by(), as_of=as_of
    ).values_list(*_LightTarget.FIELDS, "earlier_commitment")
    targets = []
    windows: dict[tuple[dt.date, dt.date], set[int]] = defaultdict(set)
    for row in rows:
        target = _LightTarget(row[:-1])
        _commitment_apply(target, _earlier_of(row[-1]))
        start, end = target_window(target)
        target.window = (start, min(end, as_of))
        windows[target.window].add(target.indicator_id)
        targets.append(target)
    # The measurements are found by the targets' indicators as a subquery: a list of ten
    # thousand ids would cost more to send and plan than the sums themselves.
    series = _window_series(
        windows, indicators=Target.objects.filter(task__in=tasks.values("pk")).values("indicator_id")
    )
    counts = {pk: dict.fromkeys(TargetStatus.values, 0) for pk in child_ids}
    for target in targets:
        found = series.get((*target.window, target.indicator_id), _NO_SERIES)
        counts[target.jurisdiction_id][reading_of_series(target, series=found, as_of=as_of).status] += 1
    return counts


class _LightTarget:
    """What the status rules read of a target, its task's plan and its indicator, loaded as
    plain values: ten thousand targets of eight counties load in a tenth of the time four
    model instances a row take (targets_with_series' select_related)."""

    FIELDS = (
        "pk",
        "indicator_id",
        "comparator",
        "value",
        "value_max",
        "stretch",
        "baseline",
        "due_date",
        "task__plan__year_start",
        "task__plan__year_end",
        "task__plan__jurisdiction_id",
        "indicator__aggregation",
        "indicator__source",
    )

    # Targets share their plan's years and their indicator's kind: one namespace each, not a row.
    _plans: dict[tuple, SimpleNamespace] = {}
    _kinds: dict[tuple, SimpleNamespace] = {}

    def __init__(self, row: tuple):
        (
            self.pk,
            self.indicator_id,
            self.comparator,
            self.value,
            self.value_max,
            self.stretch,
            self.baseline,
            self.due_date,
            year_start,
            year_end,
            self.jurisdiction_id,
            aggregation,
            source,
        ) = row
        years = (year_start, year_end)
        task = self._plans.get(years)
        if task is None:
            task = self._plans[years] = SimpleNamespace(
                plan=SimpleNamespace(year_start=year_start, year_end=year_end)
            )
        kind = (aggregation, source)
        indicator = self._kinds.get(kind)
        if indicator is None:
            indicator = self._kinds[kind] = SimpleNamespace(aggregation=aggregation, source=source)
        self.task, self.indicator = task, indicator


_NO_SERIES = Series(count=0, total=Decimal(0), latest=None, previous=None, last_end=None)


def _window_series(windows: dict[tuple[dt.date, dt.date], set[int]], *, indicators) -> dict[tuple, Series]:
    """Each indicator's measurements in each window summed up, as targets_with_series does:
    counts, sums and last dates, and the two latest values (two queries a window). Every window
    reads all the `indicators` (a subquery); only its own targets' are looked up."""
    found: dict[tuple, Series] = {}
    for start, stop in windows:
        if stop < start:
            continue
        scope = Measurement.objects.filter(
            indicator_id__in=indicators, period_end__gte=start, period_end__lte=stop
        ).order_by()
        summed = {
            indicator_id: (count, total, last)
            for indicator_id, count, total, last in scope.values("indicator_id")
            .annotate(n=Count("id"), total=Sum("value"), last=Max("period_end"))
            .values_list("indicator_id", "n", "total", "last")
        }
        newest: dict[int, list[Decimal]] = defaultdict(list)
        ranked = scope.annotate(
            rank=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=F("period_end").desc())
        ).filter(rank__lte=2)
        for indicator_id, _rank, value in ranked.values_list("indicator_id", "rank", "value").order_by(
            "indicator_id", "rank"
        ):
            newest[indicator_id].append(value)
        for indicator_id, (count, total, last) in summed.items():
            values = newest.get(indicator_id, [])
            found[(start, stop, indicator_id)] = Series(
                count=count,
                total=Decimal(total or 0),
                latest=values[0] if values else None,
                previous=values[1] if len(values) > 1 else None,
                last_end=last,
            )
    return found


class _Version(NamedTuple):
    period_id: int
    department_id: int
    status: str
    is_late: bool


def _reporting(
    children: list[Jurisdiction], periods: dict[int, ReportingPeriod], *, today: dt.date
) -> dict[int, ChildReporting]:
    """Each child's departments due in its period by report state, as departments_reporting and
    period_figures count them for one period: every active unit with a task in force of a plan
    due that month, named directly or through a collective, its counted report version deciding
    (three queries for every child together)."""
    result = {c.pk: ChildReporting(periods.get(c.pk)) for c in children}
    counted = {c.pk: periods[c.pk] for c in children if c.pk in periods}
    if not counted:
        return result
    named = (
        Assignment.objects.filter(
            task__plan__jurisdiction_id__in=list(counted),
            task__plan__status=Plan.Status.ACTIVE,
            task__withdrawn_at__isnull=True,
        )
        .order_by()
        .values_list(
            "department_id",
            "department__kind",
            "department__is_active",
            "task__plan__jurisdiction_id",
            "task__plan__year_start",
            "task__plan__reporting_frequency",
        )
        .distinct()
    )
    due: dict[int, set[int]] = defaultdict(set)  # child → departments named in a due plan
    units: set[int] = set()
    for department_id, kind, active, jurisdiction_id, year_start, frequency in named:
        period = counted[jurisdiction_id]
        if year_start > period.start.year:
            continue
        if frequency != Plan.Frequency.MONTHLY and not period.is_quarter_end:
            continue
        due[jurisdiction_id].add(department_id)
        if kind == Department.Kind.UNIT and active:
            units.add(department_id)
    members = Department.members.through.objects.filter(
        from_department__jurisdiction_id__in=list(counted),
        to_department__kind=Department.Kind.UNIT,
        to_department__is_active=True,
    ).values_list("from_department_id", "to_department_id", "to_department__jurisdiction_id")
    reporting: dict[int, set[int]] = {
        pk: {d for d in named_ids if d in units} for pk, named_ids in due.items()
    }
    for collective_id, member_id, jurisdiction_id in members:
        if collective_id in due.get(jurisdiction_id, ()):
            reporting[jurisdiction_id].add(member_id)
    versions: dict[tuple[int, int], list[_Version]] = {}
    for row in (
        DepartmentReport.objects.filter(period_id__in=[p.pk for p in counted.values()])
        .order_by("period_id", "department_id", "version")
        .values_list("period_id", "department_id", "status", "is_late")
    ):
        versions.setdefault((row[0], row[1]), []).append(_Version(*row))
    for jurisdiction_id, department_ids in reporting.items():
        period = counted[jurisdiction_id]
        counts = result[jurisdiction_id].counts
        for department_id in department_ids:
            found = versions.get((period.pk, department_id))
            if found is None:
                state = ReportState.MISSING if today > period.deadline else ReportState.PENDING
            else:
                version = version_counted(found)
                state = report_state(
                    status=version.status, is_late=version.is_late, deadline=period.deadline, today=today
                )
            counts[state] += 1
    return result


# Delegated tasks -------------------------------------------------------------------------------


def _latest_lead_entries(task_ids: list[int], *, as_of: dt.date) -> dict[int, tuple[str, dt.date]]:
    """Each task's latest submitted lead entry (latest period, then latest version): its progress
    and its period's start, of the twelve months up to the date as current_statuses reads the
    status, in two queries: the latest entry's id rides on a MAX over "period
    start + version" per task, as in current_statuses (a correlated subquery ordered by the
    period had PostgreSQL walk every report in order, once per task)."""
    key = Concat(
        Cast("report__period__start", CharField()),
        LPad(Cast("report__version", CharField()), 5, Value("0")),
        Value("|"),
        Cast("pk", CharField()),
        output_field=CharField(),
    )
    latest = (
        TaskEntry.objects.filter(
            task_id__in=task_ids,
            role=TaskEntry.Role.LEAD,
            report__period__start__gt=as_of - dt.timedelta(days=366),
            report__period__start__lte=as_of,
        )
        .exclude(report__status=DepartmentReport.Status.DRAFT)
        .order_by()
        .values("task_id")
        .annotate(key=Max(key))
        .values_list("key", flat=True)
    )
    entry_ids = [int(k.rsplit("|", 1)[1]) for k in latest]
    return {
        task_id: (progress, start)
        for task_id, progress, start in TaskEntry.objects.filter(pk__in=entry_ids).values_list(
            "task_id", "progress", "report__period__start"
        )
    }


def delegated_cells(delegations, *, as_of: dt.date) -> list[tuple[Delegation, DelegatedCell]]:
    """Each delegation with how its child stands: the child task's current status, the latest
    progress its lead department reported, and the latest value of each of its targets'
    indicators (six queries whatever the number of delegations)."""
    loaded = list(
        delegations.select_related("jurisdiction", "task__plan").order_by(
            "task__plan_id", "task__position", "jurisdiction__name"
        )
    )
    if not loaded:
        return []
    child_task_ids = [d.child_task_id for d in loaded]
    statuses = current_statuses(Task.objects.filter(pk__in=child_task_ids), as_of=as_of)
    newest = Measurement.objects.filter(indicator_id=OuterRef("indicator_id")).order_by("-period_end")
    values: dict[int, list[TargetValue]] = defaultdict(list)
    for target in (
        Target.objects.filter(task_id__in=child_task_ids)
        .select_related("indicator")
        .annotate(
            latest_value=Subquery(newest.values("value")[:1]),
            latest_end=Subquery(newest.values("period_end")[:1]),
        )
        .order_by("task_id", "position")
    ):
        values[target.task_id].append(TargetValue(target.indicator, target.latest_value, target.latest_end))
    entries = _latest_lead_entries(child_task_ids, as_of=as_of)
    cells = []
    for d in loaded:
        progress, start = entries.get(d.child_task_id, ("", None))
        cell = DelegatedCell(
            jurisdiction=d.jurisdiction,
            child_task_id=d.child_task_id,
            status=statuses.get(d.child_task_id, Task.Status.NOT_STARTED),
            progress=progress or "",
            progress_period=start,
            values=values[d.child_task_id],
        )
        cells.append((d, cell))
    return cells


def delegated_rows(*, jurisdiction: Jurisdiction, child_ids: list[int], as_of: dt.date) -> list[DelegatedRow]:
    """The jurisdiction's tasks in force delegated to its children, each with a cell per child."""
    delegations = Delegation.objects.filter(
        task__in=tasks_shown().filter(plan__jurisdiction=jurisdiction), jurisdiction_id__in=child_ids
    )
    rows: dict[int, DelegatedRow] = {}
    for delegation, cell in delegated_cells(delegations, as_of=as_of):
        row = rows.setdefault(delegation.task_id, DelegatedRow(delegation.task, {}))
        row.cells[delegation.jurisdiction_id] = cell
    return list(rows.values())


def delegated_task_cells(
    *, task: Task, jurisdiction_ids, today: dt.date | None = None
) -> list[DelegatedCell]:
    """How each child stands on one delegated task, for the children given (those the reader
    oversees; None: every child)."""
    today = today or timezone.localdate()
    delegations = Delegation.objects.filter(task=task)
    if jurisdiction_ids is not None:
        delegations = delegations.filter(jurisdiction_id__in=list(jurisdiction_ids))
    return [cell for _delegation, cell in delegated_cells(delegations, as_of=today)]


# Indicators across levels ----------------------------------------------------------------------


def levels_across(
    *, jurisdiction: Jurisdiction, child_ids: list[int], as_of: dt.date
) -> tuple[list[LevelRow], dt.date | None]:
    """The jurisdiction's indicators fed by its children's (Indicator.upstream), for the latest
    month any of them has a value: its own value, and each child's; a count's children add up,
    a rate is only ever shown per child (three queries)."""
    feeding = list(
        Indicator.objects.filter(upstream__jurisdiction=jurisdiction, jurisdiction_id__in=child_ids)
        .select_related("upstream")
        .order_by("upstream__name", "upstream_id")
        .only("pk", "jurisdiction_id", "upstream")
    )
    if not feeding:
        return [], None
    indicator_ids = {i.pk for i in feeding} | {i.upstream_id for i in feeding}
    measured = Measurement.objects.filter(indicator_id__in=sorted(indicator_ids), period_end__lte=as_of)
    last = measured.aggregate(last=Max("period_end"))["last"]
    rows: dict[int, LevelRow] = {}
    for child in feeding:
        row = rows.setdefault(child.upstream_id, LevelRow(child.upstream, None, {}, set()))
        row.fed_by.add(child.jurisdiction_id)
    if last is None:
        return list(rows.values()), None
    month = last.replace(day=1)
    values = dict(measured.filter(period_end__gte=month).values_list("indicator_id", "value"))
    for child in feeding:
        row = rows[child.upstream_id]
        value = values.get(child.pk)
        # Two indicators of one child feeding the same one: a count adds them, a rate keeps one.
        if value is not None and row.is_sum and row.by_child.get(child.jurisdiction_id) is not None:
            value += row.by_child[child.jurisdiction_id]
        if value is not None or child.jurisdiction_id not in row.by_child:
            row.by_child[child.jurisdiction_id] = value
    for row in rows.values():
        row.own = values.get(row.indicator.pk)
    return list(rows.values()), month
