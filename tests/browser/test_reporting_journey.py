"""The month's reporting, end to end in the browser: liaison → head → office → liaison → office."""

from playwright.sync_api import expect

from reports.models import DepartmentReport


def test_a_report_goes_from_liaison_to_head_to_office_back_and_is_approved(
    demo, login, page, live_server, screenshot
):
    from bench.demo import demo_open_current_period

    period = demo_open_current_period()
    report = DepartmentReport.objects.get(period=period, department__code="zjj")  # 市住建局: 6 tasks
    url = f"{live_server.url}/reports/{report.pk}/"

    # the liaison fills every task and every indicator on a phone and submits
    page.set_viewport_size({"width": 390, "height": 844})
    login("liaison_zjj")
    page.goto(url)
    entries = page.locator("section.entry")
    for i in range(entries.count()):
        entries.nth(i).locator("textarea[name$='-progress']").fill(f"本月完成第{i + 1}项工作，组织检查12次")
    values = page.locator("section.value")
    for i in range(values.count()):
        values.nth(i).locator("input[name$='-value']").fill("100")
    screenshot("report_form_390", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    page.set_viewport_size({"width": 1366, "height": 900})

    # the head signs it off
    page.context.clear_cookies()
    login("head_zjj")
    page.goto(url)
    page.get_by_role("button", name="审签并报送质强办").click()
    expect(page.locator(".messages")).to_contain_text("已审签")

    # the office returns one entry with a comment
    page.context.clear_cookies()
    login("office")
    page.goto(url)
    first = page.locator("section.entry").first
    first.locator("textarea[name^='comment-']").fill("请补充检查发现的问题及整改情况")
    page.get_by_role("button", name="按意见退回").click()
    expect(page.locator(".messages")).to_contain_text("已退回")

    # the liaison sees the comment, corrects that entry and resubmits
    page.context.clear_cookies()
    login("liaison_zjj")
    page.goto(url)
    returned = page.locator("section.entry.returned")
    expect(returned).to_have_count(1)
    expect(returned.locator(".office-comment")).to_contain_text("请补充检查发现的问题及整改情况")
    returned.locator("textarea[name$='-problems']").fill("发现隐患3处，已全部整改")
    screenshot("report_returned_1366", full_page=False)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已提交")

    # the head signs off again and the office approves
    page.context.clear_cookies()
    login("head_zjj")
    page.goto(url)
    page.get_by_role("button", name="审签并报送质强办").click()
    page.context.clear_cookies()
    login("office")
    page.goto(url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".report-head .badge").first).to_have_text("已通过")
    report.refresh_from_db()
    assert report.status == "approved" and report.return_count == 1
    assert report.entries.filter(problems="发现隐患3处，已全部整改").count() == 1


def test_the_draft_saves_itself_as_the_liaison_types(demo, login, page, live_server):
    from bench.demo import demo_open_current_period

    period = demo_open_current_period()
    report = DepartmentReport.objects.get(period=period, department__code="zjj")
    login("liaison_zjj")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.locator("section.entry textarea[name$='-progress']").first.fill("自动保存的内容")
    expect(page.locator(".autosave-status")).to_contain_text("已自动保存", timeout=10000)
    assert report.entries.filter(progress="自动保存的内容").exists()
