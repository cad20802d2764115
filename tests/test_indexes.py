"""The queries the month-end peak and the dashboards rely on find their rows through an index,
as EXPLAIN shows, on data big enough that PostgreSQL's planner chooses by cost: a bench city
among others whose reporting history has grown tenfold (bench.dashboard.grow_tenfold), with
fresh statistics (ANALYZE), as after autovacuum. No planner setting is forced: on tables of a
few pages a sequential scan is the right plan, so only a realistic size shows whether the index
is there and usable.

Each test runs the real code (the report page, a save, a submission, the dashboard built
afresh, the data's fingerprint), captures its SQL, and EXPLAINs every statement: none may read
one of the big tables from end to end, and the lookups named below must use their index."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from bench.dashboard import grow_tenfold
from bench.data import Scale, seed_large
from bench.peak import current_reports
from bench.world import bench_jurisdictions, bench_office_username
from dashboards.selectors import _RECENT_FINGERPRINT
from dashboards.selectors.fingerprint import FINGERPRINT_SQL
from reports.models import DepartmentReport
from reports.services import report_save_draft, report_submit
from responsibilities.models import Membership, Role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN's plans are PostgreSQL's; the indexes are chosen for it (set DATABASE_URL)",
)

# Tables that grow with every month and every jurisdiction: never to be read whole.
BIG_TABLES = (
    "reports_departmentreport",
    "reports_taskentry",
    "reports_indicatorvalue",
    "targets_measurement",
    "targets_target",
    "programmes_task",
    "programmes_assignment",
    "audit_auditevent",
)
# Sixteen small bench cities with a year of history; then every city but the first has its
# tasks and history copied nine times: many plans and periods, as a province's database holds,
# and reporting tables of some 300,000 rows.
SCALE = Scale(jurisdictions=16, departments=10, tasks=40, targets=60, sections=2, months=12)


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    """The data, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_large(SCALE)
        first, *others = bench_jurisdictions().order_by("name")
        grow_tenfold([j.pk for j in others])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield first
        transaction.set_rollback(True)


@pytest.fixture
def city(big, django_db_blocker):
    """Each test's writes are undone before the next (a savepoint inside the module's data)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield big
        transaction.set_rollback(True)


def explain(sql: str, params=None) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plans_of(captured: CaptureQueriesContext) -> list[tuple[str, str]]:
    """(statement, plan) for every SELECT, UPDATE, INSERT and DELETE captured."""
    result = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not re.match(r"\s*(SELECT|UPDATE|INSERT|DELETE|WITH)\b", sql, re.IGNORECASE):
            continue
        result.append((sql, explain(sql)))  # the captured SQL has its parameters inlined
    return result


def whole_table_reads(plans: list[tuple[str, str]]) -> list[str]:
    found = []
    for sql, plan in plans:
        for table in BIG_TABLES:
            if re.search(rf"Seq Scan on {table}\b", plan):
                found.append(f"Seq Scan on {table} in:\n{sql[:500]}\n{plan}")
    return found


def uses_index(plans: list[tuple[str, str]], *, statement: str, index: str) -> bool:
    """Some statement containing `statement` is planned to read `index`: an Index Scan, an Index
    Only Scan, or a Bitmap Index Scan (many rows of one key: the visibility map of freshly
    written rows is not yet set, so the planner reads the index, then the heap in order)."""
    pattern = rf"(Index (Only )?Scan( Backward)? using {index}|Bitmap Index Scan on {index})\b"
    return any(statement in sql and re.search(pattern, plan) for sql, plan in plans)


def liaison_of(report: DepartmentReport):
    return (
        Membership.objects.filter(department_id=report.department_id, role=Role.LIAISON)
        .select_related("user")
        .first()
        .user
    )


def open_report(city) -> DepartmentReport:
    return current_reports().filter(period__jurisdiction=city).order_by("department__sort_order").first()


def test_the_report_form_loads_the_report_its_entries_and_values_by_index(city):
    # given a liaison's draft in the open month
    report = open_report(city)
    client = Client()
    client.force_login(liaison_of(report))

    # when the report form is loaded
    with override_settings(ALLOWED_HOSTS=["*"]), CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 200

    # then no big table is read whole, and the entries and values come by their report's index
    plans = plans_of(captured)
    assert whole_table_reads(plans) == []
    assert uses_index(
        plans, statement='FROM "reports_taskentry"', index=index_on("reports_taskentry", "report_id")
    )
    assert uses_index(
        plans,
        statement='FROM "reports_indicatorvalue"',
        index=index_on("reports_indicatorvalue", "report_id"),
    )


def test_a_save_and_a_submission_find_their_rows_by_index(city):
    # given a liaison's draft, every entry and value filled in
    report = open_report(city)
    liaison = liaison_of(report)
    entries = {e.pk: {"progress": "已推进", "version": e.version} for e in report.entries.all()}
    values = {
        v.pk: {"value": "1", "gap_explanation": "说明", "version": v.version} for v in report.values.all()
    }

    # when it is saved and submitted
    with CaptureQueriesContext(connection) as captured:
        result = report_save_draft(report=report, actor=liaison, entries=entries, values=values)
        report_submit(report=report, actor=liaison, today=report.period.deadline - dt.timedelta(days=1))

    # then every row was found by an index
    assert not result.conflicts and not result.errors
    plans = plans_of(captured)
    assert whole_table_reads(plans) == []
    assert uses_index(plans, statement='UPDATE "reports_taskentry"', index="reports_taskentry_pkey")
    assert uses_index(
        plans, statement='FROM "reports_departmentreport"', index="reports_departmentreport_pkey"
    )


def test_the_dashboard_built_afresh_reads_statuses_reports_and_values_by_index(city):
    # given the city's office, and nothing cached
    office = get_user_model().objects.get(username=bench_office_username(int(city.name[2:-1])))
    client = Client()
    client.force_login(office)
    _RECENT_FINGERPRINT.clear()

    # when the dashboard is built
    with override_settings(ALLOWED_HOSTS=["*"]), CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboards:dashboard_for", args=[city.pk])).status_code == 200

    # then no big table is read whole: each task's latest lead entry is found from the city's
    # periods of the year, through their reports, to the reports' entries; the year's reports
    # from their periods; the targets' values newest first from their indicator's series
    plans = plans_of(captured)
    assert whole_table_reads(plans) == []
    statuses = 'SELECT "reports_taskentry"."task_id" AS "task_id", MAX('
    assert uses_index(plans, statement=statuses, index="period_unique_start")
    assert uses_index(plans, statement=statuses, index=index_on("reports_departmentreport", "period_id"))
    assert uses_index(plans, statement=statuses, index=index_on("reports_taskentry", "report_id"))
    records = 'SELECT "reports_departmentreport"."period_id" AS "period_id"'
    assert uses_index(plans, statement=records, index=index_on("reports_departmentreport", "period_id"))
    assert uses_index(plans, statement="ROW_NUMBER()", index="measurement_series")


def index_on(table: str, column: str) -> str:
    """The name of the single-column index on table(column)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, f"%USING btree ({column})"],
        )
        (name,) = cursor.fetchone()
    return name


def test_the_fingerprint_reads_each_maximum_from_an_index(city):
    # when the dashboard data's fingerprint is planned
    plan = explain(FINGERPRINT_SQL)

    # then each maximum over a big table is the last entry of an index, and no big table is read
    assert whole_table_reads([(FINGERPRINT_SQL, plan)]) == []
    for table, column in (
        ("reports_departmentreport", "updated_at"),
        ("reports_departmentreport", "id"),
        ("reports_taskentry", "updated_at"),
        ("reports_indicatorvalue", "updated_at"),
        ("targets_measurement", "recorded_at"),
        ("targets_measurement", "id"),
        ("programmes_task", "id"),
        ("targets_target", "id"),
        ("programmes_assignment", "id"),
    ):
        index = index_on(table, column)
        assert re.search(rf"Index Only Scan Backward using {index} on {table}\b", plan), (table, column, plan)
