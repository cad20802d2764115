"""Figures for the office dashboard: its speed on the bench data, and how that speed holds when
every other jurisdiction's data grows tenfold (the rows are copied in SQL inside a transaction
that is rolled back, so nothing is left behind)."""

from __future__ import annotations

from contextlib import contextmanager

from django.core import signals
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from programmes.models import Assignment, Task
from reports.models import DepartmentReport, IndicatorValue, ReportingPeriod, TaskEntry
from responsibilities.models import Jurisdiction
from targets.models import Measurement, Target

from .measure import time_get

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
    """The dashboard's p95, median, throughput and queries, and its p95 after the other
    jurisdictions' data grew tenfold divided by its p95 before."""
    url = reverse("dashboards:dashboard_for", args=[jurisdiction.pk])
    _settle()
    before = time_get(client, url, requests=requests)
    figures = {
        "dashboard_p95_ms": before.p95_ms,
        "dashboard_median_ms": before.median_ms,
        "dashboard_rps": before.rps,
        "dashboard_queries": before.queries,
    }
    if connection.vendor != "postgresql":
        figures["dashboard_growth_ratio"] = None  # the copies are made in PostgreSQL's SQL
        return figures
    with transaction.atomic(), _requests_keep_the_connection():
        others = list(Jurisdiction.objects.exclude(pk=jurisdiction.pk).values_list("pk", flat=True))
        grown = grow_tenfold(others)
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
