"""The office manages its departments: create, rename (the old name kept as an alias), merge
after an institutional reform, deactivate and reactivate; pickers and the admin offer only the
jurisdiction's own departments."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programmes.models import Assignment, Plan, PlanRevision
from reports.models import DepartmentReport
from reports.services import period_open
from responsibilities import services
from responsibilities.department_forms import department_choices
from responsibilities.models import AuditEvent, Department, DepartmentAlias, Membership
from targets.models import Indicator
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

User = get_user_model()


def url(name, *args):
    return reverse(f"responsibilities:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def aliases_of(department) -> dict[str, str]:
    return dict(DepartmentAlias.objects.filter(department=department).values_list("name", "note"))


# Creating ----------------------------------------------------------------------------------------


def test_office_creates_a_department_and_lands_on_its_page(client, cast):
    # given
    client.force_login(cast.office)
    # when
    response = client.post(url("department_create"), {"name": "市数据局", "code": "sjj", "kind": "unit"})
    # then
    department = Department.objects.get(jurisdiction=cast.jurisdiction, name="市数据局")
    assert response.status_code == 302
    assert response.url == reverse("programmes:department_detail", args=[department.pk])
    assert (department.code, department.kind, department.is_active) == ("sjj", "unit", True)
    assert AuditEvent.objects.filter(action="department.create", object_id=str(department.pk)).count() == 1


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("市住建局", "市住建局"),  # another department's name
        ("市质量技术监督局", "市质量技术监督局"),  # another department's alias
        ("住建局", "市住建局"),  # read as 市住建局 in a city, as imports read it
        ("市 住建局（ ）", "市住建局"),  # spaces and punctuation do not make a new name
    ],
)
def test_a_new_department_may_not_take_a_name_or_alias_of_another(client, cast, typed, taken):
    # given
    services.department_add_alias(department=cast.department, name="市质量技术监督局")
    client.force_login(cast.office)
    before = Department.objects.count()
    # when
    response = client.post(url("department_create"), {"name": typed, "code": "", "kind": "unit"})
    # then
    assert response.status_code == 400
    assert f"名称：本区已有部门或别名“{taken}”" in page(response)
    assert Department.objects.count() == before


def test_another_city_may_use_the_same_name(client, cast):
    # given 乙市 has no 市住建局 of its own yet
    client.force_login(cast.outsider_office)
    # when
    response = client.post(url("department_create"), {"name": "市住建局", "code": "zjj", "kind": "unit"})
    # then
    assert response.status_code == 302
    assert Department.objects.filter(name="市住建局").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "   ", "code": "", "kind": "unit"}, "这个字段是必填项"),
        ({"name": "局" * 65, "code": "", "kind": "unit"}, "不超过 64 字符"),
        (
            {"name": "市数据局", "code": "<script>", "kind": "unit"},
            "代码：只能包含字母、数字、下划线和短横线",
        ),
        ({"name": "市数据局", "code": "scjgj", "kind": "unit"}, "代码：本区已有部门使用代码“scjgj”"),
        ({"name": "市数据局", "code": "", "kind": "superuser"}, "选择一个有效的选项"),
    ],
)
def test_bad_department_input_is_refused_with_a_message_and_saves_nothing(client, cast, data, message):
    client.force_login(cast.office)
    before = Department.objects.count()
    response = client.post(url("department_create"), data)
    assert response.status_code == 400
    assert message in page(response)
    assert Department.objects.count() == before


def test_an_office_of_several_jurisdictions_chooses_where_to_create(client, cast):
    # given the office of 甲市 is the office of 乙市 too
    MembershipFactory(user=cast.office, jurisdiction=cast.outsider_jurisdiction, role="office_admin")
    client.force_login(cast.office)
    # when
    form = client.get(url("department_create"), {"jurisdiction": cast.outsider_jurisdiction.pk})
    client.post(
        f"{url('department_create')}?jurisdiction={cast.outsider_jurisdiction.pk}",
        {"name": "市数据局", "code": "", "kind": "unit"},
    )
    # then
    assert f'href="?jurisdiction={cast.jurisdiction.pk}"' in page(form)
    assert Department.objects.get(name="市数据局").jurisdiction == cast.outsider_jurisdiction


# Renaming ----------------------------------------------------------------------------------------


def test_office_renames_a_department_and_old_reports_keep_the_old_name(client, cast, period):
    # given the market bureau's report for the open month, written under its present name
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    client.force_login(cast.office)
    # when
    response = client.post(
        url("department_rename", cast.department.pk), {"name": "市市场监督管理局", "note": "2024年更名前名称"}
    )
    # then
    cast.department.refresh_from_db()
    report.refresh_from_db()
    assert response.status_code == 302
    assert cast.department.name == "市市场监督管理局"
    assert aliases_of(cast.department) == {"市市场监管局": "2024年更名前名称"}
    assert report.unit_name == "市市场监管局"
    event = AuditEvent.objects.get(action="department.rename")
    assert (event.before, event.after["name"]) == ({"name": "市市场监管局"}, "市市场监督管理局")


@pytest.mark.parametrize("taken", ["市住建局", "市建设局"])
def test_rename_to_another_departments_name_or_alias_is_refused(client, cast, taken):
    # given
    services.department_add_alias(department=cast.other_department, name="市建设局")
    client.force_login(cast.office)
    # when
    response = client.post(url("department_rename", cast.department.pk), {"name": taken, "note": ""})
    # then
    cast.department.refresh_from_db()
    assert response.status_code == 400
    assert f"名称：本区已有部门或别名“{taken}”" in page(response)
    assert cast.department.name == "市市场监管局"
    assert aliases_of(cast.department) == {}


def test_renaming_back_to_an_old_name_removes_that_alias(client, cast):
    # given renamed once: 市市场监管局 is an alias now
    services.department_rename(department=cast.department, actor=cast.office, name="市市场监督管理局")
    client.force_login(cast.office)
    # when
    client.post(url("department_rename", cast.department.pk), {"name": "市市场监管局", "note": ""})
    # then the name is the name again, and the other name the alias
    cast.department.refresh_from_db()
    assert cast.department.name == "市市场监管局"
    assert list(aliases_of(cast.department)) == ["市市场监督管理局"]


def test_rename_to_the_same_name_is_refused(client, cast):
    client.force_login(cast.office)
    response = client.post(url("department_rename", cast.department.pk), {"name": "市市场监管局", "note": ""})
    assert response.status_code == 400
    assert "名称：新名称与现用名称相同" in page(response)
    assert aliases_of(cast.department) == {}


# Merging -----------------------------------------------------------------------------------------


@pytest.fixture
def reform(cast, period):
    """市质监局 (also printed 市质量技术监督局), to be merged into 市市场监管局, with tasks in the
    cast's active plan in every combination with the market bureau's, a task of an archived plan,
    an indicator it reports, a collective name it belongs to, a liaison and this month's report."""
    source = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市质监局", code="zjj2")
    services.department_add_alias(department=source, name="市质量技术监督局", note="全称")
    into = cast.department
    plan = cast.plan
    alone = TaskFactory(plan=plan, title="计量检定")
    AssignmentFactory(task=alone, department=source, role="lead", printed_name="市质量技术监督局")
    both_join = TaskFactory(plan=plan, title="质量宣传")
    AssignmentFactory(task=both_join, department=source, role="participating")
    AssignmentFactory(task=both_join, department=into, role="participating", printed_name="市市场监管局")
    source_leads = TaskFactory(plan=plan, title="标准化战略")
    AssignmentFactory(task=source_leads, department=source, role="lead", printed_name="市质监局")
    AssignmentFactory(task=source_leads, department=into, role="participating")
    into_leads = TaskFactory(plan=plan, title="品牌建设")
    AssignmentFactory(task=into_leads, department=source, role="participating")
    AssignmentFactory(task=into_leads, department=into, role="lead", printed_name="市场监管局")
    archived = PlanFactory(
        jurisdiction=cast.jurisdiction, title="2020年工作要点", status=Plan.Status.ARCHIVED
    )
    old_task = TaskFactory(plan=archived, title="旧任务")
    AssignmentFactory(task=old_task, department=source, role="lead")
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="计量器具检定率", reporting_department=source
    )
    collective = DepartmentFactory(jurisdiction=cast.jurisdiction, name="各成员单位", kind="collective")
    collective.members.add(source)
    liaison = MembershipFactory(
        user=UserFactory(username="zjj_liaison", first_name="赵强"),
        jurisdiction=cast.jurisdiction,
        department=source,
        role="liaison",
    ).user
    period_open(period=period)  # the source's report for the month
    report = DepartmentReport.objects.get(period=period, department=source)
    return {
        "source": source,
        "into": into,
        "tasks": (alone, both_join, source_leads, into_leads),
        "old_task": old_task,
        "indicator": indicator,
        "collective": collective,
        "liaison": liaison,
        "report": report,
    }


def roles_of(task) -> set[tuple[str, str, str]]:
    return {
        (a.department.name, a.role, a.printed_name) for a in task.assignments.select_related("department")
    }


def test_merge_moves_tasks_indicators_names_and_collectives_to_the_successor(client, cast, reform):
    # given
    source, into = reform["source"], reform["into"]
    alone, both_join, source_leads, into_leads = reform["tasks"]
    client.force_login(cast.office)
    # when
    response = client.post(
        url("department_merge", source.pk),
        {"into": into.pk, "reason": "根据机构改革方案，市质监局职责划入市市场监管局"},
        follow=True,
    )
    # then the source is the successor's predecessor, deactivated
    source.refresh_from_db()
    assert response.status_code == 200
    assert (source.successor, source.is_active) == (into, False)
    # its tasks are the successor's: printed names kept, no task twice, lead wins
    assert roles_of(alone) == {("市市场监管局", "lead", "市质量技术监督局")}
    assert roles_of(both_join) == {("市市场监管局", "participating", "市市场监管局")}
    assert roles_of(source_leads) == {("市市场监管局", "lead", "市质监局")}
    assert roles_of(into_leads) == {("市市场监管局", "lead", "市场监管局")}
    # an archived plan is read-only and keeps the department it named
    assert roles_of(reform["old_task"]) == {("市质监局", "lead", "")}
    # the indicator, the names and the collective name
    reform["indicator"].refresh_from_db()
    assert reform["indicator"].reporting_department == into
    assert set(aliases_of(into)) == {"市质监局", "市质量技术监督局"}
    assert into in reform["collective"].members.all()
    # the month's report stays with the source and shows the name it was written under
    reform["report"].refresh_from_db()
    assert reform["report"].department == source
    assert reform["report"].unit_name == "市质监局"
    # the plan records the change with the merge's reason, and the merge is audited once
    assert PlanRevision.objects.filter(
        plan=cast.plan, reason="根据机构改革方案，市质监局职责划入市市场监管局"
    ).exists()
    event = AuditEvent.objects.get(action="department.merge")
    assert event.after["assignments_moved"] == 2 and event.after["indicators_moved"] == 1
    # one change, one audit row: the plans' revisions it records add none of their own
    assert not AuditEvent.objects.filter(action="plan.department_merge").exists()
    # the office is told whom to add again, and lands on the successor's page, which links back
    html = page(response)
    assert response.redirect_chain[-1][0] == reverse("programmes:department_detail", args=[into.pk])
    assert "1名联络员、负责人（赵强）已停用" in html
    assert reverse("programmes:department_detail", args=[source.pk]) in html


def test_merge_ends_the_source_peoples_roles_instead_of_moving_them(client, cast, reform):
    # given the liaison of the source
    client.force_login(cast.office)
    # when
    client.post(
        url("department_merge", reform["source"].pk), {"into": reform["into"].pk, "reason": "机构改革"}
    )
    # then the liaison is no liaison of the successor, and cannot sign in
    membership = Membership.objects.get(user=reform["liaison"])
    reform["liaison"].refresh_from_db()
    assert (membership.department, membership.is_active) == (reform["source"], False)
    assert not reform["liaison"].is_active
    assert not Membership.objects.filter(user=reform["liaison"], department=reform["into"]).exists()


def test_merge_page_shows_only_this_jurisdictions_active_units(client, cast, reform):
    # given
    DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    DepartmentFactory(jurisdiction=cast.jurisdiction, name="市已撤销局", is_active=False)
    client.force_login(cast.office)
    # when
    html = page(client.get(url("department_merge", reform["source"].pk)))
    # then
    assert f'<option value="{reform["into"].pk}">市市场监管局</option>' in html
    assert "乙市市场监管局" not in html
    assert "市已撤销局" not in html
    assert "各成员单位" not in html
    assert f'<option value="{reform["source"].pk}"' not in html


def _nothing_merged(source):
    source.refresh_from_db()
    assert (source.successor_id, source.is_active) == (None, True)
    assert not AuditEvent.objects.filter(action="department.merge").exists()


@pytest.mark.parametrize(
    ("into_of", "message"),
    [
        (lambda r, c: r["source"], "合并对象：不能把部门并入它自己"),
        (lambda r, c: r["collective"], "合并对象：集合名称"),
        (lambda r, c: DepartmentFactory(jurisdiction=c.jurisdiction, is_active=False), "已停用，不能并入"),
        (lambda r, c: DepartmentFactory(jurisdiction=c.outsider_jurisdiction), "合并对象：请选择本区的单位"),
    ],
    ids=["itself", "collective", "inactive", "another-city"],
)
def test_merge_refusals_come_back_on_the_form_and_change_nothing(client, cast, reform, into_of, message):
    # given
    into = into_of(reform, cast)
    client.force_login(cast.office)
    # when
    response = client.post(
        url("department_merge", reform["source"].pk), {"into": into.pk, "reason": "机构改革"}
    )
    # then
    assert response.status_code == 400
    assert message in page(response)
    _nothing_merged(reform["source"])
    assert reform["source"].assignments.count() == 5


def test_merge_service_refuses_another_citys_department(cast, reform):
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    with pytest.raises(services.ApplicationError, match="合并对象：不能并入其他行政区的部门"):
        services.department_merge(source=reform["source"], into=elsewhere, actor=cast.office, reason="改革")
    _nothing_merged(reform["source"])


def test_merge_needs_a_reason(client, cast, reform):
    client.force_login(cast.office)
    response = client.post(
        url("department_merge", reform["source"].pk), {"into": reform["into"].pk, "reason": " "}
    )
    assert response.status_code == 400
    assert "这个字段是必填项" in page(response)
    _nothing_merged(reform["source"])


def test_a_merged_department_cannot_be_renamed_merged_or_reactivated(client, cast, reform):
    # given
    services.department_merge(source=reform["source"], into=reform["into"], actor=cast.office, reason="改革")
    client.force_login(cast.office)
    # when
    rename = client.post(url("department_rename", reform["source"].pk), {"name": "市质检局", "note": ""})
    reactivate = client.post(url("department_reactivate", reform["source"].pk), follow=True)
    # then
    assert "已并入市市场监管局" in page(rename)
    assert "已并入市市场监管局，不能再更名、合并或恢复" in page(reactivate)
    reform["source"].refresh_from_db()
    assert (reform["source"].name, reform["source"].is_active) == ("市质监局", False)


def test_successor_page_query_count_does_not_grow_with_its_predecessors(
    client, cast, django_assert_num_queries
):
    into = cast.department
    client.force_login(cast.office)
    first = DepartmentFactory(jurisdiction=cast.jurisdiction)
    services.department_merge(source=first, into=into, actor=cast.office, reason="改革")
    with django_assert_num_queries(9) as one:
        # user, roles, unread notifications, the department, its aliases, its predecessors,
        # tasks, assignments, targets (the session comes from the shared cache)
        client.get(reverse("programmes:department_detail", args=[into.pk]))
    for _ in range(4):
        services.department_merge(
            source=DepartmentFactory(jurisdiction=cast.jurisdiction),
            into=into,
            actor=cast.office,
            reason="改革",
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("programmes:department_detail", args=[into.pk]))
    assert page(response).count("/departments/") >= 5


# Deactivating ------------------------------------------------------------------------------------


def test_a_department_leading_a_task_in_force_cannot_be_deactivated(client, cast):
    # given the market bureau leads the cast's task
    client.force_login(cast.office)
    # when
    response = client.post(url("department_deactivate", cast.department.pk), follow=True)
    # then
    cast.department.refresh_from_db()
    assert cast.department.is_active
    html = page(response)
    assert "请先调整这些任务的责任部门或合并到新部门" in html
    assert "《甲市质量强市工作要点》" in html and "加强制造业质量提升（牵头）" in html
    assert not AuditEvent.objects.filter(action="department.deactivate").exists()


def test_the_refusal_lists_five_uses_and_says_there_are_more(cast):
    for n in range(6):
        AssignmentFactory(
            task=TaskFactory(plan=cast.plan, title=f"任务{n}"), department=cast.other_department
        )
    IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="住房指标", reporting_department=cast.other_department
    )
    with pytest.raises(services.ApplicationError) as refused:
        services.department_deactivate(department=cast.other_department, actor=cast.office)
    message = str(refused.value)
    assert message.count("《") == 5 and message.endswith("等。请先调整这些任务的责任部门或合并到新部门")


def test_a_department_reporting_an_indicator_cannot_be_deactivated(cast):
    department = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市统计局")
    IndicatorFactory(jurisdiction=cast.jurisdiction, name="GDP", unit="亿元", reporting_department=department)
    with pytest.raises(services.ApplicationError, match="报送指标“GDP（亿元）”"):
        services.department_deactivate(department=department, actor=cast.office)


def test_withdrawn_tasks_and_archived_plans_do_not_keep_a_department_active(client, cast):
    # given the department's only tasks are withdrawn or in an archived plan
    department = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市旅游局")
    withdrawn = TaskFactory(plan=cast.plan)
    withdrawn.withdrawn_at, withdrawn.withdrawn_reason = withdrawn.plan.created_at, "撤销"
    withdrawn.save()
    AssignmentFactory(task=withdrawn, department=department)
    archived = PlanFactory(jurisdiction=cast.jurisdiction, status=Plan.Status.ARCHIVED)
    AssignmentFactory(task=TaskFactory(plan=archived), department=department)
    client.force_login(cast.office)
    # when
    client.post(url("department_deactivate", department.pk))
    # then it leaves the pickers, and comes back when reactivated
    department.refresh_from_db()
    assert not department.is_active
    assert department not in department_choices(cast.jurisdiction)
    client.post(url("department_reactivate", department.pk))
    department.refresh_from_db()
    assert department.is_active
    assert department in department_choices(cast.jurisdiction)
    actions = AuditEvent.objects.filter(object_id=str(department.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["department.deactivate", "department.reactivate"]


def test_pickers_offer_the_jurisdictions_active_departments_in_printed_order(cast):
    # given
    late = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市甲局", sort_order=200)
    early = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市乙局", sort_order=1)
    DepartmentFactory(jurisdiction=cast.jurisdiction, name="市停用局", is_active=False)
    collective = DepartmentFactory(jurisdiction=cast.jurisdiction, name="各成员单位", kind="collective")
    DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市局")
    # then
    everything = list(department_choices(cast.jurisdiction))
    assert everything[0] == early and everything[-1] == late
    assert {d.name for d in everything} == {"市乙局", "市市场监管局", "市住建局", "各成员单位", "市甲局"}
    assert collective not in department_choices(cast.jurisdiction.pk, units_only=True)


# Who may ------------------------------------------------------------------------------------------

DEPARTMENT_URLS = [
    ("department_rename", "GET"),
    ("department_merge", "GET"),
    ("department_deactivate", "POST"),
    ("department_reactivate", "POST"),
]


@pytest.mark.parametrize(("name", "method"), DEPARTMENT_URLS)
def test_another_citys_office_does_not_find_the_department(client, cast, name, method):
    client.force_login(cast.outsider_office)
    response = getattr(client, method.lower())(url(name, cast.department.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), DEPARTMENT_URLS)
@pytest.mark.parametrize("who", ["liaison", "head", "leader"])
def test_department_people_and_leaders_may_not_change_departments(client, cast, name, method, who):
    client.force_login(getattr(cast, who))
    response = getattr(client, method.lower())(url(name, cast.department.pk))
    assert response.status_code == 403
    cast.department.refresh_from_db()
    assert (cast.department.name, cast.department.is_active) == ("市市场监管局", True)


@pytest.mark.parametrize("who", ["liaison", "leader"])
def test_only_the_office_creates_departments(client, cast, who):
    client.force_login(getattr(cast, who))
    before = Department.objects.count()
    response = client.post(url("department_create"), {"name": "市数据局", "code": "", "kind": "unit"})
    assert response.status_code == 403
    assert Department.objects.count() == before


def test_department_page_shows_office_actions_to_the_office_only(client, cast):
    client.force_login(cast.office)
    office_page = page(client.get(reverse("programmes:department_detail", args=[cast.department.pk])))
    client.force_login(cast.liaison)
    liaison_page = page(client.get(reverse("programmes:department_detail", args=[cast.department.pk])))
    for action in ("department_rename", "department_merge", "department_deactivate"):
        assert url(action, cast.department.pk) in office_page
        assert url(action, cast.department.pk) not in liaison_page


# The admin ----------------------------------------------------------------------------------------


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "", "Root#2026x")
    client.force_login(user)
    return user


def test_admin_offers_an_assignment_only_its_plans_departments(client, cast, root):
    # given the cast's lead assignment and a department of 乙市 with the same name
    assignment = Assignment.objects.get(task=cast.task, department=cast.department)
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="市市场监管局")
    change = f"/admin/programmes/assignment/{assignment.pk}/change/"
    # when
    form = client.get(change)
    forged = client.post(
        change,
        {"task": cast.task.pk, "department": elsewhere.pk, "role": "lead", "printed_name": "", "position": 0},
    )
    # then the select names the jurisdiction and offers only 甲市's, and a forged choice is refused
    assert "市市场监管局（甲市）" in page(form)
    assert "市市场监管局（乙市）" not in page(form)
    assert forged.status_code == 200
    assert "选择一个有效的选项" in page(forged)
    assignment.refresh_from_db()
    assert assignment.department == cast.department


def test_admin_refuses_a_new_assignment_to_another_citys_department(client, cast, root):
    # given the add form, which cannot know the plan before the task is chosen
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="市市场监管局")
    before = Assignment.objects.count()
    # when
    response = client.post(
        "/admin/programmes/assignment/add/",
        {
            "task": cast.task.pk,
            "department": elsewhere.pk,
            "role": "participating",
            "printed_name": "",
            "position": 1,
        },
    )
    # then
    assert response.status_code == 200
    assert "部门：市市场监管局（乙市）不是甲市的部门" in page(response)
    assert Assignment.objects.count() == before


def _indicator_form(cast, department) -> dict:
    return {
        "jurisdiction": cast.jurisdiction.pk,
        "name": "抽查合格率",
        "unit": "%",
        "reporting_department": department.pk,
        "aggregation": "latest",
        "source": "reported",
        "description": "",
    }


def test_admin_refuses_an_indicator_reported_by_another_citys_department(client, cast, root):
    # given
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市统计局")
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction, name="合格率", reporting_department=cast.department
    )
    # when
    added = client.post("/admin/targets/indicator/add/", _indicator_form(cast, elsewhere))
    changed = client.post(
        f"/admin/targets/indicator/{indicator.pk}/change/", _indicator_form(cast, elsewhere)
    )
    # then
    assert added.status_code == changed.status_code == 200
    assert "报送部门：乙市统计局（乙市）不是甲市的部门" in page(added)
    assert "选择一个有效的选项" in page(changed)
    assert not Indicator.objects.filter(name="抽查合格率").exists()
    indicator.refresh_from_db()
    assert indicator.reporting_department == cast.department


def test_admin_refuses_a_liaison_role_in_another_citys_department(client, cast, root):
    elsewhere = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市住建局")
    user = UserFactory(username="newcomer")
    response = client.post(
        "/admin/responsibilities/membership/add/",
        {
            "user": user.pk,
            "jurisdiction": cast.jurisdiction.pk,
            "department": elsewhere.pk,
            "role": "liaison",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "部门：乙市住建局（乙市）不是甲市的部门" in page(response)
    assert not Membership.objects.filter(user=user).exists()
