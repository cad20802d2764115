"""Dashboards: every headline figure against data built here, the drill-down lists behind them,
who may see what, a constant number of queries, and the monthly summary e-mail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import SummaryRecipient
from dashboards.selectors import DashboardFilter, dashboard_build, selection_from
from dashboards.summaries import summary_document, summary_send_monthly
from programmes.models import Task
from reports.models import DepartmentReport, TaskEntry
from reports.services import period_ensure, period_open
from responsibilities.models import Department
from targets.models import Measurement
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    HeadingFactory,
    IndicatorFactory,
    TargetFactory,
    TaskFactory,
)

TODAY = dt.date(2026, 11, 20)  # October's reports were due on 5 November


def forget_cached_pages():
    """Empty the shared cache and this process's own, so that the next page is built."""
    for each in caches.all():
        each.clear()


def measure(indicator, *values, start_month=1, year=2026):
    for i, value in enumerate(values):
        start = dt.date(year, start_month + i, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        Measurement.objects.create(
            indicator=indicator, period_start=start, period_end=end, value=Decimal(str(value))
        )


def target(task, *, aggregation="latest", source="reported", **fields):
    indicator = IndicatorFactory(jurisdiction=task.plan.jurisdiction, aggregation=aggregation, source=source)
    TargetFactory(task=task, indicator=indicator, **fields)
    return indicator


def submit(report, *, late: bool, statuses: dict[int, str] | None = None):
    """The state a submitted report is left in; the workflow itself is tested elsewhere."""
    report.status = DepartmentReport.Status.APPROVED
    report.is_late = late
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "is_late", "submitted_at"])
    for task_id, status in (statuses or {}).items():
        TaskEntry.objects.filter(report=report, task_id=task_id).update(status=status, progress="已推进")


@pytest.fixture
def programme(cast):
    """甲市's 2026 work points: three tasks in two sections, eight targets at the edges, and
    October's reports: 市市场监管局 on time, 市教育局 late, 市住建局 missing."""
    education = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市教育局", code="jyj")
    first = HeadingFactory(plan=cast.plan, number="一", title="质量基础", position=1)
    second = HeadingFactory(plan=cast.plan, number="二", title="重点任务", position=2)
    nested = HeadingFactory(plan=cast.plan, number="(一)", title="制造业", parent=second, position=3)
    delayed = TaskFactory(plan=cast.plan, heading=first, title="推进标准化")
    going = TaskFactory(plan=cast.plan, heading=nested, title="提升制造业质量")
    for task in (delayed, going):
        AssignmentFactory(task=task, department=education)
    target(cast.task, comparator=">=", value=93)  # never reported: no data
    exactly = target(cast.task, comparator=">=", value=93)
    under = target(cast.task, comparator=">=", value=93)
    range_end = target(delayed, aggregation="average", comparator="range", value=2, value_max=3)
    cumulative = target(delayed, aggregation="sum", comparator=">=", value=2400)
    stretch = target(going, comparator="<=", value=Decimal("0.30"), stretch=Decimal("0.25"))
    target(going, source="statistics", comparator=">=", value=5)  # awaiting statistics
    far_off = target(going, comparator=">=", value=100)
    measure(exactly, 90, 93)
    measure(under, 95, Decimal("92.99"))
    measure(range_end, 3, 3)
    measure(cumulative, *[200] * 10)  # 2000 of 2400 after 10 of 12 months: exactly pro rata
    measure(stretch, Decimal("0.25"))
    measure(far_off, 80)
    october = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=10))
    reports = {r.department_id: r for r in DepartmentReport.objects.filter(period=october)}
    submit(reports[cast.department.pk], late=False, statuses={cast.task.pk: Task.Status.DONE})
    submit(reports[education.pk], late=True, statuses={delayed.pk: Task.Status.DELAYED})
    return {"period": october, "education": education, "delayed": delayed, "going": going, "second": second}


def board_for(cast, data=None, today=TODAY):
    filterset = DashboardFilter(data, jurisdiction=cast.jurisdiction)
    return dashboard_build(selection=selection_from(filterset, today=today))


def test_headline_figures_count_tasks_targets_and_reports_as_built(cast, programme):
    # given the programme above (the first target has no value at all)
    # when the office dashboard is built
    board = board_for(cast)
    # then tasks by their lead department's latest submitted status
    assert board.task_counts == {"not_started": 0, "in_progress": 1, "done": 1, "delayed": 1}
    # and targets at the edges: exactly 93 met, 92.99 at risk, range end met, cumulative on
    # pro-rata track, stretch reached met, statistics awaited, one never reported, 80 of 100 off track
    assert board.target_counts == {
        "met": 3,
        "on_track": 1,
        "at_risk": 1,
        "off_track": 1,
        "awaiting_data": 1,
        "no_data": 1,
    }
    # and October's reports, the missing department named
    assert board.period.period == programme["period"]
    assert board.period.counts["on_time"] == 1
    assert board.period.counts["late"] == 1
    assert board.period.counts["missing"] == 1
    assert [d.name for d in board.period.missing] == ["市住建局"]


def test_tasks_are_charted_by_top_level_section_whatever_their_depth(cast, programme):
    # when
    board = board_for(cast)
    # then the task under 二(一) counts in section 二
    labels = {label: counts for label, counts, _key in board.tasks_by_section}
    assert labels["二、重点任务"] == {"in_progress": 1}
    assert labels["一、质量基础"] == {"delayed": 1}


def test_filtering_to_a_department_narrows_every_figure(cast, programme):
    # when filtered to 市教育局
    board = board_for(cast, {"department": programme["education"].pk})
    # then only its tasks, their targets and its report count
    assert board.task_total == 2
    assert board.target_total == 5
    assert board.period.counts["late"] == 1
    assert board.period.counts["on_time"] == 0
    assert [r.department.name for r in board.records] == ["市教育局"]


def test_the_ranking_puts_on_time_departments_first(cast, programme):
    # when
    ranking = board_for(cast).ranking
    # then on time (100%) before late and missing (0%)
    assert ranking[0].department == cast.department
    assert ranking[0].rate == 100


def test_the_office_dashboard_renders_five_charts_and_links_each_figure_to_its_list(client, cast, programme):
    # when the office opens it
    client.force_login(cast.office)
    response = client.get("/dashboard/", {"period": programme["period"].pk})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 5
    assert "/dashboard/targets/?period=" in html and "target_status=off_track" in html
    assert "/dashboard/reports/?period=" in html and "state=late" in html
    assert "摘要接收人" in html  # an office action


def test_a_leader_reads_the_dashboard_without_the_offices_actions(client, cast, programme):
    client.force_login(cast.leader)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "摘要接收人" not in response.content.decode()
    assert client.post("/dashboard/recipients/", {"name": "张三", "email": "z@example.cn"}).status_code == 403


def test_a_liaison_lands_on_their_departments_dashboard(client, cast, programme):
    client.force_login(cast.liaison)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url == f"/dashboard/departments/{cast.department.pk}/"


@pytest.mark.parametrize(
    "url",
    ["/dashboard/", "/dashboard/tasks/", "/dashboard/targets/", "/dashboard/reports/", "/dashboard/summary/"],
)
def test_another_jurisdictions_office_cannot_open_our_pages(client, cast, programme, url):
    # given 乙市's office asking for 甲市's dashboard and pages
    client.force_login(cast.outsider_office)
    # when / then: their own jurisdiction's page, never ours
    assert client.get(f"/dashboard/{cast.jurisdiction.pk}/").status_code == 404
    assert "甲市" not in client.get(url).content.decode()
    assert client.get(f"/dashboard/departments/{cast.department.pk}/").status_code == 404
    assert client.get(f"/dashboard/task/{cast.task.pk}/").status_code == 404


def test_a_liaison_cannot_open_another_departments_dashboard(client, cast, programme):
    client.force_login(cast.liaison)
    assert client.get(f"/dashboard/departments/{programme['education'].pk}/").status_code == 404
    assert client.get(f"/dashboard/departments/{cast.department.pk}/").status_code == 200


def test_the_late_figure_drills_down_to_the_late_report(client, cast, programme):
    client.force_login(cast.office)
    response = client.get("/dashboard/reports/", {"period": programme["period"].pk, "state": "late"})
    html = response.content.decode()
    late = DepartmentReport.objects.get(period=programme["period"], department=programme["education"])
    listed = [row.record.department.name for row in response.context["table"].paginated_rows]
    assert listed == ["市教育局"]
    assert f"/reports/{late.pk}/" in html


def test_the_off_track_figure_lists_exactly_the_target_behind(client, cast, programme):
    client.force_login(cast.office)
    response = client.get("/dashboard/targets/", {"target_status": "off_track"})
    assert response.context["table"].paginator.count == 1
    assert "明显滞后" in response.content.decode()


def test_every_list_exports_to_excel(client, cast, programme):
    client.force_login(cast.office)
    for url in ("/dashboard/tasks/", "/dashboard/targets/", "/dashboard/reports/", "/dashboard/departments/"):
        response = client.get(url, {"_export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"


def test_a_tasks_history_shows_every_departments_entries_and_its_targets_values(client, cast, programme):
    client.force_login(cast.office)
    response = client.get(f"/dashboard/task/{programme['delayed'].pk}/")
    html = response.content.decode()
    assert "市教育局" in html and "2026年10月" in html
    assert html.count("<svg") == 2  # one trend per target


def test_the_department_dashboard_shows_what_the_office_returned(client, cast, programme):
    # given the current period open, with an entry of 市市场监管局 returned with a comment
    today = timezone.localdate()
    current = period_open(
        period=period_ensure(jurisdiction=cast.jurisdiction, year=today.year, month=today.month)
    )
    report = DepartmentReport.objects.get(period=current, department=cast.department)
    report.entries.update(returned=True, office_comment="请补充抽查批次")
    # when the liaison opens the department dashboard
    client.force_login(cast.liaison)
    html = client.get(f"/dashboard/departments/{cast.department.pk}/").content.decode()
    # then
    assert "请补充抽查批次" in html
    assert current.label in html
    assert "还剩" in html or "已逾期" in html


def grow(cast, *, tasks: int, departments: int):
    """More of everything the dashboard reads: tasks with targets and a year of values,
    departments with reports."""
    for d in range(departments):
        department = DepartmentFactory(jurisdiction=cast.jurisdiction, name=f"市增加{tasks}{d}局")
        for _ in range(tasks // departments):
            task = TaskFactory(plan=cast.plan)
            AssignmentFactory(task=task, department=department)
            measure(target(task, aggregation="sum", value=100), *range(1, 11))
    period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=9))


def test_the_office_dashboard_takes_the_same_number_of_queries_whatever_the_data_size(
    client, cast, programme
):
    # given the dashboard measured on the programme, then again after it grew
    client.force_login(cast.office)
    client.get("/dashboard/")  # warm the session
    # the cost of building the dashboard, not of serving it from a cache
    forget_cached_pages()
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/").status_code == 200
    grow(cast, tasks=30, departments=5)
    forget_cached_pages()
    with CaptureQueriesContext(connection) as large:
        assert client.get("/dashboard/").status_code == 200
    # then the same count: session, user, roles (scope and header), the data fingerprint that
    # keys the cache, jurisdiction, filter choices (plans, sections, departments, periods), the
    # default period, task counts by status and by section with the section headings, the
    # targets with their values summed in SQL, the year's periods and reports, the period's
    # reports and reporting departments, the trend's values, whether any jurisdiction is below
    # (the link to the roll-up), the header's unread notifications — none of them per row
    assert len(small) == len(large)
    assert len(large) <= 27


def test_the_monthly_summary_goes_once_as_a_pdf_to_each_recipient(cast, programme, settings):
    # given two recipients the office set
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name, email in (("张市长", "mayor@example.cn"), ("李主任", "director@example.cn")):
        SummaryRecipient.objects.create(jurisdiction=cast.jurisdiction, name=name, email=email)
    # when the monthly job runs on 10 November, and again
    sent = summary_send_monthly(today=dt.date(2026, 11, 10))
    again = summary_send_monthly(today=dt.date(2026, 11, 10))
    # then each got October's summary once, as a one-page PDF
    assert (sent, again) == (2, 0)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "2026年10月" in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content[:5] == b"%PDF-"


def test_the_summary_fits_one_a4_page(cast, programme):
    # given a selection of the whole programme
    selection = selection_from(DashboardFilter(None, jurisdiction=cast.jurisdiction), today=TODAY)
    # when laid out for the PDF
    document = summary_document(selection=selection)
    # then one page, A4 portrait (595 × 842 pt)
    assert len(document.pages) == 1
    assert round(document.pages[0].width * 0.75) == 595


def test_the_office_adds_a_recipient_once(client, cast):
    client.force_login(cast.office)
    data = {"name": "张市长", "title": "副市长", "email": "Mayor@Example.cn"}
    assert client.post("/dashboard/recipients/", data).status_code == 302
    response = client.post("/dashboard/recipients/", data)
    assert "该邮箱已在接收人名单中" in response.content.decode()
    assert SummaryRecipient.objects.get().email == "mayor@example.cn"


def test_the_summary_pdf_downloads(client, cast, programme):
    client.force_login(cast.leader)
    response = client.get("/dashboard/summary.pdf")
    assert response.status_code == 200
    assert response.content[:5] == b"%PDF-"


def test_dashboard_departments_not_in_scope_are_never_listed(cast, programme):
    # given a department of 乙市 with a report
    DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市教育局")
    # when / then
    board = board_for(cast)
    assert all(r.department.name != "乙市教育局" for r in board.records)
    assert not Department.objects.filter(name="乙市教育局", jurisdiction=cast.jurisdiction).exists()
