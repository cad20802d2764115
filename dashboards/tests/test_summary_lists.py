"""The monthly summary's lists: the lowest on-time rates name only departments below 100%, and
a department whose approved, on-time report is being corrected has still reported."""

import pytest

from dashboards.selectors import DashboardFilter, selection_from
from dashboards.summaries import summary_context, summary_html
from dashboards.tests import test_dashboard as built
from programmes.editor import plan_archive
from reports.models import DepartmentReport
from reports.services import period_ensure, period_open, report_correct
from tests.factories import AssignmentFactory, DepartmentFactory, PlanFactory, TaskFactory

TODAY, board_for, submit = built.TODAY, built.board_for, built.submit
programme = built.programme  # the dashboard tests' October, as a fixture here


def summary_for(cast):
    filterset = DashboardFilter(None, jurisdiction=cast.jurisdiction)
    return selection_from(filterset, today=TODAY)


def test_the_lowest_rates_name_only_departments_below_100_percent(cast, programme):
    # given October: 市市场监管局 on time (100%), 市教育局 late and 市住建局 missing (0%)
    # when the summary is built
    context = summary_context(selection=summary_for(cast))
    # then only the two below 100% are listed, and the chart names no one else
    assert sorted(r.department.name for r in context["lowest"]) == ["市住建局", "市教育局"]
    assert all(r.rate < 100 for r in context["lowest"])
    assert "市市场监管局" not in str(context["ranking"])


def test_when_every_department_reported_on_time_the_summary_says_none_is_late(cast, programme):
    # given every October report submitted on time
    for report in DepartmentReport.objects.filter(period=programme["period"]):
        submit(report, late=False)
    # when the summary is rendered
    html = summary_html(selection=summary_for(cast))
    context = summary_context(selection=summary_for(cast))
    # then no department is listed as lowest, and the page says so
    assert context["lowest"] == []
    assert "各部门均按时报送" in html


def test_a_correction_of_an_approved_on_time_report_does_not_make_the_department_missing(cast, programme):
    # given 市市场监管局's approved, on-time October report, and a correction opened on it
    approved = DepartmentReport.objects.get(period=programme["period"], department=cast.department)
    correction = report_correct(report=approved, actor=cast.liaison)
    assert correction.status == DepartmentReport.Status.DRAFT
    # when the dashboard and the summary are built
    board = board_for(cast)
    html = summary_html(selection=summary_for(cast))
    # then the department still counts as on time, and only 市住建局 has not reported
    assert board.period.counts["on_time"] == 1
    assert board.period.counts["missing"] == 1
    assert [d.name for d in board.period.missing] == ["市住建局"]
    market = next(r for r in board.records if r.department.pk == cast.department.pk)
    assert market.rate == 100
    assert "尚未提交" in html
    assert "尚未提交：</strong>市住建局</p>" in html


@pytest.mark.parametrize("late", [True, False])
def test_a_resubmitted_correction_keeps_the_first_submissions_punctuality(cast, programme, late):
    # given a correction opened on 市市场监管局's on-time report, then submitted (late or not)
    approved = DepartmentReport.objects.get(period=programme["period"], department=cast.department)
    correction = report_correct(report=approved, actor=cast.liaison)
    submit(correction, late=late)
    # then the department reported October on time
    board = board_for(cast)
    assert board.period.counts["on_time"] == 1
    assert board.period.counts["late"] == 1  # 市教育局


def test_a_department_whose_only_plan_was_archived_after_the_month_opened_is_not_counted(cast, programme):
    # given last year's plan, 市文旅局's only one, archived after October's reports were opened
    old = PlanFactory(jurisdiction=cast.jurisdiction, title="旧行动方案", year_start=2024, year_end=2026)
    tourism = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市文旅局", code="wlj")
    AssignmentFactory(task=TaskFactory(plan=old, title="旧任务"), department=tourism)
    october = period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=10))
    assert DepartmentReport.objects.filter(period=october, department=tourism).exists()
    plan_archive(plan=old, actor=cast.office, reason="已被取代")
    # when the summary is built after the deadline
    context = summary_context(selection=summary_for(cast))
    # then 市文旅局's leftover draft is neither missing, nor ranked, nor among the lowest rates
    board = context["board"]
    assert "市文旅局" not in [d.name for d in board.period.missing]
    assert "市文旅局" not in [r.department.name for r in board.ranking]
    assert sorted(r.department.name for r in context["lowest"]) == ["市住建局", "市教育局"]
