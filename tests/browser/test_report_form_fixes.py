"""The report form in the browser, under the strict CSP: a draft saves whatever is empty, an
evidence upload keeps what was just typed, and a refused submission marks the fields that block
it, the first in view."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import DepartmentReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(transactional_db):
    """The cast's 市市场监管局 report of this month, open, with one task and one indicator whose
    target is ≥ 93%."""
    from reports.services import period_ensure, period_open
    from tests.factories import IndicatorFactory, TargetFactory, cast_create

    cast = cast_create()
    today = timezone.localdate()
    cast.plan.year_start = cast.plan.year_end = today.year
    cast.plan.save()
    indicator = IndicatorFactory(
        jurisdiction=cast.jurisdiction,
        name="制造业监督抽查合格率",
        unit="%",
        reporting_department=cast.department,
        aggregation="latest",
    )
    TargetFactory(task=cast.task, indicator=indicator, comparator=">=", value=93)
    period = period_open(
        period=period_ensure(jurisdiction=cast.jurisdiction, year=today.year, month=today.month)
    )
    return DepartmentReport.objects.get(period=period, department=cast.department)


def test_an_evidence_upload_right_after_typing_keeps_the_typed_text(
    report, login, page, live_server, screenshot
):
    # given the liaison on the report
    login("liaison", "Demo@2026")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    entry = report.entries.get()
    progress = page.locator(f"textarea[name='entry-{entry.pk}-progress']")

    # when they type and upload a file at once, before autosave's two seconds
    progress.fill("本月抽查企业32家，发现问题5项")
    page.locator(f"input[type=file][form='evidence-{entry.pk}']").set_input_files(
        {"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(f"button[form='evidence-{entry.pk}']").click()

    # then the file is there, and so is the text, on the page and in the database
    expect(page.locator(".messages")).to_contain_text("已上传：检查记录.pdf")
    expect(page.locator(f"#entry-{entry.pk} a.file")).to_have_text("检查记录.pdf")
    expect(progress).to_have_value("本月抽查企业32家，发现问题5项")
    entry.refresh_from_db()
    assert entry.progress == "本月抽查企业32家，发现问题5项"
    assert entry.evidence.count() == 1
    # nothing was left only in the browser, so no restore is offered
    expect(page.get_by_role("button", name="恢复这些内容")).to_have_count(0)
    screenshot("report_evidence_kept_1366", full_page=False)

    # and deleting the file right after typing keeps the new text too
    progress.fill("本月抽查企业32家，发现问题5项，已整改4项")
    page.locator(f"#entry-{entry.pk} .evidence").get_by_role("button", name="删除").click()
    expect(page.locator(".messages")).to_contain_text("已删除佐证材料")
    expect(progress).to_have_value("本月抽查企业32家，发现问题5项，已整改4项")
    entry.refresh_from_db()
    assert (entry.progress, entry.evidence.count()) == ("本月抽查企业32家，发现问题5项，已整改4项", 0)


def test_a_draft_saves_with_every_task_empty(report, login, page, live_server):
    login("liaison", "Demo@2026")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    entry = report.entries.get()

    # the progress stays empty; only the problems are typed, and 保存草稿 is clicked at once
    page.locator(f"textarea[name='entry-{entry.pk}-problems']").fill("抽检经费不足")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".messages")).to_contain_text("已保存")
    entry.refresh_from_db()
    assert (entry.progress, entry.problems) == ("", "抽检经费不足")


def test_a_refused_submission_marks_each_blocking_field_and_shows_the_first(
    report, login, page, live_server, screenshot
):
    login("liaison", "Demo@2026")
    entry = report.entries.get()
    value = report.values.get()
    progress = page.locator(f"textarea[name='entry-{entry.pk}-progress']")
    explanation = page.locator(f"textarea[name='value-{value.pk}-gap_explanation']")

    # the progress is empty and the value misses the ≥ 93% target with no explanation
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.locator(f"input[name='value-{value.pk}-value']").fill("88.5")
    page.get_by_role("button", name="提交").click()

    # both fields are marked, each with its message beside it, and the first is in view
    expect(page.locator(".messages")).to_contain_text("尚未填写进展情况")
    expect(progress).to_have_attribute("aria-invalid", "true")
    expect(explanation).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#entry-{entry.pk}-blocker")).to_have_text("提交前须填写进展情况")
    expect(page.locator(f"#value-{value.pk}-blocker")).to_contain_text("请填写未达标说明")
    expect(progress).to_be_in_viewport()
    expect(progress).to_be_focused()
    screenshot("report_blocked_390", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # with the progress written, only the missing explanation blocks, and it is brought into view
    page.set_viewport_size({"width": 1366, "height": 600})
    progress.fill("本月抽查企业32家")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("请填写未达标说明后再提交")
    expect(progress).not_to_have_attribute("aria-invalid", "true")
    expect(explanation).to_have_attribute("aria-invalid", "true")
    expect(explanation).to_be_in_viewport()
    border = explanation.evaluate("el => getComputedStyle(el).borderTopColor")
    assert border == "rgb(185, 28, 28)"  # the portal's red (--red), not the grey of other fields
    screenshot("report_blocked_1366", full_page=False)

    # and once explained, the report goes in
    explanation.fill("受原材料价格波动影响，部分小微企业抽检不合格")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    report.refresh_from_db()
    assert report.status == DepartmentReport.Status.SUBMITTED


def test_an_upload_waits_when_someone_else_changed_the_task_meanwhile(report, login, page, live_server):
    from django.contrib.auth import get_user_model

    from reports.services import report_save_draft

    # given the liaison's page open, and the head saving the same task's progress meanwhile
    login("liaison", "Demo@2026")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    entry = report.entries.get()
    head = get_user_model().objects.get(username="head")
    report_save_draft(
        report=report, actor=head, entries={entry.pk: {"progress": "负责人写的", "version": 0}}, values={}
    )

    # when the liaison types over it and uploads at once
    page.locator(f"textarea[name='entry-{entry.pk}-progress']").fill("联络员写的")
    page.locator(f"input[type=file][form='evidence-{entry.pk}']").set_input_files(
        {"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(f"button[form='evidence-{entry.pk}']").click()

    # then the head's text stands, the liaison's stays on the page, and the file waits with a word why
    held = page.locator(f"#entry-{entry.pk} .upload-held")
    expect(held).to_contain_text("佐证材料暂未上传")
    expect(page.locator(f"textarea[name='entry-{entry.pk}-progress']")).to_have_value("联络员写的")
    entry.refresh_from_db()
    assert entry.progress == "负责人写的"
    assert entry.evidence.count() == 0
