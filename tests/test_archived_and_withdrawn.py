"""An archived plan and a withdrawn task (撤销) leave the dashboards, the due lists, the reminders
and the assessment, and stay readable on their own pages; a draft plan is not yet in force and
counts nowhere either.

The world: 甲市's work points in force, with 市市场监管局's task and a task 市教育局 led (and
市市场监管局 joined) withdrawn after September's reports; last year's action plan (市文旅局 led its task, 市市场监管局 joined)
archived after September; and a draft plan with a task for 市市场监管局. Every list below must
show only the work points' task in force and its one target."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.compile import PlanNotInForce, assessment_compile
from assessment.periods import AssessmentPeriod
from dashboards.selectors import DashboardFilter, dashboard_build, selection_from, selection_of_month
from dashboards.summaries import summary_context
from programmes.editor import plan_archive, task_withdraw
from programmes.models import Plan
from reports.models import DepartmentReport, Notification, TaskEntry
from reports.reminders import remind_missing
from reports.services import period_ensure, period_open
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 20)  # October's reports were due on 5 November
SEPTEMBER = AssessmentPeriod("month", dt.date(2026, 9, 1), dt.date(2026, 9, 30))

IN_FORCE_TASK = "加强制造业质量提升"  # the cast's task
IN_FORCE_INDICATOR = "制造业监督抽查合格率"
WITHDRAWN_TASK = "建设质量教育实践基地"
WITHDRAWN_INDICATOR = "中小学质量教育覆盖率"
ARCHIVED_PLAN = "甲市质量提升行动计划（2024—2026年）"
ARCHIVED_TASK = "打造文旅服务质量品牌"
ARCHIVED_INDICATOR = "游客满意度"
DRAFT_PLAN = "甲市标准化工作方案（征求意见稿）"
DRAFT_TASK = "制修订地方标准"
DRAFT_INDICATOR = "地方标准制修订数量"
GONE = (WITHDRAWN_TASK, WITHDRAWN_INDICATOR, ARCHIVED_PLAN, ARCHIVED_TASK, ARCHIVED_INDICATOR)
GONE += (DRAFT_PLAN, DRAFT_TASK, DRAFT_INDICATOR)


def liaison_of(department, username):
    return MembershipFactory(
        user=UserFactory(username=username),
        jurisdiction=department.jurisdiction,
        department=department,
        role="liaison",
    ).user


def target(task, name, department):
    indicator = IndicatorFactory(
        jurisdiction=task.plan.jurisdiction, name=name, reporting_department=department, aggregation="latest"
    )
    TargetFactory(task=task, indicator=indicator, comparator=">=", value=90)
    return indicator


def submit_all(period):
    """Every report of the month approved on time, every entry with progress."""
    for report in DepartmentReport.objects.filter(period=period):
        report.status = DepartmentReport.Status.APPROVED
        report.submitted_at = timezone.now()
        report.is_late = False
        report.save(update_fields=["status", "submitted_at", "is_late"])
        TaskEntry.objects.filter(report=report).update(progress="九月按计划推进")


@pytest.fixture
def world(cast):
    city = cast.jurisdiction
    education = DepartmentFactory(jurisdiction=city, name="市教育局", code="jyj")
    tourism = DepartmentFactory(jurisdiction=city, name="市文旅局", code="wlj")
    # given the work points in force: the cast's task, and 市教育局's task to be withdrawn
    in_force = target(cast.task, IN_FORCE_INDICATOR, cast.department)
    withdrawn = TaskFactory(plan=cast.plan, title=WITHDRAWN_TASK)
    AssignmentFactory(task=withdrawn, department=education)
    AssignmentFactory(task=withdrawn, department=cast.department, role="participating")
    target(withdrawn, WITHDRAWN_INDICATOR, education)
    # (the withdrawn task also set the bar higher on 市市场监管局's indicator)
    TargetFactory(task=withdrawn, indicator=in_force, comparator=">=", value=97)
    # and last year's action plan, still running into 2026 until it is archived
    old = PlanFactory(jurisdiction=city, title=ARCHIVED_PLAN, year_start=2024, year_end=2026)
    old_task = TaskFactory(plan=old, title=ARCHIVED_TASK)
    AssignmentFactory(task=old_task, department=tourism)
    AssignmentFactory(task=old_task, department=cast.department, role="participating")
    target(old_task, ARCHIVED_INDICATOR, tourism)
    # and a draft nobody reports on yet
    draft = PlanFactory(jurisdiction=city, title=DRAFT_PLAN, status=Plan.Status.DRAFT)
    draft_task = TaskFactory(plan=draft, title=DRAFT_TASK)
    AssignmentFactory(task=draft_task, department=cast.department)
    target(draft_task, DRAFT_INDICATOR, cast.department)
    # and September reported by everyone, on time
    september = period_open(period=period_ensure(jurisdiction=city, year=2026, month=9))
    submit_all(september)
    # when the office archives the old plan and withdraws 市教育局's task
    plan_archive(plan=old, actor=cast.office, reason="已被2026年工作要点取代")
    task_withdraw(plan=cast.plan, actor=cast.office, task=withdrawn, reason="并入全市统一部署")
    # and October opens after that
    october = period_open(period=period_ensure(jurisdiction=city, year=2026, month=10))
    return {
        "education": education,
        "tourism": tourism,
        "education_liaison": liaison_of(education, "education"),
        "tourism_liaison": liaison_of(tourism, "tourism"),
        "old": old,
        "old_task": old_task,
        "withdrawn": withdrawn,
        "draft": draft,
        "september": september,
        "october": october,
    }


def assert_only_in_force(text: str) -> None:
    assert IN_FORCE_TASK in text or IN_FORCE_INDICATOR in text
    assert [name for name in GONE if name in text] == []


def board_for(cast, data=None):
    filterset = DashboardFilter(data, jurisdiction=cast.jurisdiction)
    return dashboard_build(selection=selection_from(filterset, today=TODAY))


# Dashboards ----------------------------------------------------------------------------------


def test_the_dashboard_counts_only_the_tasks_in_force_of_the_active_plan(cast, world):
    # when the office dashboard is built
    board = board_for(cast)
    # then one task and its one target: not the withdrawn task, the archived plan's or the draft's
    assert board.task_total == 1
    assert [t.indicator.name for t in board.targets] == [IN_FORCE_INDICATOR]
    # and the chart shows the work points' sections, not one bar per plan
    assert not board.sections_by_plan


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_office_and_leader_dashboards_show_neither_the_archived_plan_nor_the_withdrawn_task(
    client, cast, world, who
):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert response.context["board"].task_total == 1
    assert response.context["board"].target_total == 1
    assert_only_in_force(response.content.decode())


def test_the_plan_filter_offers_only_the_plan_in_force_and_ignores_an_archived_one(client, cast, world):
    # given the office asking for the archived plan's tasks by its id
    client.force_login(cast.office)
    response = client.get(reverse("dashboards:dashboard_tasks"), {"plan": world["old"].pk})
    # then its tasks are not listed: only the plan in force is a choice
    assert list(response.context["filterset"].filters["plan"].queryset) == [cast.plan]
    titles = [row.record.title for row in response.context["table"].paginated_rows]
    assert titles == [IN_FORCE_TASK]


@pytest.mark.parametrize(
    ("url", "column", "expected"),
    [
        ("dashboards:dashboard_tasks", "title", IN_FORCE_TASK),
        ("dashboards:dashboard_targets", "indicator", IN_FORCE_INDICATOR),
    ],
)
def test_the_drill_down_lists_and_their_exports_show_only_the_task_in_force(
    client, cast, world, url, column, expected
):
    client.force_login(cast.leader)
    # the page
    response = client.get(reverse(url))
    table = response.context["table"]
    assert [str(row.get_cell_value(column)) for row in table.paginated_rows] == [expected]
    assert_only_in_force(response.content.decode())
    # and its Excel file
    export = client.get(reverse(url), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    cells = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert sheet.max_row == 4  # the title, the filters and period, the header and one row
    assert_only_in_force(cells)


def test_the_periods_reports_leave_out_the_archived_plans_department(client, cast, world):
    client.force_login(cast.office)
    response = client.get(reverse("dashboards:dashboard_reports"), {"period": world["october"].pk})
    listed = [row.record.department.name for row in response.context["table"].paginated_rows]
    assert "市文旅局" not in listed
    assert "市市场监管局" in listed


def test_a_departments_dashboard_lists_only_its_tasks_in_force(client, cast, world):
    # 市市场监管局 joins the archived plan's task and leads the draft's: neither is listed
    client.force_login(cast.liaison)
    response = client.get(reverse("dashboards:department_dashboard", args=[cast.department.pk]))
    assert [t.title for t in response.context["page"].tasks] == [IN_FORCE_TASK]
    # and 市教育局's only task was withdrawn
    client.force_login(world["education_liaison"])
    response = client.get(reverse("dashboards:department_dashboard", args=[world["education"].pk]))
    assert response.context["page"].tasks == []


def test_the_monthly_summary_counts_only_the_task_in_force(client, cast, world):
    # the e-mailed summary of October
    selection = selection_of_month(jurisdiction=cast.jurisdiction, month=dt.date(2026, 10, 1), today=TODAY)
    context = summary_context(selection=selection)
    assert context["board"].task_total == 1
    assert [t.indicator.name for t in context["board"].targets] == [IN_FORCE_INDICATOR]
    # and the page printed for the meeting, which charts the tasks by plan when there are several
    client.force_login(cast.leader)
    response = client.get(reverse("dashboards:dashboard_summary"))
    assert response.context["board"].task_total == 1
    html = response.content.decode()
    assert [name for name in GONE if name in html] == []


# Reminders and the period page ------------------------------------------------------------------


def test_the_archived_plans_department_gets_no_reminder(cast, world):
    remind_missing(period=world["october"], today=dt.date(2026, 11, 6))
    reminded = set(
        Notification.objects.filter(kind__startswith="reminder.").values_list("user__username", flat=True)
    )
    assert "liaison" in reminded
    assert "tourism" not in reminded


def test_the_period_page_leaves_out_the_archived_plans_department(client, cast, world):
    client.force_login(cast.office)
    response = client.get(reverse("reports:period_detail", args=[world["october"].pk]))
    listed = [row.department.name for row in response.context["rows"]]
    assert "市文旅局" not in listed and "市市场监管局" in listed


def test_a_report_shows_each_value_against_the_targets_in_force_only(client, cast, world):
    # given 市市场监管局's October report
    report = DepartmentReport.objects.get(period=world["october"], department=cast.department)
    # when its liaison opens it
    client.force_login(cast.liaison)
    html = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    # then its one task in force, and its value against the task in force's target, not the
    # withdrawn task's higher one
    assert [e.task.title for e in report.entries.select_related("task")] == [IN_FORCE_TASK]
    assert "≥ 90%" in html
    assert "≥ 97%" not in html


def test_a_department_whose_only_task_was_withdrawn_gets_no_reminder(cast, world):
    remind_missing(period=world["october"], today=dt.date(2026, 11, 6))
    assert not Notification.objects.filter(user=world["education_liaison"]).exists()


def test_a_department_whose_only_task_was_withdrawn_is_not_in_the_periods_reports(client, cast, world):
    client.force_login(cast.office)
    response = client.get(reverse("dashboards:dashboard_reports"), {"period": world["october"].pk})
    listed = [row.record.department.name for row in response.context["table"].paginated_rows]
    assert sorted(listed) == sorted(["市市场监管局", "市住建局"])


# The assessment -------------------------------------------------------------------------------


def test_the_assessment_leaves_out_the_withdrawn_task_and_its_department(cast, world):
    # when September is compiled for the work points
    assessment = assessment_compile(plan=cast.plan, period=SEPTEMBER, as_of=TODAY)
    # then 市教育局, named only in the withdrawn task, is not assessed
    assessed = set(assessment.results.values_list("department__name", flat=True))
    assert assessed == {"市市场监管局", "市住建局"}
    # and 市市场监管局, which joined the withdrawn task, is held to its task in force only
    scores = {s.kind: s for s in assessment.results.get(department=cast.department).scores.all()}
    assert scores["completeness"].raw == "已填报 1/1（100.00%）"
    assert scores["targets"].raw == "达标或进度正常 0/1"


@pytest.mark.parametrize("which", ["old", "draft"])
def test_an_archived_or_draft_plan_is_not_assessed(cast, world, which):
    with pytest.raises(PlanNotInForce):
        assessment_compile(plan=world[which], period=SEPTEMBER, as_of=TODAY)


# Still readable --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_archived_plan_still_opens_on_its_own_page(client, cast, world, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("programmes:plan_detail", args=[world["old"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ARCHIVED_PLAN in html and ARCHIVED_TASK in html


def test_the_withdrawn_tasks_history_keeps_its_reports_and_says_it_was_withdrawn(client, cast, world):
    client.force_login(cast.office)
    response = client.get(reverse("dashboards:task_history", args=[world["withdrawn"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "九月按计划推进" in html and "2026年9月" in html
    assert "已撤销：并入全市统一部署" in html
