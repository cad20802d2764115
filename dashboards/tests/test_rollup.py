"""The roll-up dashboard over a jurisdiction's children: each child's figures against data built
here, the ranking with a child that has nothing due, counts summed and rates not, the same
number of queries for two children as for six, and oversight that never goes up or sideways."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.selectors.rollup import ChildReporting, ChildRow, rollup_build, rollup_ranked
from programmes.models import Delegation, Plan, Task
from reports.models import DepartmentReport, ReportingPeriod, TaskEntry
from responsibilities.models import Department, Jurisdiction
from targets.models import Measurement, Target, TargetHistory
from targets.status import target_statuses
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    IndicatorFactory,
    JurisdictionFactory,
    MembershipFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 20)  # October's reports were due on 5 November


def measure(indicator, value, *, month=10):
    start = dt.date(2026, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Measurement.objects.create(
        indicator=indicator, period_start=start, period_end=end, value=Decimal(str(value))
    )


def period(jurisdiction, month, status, deadline):
    start = dt.date(2026, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return ReportingPeriod.objects.create(
        jurisdiction=jurisdiction, start=start, end=end, deadline=deadline, status=status
    )


def report(period, department, status="submitted", is_late=False, version=1):
    return DepartmentReport.objects.create(
        period=period, department=department, status=status, is_late=is_late, version=version
    )


def county(city, name):
    return JurisdictionFactory(name=name, parent=city, level=Jurisdiction.Level.COUNTY)


def delegate(task, child, child_task):
    return Delegation.objects.create(task=task, jurisdiction=child, child_task=child_task)


@pytest.fixture
def world(cast):
    """甲市 (the cast's city) over three counties:
    东县: tasks 3 (done by its latest entry, not started, in progress), targets met and off track;
          October (closed; November is open, not yet due): 4 departments due (one through the collective 各乡镇), 1 on time,
          1 late, 2 missing (no report; a draft) → 25%.
    西县: 1 task, 1 target with no data; October: 1 department, on time → 100%.
    南县: 1 task; only November is open, due 7 December: one draft, nothing due yet → unranked
          (a child is judged by its latest period past its deadline, else by its open one).
    甲市 delegated the cast's task to 东县 and 西县; its two indicators are fed by both."""
    city = cast.jurisdiction
    east, west, south = county(city, "东县"), county(city, "西县"), county(city, "南县")

    # 东县
    east_plan = PlanFactory(jurisdiction=east, title="东县质量强县工作要点")
    t1, t2, t3 = (TaskFactory(plan=east_plan, title=f"东县任务{n}") for n in (1, 2, 3))
    Task.objects.filter(pk=t3.pk).update(status=Task.Status.IN_PROGRESS)
    a, b, c, d = (DepartmentFactory(jurisdiction=east, name=f"县{n}局") for n in "甲乙丙丁")
    towns = DepartmentFactory(jurisdiction=east, name="各乡镇", kind=Department.Kind.COLLECTIVE)
    towns.members.add(d)
    AssignmentFactory(task=t1, department=a)
    AssignmentFactory(task=t2, department=b)
    AssignmentFactory(task=t3, department=c)
    AssignmentFactory(task=t3, department=towns, role="participating")
    met = IndicatorFactory(jurisdiction=east, name="东县合格率", aggregation="latest", reporting_department=a)
    off = IndicatorFactory(jurisdiction=east, name="东县覆盖率", aggregation="latest", reporting_department=b)
    TargetFactory(task=t1, indicator=met, comparator=">=", value=93)
    TargetFactory(task=t2, indicator=off, comparator=">=", value=93)
    measure(met, 95)
    measure(off, 50)
    october = period(east, 10, ReportingPeriod.Status.CLOSED, dt.date(2026, 11, 5))
    on_time = report(october, a)
    TaskEntry.objects.create(
        report=on_time, task=t1, role="lead", status=Task.Status.DONE, progress="已完成抽查100家"
    )
    report(october, b, is_late=True)
    report(october, d, status="draft")
    # November, open but before its deadline, and a scheduled December are not what it is judged by
    period(east, 11, ReportingPeriod.Status.OPEN, dt.date(2026, 12, 7))
    period(east, 12, ReportingPeriod.Status.SCHEDULED, dt.date(2027, 1, 7))

    # 西县
    west_plan = PlanFactory(jurisdiction=west, title="西县质量强县工作要点")
    w1 = TaskFactory(plan=west_plan, title="西县任务")
    e = DepartmentFactory(jurisdiction=west, name="县戊局")
    AssignmentFactory(task=w1, department=e)
    TargetFactory(task=w1, indicator=IndicatorFactory(jurisdiction=west, name="西县指标"), value=80)
    report(period(west, 10, ReportingPeriod.Status.CLOSED, dt.date(2026, 11, 5)), e)

    # 南县
    south_plan = PlanFactory(jurisdiction=south, title="南县质量强县工作要点")
    s1 = TaskFactory(plan=south_plan, title="南县任务")
    f = DepartmentFactory(jurisdiction=south, name="县己局")
    AssignmentFactory(task=s1, department=f)
    report(period(south, 11, ReportingPeriod.Status.OPEN, dt.date(2026, 12, 7)), f, status="draft")

    # 甲市's delegated task and its indicators fed from below
    delegate(cast.task, east, t1)
    delegate(cast.task, west, w1)
    count = IndicatorFactory(jurisdiction=city, name="质量投诉处理", unit="件", aggregation="sum")
    rate = IndicatorFactory(jurisdiction=city, name="产品抽检合格率", unit="%", aggregation="latest")
    measure(count, 100)
    measure(rate, 90)
    for child, counted, rated in ((east, 30, "88.5"), (west, 12, 91)):
        fed_count = IndicatorFactory(jurisdiction=child, name="质量投诉处理", unit="件", aggregation="sum")
        fed_count.upstream = count
        fed_count.save()
        fed_rate = IndicatorFactory(jurisdiction=child, name="产品抽检合格率", unit="%")
        fed_rate.upstream = rate
        fed_rate.save()
        measure(fed_count, counted)
        measure(fed_rate, rated)
    offices = {}
    for child in (east, west):
        offices[child.name] = MembershipFactory(
            user=UserFactory(username=f"office_{child.pk}"), jurisdiction=child, role="office_admin"
        ).user
    return {
        "city": city,
        "east": east,
        "west": west,
        "south": south,
        "east_office": offices["东县"],
        "east_plan": east_plan,
        "october": october,
        "on_time": on_time,
        "t1": t1,
    }


def rows_by_name(board):
    return {row.jurisdiction.name: row for row in board.rows}


def test_each_childs_figures_are_those_built(world):
    # when the city's roll-up is built
    board = rollup_build(jurisdiction=world["city"], today=TODAY)
    rows = rows_by_name(board)

    # then 东县's tasks, targets and October reporting are as hand-counted
    east = rows["东县"]
    assert east.task_counts == {"not_started": 1, "in_progress": 1, "done": 1, "delayed": 0}
    assert east.target_counts["met"] == 1 and east.target_counts["off_track"] == 1 and east.target_total == 2
    assert east.reporting.period == world["october"]
    assert (
        east.reporting.departments,
        east.reporting.on_time,
        east.reporting.late,
        east.reporting.missing,
    ) == (
        4,
        1,
        1,
        2,
    )
    assert east.reporting.rate == 25.0
    assert east.met_share == 50.0
    # 西县: one task, one target without data, one department on time
    west = rows["西县"]
    assert west.task_total == 1 and west.target_counts["no_data"] == 1
    assert (west.reporting.departments, west.reporting.on_time, west.reporting.rate) == (1, 1, 100.0)
    assert west.met_share == 0.0
    # 南县: its open November is counted, one department still filling in, nothing due
    south = rows["南县"]
    assert south.reporting.period.start == dt.date(2026, 11, 1)
    assert (south.reporting.departments, south.reporting.pending, south.reporting.due) == (1, 1, 0)
    assert south.reporting.rate is None


def test_the_children_are_ranked_and_one_with_nothing_due_is_listed_unranked(world):
    board = rollup_build(jurisdiction=world["city"], today=TODAY)
    # 西县 100% before 东县 25%; 南县, with nothing due, comes last without a rank
    assert [(r.jurisdiction.name, r.rank) for r in board.rows] == [("西县", 1), ("东县", 2), ("南县", None)]
    assert [r.jurisdiction.name for r in board.unranked] == ["南县"]


def test_equal_figures_share_a_rank_and_targets_met_break_ties_of_rate():
    # given four children: two equal, one with the same rate and fewer targets met, one nothing due
    def row(name, on_time, due, met, targets):
        reporting = ChildReporting(None)
        reporting.counts.update(on_time=on_time, missing=due - on_time)
        return ChildRow(Jurisdiction(name=name), {}, {"met": met, "no_data": targets - met}, reporting)

    rows = [row("甲", 1, 2, 1, 2), row("乙", 1, 2, 1, 2), row("丙", 1, 2, 0, 2), row("丁", 0, 0, 0, 1)]
    # when ranked
    ranked = rollup_ranked(rows)
    # then the equal pair share the first rank, the next is third, the one with nothing due none
    assert [(r.jurisdiction.name, r.rank) for r in ranked] == [("乙", 1), ("甲", 1), ("丙", 3), ("丁", None)]


def test_a_count_is_summed_over_the_children_and_a_rate_is_shown_per_child(world):
    board = rollup_build(jurisdiction=world["city"], today=TODAY)
    levels = {row.indicator.name: row for row in board.levels}
    east, west = world["east"].pk, world["west"].pk
    assert board.levels_month == dt.date(2026, 10, 1)

    count = levels["质量投诉处理"]
    assert count.own == Decimal(100)
    assert count.children_total == Decimal(42)  # 30 + 12
    assert count.by_child == {east: Decimal(30), west: Decimal(12)}

    rate = levels["产品抽检合格率"]
    assert rate.own == Decimal(90)
    assert rate.children_total is None  # a rate is never summed
    assert rate.by_child == {east: Decimal("88.5"), west: Decimal(91)}
    # 南县 feeds neither: its column says so rather than "not reported"
    assert [feeds for feeds, _value in rate.columns] == [True, False, True]  # 东县, 南县, 西县


def test_a_delegated_task_shows_each_childs_status_progress_and_values(world, cast):
    board = rollup_build(jurisdiction=world["city"], today=TODAY)
    [row] = board.delegated
    assert row.task == cast.task
    east, west = row.cells[world["east"].pk], row.cells[world["west"].pk]
    assert (east.status, east.progress) == (Task.Status.DONE, "已完成抽查100家")
    assert [(v.indicator.name, v.value) for v in east.values] == [("东县合格率", Decimal(95))]
    assert (west.status, west.progress, west.values[0].value) == (Task.Status.NOT_STARTED, "", None)
    # 南县 was not given the task
    assert [c.jurisdiction.name if c else None for c in row.columns] == ["东县", None, "西县"]


def test_a_withdrawn_or_draft_childs_task_is_not_counted(world):
    # given 东县's plan set back to draft
    Plan.objects.filter(pk=world["east_plan"].pk).update(status=Plan.Status.DRAFT)
    board = rollup_build(jurisdiction=world["city"], today=TODAY)
    east = rows_by_name(board)["东县"]
    # then its tasks and targets leave the figures, and no department is due
    assert (east.task_total, east.target_total, east.reporting.departments) == (0, 0, 0)


def test_the_childrens_target_statuses_are_those_the_dashboard_reads(world):
    # given 西县 with targets of every kind: a sum, a ceiling, a range, a trend, a statistic
    # awaiting data, a due date, and one whose commitment changed after the month it is read at
    west = world["west"]
    plan = PlanFactory(jurisdiction=west, year_start=2025, year_end=2027)
    task = TaskFactory(plan=plan)
    kinds = [
        ("sum", ">=", 120, None, [30, 30, 30]),
        ("latest", "<=", 5, None, [6]),
        ("latest", "range", 2, 3, [4]),
        ("latest", "increase", None, None, [5, 6]),
        ("average", ">=", 90, None, [88, 91]),
    ]
    for aggregation, comparator, value, value_max, values in kinds:
        indicator = IndicatorFactory(jurisdiction=west, aggregation=aggregation)
        TargetFactory(task=task, indicator=indicator, comparator=comparator, value=value, value_max=value_max)
        for k, v in enumerate(values):
            measure(indicator, v, month=7 + k)
    statistic = IndicatorFactory(jurisdiction=west, source="statistics")
    TargetFactory(task=task, indicator=statistic, value=1)
    due = IndicatorFactory(jurisdiction=west)
    TargetFactory(task=task, indicator=due, value=50, due_date=dt.date(2026, 6, 30))
    measure(due, 40, month=5)
    changed_indicator = IndicatorFactory(jurisdiction=west)
    changed = TargetFactory(task=task, indicator=changed_indicator, value=99)
    measure(changed_indicator, 95)
    TargetHistory.objects.create(
        target=changed, valid_until=dt.date(2026, 12, 31), comparator=">=", value=90, commitment="不低于90"
    )

    # when the roll-up counts them
    counts = rollup_build(jurisdiction=world["city"], today=TODAY).rows
    west_counts = next(r for r in counts if r.jurisdiction == west).target_counts

    # then they are what the dashboard's own rule says, target by target
    expected = Counter(
        target_statuses(Target.objects.filter(task__plan__jurisdiction=west), as_of=TODAY).values()
    )
    assert {k: v for k, v in west_counts.items() if v} == dict(expected)
    assert len(set(expected)) >= 4  # the kinds above do differ


# Queries ---------------------------------------------------------------------------------------


def add_children(city, parent_task, start, count):
    """Children with a plan, two tasks with targets and values, a department reporting in a
    closed October, a delegated task and an indicator fed upward."""
    upstream = IndicatorFactory(jurisdiction=city, name=f"上级指标{start}", unit="件", aggregation="sum")
    for n in range(start, start + count):
        child = county(city, f"子{n}县")
        plan = PlanFactory(jurisdiction=child)
        department = DepartmentFactory(jurisdiction=child, name=f"子{n}县局")
        october = period(child, 10, ReportingPeriod.Status.CLOSED, dt.date(2026, 11, 5))
        filed = report(october, department, is_late=n % 2 == 0)
        for k in range(2):
            task = TaskFactory(plan=plan)
            AssignmentFactory(task=task, department=department)
            indicator = IndicatorFactory(jurisdiction=child, aggregation="sum" if k else "latest")
            TargetFactory(task=task, indicator=indicator, value=10)
            measure(indicator, 5 + n)
            TaskEntry.objects.create(
                report=filed, task=task, role="lead", status="in_progress", progress="推进中"
            )
        delegate(parent_task, child, task)
        fed = IndicatorFactory(jurisdiction=child, name=f"上级指标{start}", unit="件", aggregation="sum")
        fed.upstream = upstream
        fed.save()
        measure(fed, n)


def queries_for(client, city):
    """The roll-up's queries, built (cache emptied) and through the page."""
    from django.core.cache import caches

    for each in caches.all():
        each.clear()
    with CaptureQueriesContext(connection) as built:
        rollup_build(jurisdiction=city, today=TODAY)
    for each in caches.all():
        each.clear()
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("dashboards:rollup", args=[city.pk])).status_code == 200
    return len(built), len(page)


def test_the_rollup_takes_the_same_queries_for_two_children_as_for_six(cast, client):
    client.force_login(cast.office)
    add_children(cast.jurisdiction, cast.task, 1, 2)
    # the connection's first page prepares the fingerprint's statement once: not counted
    client.get(rollup_url(cast.jurisdiction))
    two = queries_for(client, cast.jurisdiction)
    add_children(cast.jurisdiction, cast.task, 3, 4)
    six = queries_for(client, cast.jurisdiction)
    # children 2 → 6, every kind of figure still read once for all of them: 2 for the children
    # and their periods, 3 tasks, 3 targets (one window), 3 reporting, 6 delegated, 3 indicators
    assert two == six
    assert two[0] == 20


# Access ----------------------------------------------------------------------------------------


def rollup_url(jurisdiction):
    return reverse("dashboards:rollup", args=[jurisdiction.pk])


def test_the_city_office_and_leader_read_the_rollup(world, cast, client):
    for user in (cast.office, cast.leader):
        client.force_login(user)
        response = client.get(rollup_url(world["city"]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "甲市下级工作对比" in html
        # each child links to its dashboard, the delegated task to its per-child view
        assert reverse("dashboards:dashboard_for", args=[world["east"].pk]) in html
        assert reverse("dashboards:task_history", args=[cast.task.pk]) + "#delegations" in html
        assert "不相加" in html and "不排名" in html
        assert 'class="table-wrap"' in html and "<script" not in html.split("<main", 1)[-1]


def test_the_city_office_reads_a_countys_dashboard_and_the_delegated_tasks_page(world, cast, client):
    client.force_login(cast.office)
    assert client.get(reverse("dashboards:dashboard_for", args=[world["east"].pk])).status_code == 200
    html = client.get(reverse("dashboards:task_history", args=[cast.task.pk])).content.decode()
    assert 'id="delegations"' in html
    assert "已完成抽查100家" in html and "甲市东县" in html and "甲市西县" in html


def test_a_county_office_sees_nothing_of_its_sibling_nor_of_its_parents_rollup(world, client):
    client.force_login(world["east_office"])
    assert client.get(reverse("dashboards:dashboard_for", args=[world["west"].pk])).status_code == 404
    assert client.get(rollup_url(world["west"])).status_code == 404
    assert client.get(rollup_url(world["city"])).status_code == 404
    # its own roll-up (no children) is its to read
    assert client.get(rollup_url(world["east"])).status_code == 200


def test_a_county_office_never_reads_its_parents_delegated_task_page(world, cast, client):
    # the parent's task, with its siblings' progress, is not the county's to open
    client.force_login(world["east_office"])
    assert client.get(reverse("dashboards:task_history", args=[cast.task.pk])).status_code == 404
    # its own copy of the task is
    assert client.get(reverse("dashboards:task_history", args=[world["t1"].pk])).status_code == 200


def test_another_citys_office_gets_a_404_and_a_liaison_a_403(world, cast, client):
    client.force_login(cast.outsider_office)
    assert client.get(rollup_url(world["city"])).status_code == 404
    client.force_login(cast.liaison)
    assert client.get(rollup_url(world["city"])).status_code == 403


def test_the_city_office_cannot_write_to_a_countys_period_report_or_plan(world, cast, client):
    # given the city office, which reads 东县's dashboard
    client.force_login(cast.office)
    writes = [
        reverse("reports:period_open", args=[world["october"].pk]),
        reverse("reports:report_approve", args=[world["on_time"].pk]),
        reverse("programmes:task_create", args=[world["east_plan"].pk]),
    ]
    for url in writes:
        # when it posts to the county's period, report or plan
        response = client.post(url, {"title": "上级改写", "comment": "通过"})
        # then it is refused as a reader who knows of the page but may not change it
        assert response.status_code == 403, url
    # and nothing changed
    world["october"].refresh_from_db()
    world["on_time"].refresh_from_db()
    assert world["october"].status == ReportingPeriod.Status.CLOSED
    assert world["on_time"].status == DepartmentReport.Status.SUBMITTED
    assert not Task.objects.filter(plan=world["east_plan"], title="上级改写").exists()


def test_the_rollup_is_served_from_the_cache_until_the_data_change(world, cast, client):
    client.force_login(cast.office)
    first = client.get(rollup_url(world["city"])).content.decode()
    assert "已完成抽查100家" not in first  # progress is on the task's page, not the roll-up
    # a new report in 西县's October changes the fingerprint, so the page is built again
    with CaptureQueriesContext(connection) as cached:
        client.get(rollup_url(world["city"]))
    with CaptureQueriesContext(connection) as again:
        TaskEntry.objects.filter(task=world["t1"]).update(status=Task.Status.DELAYED)
        DepartmentReport.objects.filter(pk=world["on_time"].pk).update(
            updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        )
        client.get(rollup_url(world["city"]))
    assert len(again) > len(cached) + 10


# The bench -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_province_seed_builds_the_tree_and_the_rollup_figures_leave_nothing_behind():
    if connection.vendor != "postgresql":
        pytest.skip("the copies are made in PostgreSQL's SQL; set DATABASE_URL")
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from bench.dashboard import GROWN_MODELS
    from bench.data import Province, Scale, seed_large
    from bench.rollup import rollup_city, rollup_figures
    from bench.world import bench_jurisdictions
    from targets.models import Indicator

    # given a province of two cities of two counties, each city delegating three tasks
    seed_large(
        Scale(departments=4, tasks=6, targets=8, sections=2, months=2),
        province=Province(cities=2, counties=2, delegated=3),
    )
    # then the tree is one province, two cities, four counties, with the cities' offices as before
    levels = sorted(bench_jurisdictions().values_list("level", flat=True))
    assert levels == ["city", "city", "county", "county", "county", "county", "province"]
    city, office = rollup_city()
    assert city.full_name == "基准省基准1市" and office == get_user_model().objects.get(
        username="bench_office_1"
    )
    assert Delegation.objects.filter(task__plan__jurisdiction=city).count() == 2 * 3
    # each county's copy of a delegated target is on an indicator feeding the city's
    # (a row per delegated target and county it went to)
    delegated_targets = Target.objects.filter(task__delegations__jurisdiction__parent=city).count()
    assert Indicator.objects.filter(upstream__jurisdiction=city).count() == delegated_targets > 0
    counts = {model: model.objects.count() for model in GROWN_MODELS}

    # when the roll-up is timed before and after the other city grows
    client = Client()
    client.force_login(office)
    with override_settings(ALLOWED_HOSTS=["*"]):
        figures = rollup_figures(client=client, city=city, requests=3)

    # then every figure is there, the queries the same as the test above counts, and nothing is left
    assert figures["rollup_children"] == 2
    assert figures["rollup_dashboard_queries"] > figures["rollup_dashboard_cached_queries"]
    assert figures["rollup_growth_ratio"] > 0 and figures["rollup_grown_rows"] > 0
    assert {model: model.objects.count() for model in GROWN_MODELS} == counts
