"""The plan editor through the web, as the office uses it: each operation, each refusal, the
jurisdiction boundary and the revisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programmes import numbering
from programmes.models import Heading, Milestone, Plan, PlanRevision, Task
from responsibilities.models import AuditEvent
from tests.factories import DepartmentFactory, HeadingFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def plan_form(**overrides):
    data = {
        "title": "甲市2027年质量强市工作要点",
        "kind": "work_points",
        "issuer": "甲市质量强市工作领导小组办公室",
        "document_number": "甲质强办〔2027〕1号",
        "issued_on": "2027-02-15",
        "year_start": "2027",
        "year_end": "2027",
        "reporting_frequency": "monthly",
    }
    data.update(overrides)
    return data


def task_form(cast, **overrides):
    data = {
        "number": "1",
        "title": "开展质量提升行动",
        "text": "围绕重点产业开展质量攻关。",
        "heading": "",
        "place": "end",
        "leads": [cast.department.pk],
        "participants": [cast.other_department.pk],
        "due": "长期坚持",
        "due_date": "",
        "milestones": "2027-06-30 完成中期评估\n2027年12月31日 全面完成",
        "reason": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office)
    return client


def url(name, *args):
    return reverse(f"programmes:{name}", args=args)


def test_office_builds_a_plan_by_hand(office, cast):
    response = office.post(url("plan_create"), plan_form(jurisdiction=cast.jurisdiction.pk))
    plan = Plan.objects.get(title="甲市2027年质量强市工作要点")
    assert response.status_code == 302 and response["Location"] == url("plan_edit", plan.pk)
    assert plan.status == Plan.Status.DRAFT and plan.jurisdiction == cast.jurisdiction
    office.post(url("heading_create", plan.pk), {"number": "一", "title": "总体要求", "place": "end"})
    office.post(url("heading_create", plan.pk), {"number": "二", "title": "重点任务", "place": "end"})
    second = Heading.objects.get(plan=plan, number="二")
    response = office.post(url("task_create", plan.pk), task_form(cast, heading=second.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    office.post(url("task_create", plan.pk), task_form(cast, heading=second.pk, number="2", title="第二项"))
    task = Task.objects.get(plan=plan, number="1")
    assert task.path == ["二", "1"] and task.heading == second
    assert [(a.department, a.role) for a in task.assignments.all()] == [
        (cast.department, "lead"),
        (cast.other_department, "participating"),
    ]
    assert [(m.date.isoformat(), m.title) for m in task.milestones.all()] == [
        ("2027-06-30", "完成中期评估"),
        ("2027-12-31", "全面完成"),
    ]
    # A draft is changed without revisions; putting it into force records none either.
    office.post(url("plan_status", plan.pk, "activate"))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE and not plan.revisions.exists()
    page = office.get(url("plan_edit", plan.pk)).content.decode()
    assert "开展质量提升行动" in page and "完成中期评估" in page
    actions = list(AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("action", flat=True))
    assert actions.count("task.create") == 2 and actions.count("heading.create") == 2
    assert "plan.activate" in actions


def test_new_items_get_the_next_number_in_their_siblings_style(office, cast):
    heading = HeadingFactory(plan=cast.plan, number="(三)", path=["(三)"], position=1)
    response = office.get(url("heading_create", cast.plan.pk))
    assert 'value="(四)"' in response.content.decode()
    response = office.get(url("task_create", cast.plan.pk) + f"?heading={heading.pk}")
    assert 'value="1"' in response.content.decode()


def test_a_change_to_an_active_plan_needs_a_reason_and_becomes_a_revision(office, cast):
    plan = cast.plan
    task = cast.task
    response = office.post(url("task_update", plan.pk, task.pk), task_form(cast, title="新标题"))
    assert response.status_code == 400
    assert "调整原因" in response.content.decode()
    task.refresh_from_db()
    assert task.title != "新标题" and not plan.revisions.exists()

    response = office.post(
        url("task_update", plan.pk, task.pk), task_form(cast, title="新标题", reason="根据市政府意见调整")
    )
    assert response.status_code == 302
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("number"))
    assert [r.number for r in revisions] == [0, 1]
    assert revisions[1].reason == "根据市政府意见调整" and revisions[1].author == cast.office
    diff = office.get(url("plan_revisions", plan.pk) + "?a=0&b=1").content.decode()
    assert "新标题" in diff and "加强制造业质量提升" in diff
    # Everyone who reads the plan reads its history.
    office.force_login(cast.liaison)
    assert office.get(url("plan_revisions", plan.pk)).status_code == 200


def test_two_items_with_the_same_number_under_one_heading_are_refused(office, cast):
    heading = HeadingFactory(plan=cast.plan, number="一", path=["一"], position=1)
    TaskFactory(plan=cast.plan, heading=heading, number="1", path=["一", "1"], position=2)
    data = task_form(cast, heading=heading.pk, number="1", reason="补充任务")
    response = office.post(url("task_create", cast.plan.pk), data)
    assert response.status_code == 400
    assert "编号：“一 重点任务”下已有编号为“1”的项" in response.content.decode()
    assert cast.plan.tasks.count() == 2
    # —— items may repeat.
    office.post(url("task_create", cast.plan.pk), {**data, "number": "——", "title": "甲"})
    office.post(url("task_create", cast.plan.pk), {**data, "number": "——", "title": "乙"})
    assert cast.plan.tasks.filter(number="——").count() == 2


def test_a_heading_cannot_move_under_its_own_descendant(office, cast):
    top = HeadingFactory(plan=cast.plan, number="一", path=["一"], position=1)
    child = HeadingFactory(plan=cast.plan, number="(一)", path=["一", "(一)"], parent=top, position=2)
    data = {"number": "一", "title": "重点任务", "parent": child.pk, "place": "end", "reason": "调整结构"}
    response = office.post(url("heading_update", cast.plan.pk, top.pk), data)
    assert response.status_code == 400
    assert "上级标题：不能把标题移到它自己或它的下级之下" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None and not cast.plan.revisions.exists()


def test_a_department_of_another_jurisdiction_is_refused(office, cast):
    foreign = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="市市场监管局")
    response = office.post(
        url("task_update", cast.plan.pk, cast.task.pk), task_form(cast, leads=[foreign.pk], reason="调整")
    )
    assert response.status_code == 400
    assert "牵头部门" in response.content.decode()
    assert not cast.task.assignments.filter(department=foreign).exists()
    # The picker offers only the jurisdiction's active departments.
    page = office.get(url("task_update", cast.plan.pk, cast.task.pk)).content.decode()
    assert f'value="{foreign.pk}"' not in page


def test_a_department_cannot_lead_and_participate_at_once(office, cast):
    data = task_form(cast, leads=[cast.department.pk], participants=[cast.department.pk], reason="调整")
    response = office.post(url("task_update", cast.plan.pk, cast.task.pk), data)
    assert response.status_code == 400 and "已是牵头部门" in response.content.decode()


def test_a_milestone_without_a_date_is_refused_by_its_line(office, cast):
    data = task_form(cast, milestones="2027-06-30 中期评估\n年底前 全面完成", reason="调整")
    response = office.post(url("task_update", cast.plan.pk, cast.task.pk), data)
    assert response.status_code == 400
    assert "时间节点：第2行" in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_task_with_reports_is_withdrawn_not_deleted(office, cast, period):
    from reports.services import department_tasks_due, report_ensure

    report_ensure(period=period, department=cast.department)
    response = office.post(url("node_delete", cast.plan.pk, "task", cast.task.pk), {"reason": "任务取消"})
    assert response.status_code == 400 and "只能撤销" in response.content.decode()
    assert Task.objects.filter(pk=cast.task.pk).exists()
    # The editor offers withdrawal, not deletion, for it.
    page = office.get(url("plan_edit", cast.plan.pk)).content.decode()
    assert url("task_withdraw", cast.plan.pk, cast.task.pk) in page

    response = office.post(url("task_withdraw", cast.plan.pk, cast.task.pk), {"reason": ""})
    assert response.status_code == 400
    office.post(url("task_withdraw", cast.plan.pk, cast.task.pk), {"reason": "已并入其他任务"})
    cast.task.refresh_from_db()
    assert cast.task.is_withdrawn and cast.task.withdrawn_reason == "已并入其他任务"
    assert cast.task.pk not in department_tasks_due(period=period, department=cast.department)
    # A withdrawn task cannot be edited; it can be reinstated.
    response = office.post(url("task_update", cast.plan.pk, cast.task.pk), task_form(cast, reason="改"))
    assert response.status_code in (302, 400)
    cast.task.refresh_from_db()
    assert cast.task.title == "加强制造业质量提升"
    office.post(url("task_reinstate", cast.plan.pk, cast.task.pk), {"reason": "恢复"})
    cast.task.refresh_from_db()
    assert not cast.task.is_withdrawn


def test_a_plan_without_reports_can_be_deleted_and_one_with_reports_only_archived(office, cast, period):
    from reports.services import plans_due, report_ensure

    empty = PlanFactory(jurisdiction=cast.jurisdiction, title="空方案", status="draft")
    office.post(url("plan_delete", empty.pk))
    assert not Plan.objects.filter(pk=empty.pk).exists()

    report_ensure(period=period, department=cast.department)
    office.post(url("plan_delete", cast.plan.pk))
    assert Plan.objects.filter(pk=cast.plan.pk).exists()

    office.post(url("plan_status", cast.plan.pk, "archive"), {"reason": ""})
    cast.plan.refresh_from_db()
    assert cast.plan.status == Plan.Status.ACTIVE
    office.post(url("plan_status", cast.plan.pk, "archive"), {"reason": "工作要点执行期满"})
    cast.plan.refresh_from_db()
    assert cast.plan.status == Plan.Status.ARCHIVED
    assert cast.plan not in plans_due(period=period)
    # Archived: readable, not editable, and restorable.
    assert office.get(url("plan_detail", cast.plan.pk)).status_code == 200
    response = office.post(url("task_update", cast.plan.pk, cast.task.pk), task_form(cast, reason="改"))
    assert response.status_code == 400 and "已归档" in response.content.decode()
    office.post(url("plan_status", cast.plan.pk, "restore"), {"reason": "延续执行"})
    cast.plan.refresh_from_db()
    assert cast.plan.status == Plan.Status.ACTIVE


def test_moving_and_renumbering_keep_paths_and_printed_numbers(office, cast):
    plan = PlanFactory(jurisdiction=cast.jurisdiction, status="draft")
    heading = HeadingFactory(plan=plan, number="一", path=["一"], position=1)
    tasks = [
        TaskFactory(plan=plan, heading=heading, number=str(n), path=["一", str(n)], position=n + 1)
        for n in (1, 2, 4)
    ]
    office.post(url("node_move", plan.pk, "task", tasks[2].pk, "up"))
    assert list(plan.tasks.order_by("position").values_list("number", flat=True)) == ["1", "4", "2"]
    page = office.get(url("plan_edit", plan.pk)).content.decode()
    assert "编号不连续" in page
    office.post(url("renumber", plan.pk) + f"?parent={heading.pk}")
    rows = list(plan.tasks.order_by("position").values_list("pk", "number", "path"))
    assert rows == [
        (tasks[0].pk, "1", ["一", "1"]),
        (tasks[2].pk, "2", ["一", "2"]),
        (tasks[1].pk, "3", ["一", "3"]),
    ]
    # Moving a task under another heading follows it with its path.
    other = HeadingFactory(plan=plan, number="二", path=["二"], position=10)
    data = task_form(cast, heading=other.pk, number="1", place="end", title=tasks[1].title)
    office.post(url("task_update", plan.pk, tasks[1].pk), data)
    tasks[1].refresh_from_db()
    assert tasks[1].heading == other and tasks[1].path == ["二", "1"]


def test_the_last_item_cannot_move_further_down(office, cast):
    response = office.post(
        url("node_move", cast.plan.pk, "task", cast.task.pk, "down"),
        {"reason": "调整"},
        HTTP_REFERER="http://testserver" + url("plan_edit", cast.plan.pk),
        follow=True,
    )
    assert "位置：已经在最前或最后" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "liaison", "head"])
def test_leaders_and_departments_only_read(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(url("plan_edit", cast.plan.pk)).status_code == 403
    assert client.get(url("task_update", cast.plan.pk, cast.task.pk)).status_code == 403
    response = client.post(url("plan_status", cast.plan.pk, "archive"), {"reason": "x"})
    assert response.status_code == 403
    assert client.get(url("plan_create")).status_code == 403
    cast.plan.refresh_from_db()
    assert cast.plan.status == Plan.Status.ACTIVE


def test_another_citys_office_neither_sees_nor_changes(client, cast):
    client.force_login(cast.outsider_office)
    assert client.get(url("plan_edit", cast.plan.pk)).status_code == 404
    response = client.post(url("task_update", cast.plan.pk, cast.task.pk), task_form(cast, reason="x"))
    assert response.status_code == 404
    response = client.post(url("plan_create"), plan_form(jurisdiction=cast.jurisdiction.pk))
    assert (
        response.status_code == 400 and not Plan.objects.filter(title="甲市2027年质量强市工作要点").exists()
    )


def test_hostile_plan_fields(office, cast):
    response = office.post(
        url("plan_create"), plan_form(jurisdiction=cast.jurisdiction.pk, year_start="2028")
    )
    assert response.status_code == 400 and "截止年度：不能早于起始年度" in response.content.decode()
    PlanFactory(jurisdiction=cast.jurisdiction, document_number="甲质强办〔2027〕1号")
    response = office.post(url("plan_create"), plan_form(jurisdiction=cast.jurisdiction.pk))
    assert response.status_code == 400 and "文号" in response.content.decode()
    response = office.post(
        url("plan_create"), plan_form(jurisdiction=cast.jurisdiction.pk, issued_on="2027-02-30")
    )
    assert response.status_code == 400
    response = office.post(url("node_move", cast.plan.pk, "plan", cast.task.pk, "up"))
    assert response.status_code == 404
    assert not Plan.objects.filter(title="甲市2027年质量强市工作要点").exists()


def test_the_editor_page_costs_the_same_queries_for_a_larger_plan(
    office, cast, django_assert_max_num_queries
):
    from tests.factories import AssignmentFactory, TargetFactory

    def grow(n):
        for _i in range(n):
            task = TaskFactory(plan=cast.plan)
            AssignmentFactory(task=task, department=cast.department)
            TargetFactory(
                task=task,
                indicator__jurisdiction=cast.jurisdiction,
                indicator__reporting_department=cast.department,
            )

    grow(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        office.get(url("plan_edit", cast.plan.pk))
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert office.get(url("plan_edit", cast.plan.pk)).status_code == 200


def test_a_report_keeps_the_task_text_it_was_written_against(cast, period):
    from reports.services import report_ensure, report_save_draft, report_submit

    report = report_ensure(period=period, department=cast.department)
    entry = report.entries.get()
    report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "已完成", "status": "in_progress", "version": entry.version}},
        values={},
    )
    report_submit(report=report, actor=cast.liaison)
    from programmes.editor import task_save

    task_save(
        plan=cast.plan,
        actor=cast.office,
        task=cast.task,
        data={
            "number": cast.task.number,
            "title": "调整后的任务",
            "leads": [cast.department],
            "place": "keep",
        },
        reason="年中调整",
    )
    entry.refresh_from_db()
    assert entry.task_text.startswith("加强制造业质量提升")


@pytest.mark.parametrize(
    ("numbers", "consecutive", "renumbered"),
    [
        (["一", "二", "四"], False, ["一", "二", "三"]),
        (["(一)", "(二)"], True, ["(一)", "(二)"]),
        (["1", "3"], False, ["1", "2"]),
        (["——", "——"], True, ["——", "——"]),
        (["九", "十", "十一"], False, ["一", "二", "三"]),
    ],
)
def test_numbering_styles(numbers, consecutive, renumbered):
    assert numbering.numbers_consecutive(numbers) is consecutive
    assert numbering.renumbered(numbers) == renumbered
    assert numbering.next_number(["十九"]) == "二十"
