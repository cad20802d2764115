"""Plan and department pages: who sees what, and how many queries each page costs."""

import pytest
from django.urls import reverse

from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    HeadingFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
)


def build_plan(jurisdiction, *, sections: int, tasks_per_section: int):
    plan = PlanFactory(jurisdiction=jurisdiction)
    departments = [DepartmentFactory(jurisdiction=jurisdiction) for _ in range(3)]
    position = 0
    for s in range(sections):
        position += 1
        heading = HeadingFactory(plan=plan, number=f"{s + 1}", path=[str(s + 1)], position=position)
        for t in range(tasks_per_section):
            position += 1
            task = TaskFactory(
                plan=plan,
                heading=heading,
                number=str(t + 1),
                path=[str(s + 1), str(t + 1)],
                position=position,
            )
            AssignmentFactory(task=task, department=departments[t % 3])
            AssignmentFactory(task=task, department=departments[(t + 1) % 3], role="participating")
            TargetFactory(task=task, indicator__jurisdiction=jurisdiction)
            TargetFactory(
                task=task, indicator__jurisdiction=jurisdiction, comparator="range", value=2, value_max=3
            )
    return plan


@pytest.mark.parametrize("name", ["programmes:plan_list", "programmes:department_list"])
def test_anonymous_user_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_office_sees_only_its_jurisdictions_plans(client, cast):
    client.force_login(cast.office)
    html = client.get(reverse("programmes:plan_list")).content.decode()
    assert cast.plan.title in html
    assert cast.outsider_plan.title not in html


def test_office_cannot_open_another_jurisdictions_plan(client, cast):
    client.force_login(cast.office)
    assert client.get(reverse("programmes:plan_detail", args=[cast.outsider_plan.pk])).status_code == 404
    assert client.get(reverse("programmes:plan_detail", args=[cast.plan.pk])).status_code == 200


def test_outsider_cannot_open_a_department_of_another_jurisdiction(client, cast):
    client.force_login(cast.outsider_office)
    assert client.get(reverse("programmes:department_detail", args=[cast.department.pk])).status_code == 404


@pytest.mark.parametrize("user", ["liaison", "head", "leader"])
def test_department_people_and_leaders_read_their_jurisdictions_plan(client, cast, user):
    client.force_login(getattr(cast, user))
    response = client.get(reverse("programmes:plan_detail", args=[cast.plan.pk]))
    assert response.status_code == 200
    assert cast.task.title in response.content.decode()


def test_department_page_lists_tasks_led_and_joined_across_plans(client, cast):
    other_plan = PlanFactory(jurisdiction=cast.jurisdiction, title="甲市质量提升行动方案")
    joined = TaskFactory(plan=other_plan, title="推进标准化建设")
    AssignmentFactory(task=joined, department=cast.department, role="participating")
    client.force_login(cast.office)
    html = client.get(reverse("programmes:department_detail", args=[cast.department.pk])).content.decode()
    assert cast.task.title in html and joined.title in html
    assert cast.plan.title in html and other_plan.title in html


def test_department_page_includes_tasks_given_to_a_collective_it_belongs_to(client, cast):
    collective = DepartmentFactory(jurisdiction=cast.jurisdiction, name="各成员单位", kind="collective")
    collective.members.add(cast.department)
    task = TaskFactory(plan=cast.plan, title="每月上报工作动态")
    AssignmentFactory(task=task, department=collective)
    client.force_login(cast.liaison)
    html = client.get(reverse("programmes:department_detail", args=[cast.department.pk])).content.decode()
    assert task.title in html


def test_department_page_query_count_does_not_grow_with_its_tasks(client, cast, django_assert_num_queries):
    build_plan(cast.jurisdiction, sections=2, tasks_per_section=3)
    department = DepartmentFactory(jurisdiction=cast.jurisdiction)
    TargetFactory(task=AssignmentFactory(department=department, task__plan=cast.plan).task)
    client.force_login(cast.office)
    # user, roles (scope and header), the department, its aliases, its predecessors (merged
    # into it), tasks (collectives inlined as a subquery), assignments, targets with
    # indicators, the header's unread notifications.
    with django_assert_num_queries(9) as small:
        client.get(reverse("programmes:department_detail", args=[department.pk]))
    for n in range(15):
        AssignmentFactory(task=TaskFactory(plan=cast.plan, position=5000 + n), department=department)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("programmes:department_detail", args=[department.pk]))


def test_plan_list_query_count_does_not_grow_with_plans(client, cast, django_assert_num_queries):
    client.force_login(cast.office)
    # user, roles (scope and header), unread notifications, count, the page of plans.
    with django_assert_num_queries(5) as few:
        client.get(reverse("programmes:plan_list"))
    for _ in range(8):
        build_plan(cast.jurisdiction, sections=1, tasks_per_section=2)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("programmes:plan_list"))


def test_plan_list_filters_by_year(client, cast):
    PlanFactory(jurisdiction=cast.jurisdiction, title="2018年旧方案", year_start=2018, year_end=2020)
    client.force_login(cast.office)
    html = client.get(reverse("programmes:plan_list"), {"year": 2019}).content.decode()
    assert "2018年旧方案" in html
    assert cast.plan.title not in html
