"""Figures for the office dashboard: its speed on the bench data, served from the cache and built
afresh on the first view after a write, and how that speed holds when the other cities' data grow
tenfold (the rows are copied in SQL inside a transaction that is rolled back, so nothing is left
behind)."""

from __future__ import annotations

from contextlib import contextmanager

from django.core import signals
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from dashboards.selectors import _RECENT_FINGERPRINT, dashboard_data_fingerprint
from programmes.models import Assignment, Task
from reports.models import DepartmentReport, IndicatorValue, ReportingPeriod, TaskEntry
from reports.services import report_save_draft
from responsibilities.models import Jurisdiction, Membership, Role
from targets.models import Measurement, Target

from .measure import Timing, time_cold_get, time_get
from .world import bench_jurisdictions

GROWTH = 10
# Copies of history go back this many years each, clear of the 36 months seeded.
SHIFT_YEARS = 5
POSITION_STEP = 1_000_000
# The tables grow_tenfold copies rows into.
GROWN_MODELS = (
    Task,
    Assignment,
    Target,
    ReportingPeriod,
    DepartmentReport,
    TaskEntry,
    IndicatorValue,
    Measurement,
)


def dashboard_figures(*, client: Client, jurisdiction: Jurisdiction, requests: int) -> dict:
    """The dashboard's p95, median, throughput and queries from the cache; its p95, median and
    queries built afresh on the first view after a write (a fortieth of the requests, at least
    twenty); and its p95 after the other cities' data grew tenfold divided by its p95 before."""
    url = reverse("dashboards:dashboard_for", args=[jurisdiction.pk])
    _settle()
    before = time_get(client, url, requests=requests)
    cold = time_after_write(client, url, requests=max(20, requests // 40), write=entry_writer(jurisdiction))
    figures = {
        "dashboard_p95_ms": before.p95_ms,
        "dashboard_median_ms": before.median_ms,
        "dashboard_rps": before.rps,
        "dashboard_queries": before.queries,
        "dashboard_cold_p95_ms": cold.p95_ms,
        "dashboard_cold_median_ms": cold.median_ms,
        "dashboard_cold_queries": cold.queries,
    }
    if connection.vendor != "postgresql":
        figures["dashboard_growth_ratio"] = None  # the copies are made in PostgreSQL's SQL
        return figures
    with transaction.atomic(), _requests_keep_the_connection():
        grown = grow_tenfold(other_cities(jurisdiction))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _settle()
        after = time_get(client, url, requests=requests)
        transaction.set_rollback(True)
    # The copies are gone, but their dead rows would have autovacuum at work while the next
    # figures are measured: clean them up now.
    with connection.cursor() as cursor:
        for model in GROWN_MODELS:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    figures["dashboard_growth_ratio"] = round(after.p95_ms / before.p95_ms, 2) if before.p95_ms else None
    figures["dashboard_grown_p95_ms"] = after.p95_ms
    figures["dashboard_grown_rows"] = grown
    return figures


def other_cities(jurisdiction: Jurisdiction) -> list[int]:
    """The bench cities but the one measured: whose data grow in the growth phase. On the
    province data (seed_large --province) their counties and the province do not grow, as in
    bench.rollup: ninety-six counties copied nine times would take the run's time for a figure
    about the neighbours' data, which the cities' copies already show."""
    cities = bench_jurisdictions().filter(level=Jurisdiction.Level.CITY).exclude(pk=jurisdiction.pk)
    return list(cities.order_by("pk").values_list("pk", flat=True))


def entry_writer(jurisdiction: Jurisdiction):
    """A liaison's autosave in the jurisdiction's open month, through the reports service: one
    task entry of a draft report rewritten, each time with a new text (the bench's peak phase
    puts the open reports back to blank drafts afterwards)."""
    report = (
        DepartmentReport.objects.current()
        .filter(
            period__jurisdiction=jurisdiction,
            period__status=ReportingPeriod.Status.OPEN,
            status=DepartmentReport.Status.DRAFT,
            entries__isnull=False,
        )
        .order_by("department__sort_order", "pk")
        .first()
    )
    if report is None:
        raise RuntimeError(f"{jurisdiction} has no draft report in an open month to write to")
    liaison = (
        Membership.objects.filter(department_id=report.department_id, role=Role.LIAISON, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    entry_id = report.entries.order_by("pk").values_list("pk", flat=True).first()

    def write() -> None:
        version = TaskEntry.objects.values_list("version", flat=True).get(pk=entry_id)
        result = report_save_draft(
            report=report,
            actor=liaison.user,
            entries={entry_id: {"progress": f"本月推进中（基准第{version + 1}次保存）", "version": version}},
            values={},
        )
        if result.saved != 1:
            raise RuntimeError(f"the bench's write to entry {entry_id} was not saved: {result}")

    return write


def time_after_write(client: Client, url: str, *, requests: int, write) -> Timing:
    """GETs of the dashboard, each the first view after `write()` changed the data: the write
    moves the data's fingerprint, and this process's one-second memory of the fingerprint is
    forgotten, so the page's cache key is one never asked for and neither this process's
    cache nor the shared one can serve it; each fingerprint is checked to be new, so every
    request timed built the page. The first counts queries (the fingerprint's among them)."""
    seen = {dashboard_data_fingerprint()}  # what the cached pages are keyed by now

    def changed() -> None:
        write()
        fingerprint = dashboard_data_fingerprint()  # outside the timing; the view reads it again
        if fingerprint in seen:
            raise RuntimeError("the bench's write did not change the dashboard's fingerprint")
        seen.add(fingerprint)
        _RECENT_FINGERPRINT.clear()

    return time_cold_get(client, url, requests=requests, renew=changed)


def _settle() -> None:
    """Write dirty pages out before a timing starts (a checkpoint, where the database user may
    ask for one), so that neither phase pays for the other's writes; the growth phase leaves
    hundreds of megabytes of them."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass  # not a superuser (nor pg_checkpoint): time as things are


@contextmanager
def _requests_keep_the_connection():
    """Django closes a connection found out of autocommit at each request's end; inside the
    rolled-back transaction the requests must keep it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _columns(model, **overrides: str) -> tuple[str, str]:
    """The insert column list and the matching select list, the source row aliased `src`."""
    names, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        exprs.append(overrides.get(field.column, f"src.{connection.ops.quote_name(field.column)}"))
    return ", ".join(names), ", ".join(exprs)


def _insert(cursor, model, from_sql: str, params: list, **overrides: str) -> int:
    names, exprs = _columns(model, **overrides)
    cursor.execute(f"INSERT INTO {model._meta.db_table} ({names}) SELECT {exprs} {from_sql}", params)
    return cursor.rowcount


def grow_tenfold(jurisdiction_ids: list[int]) -> int:
    """Nine more copies of the jurisdictions' tasks (with assignments and targets), periods,
    reports with entries and values, and measurements; returns the rows added."""
    if not jurisdiction_ids:
        return 0
    added = 0
    with connection.cursor() as cursor:
        for k in range(1, GROWTH):
            added += _copy_plans(cursor, jurisdiction_ids, offset=POSITION_STEP * k)
            added += _copy_reporting(cursor, jurisdiction_ids, shift=f"interval '{SHIFT_YEARS * k} years'")
    return added


def _copy_plans(cursor, jurisdiction_ids: list[int], *, offset: int) -> int:
    """A copy of every task, placed `offset` positions further, with its assignments and targets."""
    task, plan = Task._meta.db_table, "programmes_plan"
    added = _insert(
        cursor,
        Task,
        f"FROM {task} src JOIN {plan} p ON p.id = src.plan_id "
        f"WHERE p.jurisdiction_id = ANY(%s) AND src.position < {POSITION_STEP}",
        [jurisdiction_ids],
        position=f"src.position + {offset}",
    )
    copied_task = (
        f"JOIN {task} t ON t.id = src.task_id JOIN {plan} p ON p.id = t.plan_id "
        f"JOIN {task} nt ON nt.plan_id = t.plan_id AND nt.position = t.position + {offset} "
        f"WHERE p.jurisdiction_id = ANY(%s) AND t.position < {POSITION_STEP}"
    )
    for model in (Assignment, Target):
        added += _insert(
            cursor,
            model,
            f"FROM {model._meta.db_table} src {copied_task}",
            [jurisdiction_ids],
            task_id="nt.id",
        )
    return added


def _copy_reporting(cursor, jurisdiction_ids: list[int], *, shift: str) -> int:
    """A copy of the last four years' periods, reports, entries, values and measurements,
    moved `shift` into the past."""
    periods, reports = ReportingPeriod._meta.db_table, DepartmentReport._meta.db_table
    recent = "op.start > CURRENT_DATE - interval '4 years'"
    added = _insert(
        cursor,
        ReportingPeriod,
        f"FROM {periods} src WHERE src.jurisdiction_id = ANY(%s) AND src.start > CURRENT_DATE - interval '4 years'",
        [jurisdiction_ids],
        start=f"(src.start - {shift})::date",
        end=f"(src.{connection.ops.quote_name('end')} - {shift})::date",
        deadline=f"(src.deadline - {shift})::date",
    )
    copied_period = (
        f"JOIN {periods} op ON op.id = src.period_id "
        f"JOIN {periods} np ON np.jurisdiction_id = op.jurisdiction_id AND np.start = (op.start - {shift})::date "
        f"WHERE op.jurisdiction_id = ANY(%s) AND {recent}"
    )
    added += _insert(
        cursor,
        DepartmentReport,
        f"FROM {reports} src {copied_period}",
        [jurisdiction_ids],
        period_id="np.id",
        supersedes_id="NULL",
    )
    for model in (TaskEntry, IndicatorValue):
        added += _insert(
            cursor,
            model,
            f"FROM {model._meta.db_table} src JOIN {reports} r ON r.id = src.report_id "
            f"JOIN {periods} op ON op.id = r.period_id "
            f"JOIN {periods} np ON np.jurisdiction_id = op.jurisdiction_id "
            f"AND np.start = (op.start - {shift})::date "
            f"JOIN {reports} nr ON nr.period_id = np.id AND nr.department_id = r.department_id "
            "AND nr.version = r.version "
            f"WHERE op.jurisdiction_id = ANY(%s) AND {recent}",
            [jurisdiction_ids],
            report_id="nr.id",
        )
    added += _insert(
        cursor,
        Measurement,
        f"FROM {Measurement._meta.db_table} src JOIN targets_indicator i ON i.id = src.indicator_id "
        "WHERE i.jurisdiction_id = ANY(%s) AND src.period_end > CURRENT_DATE - interval '4 years'",
        [jurisdiction_ids],
        period_start=f"(src.period_start - {shift})::date",
        period_end=f"(src.period_end - {shift})::date",
    )
    return added
