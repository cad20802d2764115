"""Journeys through the portal in headless Chromium, as the people who use it take them."""

import re

from django.urls import reverse
from playwright.sync_api import expect


def test_office_logs_in_opens_a_plan_and_sees_task_1_with_its_department_and_target(
    demo, login, page, live_server, screenshot
):
    # given the 淮安 office user of the demo
    login("office_ha")
    page.locator(".main-nav a", has_text="工作方案").click()  # the home is the to-do list
    expect(page.get_by_role("heading", name="工作方案")).to_be_visible()

    # when they open the action plan from the list
    page.get_by_role("link", name="创建全国质量强市示范城市行动计划").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建全国质量强市示范城市行动计划")

    # then task 1 shows 市质监局 as lead and the 93% target
    task = page.locator("li.task").filter(has_text="强化质量基础管理,提升制造业产品质量水平")
    expect(task.locator(".dept.lead")).to_have_text("市质监局")
    expect(task.locator(".targets")).to_contain_text("制造业监督抽查合格率")
    expect(task.locator(".targets")).to_contain_text("≥ 93%")
    screenshot("plan_detail_1366", full_page=False)

    # and on a phone-width screen the same task reads without sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(task.locator(".dept.lead")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("plan_detail_390", full_page=False)


def test_a_department_chip_leads_to_the_departments_tasks_across_plans(demo, login, page):
    login("office")
    page.locator(".main-nav a", has_text="工作方案").click()  # the home is the to-do list
    page.get_by_role("link", name="2022年太仓市质量强市工作要点").click()
    page.locator("li.task").filter(has_text="加强制造业质量提升").locator(
        ".dept.lead", has_text="市工信局"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("市工信局")
    # 4 tasks name it, and 3 are given to 各成员单位, of which it is a member
    expect(page.locator("li.task")).to_have_count(7)
    expect(page.locator("li.task .dept.collective", has_text="各成员单位")).to_have_count(3)


def test_office_of_one_city_does_not_see_another_citys_plans(demo, login, page):
    login("office")
    page.locator(".main-nav a", has_text="工作方案").click()  # the home is the to-do list
    expect(page.locator("table")).to_contain_text("2022年太仓市质量强市工作要点")
    expect(page.locator("table")).not_to_contain_text("湛江")


def test_wrong_password_says_so_in_chinese(demo, login, page):
    login("office", "wrong-password")
    expect(page.locator(".login-card .error")).to_have_text(re.compile("用户名或密码不正确"))


def test_on_a_phone_the_sections_are_one_line_with_the_current_one_in_view(
    demo, login, page, live_server, screenshot
):
    # given the office on a 390 px phone
    page.set_viewport_size({"width": 390, "height": 844})
    login("office")
    # when it opens the last section of the navigation
    page.goto(f"{live_server.url}{reverse('responsibilities:audit_log')}")
    screenshot("navigation_390", full_page=False)
    # then the sections take one line, scrolled so that the current one shows whole
    nav = page.locator(".main-nav").bounding_box()
    first = page.locator(".main-nav a").first.bounding_box()
    current = page.locator(".main-nav [aria-current=page]").bounding_box()
    assert nav["height"] < 2 * first["height"]
    assert nav["x"] <= current["x"] and current["x"] + current["width"] <= nav["x"] + nav["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
