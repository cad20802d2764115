"""The office imports a plan in the browser: upload, see what needs checking, map a name the
jurisdiction does not know, confirm, and find the plan with the corrected department."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from responsibilities.models import Department, Jurisdiction
from responsibilities.services import departments_ensure
from tests.factories import MembershipFactory, UserFactory

SEED = Path(settings.BASE_DIR) / "tests" / "data" / "seeds" / "000_8fb328b8812e1e99.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "samples" / "000_8fb328b8812e1e99.json"


@pytest.fixture
def fresh_city(transactional_db):
    """A city with sample 000's departments, except that 市安监局 has since become 市应急管理局."""
    entries = json.loads(FIXTURE.read_text(encoding="utf-8"))["departments"]
    city = Jurisdiction.objects.create(name="试点市", level=Jurisdiction.Level.CITY)
    departments_ensure(
        jurisdiction=city,
        entries=[e for e in entries if e["name"] != "市安监局"] + [{"name": "市应急管理局", "kind": "unit"}],
    )
    MembershipFactory(user=UserFactory(username="office_sd", first_name="试点市质强办"), jurisdiction=city)
    return city


def test_office_imports_a_plan_maps_an_unknown_department_and_sees_it_on_the_plan(
    fresh_city, login, page, live_server, screenshot
):
    # given the office of a city where 市安监局 is not a registered name
    login("office_sd")
    page.locator(".main-nav a", has_text="工作方案").click()  # the home is the to-do list
    page.get_by_role("link", name="导入工作方案").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入工作方案")

    # when they upload sample 000
    page.set_input_files("#id_file", str(SEED))
    page.get_by_role("button", name="识别并生成草稿").click()

    # then the review shows the source beside 36 tasks and warns about 市安监局
    expect(page.get_by_role("heading", level=1)).to_contain_text("核对导入")
    expect(page.locator(".import-tree li.task")).to_have_count(36)
    expect(page.locator(".source-lines li").first).to_be_visible()
    unknown = page.locator(".dept-map tr.unresolved", has_text="市安监局")
    expect(unknown).to_be_visible()
    expect(page.locator(".import-warnings")).to_contain_text("“市安监局”不是已登记的部门或别名")
    task = page.locator("li.task").filter(has=page.locator("textarea", has_text="加强对重点设备"))
    expect(task.locator(".dept.unknown")).to_have_text("市安监局 ⚠")

    # when they map it to 市应急管理局 and save
    unknown.locator("select").select_option(label="市应急管理局")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".message.success")).to_contain_text("修改已保存")
    expect(page.locator(".dept-map tr.unresolved")).to_have_count(0)
    expect(task.locator(".dept.mapped")).to_have_text("市安监局 → 市应急管理局")
    screenshot("import_review_1366", full_page=False)
    task.locator("textarea").focus()
    page.locator("#extracted-heading").scroll_into_view_if_needed()
    page.mouse.wheel(0, 1400)
    screenshot("import_review_panes_1366", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("import_review_390", full_page=False)
    task.scroll_into_view_if_needed()
    screenshot("import_review_task_390", full_page=False)
    page.set_viewport_size({"width": 1366, "height": 900})

    # and, the death rate being printed without a unit, say that it has none and confirm the import
    unitless = page.locator("li.target-edit.needs-decision", has_text="死亡率")
    expect(unitless).to_contain_text("没有单位")
    unitless.get_by_label("无单位").check()
    page.get_by_role("button", name="确认导入").click()

    # then they land on the new plan, whose task 12 is led by 市应急管理局, printed 市安监局
    expect(page.get_by_role("heading", level=1)).to_have_text("创建全国质量强市示范城市行动计划")
    expect(page.locator(".message.success")).to_contain_text("共36项任务")
    chip = page.locator("li.task", has_text="加强对重点设备").locator(".dept.lead")
    expect(chip).to_have_text("市应急管理局")
    expect(chip).to_have_attribute("title", "牵头 · 原文：市安监局")
    assert Department.objects.filter(jurisdiction=fresh_city, name="市安监局").count() == 0


def test_office_changes_a_tasks_lead_in_place_without_javascript(
    fresh_city, login, page, browser, live_server
):
    # given the same upload, in a browser with JavaScript switched off
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "office_sd")
    page.fill("#id_password", "Demo@2026")
    page.click(".login-card button[type=submit]")
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("#id_file", str(SEED))
    page.get_by_role("button", name="识别并生成草稿").click()

    # when the office types 市应急管理局 as the lead of the task that printed 市安监局, and confirms
    task = page.locator("li.task").filter(has=page.locator("textarea", has_text="加强对重点设备"))
    task.locator("input[name$='_lead']").fill("市应急管理局")
    page.locator("li.target-edit.needs-decision", has_text="死亡率").get_by_label("无单位").check()
    page.get_by_role("button", name="确认导入").click()

    # then the plan shows it, and no department or alias was made of 市安监局
    expect(page.get_by_role("heading", level=1)).to_have_text("创建全国质量强市示范城市行动计划")
    chip = page.locator("li.task", has_text="加强对重点设备").locator(".dept.lead")
    expect(chip).to_have_text("市应急管理局")
    context.close()


HEADING_TARGETS_PLAN = """试点市2024年质量强市工作方案
一、主要任务
（三）提升产品质量
制造业产品质量合格率达到96%以上，新增注册商标2500件。
1.加强质量监管。开展产品质量监督抽查。（市市场监管局牵头，市工信局配合）
2.推进品牌建设。培育一批知名品牌。（市市场监管局）
（四）加强标准引领
主导或参与制定国家标准10项。
1.实施标准化战略。鼓励企业参与标准制定。（市市场监管局）
"""


def test_office_places_the_targets_of_heading_paragraphs_and_confirms(
    fresh_city, login, page, live_server, screenshot
):
    # given the office pastes a plan whose headings' paragraphs state targets
    departments_ensure(
        jurisdiction=fresh_city,
        entries=[{"name": "市市场监管局", "kind": "unit"}, {"name": "市工信局", "kind": "unit"}],
    )
    login("office_sd")
    page.goto(f"{live_server.url}/plans/import/")
    page.fill("#id_text", HEADING_TARGETS_PLAN)
    page.get_by_role("button", name="识别并生成草稿").click()

    # then every target has its fields under its heading, and three decisions are open
    expect(page.get_by_role("heading", level=1)).to_contain_text("核对导入")
    expect(page.locator(".import-tree li.heading .target-edit")).to_have_count(3)
    expect(page.locator(".decision-count")).to_have_text("3处待决定")
    screenshot("import_decisions_1366", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".import-tree li.heading .target-edit").first.scroll_into_view_if_needed()
    screenshot("import_decisions_390", full_page=False)
    page.set_viewport_size({"width": 1366, "height": 900})

    # when a confirm is tried before deciding, the page stays, saying what is open
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".message.error")).to_contain_text("还有3处需要决定")
    expect(page.locator(".import-decisions li")).to_have_count(3)

    # when they place two targets on tasks and drop the third
    targets = page.locator(".import-tree li.heading .target-edit")
    targets.nth(0).locator("select[name$='_task']").select_option(index=1)
    targets.nth(1).locator("select[name$='_task']").select_option(index=2)
    targets.nth(2).locator("input[name$='_delete']").check()
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".message.success")).to_contain_text("修改已保存")
    expect(page.locator(".decision-count")).to_have_count(0)
    expect(page.locator(".tag.changed")).to_have_count(2)
    screenshot("import_decided_1366", full_page=True)

    # then the confirm makes the plan
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("试点市2024年质量强市工作方案")
    expect(page.locator(".message.success")).to_contain_text("共3项任务")
