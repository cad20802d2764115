"""The plan editor in the browser, with the portal's real Content-Security-Policy: the office
types a plan in by hand, puts it into force, changes a target at mid-year and archives an old
plan; the department that reports the new indicator finds it in its report, and the archived
plan leaves the dashboard. Screenshots at 1366 and 390 px."""

from playwright.sync_api import expect

from programmes.models import Plan, PlanRevision
from reports.models import DepartmentReport
from responsibilities.models import Department
from targets.models import Target, TargetHistory

TITLE = "太仓市2026年质量提升专项行动"


def check_departments(page, field: str, names: list[str]) -> None:
    for name in names:
        page.locator(f"#id_{field} label", has_text=name).first.locator("input").check()


def add_task(page, heading: str, number: str, title: str, *, leads, participants=()):
    page.locator("li.heading", has_text=heading).get_by_role("link", name="添加任务").click()
    page.fill("#id_number", number)
    page.fill("#id_title", title)
    page.fill("#id_text", f"{title}，按季度推进。")
    check_departments(page, "leads", leads)
    check_departments(page, "participants", participants)
    page.fill("#id_due", "2026年底前")
    page.fill("#id_milestones", "2026-06-30 完成中期评估")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存任务")


def add_target(page, task_title: str, *, name: str, unit: str, value: str, reporter: Department):
    page.locator("li.task", has_text=task_title).get_by_role("link", name="添加目标").click()
    page.fill("#id_indicator_name", name)
    page.fill("#id_indicator_unit", unit)
    page.select_option("#id_reporting_department", str(reporter.pk))
    page.select_option("#id_comparator", ">=")
    page.fill("#id_value", value)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("li.task", has_text=task_title)).to_contain_text(name)


def test_the_office_keeps_a_plan_in_the_portal(demo, login, page, live_server, screenshot):
    from bench.demo import demo_open_current_period

    housing = Department.objects.get(jurisdiction__name="太仓市", code="zjj")
    market = Department.objects.get(jurisdiction__name="太仓市", code="scjgj")
    old_plan = Plan.objects.filter(jurisdiction__name="太仓市", status="active").first()
    page.on("dialog", lambda dialog: dialog.accept())

    # the office creates a plan by hand: two headings, three tasks, departments
    login("office")
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="新建工作方案").click()
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "implementation")
    page.fill("#id_document_number", "太质强办〔2026〕9号")
    page.fill("#id_issued_on", "2026-03-01")
    page.fill("#id_year_start", "2026")
    page.fill("#id_year_end", "2026")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    for number, title in (("一", "总体要求"), ("二", "重点任务")):
        page.get_by_role("link", name="添加标题", exact=True).first.click()
        expect(page.locator("#id_number")).to_have_value(number)  # the next number, proposed
        page.fill("#id_title", title)
        page.get_by_role("button", name="保存").click()
    add_task(page, "重点任务", "1", "提升住宅工程质量", leads=["市市场监管局"], participants=["市住建局"])
    add_task(page, "重点任务", "2", "实施商标品牌战略", leads=["市市场监管局"])
    add_task(page, "总体要求", "1", "健全质量工作机制", leads=["市住建局"])

    # two targets, one reported by the participating department
    add_target(
        page, "提升住宅工程质量", name="住宅工程质量验收合格率", unit="%", value="95", reporter=housing
    )
    add_target(page, "实施商标品牌战略", name="新增注册商标", unit="件", value="2500", reporter=market)
    screenshot("plan_editor_draft_1366")

    # put into force
    page.get_by_role("button", name="开始执行").click()
    expect(page.locator(".messages")).to_contain_text("方案已开始执行")
    plan = Plan.objects.get(title=TITLE)
    assert plan.status == "active"
    assert [t.path for t in plan.tasks.order_by("position")] == [["一", "1"], ["二", "1"], ["二", "2"]]

    # the target is raised at mid-year; earlier periods keep the old one
    page.locator("li.task", has_text="提升住宅工程质量").get_by_role("link", name="修改").click()
    page.fill("#id_value", "98")
    page.fill("#id_effective_from", "2026-07-01")
    page.fill("#id_reason", "根据省考核要求提高目标")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("li.task", has_text="提升住宅工程质量")).to_contain_text("≥ 98%")
    target = Target.objects.get(task__plan=plan, indicator__name="住宅工程质量验收合格率")
    history = TargetHistory.objects.get(target=target)
    assert str(history.valid_until) == "2026-06-30" and "95" in history.commitment

    # the revisions list it with its reason, and the difference shows the old and new target
    page.get_by_role("link", name="调整记录").click()
    expect(page.locator("table.revisions")).to_contain_text("根据省考核要求提高目标")
    page.get_by_role("button", name="比较").click()
    expect(page.locator("table.diff")).to_contain_text("≥ 98%")
    expect(page.locator("table.diff")).to_contain_text("≥ 95%")
    screenshot("plan_revisions_1366")
    assert PlanRevision.objects.filter(plan=plan).count() >= 2

    # the office archives the old plan
    page.goto(f"{live_server.url}/plans/{old_plan.pk}/edit/")
    page.fill("#id_reason", "工作要点执行期满")
    page.get_by_role("button", name="归档").click()
    expect(page.locator(".messages")).to_contain_text("方案已归档")
    old_plan.refresh_from_db()
    assert old_plan.status == "archived"

    # at 390 px the editor and a task's form fit the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    screenshot("plan_editor_390", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("li.task", has_text="实施商标品牌战略").get_by_role("link", name="编辑").click()
    screenshot("plan_task_form_390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/plans/{plan.pk}/revisions/?a=0&b=2")
    screenshot("plan_revisions_390", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})

    # the archived plan is gone from the dashboard, the new one is there
    page.goto(f"{live_server.url}/dashboard/")
    options = " ".join(
        page.eval_on_selector_all("select[name=plan] option", "els => els.map(e => e.textContent)")
    )
    assert TITLE in options and old_plan.title not in options
    screenshot("dashboard_after_archive_1366", full_page=False)

    # the participating department's liaison finds the indicator in the month's report
    period = demo_open_current_period()
    report = DepartmentReport.objects.get(period=period, department=housing, superseded_by__isnull=True)
    page.context.clear_cookies()
    login("liaison_zjj")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("section.value", has_text="住宅工程质量验收合格率")).to_contain_text("≥ 98%")
    expect(page.locator("section.entry", has_text="提升住宅工程质量")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text(old_plan.title)
    screenshot("report_with_new_plan_1366", full_page=False)
