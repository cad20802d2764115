"""The plan page: the reference document everybody who may see a plan reads, served from the
cache, renewed the moment the plan, a department or an indicator changes, and what it shows of
withdrawn tasks, due dates, milestones and archived plans."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from programmes.cache import plan_page_get
from programmes.models import Milestone, Plan, Task
from programmes.revisions import plan_change
from responsibilities.models import Department
from responsibilities.services import department_rename
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    HeadingFactory,
    IndicatorFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
)


def page(client, plan, **kwargs) -> str:
    response = client.get(reverse("programmes:plan_detail", args=[plan.pk]), **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def build_plan(jurisdiction, *, sections: int, tasks_per_section: int) -> Plan:
    """A plan whose every task has two departments, two targets (with a reporting department)
    and two milestones, and whose last task is withdrawn."""
    plan = PlanFactory(jurisdiction=jurisdiction)
    departments = [DepartmentFactory(jurisdiction=jurisdiction) for _ in range(3)]
    position = 0
    task = None
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
                due_date=dt.date(2026, 6, 30),
            )
            AssignmentFactory(task=task, department=departments[t % 3])
            AssignmentFactory(task=task, department=departments[(t + 1) % 3], role="participating")
            TargetFactory(
                task=task,
                indicator__jurisdiction=jurisdiction,
                indicator__reporting_department=departments[t % 3],
            )
            TargetFactory(
                task=task, indicator__jurisdiction=jurisdiction, comparator="range", value=2, value_max=3
            )
            Milestone.objects.create(task=task, date=dt.date(2026, 3, 31), title="完成方案")
            Milestone.objects.create(task=task, date=dt.date(2026, 9, 30), title="完成验收")
    Task.objects.filter(pk=task.pk).update(withdrawn_at=timezone.now(), withdrawn_reason="并入其他任务")
    return plan


# Queries ---------------------------------------------------------------------------------------


def test_plan_page_queries_do_not_grow_with_the_plan_built_or_cached(client, cast, django_assert_num_queries):
    # given a small and a large plan
    small = build_plan(cast.jurisdiction, sections=2, tasks_per_section=3)
    large = build_plan(cast.jurisdiction, sections=6, tasks_per_section=20)
    client.force_login(cast.office)
    for plan in (small, large):
        # when the page is built: user, the user's roles (the scope and the header's), the
        # plan, headings, tasks, assignments with departments, targets with indicators and their
        # reporting departments, milestones, the jurisdictions each task was delegated to: 9,
        # and the header's unread notifications: 10 (the session comes from the shared cache).
        with django_assert_num_queries(10):
            page(client, plan)
        # and when it is served from the cache: the tree's six queries are gone.
        with django_assert_num_queries(4):
            page(client, plan)


def test_a_cache_hit_reads_the_cache_once(client, cast, monkeypatch):
    # given a page in the cache
    client.force_login(cast.office)
    page(client, cast.plan)
    reads, depth = [], [0]

    def counted(name, original):
        def read(*args, **kwargs):
            if not depth[0]:  # the caller's reads, not the backend's own (get_many calls get)
                reads.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))

    # when it is asked for again
    page(client, cast.plan)

    # then, after the session, the jurisdiction's version and the page came in one round trip,
    # and nothing else
    assert reads == ["get", "get_many"], reads


# Renewed the moment what it shows changes ---------------------------------------------------


def test_a_change_through_plan_change_shows_at_once(client, cast):
    # given the page in the cache
    client.force_login(cast.liaison)
    assert cast.task.title in page(client, cast.plan)

    # when the office changes the task's title as a revision, with no signal but the revision
    with plan_change(
        plan=cast.plan, actor=cast.office, action="task.update", summary="改标题", reason="市政府调整"
    ):
        Task.objects.filter(pk=cast.task.pk).update(title="深入实施质量提升行动")

    # then everybody reads the new title
    html = page(client, cast.plan)
    assert "深入实施质量提升行动" in html
    assert cast.task.title not in html


def test_a_department_renamed_shows_on_the_plan_at_once(client, cast):
    # given the page in the cache, naming the lead department
    client.force_login(cast.leader)
    assert "市市场监管局" in page(client, cast.plan)

    # when the office renames the department (the plan itself is not touched)
    department_rename(department=cast.department, actor=cast.office, name="市场监督管理局")

    # then
    html = page(client, cast.plan)
    assert "市场监督管理局" in html
    assert ">市市场监管局<" not in html


def test_an_indicators_new_reporting_department_shows_on_the_plan_at_once(client, cast):
    # given a target whose indicator the market bureau reports, and the page in the cache
    target = TargetFactory(
        task=cast.task,
        indicator__jurisdiction=cast.jurisdiction,
        indicator__reporting_department=cast.department,
    )
    client.force_login(cast.office)
    assert "报送：市市场监管局" in page(client, cast.plan)

    # when the office gives the indicator to the housing bureau
    indicator = target.indicator
    indicator.reporting_department = cast.other_department
    indicator.save()

    # then
    html = page(client, cast.plan)
    assert "报送：市住建局" in html
    assert "报送：市市场监管局" not in html


@pytest.mark.django_db(transaction=True)
def test_a_target_added_outside_a_revision_shows_once_committed(client, cast):
    # given an indicator and the page in the cache
    indicator = IndicatorFactory(jurisdiction=cast.jurisdiction, name="新增指标甲")
    client.force_login(cast.office)
    page(client, cast.plan)

    # when a target is added outside plan_change (the admin, a script), in a transaction
    with transaction.atomic():
        TargetFactory(task=cast.task, indicator=indicator)
        # (before the commit, the page is the one in the cache)
        assert "新增指标甲" not in page(client, cast.plan)

    # then once it commits, the page has it
    assert "新增指标甲" in page(client, cast.plan)


def test_a_department_of_another_jurisdiction_renamed_leaves_the_page_cached(client, cast):
    # given the page in the cache
    client.force_login(cast.office)
    page(client, cast.plan)

    # when a department of another city is renamed
    outsider_department = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction)
    outsider_department.name = "乙市市场监管局"
    outsider_department.save()

    # then this city's page is still served from the cache
    def build(stamp):
        raise AssertionError("the page was built again")

    plan_page_get(plan=Plan.objects.get(pk=cast.plan.pk), build=build)


def test_a_lost_version_counter_never_serves_an_older_page(client, cast):
    # given the page in the cache, then a rename the signals do not see
    client.force_login(cast.office)
    page(client, cast.plan)
    Department.objects.filter(pk=cast.department.pk).update(name="改名未发信号局")

    # when the cache loses the jurisdiction's counter (evicted, or Redis restarted)
    cache.delete(f"plan-page-version:{cast.jurisdiction.pk}")

    # then the page is built again rather than served under a counter started afresh
    assert "改名未发信号局" in page(client, cast.plan)


def test_each_language_has_its_own_page(client, cast):
    # given a task with its text, the page cached in Chinese
    Task.objects.filter(pk=cast.task.pk).update(text="按季度开展监督抽查")
    client.force_login(cast.office)
    assert "主要内容" in page(client, cast.plan)

    # when read in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, cast.plan)

    # then the tree is the English one, and Chinese again is the Chinese one
    assert "Main content" in english and "主要内容" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "主要内容" in page(client, cast.plan)


def test_the_office_block_is_each_users_own_beside_the_shared_tree(client, cast):
    # given the page cached by the office, with its edit link
    edit = reverse("programmes:plan_edit", args=[cast.plan.pk])
    client.force_login(cast.office)
    assert edit in page(client, cast.plan)

    # when a liaison reads the same cached tree
    client.force_login(cast.liaison)
    html = page(client, cast.plan)

    # then without the office's link, but with the revisions
    assert cast.task.title in html
    assert edit not in html
    assert reverse("programmes:plan_revisions", args=[cast.plan.pk]) in html


def test_the_renewal_is_connected_as_django_starts_not_when_the_views_load():
    # given a process that loads no URLs (a management command, the Celery worker)
    code = (
        "import django; django.setup()\n"
        "from django.db.models.signals import post_save\n"
        "print(sorted(key[0] for key, *_ in post_save.receivers if str(key[0]).startswith('plan_page_')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qualitycity.settings"}

    # when it starts
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # then a department renamed or an indicator changed there renews the plan pages too
    assert "plan_page_renew_save:responsibilities.Department" in out
    assert "plan_page_renew_save:targets.Indicator" in out


# What it shows -----------------------------------------------------------------------------------


def test_a_withdrawn_task_is_shown_struck_through_with_its_reason(client, cast):
    Task.objects.filter(pk=cast.task.pk).update(withdrawn_at=timezone.now(), withdrawn_reason="已并入第3项")
    TaskFactory(plan=cast.plan, title="仍在执行的任务")
    client.force_login(cast.liaison)

    html = page(client, cast.plan)

    assert f'class="task depth-0 withdrawn" id="task-{cast.task.pk}"' in html
    assert cast.task.title in html
    assert "已撤销：已并入第3项" in html
    assert "（另有1项已撤销）" in html


def test_a_tasks_due_text_date_and_milestones_are_listed_under_it(client, cast):
    Task.objects.filter(pk=cast.task.pk).update(due="长期坚持", due_date=dt.date(2026, 6, 30))
    Milestone.objects.create(task=cast.task, date=dt.date(2026, 9, 30), title="完成验收")
    Milestone.objects.create(task=cast.task, date=dt.date(2026, 3, 31), title="完成招标")
    client.force_login(cast.office)

    html = page(client, cast.plan)

    assert "完成时限：长期坚持" in html
    assert '完成日期：<time datetime="2026-06-30">2026年6月30日</time>' in html
    assert "时间节点" in html
    first, second = html.index("2026年3月31日</time> 完成招标"), html.index("2026年9月30日</time> 完成验收")
    assert first < second


def test_a_task_with_no_milestones_shows_no_milestone_list(client, cast):
    client.force_login(cast.office)
    assert "时间节点" not in page(client, cast.plan)


def test_an_archived_plan_says_so_and_an_active_one_does_not(client, cast):
    client.force_login(cast.office)
    assert "plan-banner archived" not in page(client, cast.plan)

    with plan_change(
        plan=cast.plan, actor=cast.office, action="plan.archive", summary="归档", reason="年度结束"
    ) as plan:
        plan.status = Plan.Status.ARCHIVED
        plan.save(update_fields=["status"])

    html = page(client, cast.plan)
    assert "plan-banner archived" in html and "已归档" in html


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "{{ plan.pk }}", "{% now 'Y' %}"])
def test_text_typed_into_a_plan_is_shown_as_text_built_and_cached(client, cast, hostile):
    Task.objects.filter(pk=cast.task.pk).update(withdrawn_at=timezone.now(), withdrawn_reason=hostile)
    Milestone.objects.create(task=cast.task, date=dt.date(2026, 3, 31), title=hostile)
    client.force_login(cast.office)

    for _ in range(2):  # built, then served from the cache
        html = page(client, cast.plan)
        # the reason and the milestone, each once, escaped and never run as a template
        assert html.count(escape(hostile)) == 2
        assert "<script>alert" not in html
