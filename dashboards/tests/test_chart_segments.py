"""The task chart's bars: each coloured segment opens the tasks of its plan in that status,
not every task of the plan."""

import html as htmllib
import re

from dashboards.tests import test_dashboard as built
from programmes.models import Task
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

programme = built.programme  # the dashboard tests' October, as a fixture here


def test_each_segment_of_a_plans_bar_opens_that_plans_tasks_of_that_status(
    client, cast, programme, django_assert_max_num_queries
):
    # given a second plan, so that the chart draws one bar per plan
    second = PlanFactory(jurisdiction=cast.jurisdiction, title="甲市质量提升行动计划")
    for title in ("培育质量标杆", "推广先进质量管理方法"):
        AssignmentFactory(task=TaskFactory(plan=second, title=title), department=cast.department)
    built.forget_cached_pages()
    client.force_login(cast.office)
    # when the office opens the dashboard
    page = client.get("/dashboard/").content.decode()
    chart = page[page.index("各部分任务进展") :]
    chart = chart[: chart.index("</svg>")]
    # then every segment (a <rect>) sits in a link to its plan's tasks of its status
    segments = re.findall(r'<a href="([^"]+)"><rect[^>]*><title>([^<]*)</title>', chart)
    assert segments, chart
    by_title = {htmllib.unescape(title): htmllib.unescape(href) for href, title in segments}
    href = by_title["甲市质量提升行动计划 · 未启动：2"]
    assert f"plan={second.pk}" in href
    assert "status=not_started" in href
    done = by_title[f"{cast.plan.title} · 已完成：1"]
    assert f"plan={cast.plan.pk}" in done and "status=done" in done
    # and following the done segment lists the plan's one task that is done, and no other
    with django_assert_max_num_queries(20):
        listed = client.get(done).context["table"].rows
    assert [row.record.title for row in listed] == [cast.task.title]
    assert Task.objects.filter(plan=cast.plan).count() == 3
