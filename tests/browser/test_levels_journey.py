"""Levels in the browser: 苏州市's office delegates a task to its two counties, each county's
office assigns its own department, 太仓市's liaison reports on it, and the city's roll-up shows
it and drills down into 太仓市's dashboard; at 1366 and 390 px, under the real CSP."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

TODAY = dt.date(2026, 12, 8)  # November's reports were due on 7 December


@pytest.fixture
def levels(transactional_db, monkeypatch):
    """苏州市 over 太仓市 and 昆山市, each with an office; the city's plan of 2026 has a task led
    by its market regulator with 各县级市（区）人民政府; each county has a market regulator and
    太仓市's has a liaison."""
    from programmes.models import Assignment, Plan, Task
    from responsibilities.models import Department
    from tests.factories import DepartmentFactory, JurisdictionFactory, MembershipFactory, UserFactory

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    province = JurisdictionFactory(name="江苏省", level="province")
    suzhou = JurisdictionFactory(name="苏州市", parent=province)
    counties = {
        name: JurisdictionFactory(name=name, parent=suzhou, level="county") for name in ("太仓市", "昆山市")
    }
    regulator = DepartmentFactory(jurisdiction=suzhou, name="市市场监管局", code="scjgj")
    collective = Department.objects.create(
        jurisdiction=suzhou, name="各县级市（区）人民政府", kind="collective", represents_children=True
    )
    plan = Plan.objects.create(
        jurisdiction=suzhou,
        title="2026年苏州市质量强市工作要点",
        kind="work_points",
        year_start=2026,
        year_end=2026,
    )
    task = Task.objects.create(
        plan=plan, number="1", path=["1"], title="开展制造业产品质量提升行动", due="2026年12月底", position=1
    )
    Assignment.objects.create(task=task, department=regulator, role="lead", printed_name="市市场监管局")
    Assignment.objects.create(
        task=task, department=collective, role="participating", printed_name=collective.name
    )
    users = {
        "office_sz": MembershipFactory(
            user=UserFactory(username="office_sz"), jurisdiction=suzhou, role="office_admin"
        ).user
    }
    for code, county in (("tc", counties["太仓市"]), ("ks", counties["昆山市"])):
        DepartmentFactory(jurisdiction=county, name="市市场监管局", code="scjgj")
        users[f"office_{code}"] = MembershipFactory(
            user=UserFactory(username=f"office_{code}"), jurisdiction=county, role="office_admin"
        ).user
    users["liaison_tc"] = MembershipFactory(
        user=UserFactory(username="liaison_tc"),
        jurisdiction=counties["太仓市"],
        department=Department.objects.get(jurisdiction=counties["太仓市"], name="市市场监管局"),
        role="liaison",
    ).user
    return suzhou, counties, plan, task


def test_a_task_delegated_to_two_counties_reported_by_one_and_rolled_up(
    levels, login, page, live_server, screenshot
):
    from programmes.models import Delegation
    from reports.models import DepartmentReport
    from reports.services import period_ensure, period_open

    suzhou, counties, plan, task = levels

    # 苏州市's office delegates the task: the counties the task names are already ticked
    login("office_sz")
    page.goto(f"{live_server.url}{reverse('programmes:plan_edit', args=[plan.pk])}")
    page.locator("li.task", has_text=task.title).get_by_role("link", name="下发到下级").click()
    for name in ("太仓市", "昆山市"):
        expect(page.get_by_label(name)).to_be_checked()
    screenshot("levels_delegate_1366")
    page.get_by_role("button", name="下发", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已下发至")
    assert sorted(Delegation.objects.filter(task=task).values_list("jurisdiction__name", flat=True)) == [
        "太仓市",
        "昆山市",
    ]

    # each county's office puts its own market regulator on its copy; the text stays the city's
    for code, county in (("tc", counties["太仓市"]), ("ks", counties["昆山市"])):
        copy = Delegation.objects.get(task=task, jurisdiction=county).child_task
        page.context.clear_cookies()
        login(f"office_{code}")
        page.goto(f"{live_server.url}{reverse('programmes:plan_edit', args=[copy.plan_id])}")
        page.locator("li.task", has_text=task.title).get_by_role("link", name="分配部门").click()
        expect(page.locator("#id_title")).to_be_disabled()
        page.locator("#id_leads label", has_text="市市场监管局").first.locator("input").check()
        if page.locator("#id_reason").count():
            page.fill("#id_reason", "落实市级下发任务")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".messages")).to_be_visible()
        assert list(copy.assignments.values_list("department__jurisdiction__name", flat=True)) == [
            county.name
        ]
        if code == "tc":
            screenshot("levels_county_assigns_1366")

    # 太仓市's November opens; its liaison reports on the delegated task
    period = period_open(period=period_ensure(jurisdiction=counties["太仓市"], year=2026, month=11))
    report = DepartmentReport.objects.get(period=period, department__name="市市场监管局")
    page.context.clear_cookies()
    login("liaison_tc")
    page.goto(f"{live_server.url}{reverse('reports:report_detail', args=[report.pk])}")
    entry = report.entries.get(task__delegated_from__task=task)
    page.fill(f"textarea[name='entry-{entry.pk}-progress']", "完成制造业产品监督抽查86批次，合格率97.7%")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_be_visible()
    report.refresh_from_db()
    assert report.status == "submitted"

    # the city's roll-up shows both counties, 太仓市's progress on the delegated task, and drills down
    page.context.clear_cookies()
    login("office_sz")
    page.goto(f"{live_server.url}{reverse('dashboards:dashboard_for', args=[suzhou.pk])}")
    page.get_by_role("link", name="下级工作对比").click()
    ranking = page.locator(".rollup-table")
    expect(ranking).to_contain_text("太仓市")
    expect(ranking).to_contain_text("昆山市")
    expect(page.locator(".rollup-delegated")).to_contain_text(task.title[:10])
    screenshot("levels_rollup_1366")
    page.locator(".rollup-delegated a.badge").first.click()
    expect(page.locator("body")).to_contain_text("完成制造业产品监督抽查86批次")
    page.go_back()
    ranking.get_by_role("link", name="太仓市").click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('dashboards:dashboard_for', args=[counties['太仓市'].pk])}"
    )
    screenshot("levels_county_dashboard_1366")

    # on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('dashboards:rollup', args=[suzhou.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("levels_rollup_390")
    # a county sees nothing of its sibling nor of the city's roll-up
    page.context.clear_cookies()
    login("office_ks")
    for url in (
        reverse("dashboards:dashboard_for", args=[counties["太仓市"].pk]),
        reverse("dashboards:rollup", args=[suzhou.pk]),
    ):
        assert page.goto(f"{live_server.url}{url}").status == 404
