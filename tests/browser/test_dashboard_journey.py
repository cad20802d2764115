"""The office's dashboard in the browser: open it, filter to one department, drill down to a
late report; screenshots at 1366 and 390 px."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from reports.models import DepartmentReport
from reports.services import period_ensure, period_open
from responsibilities.models import Department, Jurisdiction
from targets.models import Measurement, Target


def months_of_history(jurisdiction: Jurisdiction, *, late_code: str) -> DepartmentReport:
    """This year's months before the current one, reported: most on time, some late, a few
    missing; a year of values for some targets of the plan. Returns last month's late report."""
    today = timezone.localdate()
    rng = random.Random(5)
    late = None
    for month in range(max(1, today.month - 6), today.month):
        period = period_open(period=period_ensure(jurisdiction=jurisdiction, year=today.year, month=month))
        deadline = dt.datetime.combine(period.deadline, dt.time(10), tzinfo=timezone.get_current_timezone())
        for report in DepartmentReport.objects.filter(period=period).select_related("department"):
            roll = rng.random()
            if report.department.code == late_code and month == today.month - 1:
                roll = 0.9
            if roll < 0.08:
                continue  # left in draft: missing
            report.status = DepartmentReport.Status.APPROVED
            report.is_late = roll > 0.8
            report.submitted_at = deadline + dt.timedelta(days=2 if report.is_late else -1)
            report.save(update_fields=["status", "is_late", "submitted_at"])
            if report.is_late and report.department.code == late_code and month == today.month - 1:
                late = report
    targets = Target.objects.filter(task__plan__jurisdiction=jurisdiction, value__isnull=False)
    for target in targets.select_related("task__plan")[:16]:
        year = target.task.plan.year_start  # the sample plan is 2022's work points
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            value = target.value * Decimal(str(rng.uniform(0.85, 1.08)))
            Measurement.objects.update_or_create(
                indicator=target.indicator, period_end=end, defaults={"period_start": start, "value": value}
            )
    return late


def test_the_office_filters_its_dashboard_to_a_department_and_opens_a_late_report(
    demo, login, page, live_server, screenshot
):
    # given 太仓市 with months of reports, 市住建局's last one submitted late
    taicang = Jurisdiction.objects.get(name="太仓市")
    late = months_of_history(taicang, late_code="zjj")
    housing = Department.objects.get(jurisdiction=taicang, code="zjj")

    # when the office opens its dashboard
    login("office")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("h1")).to_contain_text("工作看板")
    expect(page.locator("svg.chart")).to_have_count(5)
    screenshot("dashboard_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("dashboard_390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})

    # and filters to 市住建局 and last month's period
    page.goto(f"{live_server.url}/dashboard/")
    page.locator(".filter-panel summary").click()
    page.select_option("#id_department", str(housing.pk))
    page.select_option("#id_period", str(late.period_id))
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("h1")).to_contain_text("市住建局")

    # then the late figure leads to the list, and the list to the report
    page.locator(".fig.state-late a").click()
    expect(page.locator("h1")).to_contain_text("逾期提交")
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    screenshot("dashboard_late_list_1366", full_page=False)
    page.locator("table.table tbody tr a", has_text="查看").click()
    expect(page).to_have_url(f"{live_server.url}/reports/{late.pk}/")
    expect(page.locator("h1")).to_contain_text("市住建局")
