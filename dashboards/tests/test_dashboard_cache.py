"""The office dashboard is served from the cache, and never stale: a write changes what it shows."""

import datetime as dt

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.selectors import dashboard_data_fingerprint
from dashboards.selectors import fingerprint as dashboards
from programmes.editor import plan_archive, task_withdraw
from programmes.models import Plan
from reports.models import DepartmentReport
from reports.services import period_ensure, period_open, report_save_draft, report_submit
from tests.factories import AssignmentFactory, TaskFactory


def main(html: str) -> str:
    return html[html.find("<main") : html.find("</main>")]


def missing_names(html: str) -> str:
    start = html.find('class="missing-names"')
    return html[start : html.find("</p>", start)] if start >= 0 else ""


def test_a_submission_shows_on_the_cached_dashboard_at_once(client, cast, django_assert_num_queries):
    # given an open month in which 市市场监管局 has not yet submitted
    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    period = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=11))
    url = reverse("dashboards:dashboard_for", args=[cast.jurisdiction.pk]) + f"?period={period.pk}"
    client.force_login(cast.office)
    first = client.get(url).content.decode()
    assert "市市场监管局" in missing_names(first)

    # when the dashboard is asked again, it comes from the cache: user, the user's roles, the
    # data's fingerprint and the header's unread notifications (the session is read from the
    # shared cache, and not written again within the minute)
    with django_assert_num_queries(4):
        assert main(client.get(url).content.decode()) == main(first)

    # and when the department submits
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entry = report.entries.get()
    report_save_draft(
        report=report, actor=cast.liaison, entries={entry.pk: {"progress": "已完成", "version": 0}}, values={}
    )
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 11, 30))

    # then the next view no longer names it as missing
    assert "市市场监管局" not in missing_names(client.get(url).content.decode())


def test_the_cache_is_per_role_and_filters(client, cast):
    url = reverse("dashboards:dashboard_for", args=[cast.jurisdiction.pk])
    client.force_login(cast.office)
    office = client.get(url).content.decode()
    client.force_login(cast.leader)
    leader = client.get(url).content.decode()
    # the office's body links to the reminders; the leader's read-only view does not
    assert ("摘要接收人" in office) and ("摘要接收人" not in leader)


def test_the_fingerprint_is_read_again_on_a_new_connection(transactional_db):
    # given the fingerprint read once (on PostgreSQL, a statement prepared on this connection)
    first = dashboard_data_fingerprint()
    # when the connection is closed and Django opens another
    connection.close()
    # then the fingerprint is read on the new one, and the data have not changed
    assert dashboard_data_fingerprint() == first


def test_a_burst_of_dashboard_requests_reads_the_fingerprint_once(client, cast, settings, monkeypatch):
    # given a process that trusts the fingerprint for a second, at a fixed moment
    settings.DASHBOARD_FINGERPRINT_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(dashboards.time, "monotonic", lambda: clock[0])
    url = reverse("dashboards:dashboard_for", args=[cast.jurisdiction.pk])
    client.force_login(cast.office)
    client.get(url)
    # when the dashboard is asked again within the second
    with CaptureQueriesContext(connection) as within:
        client.get(url)
    # then the fingerprint is not read again, and once the second has passed it is
    clock[0] += 1.0
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert [sum(map(reads_fingerprint, queries)) for queries in (within, after)] == [0, 1]


def reads_fingerprint(query: dict) -> bool:
    """The fingerprint's query: prepared and executed on PostgreSQL, plain on SQLite."""
    sql = query["sql"].strip()
    return sql == f"EXECUTE {dashboards.FINGERPRINT_STATEMENT}" or sql == dashboards.FINGERPRINT_SQL.strip()


def test_withdrawing_a_task_shows_on_the_cached_dashboard_at_once(client, cast):
    # given a second task in the plan, and the dashboard built and cached with both
    second = TaskFactory(plan=cast.plan, title="开展质量品牌建设")
    AssignmentFactory(task=second, department=cast.department)
    url = reverse("dashboards:dashboard_for", args=[cast.jurisdiction.pk])
    client.force_login(cast.office)
    assert "任务 2 项" in main(client.get(url).content.decode())
    # when the office withdraws it: the task's row changes, the plan's change time does not
    task_withdraw(plan=cast.plan, actor=cast.office, task=second, reason="并入品牌建设专项")
    # then the next view counts one task (the plan's revision is in the data's fingerprint)
    assert "任务 1 项" in main(client.get(url).content.decode())


def test_archiving_a_plan_empties_the_cached_dashboard_at_once(client, cast):
    url = reverse("dashboards:dashboard_for", args=[cast.jurisdiction.pk])
    client.force_login(cast.office)
    assert "任务 1 项" in main(client.get(url).content.decode())
    plan_archive(plan=cast.plan, actor=cast.office, reason="本年度工作已完成")
    assert "任务 0 项" in main(client.get(url).content.decode())


def test_a_plan_revision_alone_changes_the_fingerprint(cast):
    # given the fingerprint as it stands
    before = dashboard_data_fingerprint()
    # when an editor change moves nothing but the plan's revision (as plan_change bumps it)
    Plan.objects.filter(pk=cast.plan.pk).update(revision=F("revision") + 1)
    # then the fingerprint moves
    assert dashboard_data_fingerprint() != before
