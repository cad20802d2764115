"""Delegation (任务下发): a city's task given to its counties, the copies the counties assign and
report on, the city's changes reaching them, and each refusal with nothing saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programmes import delegation, editor
from programmes.models import Assignment, Delegation, Milestone, Plan, PlanRevision, Task
from qualitycity.errors import AccessRefused, ApplicationError
from responsibilities.models import Jurisdiction
from targets.models import Indicator, Target
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

pytestmark = pytest.mark.django_db


@dataclass
class World:
    city: Jurisdiction
    taicang: Jurisdiction
    kunshan: Jurisdiction
    jiangyin: Jurisdiction  # a county of another city
    market: object  # 市市场监管局
    taicang_market: object
    kunshan_market: object
    city_office: object
    city_leader: object
    city_liaison: object
    taicang_office: object
    kunshan_office: object
    wuxi_office: object
    taicang_liaison: object
    plan: Plan
    collective_task: Task  # 各县(市、区)人民政府 participate
    named_task: Task  # 太仓市人民政府 leads
    city_task: Task  # only the city's own department
    indicator: Indicator


def office_of(jurisdiction, username, role="office_admin", department=None):
    return MembershipFactory(
        user=UserFactory(username=username), jurisdiction=jurisdiction, role=role, department=department
    ).user


@pytest.fixture
def world() -> World:
    city = JurisdictionFactory(name="苏州市", level="city")
    taicang = JurisdictionFactory(name="太仓市", level="county", parent=city)
    kunshan = JurisdictionFactory(name="昆山市", level="county", parent=city)
    wuxi = JurisdictionFactory(name="无锡市", level="city")
    jiangyin = JurisdictionFactory(name="江阴市", level="county", parent=wuxi)
    market = DepartmentFactory(jurisdiction=city, name="市市场监管局")
    counties = DepartmentFactory(
        jurisdiction=city, name="各县(市、区)人民政府", kind="collective", represents_children=True
    )
    taicang_government = DepartmentFactory(jurisdiction=city, name="太仓市人民政府", represents=taicang)
    taicang_market = DepartmentFactory(jurisdiction=taicang, name="太仓市市场监管局")
    kunshan_market = DepartmentFactory(jurisdiction=kunshan, name="昆山市市场监管局")
    plan = PlanFactory(
        jurisdiction=city, title="苏州市2026年质量强市工作要点", year_start=2026, year_end=2026
    )
    collective_task = TaskFactory(
        plan=plan,
        number="3",
        path=["二", "3"],
        position=3,
        title="开展商标品牌培育",
        text="培育一批知名品牌。",
        due="2026年底前",
        due_date=dt.date(2026, 12, 31),
    )
    AssignmentFactory(task=collective_task, department=market)
    AssignmentFactory(task=collective_task, department=counties, role="participating")
    Milestone.objects.create(task=collective_task, date=dt.date(2026, 6, 30), title="完成中期评估")
    named_task = TaskFactory(plan=plan, number="5", path=["二", "5"], position=5, title="建设质量基础设施")
    AssignmentFactory(task=named_task, department=taicang_government)
    city_task = TaskFactory(plan=plan, number="1", path=["一", "1"], position=1, title="完善工作机制")
    AssignmentFactory(task=city_task, department=market)
    indicator = IndicatorFactory(
        jurisdiction=city,
        name="新申请国内注册商标",
        unit="件",
        aggregation="sum",
        reporting_department=market,
    )
    TargetFactory(
        task=collective_task, indicator=indicator, comparator=">=", value=2500, text="新申请商标2500件"
    )
    return World(
        city=city,
        taicang=taicang,
        kunshan=kunshan,
        jiangyin=jiangyin,
        market=market,
        taicang_market=taicang_market,
        kunshan_market=kunshan_market,
        city_office=office_of(city, "szoffice"),
        city_leader=office_of(city, "szleader", role="leader"),
        city_liaison=office_of(city, "szliaison", role="liaison", department=market),
        taicang_office=office_of(taicang, "tcoffice"),
        kunshan_office=office_of(kunshan, "ksoffice"),
        wuxi_office=office_of(wuxi, "wxoffice"),
        taicang_liaison=office_of(taicang, "tcliaison", role="liaison", department=taicang_market),
        plan=plan,
        collective_task=collective_task,
        named_task=named_task,
        city_task=city_task,
        indicator=indicator,
    )


def delegate_both(world) -> list[Delegation]:
    return delegation.task_delegate(
        task=world.collective_task, jurisdictions=[world.taicang, world.kunshan], actor=world.city_office
    )


def copy_of(world, child) -> Task:
    return Delegation.objects.get(task=world.collective_task, jurisdiction=child).child_task


def counts() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        Task.objects.count(),
        Delegation.objects.count(),
        Target.objects.count(),
        Indicator.objects.count(),
        PlanRevision.objects.count(),
        Assignment.objects.count(),
    )


def task_data(task: Task, **overrides) -> dict:
    """What the editor's form hands over for a task as it stands."""
    data = {
        "number": task.number,
        "title": task.title,
        "text": task.text,
        "heading": task.heading,
        "place": "keep",
        "leads": [a.department_id for a in task.assignments.filter(role="lead")],
        "participants": [a.department_id for a in task.assignments.filter(role="participating")],
        "due": task.due,
        "due_date": task.due_date,
        "milestones": "\n".join(f"{m.date:%Y-%m-%d} {m.title}" for m in task.milestones.all()),
    }
    data.update(overrides)
    return data


# Proposals ---------------------------------------------------------------------------------------


def test_a_collective_proposes_every_child_and_a_named_government_its_own(world):
    assert delegation.delegation_proposals(world.collective_task) == [world.taicang, world.kunshan]
    assert delegation.delegation_proposals(world.named_task) == [world.taicang]
    assert delegation.delegation_proposals(world.city_task) == []


# Delegating --------------------------------------------------------------------------------------


def test_delegating_to_two_counties_gives_each_a_copy_in_its_plan_of_delegated_tasks(world):
    # when
    made = delegate_both(world)
    # then each county has a plan of the city plan's delegated tasks, in force, with the copy
    assert {d.jurisdiction for d in made} == {world.taicang, world.kunshan}
    for child in (world.taicang, world.kunshan):
        host = Plan.objects.get(jurisdiction=child, parent_plan=world.plan)
        assert host.kind == Plan.Kind.DELEGATED and host.status == Plan.Status.ACTIVE
        assert host.title == "苏州市2026年质量强市工作要点（苏州市下发任务）"
        assert (host.year_start, host.year_end, host.reporting_frequency) == (2026, 2026, "monthly")
        copy = copy_of(world, child)
        assert copy.plan == host
        assert (copy.number, copy.path, copy.path_label, copy.title, copy.text) == (
            "3",
            ["二", "3"],
            "二·3",
            "开展商标品牌培育",
            "培育一批知名品牌。",
        )
        assert (copy.due, copy.due_date) == ("2026年底前", dt.date(2026, 12, 31))
        assert [(m.date, m.title) for m in copy.milestones.all()] == [(dt.date(2026, 6, 30), "完成中期评估")]
        assert not copy.assignments.exists()  # the county's office assigns its own departments
        # the target, on the county's own indicator feeding the city's
        target = copy.targets.select_related("indicator").get()
        assert (target.comparator, target.value, target.text) == (">=", 2500, "新申请商标2500件")
        assert target.indicator.jurisdiction == child
        assert target.indicator.upstream == world.indicator
        assert (target.indicator.name, target.indicator.unit, target.indicator.aggregation) == (
            "新申请国内注册商标",
            "件",
            "sum",
        )
        assert target.indicator.reporting_department is None
        revision = host.revisions.get(number=1)
        assert revision.reason == "上级下发任务" and revision.author == world.city_office
        assert [row["title"] for row in revision.snapshot["tasks"]] == ["开展商标品牌培育"]
    parent_revision = world.plan.revisions.get(number=1)
    assert parent_revision.reason == "下发至太仓市、昆山市"
    assert [row.get("delegated") for row in parent_revision.snapshot["tasks"]] == [
        None,
        "太仓市、昆山市",
        None,
    ]
    world.plan.refresh_from_db()
    assert world.plan.revision == 1  # the plan page's cache key moves on


def test_delegating_again_changes_nothing(world):
    first = delegate_both(world)
    before = counts()
    again = delegate_both(world)
    assert sorted(d.pk for d in again) == sorted(d.pk for d in first)
    assert counts() == before


def test_copies_follow_the_parent_plans_order_and_a_countys_own_indicator_is_linked(world):
    own = IndicatorFactory(
        jurisdiction=world.taicang, name="新申请国内注册商标", unit="件", aggregation="sum"
    )
    delegation.task_delegate(task=world.named_task, jurisdictions=[world.taicang], actor=world.city_office)
    delegation.task_delegate(
        task=world.collective_task, jurisdictions=[world.taicang], actor=world.city_office
    )
    delegation.task_delegate(task=world.city_task, jurisdictions=[world.taicang], actor=world.city_office)
    host = Plan.objects.get(jurisdiction=world.taicang)
    # the parent's printed order 一·1, 二·3, 二·5 whatever the order of delegating
    assert [t.path_label for t in host.tasks.order_by("position")] == ["一·1", "二·3", "二·5"]
    own.refresh_from_db()
    assert own.upstream == world.indicator
    assert Indicator.objects.filter(jurisdiction=world.taicang).count() == 1


def test_the_city_changing_the_task_reaches_each_county_as_a_revision(world):
    delegate_both(world)
    task = world.collective_task
    # when the city office edits the task
    editor.task_save(
        plan=world.plan,
        actor=world.city_office,
        task=task,
        data=task_data(
            task,
            title="深入开展商标品牌培育",
            text="培育知名品牌20个。",
            due="2026年10月底前",
            milestones="2026-09-30 完成评审",
        ),
        reason="根据省里部署调整",
    )
    # then
    for child in (world.taicang, world.kunshan):
        copy = copy_of(world, child)
        assert (copy.title, copy.text, copy.due) == (
            "深入开展商标品牌培育",
            "培育知名品牌20个。",
            "2026年10月底前",
        )
        assert [(m.date, m.title) for m in copy.milestones.all()] == [(dt.date(2026, 9, 30), "完成评审")]
        revision = copy.plan.revisions.order_by("-number").first()
        assert revision.reason == "上级调整下发任务：根据省里部署调整"
        assert revision.snapshot["tasks"][0]["title"] == "深入开展商标品牌培育"


def test_the_city_withdrawing_and_reinstating_the_task_reaches_the_copies(world):
    delegate_both(world)
    editor.task_withdraw(
        plan=world.plan, actor=world.city_office, task=world.collective_task, reason="并入其他任务"
    )
    for child in (world.taicang, world.kunshan):
        copy = copy_of(world, child)
        assert copy.is_withdrawn and copy.withdrawn_reason == "并入其他任务"
        assert copy.plan.revisions.order_by("-number").first().reason == "上级撤销下发任务：并入其他任务"
    editor.task_reinstate(
        plan=world.plan, actor=world.city_office, task=world.collective_task, reason="恢复执行"
    )
    assert not copy_of(world, world.taicang).is_withdrawn
    assert not copy_of(world, world.kunshan).is_withdrawn


# Refusals, each with nothing saved -------------------------------------------------------------


def refused(change, message: str, error=ApplicationError) -> None:
    before = counts()
    with pytest.raises(error) as caught:
        change()
    assert str(caught.value) == message
    assert counts() == before


@pytest.mark.parametrize("who", ["city_leader", "city_liaison", "kunshan_office", "wuxi_office"])
def test_only_the_office_of_the_plans_jurisdiction_delegates(world, who):
    refused(
        lambda: delegation.task_delegate(
            task=world.collective_task, jurisdictions=[world.taicang], actor=getattr(world, who)
        ),
        "下发：只有苏州市质强办可以下发这个方案的任务",
        AccessRefused,
    )


def test_a_task_goes_only_to_direct_children(world):
    refused(
        lambda: delegation.task_delegate(
            task=world.collective_task, jurisdictions=[world.taicang, world.jiangyin], actor=world.city_office
        ),
        "下级行政区：江阴市不是苏州市的直属下级，不能下发",
    )
    refused(
        lambda: delegation.task_delegate(
            task=world.collective_task, jurisdictions=[], actor=world.city_office
        ),
        "下级行政区：请至少选择一个",
    )


def test_a_withdrawn_task_a_draft_and_a_delegated_plan_are_not_delegated(world):
    Task.objects.filter(pk=world.city_task.pk).update(withdrawn_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    world.city_task.refresh_from_db()
    refused(
        lambda: delegation.task_delegate(
            task=world.city_task, jurisdictions=[world.taicang], actor=world.city_office
        ),
        "任务：已撤销的任务不能下发",
    )
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    # a county with counties of its own still may not pass its parent's task down
    JurisdictionFactory(name="城厢镇", level="zone", parent=world.taicang)
    refused(
        lambda: delegation.task_delegate(
            task=copy, jurisdictions=list(world.taicang.children.all()), actor=world.taicang_office
        ),
        "下发：这是上级下发的任务，不能再下发",
    )
    draft = PlanFactory(jurisdiction=world.city, status=Plan.Status.DRAFT)
    task = TaskFactory(plan=draft)
    refused(
        lambda: delegation.task_delegate(task=task, jurisdictions=[world.taicang], actor=world.city_office),
        "下发：方案还是草稿，开始执行后才能下发任务",
    )


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("title", "改个标题", "工作任务"),
        ("text", "县里自己的内容", "主要内容"),
        ("due", "长期坚持", "完成时限"),
        ("due_date", dt.date(2027, 1, 1), "完成日期"),
        ("milestones", "2026-07-31 自定节点", "时间节点"),
        ("number", "9", "编号"),
        ("place", "first", "位置"),
    ],
)
def test_a_county_cannot_change_the_content_of_a_delegated_task(world, field, value, label):
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    refused(
        lambda: editor.task_save(
            plan=copy.plan,
            actor=world.taicang_office,
            task=copy,
            data=task_data(copy, leads=[world.taicang_market.pk], **{field: value}),
            reason="县里调整",
        ),
        f"{label}：上级下发的任务内容由上级修改",
    )


def test_a_county_cannot_move_delete_or_withdraw_a_delegated_task(world):
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    own = editor.task_save(
        plan=copy.plan,
        actor=world.taicang_office,
        task=None,
        data={"number": "10", "title": "县里自己的任务", "leads": [world.taicang_market.pk]},
        reason="县里增加任务",
    )
    host = copy.plan
    refused(
        lambda: editor.node_move(
            plan=host, actor=world.taicang_office, kind="task", pk=copy.pk, step=1, reason="调整"
        ),
        "位置：上级下发的任务按上级方案的顺序排列，不能移动",
    )
    refused(
        lambda: editor.task_delete(plan=host, actor=world.taicang_office, task=copy, reason="不做了"),
        "删除：上级下发的任务不能删除，由上级撤销",
    )
    refused(
        lambda: editor.task_withdraw(plan=host, actor=world.taicang_office, task=copy, reason="不做了"),
        "撤销：上级下发的任务由上级撤销",
    )
    refused(
        lambda: editor.plan_delete(plan=host, actor=world.taicang_office),
        "删除：上级下发的任务方案不能删除",
    )
    # moving the county's own task past the copy keeps the copy's printed path
    editor.node_move(
        plan=host, actor=world.taicang_office, kind="task", pk=own.pk, step=-1, reason="调整顺序"
    )
    copy.refresh_from_db()
    assert copy.path == ["二", "3"]


def test_the_city_cannot_delete_a_delegated_task_or_its_plan(world):
    delegate_both(world)
    refused(
        lambda: editor.task_delete(
            plan=world.plan, actor=world.city_office, task=world.collective_task, reason="删"
        ),
        "删除：这项任务已下发至太仓市、昆山市，只能撤销",
    )
    refused(
        lambda: editor.plan_delete(plan=world.plan, actor=world.city_office),
        "删除：方案的任务已下发至下级，只能归档",
    )


def test_a_county_assigns_its_own_departments_and_never_a_citys(world):
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    refused(
        lambda: editor.task_save(
            plan=copy.plan,
            actor=world.taicang_office,
            task=copy,
            data=task_data(copy, leads=[world.market.pk]),
            reason="分配部门",
        ),
        "牵头部门：所选部门不是本区在用的部门",
    )
    editor.task_save(
        plan=copy.plan,
        actor=world.taicang_office,
        task=copy,
        data=task_data(copy, leads=[world.taicang_market.pk]),
        reason="分配部门",
    )
    assert [a.department for a in copy.assignments.all()] == [world.taicang_market]


# Through the web ---------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"programmes:{name}", args=args)


def test_the_city_office_delegates_through_the_page_and_the_county_assigns_its_department(client, world):
    task = world.collective_task
    client.force_login(world.city_office)
    page = client.get(url("plan_edit", world.plan.pk)).content.decode()
    assert url("task_delegate", task.pk) in page
    page = client.get(url("task_delegate", task.pk)).content.decode()
    # both counties proposed by 各县(市、区)人民政府, both checked
    assert page.count("checked") == 2 and "太仓市" in page and "昆山市" in page
    response = client.post(
        url("task_delegate", task.pk), {"jurisdictions": [world.taicang.pk, world.kunshan.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == url("plan_edit", world.plan.pk) + f"#task-{task.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已下发至太仓市、昆山市"]
    assert Delegation.objects.filter(task=task).count() == 2
    page = client.get(url("plan_edit", world.plan.pk)).content.decode()
    assert "已下发：太仓市、昆山市" in page
    page = client.get(url("task_delegate", task.pk)).content.decode()
    assert (
        "已下发到全部下级行政区" in page and url("plan_detail", copy_of(world, world.taicang).plan_id) in page
    )

    # the county's editor shows the copy read-only and lets its office assign its department
    copy = copy_of(world, world.taicang)
    client.force_login(world.taicang_office)
    page = client.get(url("plan_edit", copy.plan_id)).content.decode()
    assert "上级下发" in page and url("task_delegate", copy.pk) not in page
    page = client.get(url("task_update", copy.plan_id, copy.pk)).content.decode()
    assert "上级下发的任务内容由上级修改" in page
    assert 'name="title" value="开展商标品牌培育" maxlength="300" required disabled' in page
    response = client.post(
        url("task_update", copy.plan_id, copy.pk),
        {"title": "县里改的标题", "leads": [world.taicang_market.pk], "reason": "分配本级部门"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    copy.refresh_from_db()
    assert copy.title == "开展商标品牌培育"  # a disabled field keeps the parent's text
    assert [a.department for a in copy.assignments.all()] == [world.taicang_market]


def test_a_county_office_is_offered_only_its_own_departments(client, world):
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    client.force_login(world.taicang_office)
    response = client.post(
        url("task_update", copy.plan_id, copy.pk), {"leads": [world.market.pk], "reason": "分配部门"}
    )
    assert response.status_code == 400
    assert not copy.assignments.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("city_office", 200),
        ("city_leader", 403),
        ("city_liaison", 403),
        ("taicang_office", 404),  # a county sees nothing of its parent's plan
        ("kunshan_office", 404),
        ("wuxi_office", 404),
    ],
)
def test_only_the_plans_office_opens_the_delegation_page(client, world, who, status):
    client.force_login(getattr(world, who))
    assert client.get(url("task_delegate", world.collective_task.pk)).status_code == status
    response = client.post(
        url("task_delegate", world.collective_task.pk), {"jurisdictions": [world.taicang.pk]}
    )
    assert response.status_code == (302 if status == 200 else status)


def test_the_city_office_reads_a_countys_copy_but_cannot_delegate_or_edit_it(client, world):
    delegate_both(world)
    copy = copy_of(world, world.taicang)
    client.force_login(world.city_office)
    assert client.get(url("plan_detail", copy.plan_id)).status_code == 200
    assert client.get(url("task_delegate", copy.pk)).status_code == 403
    assert client.get(url("task_update", copy.plan_id, copy.pk)).status_code == 403
    client.force_login(world.kunshan_office)  # a sibling county sees nothing of it
    assert client.get(url("plan_detail", copy.plan_id)).status_code == 404
    assert client.get(url("task_delegate", copy.pk)).status_code == 404


def test_the_plan_page_marks_a_delegated_task(client, world):
    client.force_login(world.city_office)
    client.get(url("plan_detail", world.plan.pk))  # cached before the delegation
    delegate_both(world)
    page = client.get(url("plan_detail", world.plan.pk)).content.decode()
    assert "已下发：太仓市、昆山市" in page


# The county's reports -------------------------------------------------------------------------


def test_the_countys_liaison_reports_on_the_delegated_task(world):
    from reports.services import period_ensure, period_open, report_ensure

    delegate_both(world)
    copy = copy_of(world, world.taicang)
    editor.task_save(
        plan=copy.plan,
        actor=world.taicang_office,
        task=copy,
        data=task_data(copy, leads=[world.taicang_market.pk]),
        reason="分配部门",
    )
    indicator = copy.targets.get().indicator
    Indicator.objects.filter(pk=indicator.pk).update(reporting_department=world.taicang_market)
    period = period_open(period=period_ensure(jurisdiction=world.taicang, year=2026, month=11))
    report = report_ensure(period=period, department=world.taicang_market)
    assert [(e.task_id, e.role) for e in report.entries.all()] == [(copy.pk, "lead")]
    assert [v.indicator_id for v in report.values.all()] == [indicator.pk]
