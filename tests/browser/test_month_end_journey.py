"""The office's month-end in the browser: the to-do list, the month's 汇总表 compiled and
downloaded, one late department reminded, a 简报 issued, the statistics bureau's figures
uploaded; at 1366 and 390 px, under the portal's real Content-Security-Policy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

AFTER_DEADLINE = dt.date(2026, 12, 8)


@pytest.fixture
def month(transactional_db, settings, tmp_path, monkeypatch):
    """November 2026 in 甲市 on 8 December: 市市场监管局 submitted and signed off (waiting for
    the office), 市住建局 never submitted; a work update to brief; an indicator the statistics
    bureau publishes. The worker's jobs run in the live server's process."""
    from reports.compilation_worker import compilation_build
    from reports.models import WorkUpdate
    from reports.services import period_ensure, period_open, report_save_draft, report_sign_off, report_submit
    from reports.tasks import build_month_compilation
    from targets.models import Comparator, Indicator, Target
    from tests.factories import MembershipFactory, UserFactory, cast_create

    settings.PRIVATE_ROOT = tmp_path
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: AFTER_DEADLINE)
    monkeypatch.setattr(build_month_compilation, "delay", lambda pk: compilation_build(compilation_id=pk))
    cast = cast_create()
    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    MembershipFactory(
        user=UserFactory(username="zjj", first_name="王", last_name=""),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="liaison",
        phone="0512-53521234",
    )
    period = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=11))
    report = period.reports.get(department=cast.department)
    entries = {
        e.pk: {"progress": "完成制造业产品监督抽查120批次，合格率96.5%", "version": e.version}
        for e in report.entries.all()
    }
    report_save_draft(report=report, actor=cast.liaison, entries=entries, values={})
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 3))
    report_sign_off(report=report, actor=cast.head, comment="同意上报")
    WorkUpdate.objects.create(
        department=cast.department,
        author=cast.liaison,
        date=dt.date(2026, 11, 20),
        title="市市场监管局开展质量月系列活动",
        body="11月，市市场监管局组织质量月活动12场，走访企业86家。",
    )
    indicator = Indicator.objects.create(
        jurisdiction=cast.jurisdiction,
        name="规模以上工业企业产品质量合格率",
        unit="%",
        source=Indicator.Source.STATISTICS,
        reporting_department=cast.department,
    )
    Target.objects.create(task=cast.task, indicator=indicator, comparator=Comparator.GTE, value=93)
    return cast, period


def statistics_sheet(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["指标", "行政区或部门", "期间", "数值", "数据来源"])
    sheet.append(["规模以上工业企业产品质量合格率", "甲市", "2026年10月", 95.3, "市统计局统计月报"])
    workbook.save(path)
    return path


def test_the_offices_month_end(month, login, page, live_server, screenshot, tmp_path):
    from reports.models import Briefing, MonthlyCompilation, Notification
    from targets.models import Measurement

    cast, period = month
    login("office")
    policy = page.goto(f"{live_server.url}/").headers.get("content-security-policy", "")
    assert "unsafe-inline" not in policy

    # the to-do list: one report to review, 市住建局 missing past the deadline
    expect(page.locator("h1")).to_have_text("待办事项")
    todo = page.locator(".todo-office")
    expect(todo).to_contain_text("待审核的月报（1）")
    expect(todo).to_contain_text("未提交 1 个部门")
    expect(todo).to_contain_text("市住建局")
    screenshot("month_end_home_1366")

    # the period page: remind 市住建局 alone; its liaison's phone is there to call
    todo.get_by_role("link", name=f"{cast.jurisdiction} {period.label}").click()
    row = page.locator("tr", has_text="市住建局")
    expect(row).to_contain_text("0512-53521234")
    row.get_by_role("button", name="催报").click()
    expect(page.locator(".messages")).to_contain_text("市住建局")
    assert Notification.objects.filter(user__username="zjj", kind="reminder.manual").count() == 1
    assert Notification.objects.filter(user=cast.liaison).filter(kind="reminder.manual").count() == 0
    screenshot("month_end_period_1366")

    # the month's 汇总表, one click from the period page, downloaded as Excel
    page.get_by_role("button", name="生成汇总表").click()
    expect(page.get_by_role("link", name="Excel")).to_be_visible(timeout=20_000)
    screenshot("month_end_compiled_1366")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").first.click()
    path = tmp_path / "table.xlsx"
    download.value.save_as(path)
    assert (
        download.value.suggested_filename.endswith(".xlsx") and "汇总表" in download.value.suggested_filename
    )
    cells = [str(c) for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert any("2026年11月" in c for c in cells)
    assert any("完成制造业产品监督抽查120批次" in c for c in cells)
    assert MonthlyCompilation.objects.get(period=period).status == "success"

    # a 简报 from the work update, issued as 第1期
    page.goto(f"{live_server.url}{reverse('reports:briefing_list')}")
    page.get_by_role("button", name="编发新一期").click()
    page.get_by_label("市市场监管局开展质量月系列活动").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("textarea[name$='-body']").first).to_have_value(
        "11月，市市场监管局组织质量月活动12场，走访企业86家。"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="印发本期").click()
    expect(page.locator("h1")).to_contain_text("第1期")
    briefing = Briefing.objects.get(jurisdiction=cast.jurisdiction)
    assert (briefing.status, briefing.number) == ("issued", 1) and briefing.docx
    screenshot("month_end_briefing_1366")

    # the statistics bureau's figure for October, uploaded; the target leaves 待统计数据
    page.goto(f"{live_server.url}{reverse('reports:statistics_list')}")
    page.set_input_files("input[type=file]", str(statistics_sheet(tmp_path / "统计数据.xlsx")))
    page.get_by_role("button", name="上传").click()
    expect(page.locator(".messages")).to_contain_text("1")
    measurement = Measurement.objects.get(indicator__name="规模以上工业企业产品质量合格率")
    assert (measurement.value, measurement.source, measurement.confirmed) == (
        Decimal("95.3"),
        "statistics",
        True,
    )
    screenshot("month_end_statistics_1366")

    # the same pages on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (
        ("home", "/home/"),
        ("period", reverse("reports:period_detail", args=[period.pk])),
        ("briefing", reverse("reports:briefing_detail", args=[briefing.pk])),
        ("statistics", reverse("reports:statistics_list")),
    ):
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        screenshot(f"month_end_{name}_390")
