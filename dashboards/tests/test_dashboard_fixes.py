"""The dashboards' ranking and department filter as an office reads them: a department with
nothing due has no rate and so no rank, and the filter offers only departments with a task."""

import pytest
from django.utils import timezone

from dashboards.selectors import DashboardFilter
from dashboards.tests import test_dashboard as built
from reports.services import period_ensure, period_open
from responsibilities.models import Department
from tests.factories import AssignmentFactory, DepartmentFactory, PlanFactory, TaskFactory

programme = built.programme  # the dashboard tests' October, as a fixture here


@pytest.fixture
def newcomer(cast, programme):
    """市文旅局, given a task after October: its only report is this month's draft, not yet due."""
    tourism = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市文旅局", code="wlj")
    AssignmentFactory(task=programme["going"], department=tourism)
    today = timezone.localdate()
    period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=today.year, month=today.month))
    return tourism


def test_a_department_with_nothing_due_is_listed_last_without_a_rank(
    client, cast, programme, newcomer, django_assert_max_num_queries
):
    # given October: 市市场监管局 on time, 市教育局 late, 市住建局 missing; 市文旅局 nothing due
    client.force_login(cast.office)
    # when the office opens the year's ranking: 15 queries (session and user, scope, the filters'
    # choices, the year's periods, the reports with their due flag, the tasks in force, the
    # page's navigation), as many for fourteen departments as for four (the next test)
    with django_assert_max_num_queries(15):
        response = client.get("/dashboard/departments/", {"year": 2026})
    # then the three with a rate are ranked, and 市文旅局 follows, unranked, with no rate
    rows = [
        (row.record.rank, row.record.department.name, row.record.rate)
        for row in response.context["table"].rows
    ]
    assert rows == [
        (1, "市市场监管局", 100.0),
        (2, "市教育局", 0.0),
        (3, "市住建局", 0.0),
        (None, "市文旅局", None),
    ]
    html = response.content.decode()
    last_row = html[html.rindex("<tr") : html.index("</tr>", html.rindex("<tr"))]
    assert "市文旅局" in last_row
    assert ">4<" not in last_row


def test_the_ranking_page_costs_the_same_queries_for_more_departments(
    client, cast, programme, newcomer, django_assert_max_num_queries
):
    # given ten more departments reporting on the same task
    for _n in range(10):
        AssignmentFactory(
            task=programme["going"], department=DepartmentFactory(jurisdiction=cast.jurisdiction)
        )
    today = timezone.localdate()
    period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=today.year, month=today.month))
    client.force_login(cast.office)
    # then the same bound as for four
    with django_assert_max_num_queries(15):
        assert client.get("/dashboard/departments/", {"year": 2026}).status_code == 200


def test_the_department_filter_offers_only_departments_with_a_task_in_force(cast, programme):
    # given a town with no task, a department whose only task was withdrawn, one whose only plan
    # is archived, and a town named only through a collective name that leads a task
    DepartmentFactory(jurisdiction=cast.jurisdiction, name="浮桥镇", code="fqz")
    withdrawn = TaskFactory(plan=cast.plan, title="已撤销的任务", withdrawn_at=timezone.now())
    AssignmentFactory(
        task=withdrawn, department=DepartmentFactory(jurisdiction=cast.jurisdiction, name="市档案局")
    )
    archived = PlanFactory(jurisdiction=cast.jurisdiction, title="旧方案", status="archived")
    AssignmentFactory(
        task=TaskFactory(plan=archived),
        department=DepartmentFactory(jurisdiction=cast.jurisdiction, name="市侨办"),
    )
    towns = DepartmentFactory(
        jurisdiction=cast.jurisdiction, name="各镇（区）", code="gz", kind=Department.Kind.COLLECTIVE
    )
    town = DepartmentFactory(jurisdiction=cast.jurisdiction, name="璜泾镇", code="hjz")
    towns.members.add(town)
    AssignmentFactory(task=programme["going"], department=towns)
    # when the office opens the dashboard's filters
    offered = DashboardFilter(None, jurisdiction=cast.jurisdiction).filters["department"].queryset
    # then only the units with a task in force, each once, the collective name itself not a unit
    names = [d.name for d in offered]
    assert sorted(names) == sorted(["市市场监管局", "市住建局", "市教育局", "璜泾镇"])
    assert len(names) == len(set(names))


def test_a_bookmarked_filter_on_a_department_without_tasks_is_refused_not_crashed(client, cast, programme):
    town = DepartmentFactory(jurisdiction=cast.jurisdiction, name="浮桥镇", code="fqz")
    client.force_login(cast.office)
    response = client.get("/dashboard/", {"department": town.pk})
    assert response.status_code == 200
    assert "浮桥镇" not in response.content.decode()
