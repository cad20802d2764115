"""Who reported when: each department's report state per period, the selected period's figures
and the year's on-time records and ranking."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department

from .selection import Selection, tasks_shown


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


def version_counted(versions: list) -> object:
    """The version that says how a department reported a period: its first version submitted
    (a correction opened after approval, a new draft or a later resubmission, does not undo an
    on-time report), else its latest draft. `versions` are one department's, oldest first, each
    with .status."""
    for version in versions:
        if version.status != DepartmentReport.Status.DRAFT:
            return version
    return versions[-1]


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


class ReportCounts:
    """Reports on time, late and missing out of those due (all but the pending), and the on-time
    rate, from `counts` (report state → number) of the class using it."""

    counts: dict[str, int]

    @property
    def due(self) -> int:
        """The reports due so far: those submitted and those missing after the deadline."""
        return sum(n for state, n in self.counts.items() if state != ReportState.PENDING)

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
        """On-time rate, in percent of the reports due so far; None when nothing is due yet."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class DepartmentRecord(ReportCounts):
    """A department's reporting in a year: one state per month, and its on-time rate."""

    department: Department
    states: dict[int, str] = field(default_factory=dict)  # period id → state

    @property
    def counts(self) -> Counter:
        return Counter(self.states.values())


def period_figures(selection: Selection) -> PeriodFigures:
    """The selected period's reports: submitted on time, late, missing, with the departments
    still missing named; a department that must report but has no report row counts as missing."""
    period = selection.period
    empty = {ReportState.ON_TIME: 0, ReportState.LATE: 0, ReportState.MISSING: 0, ReportState.PENDING: 0}
    if period is None:
        return PeriodFigures(None, empty, [], [])
    from reports.services import departments_reporting

    versions: dict[int, list[DepartmentReport]] = {}
    for r in (
        DepartmentReport.objects.filter(period=period)
        .only("pk", "department_id", "status", "is_late", "submitted_at", "version", "period_id")
        .order_by("department_id", "version")
    ):
        versions.setdefault(r.department_id, []).append(r)
    reports = {pk: version_counted(vs) for pk, vs in versions.items()}
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


class _Version(NamedTuple):
    period_id: int
    department_id: int
    name: str
    sort_order: int
    status: str
    is_late: bool
    due: bool


def reporting_records(selection: Selection) -> tuple[list[ReportingPeriod], list[DepartmentRecord]]:
    """Each department's report state in every period of the year that has started."""
    periods = list(
        ReportingPeriod.objects.filter(
            jurisdiction=selection.jurisdiction, start__year=selection.year, start__lte=selection.today
        ).order_by("start")
    )
    by_pk = {p.pk: p for p in periods}
    reports = DepartmentReport.objects.filter(period_id__in=by_pk)
    if selection.department:
        reports = reports.filter(department=selection.department)
    # A draft is due only while it reports on a task in force of an active plan: the draft left
    # to a department whose only plan was archived is not a missing report.
    due = Exists(TaskEntry.objects.filter(report=OuterRef("pk"), task__in=tasks_shown().values("pk")))
    rows = (
        reports.annotate(due=due)
        .order_by("period_id", "department_id", "version")
        .values_list(
            "period_id",
            "department_id",
            "department__name",
            "department__sort_order",
            "status",
            "is_late",
            "due",
        )
    )
    versions: dict[tuple[int, int], list[_Version]] = {}
    for row in rows:
        versions.setdefault((row[0], row[1]), []).append(_Version(*row))
    records: dict[int, DepartmentRecord] = {}
    for counted in map(version_counted, versions.values()):
        period_id, department_id, name, sort_order, status, is_late, is_due = counted
        if status == DepartmentReport.Status.DRAFT and not is_due:
            continue
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


def records_ranked(records: list[DepartmentRecord]) -> list[DepartmentRecord]:
    """Every department by on-time rate, best first; ties by fewer missing, then printed order.
    Each department with a rate is given its rank; those with nothing due yet have no rate to
    rank by, so they come last, in printed order, without a rank (None)."""
    ranked = sorted(
        records,
        key=lambda r: (r.rate is None, -(r.rate or 0), r.missing, r.department.sort_order, r.department.name),
    )
    for rank, record in enumerate(ranked, start=1):
        record.rank = rank if record.rate is not None else None
    return ranked
