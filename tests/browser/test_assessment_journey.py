"""The assessment, end to end in the browser: the office runs a yearly assessment, watches it
finish, opens the ranking and downloads the Excel, PDF and Word files, each read back."""

import io
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS as SCREENSHOTS_DIR


def test_the_office_runs_an_assessment_opens_the_ranking_and_downloads_three_files(
    demo, login, page, live_server, screenshot, settings, tmp_path, monkeypatch
):
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from assessment.tests.assessment_data import run_tasks_here

    run_tasks_here(monkeypatch)  # the job runs in the live server's process, with or without Redis
    settings.PRIVATE_ROOT = tmp_path
    year = timezone.localdate().year

    # the office asks for this year's assessment of the first plan
    login("office")
    page.goto(f"{live_server.url}/assessments/")
    form = page.locator("form.run-form").first
    form.locator("select[name=kind]").select_option("year")
    form.locator("input[name=year]").fill(str(year))
    form.get_by_role("button", name="开始计算").click()

    # and watches the job until it is done
    expect(page.locator("#run-status")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("#run-percent")).to_have_text("100")
    screenshot("assessment_run_1366", full_page=False)

    # then opens the ranking
    page.locator("#run-open").click()
    ranking = page.locator("table.ranking tbody tr")
    expect(ranking.first).to_be_visible()
    assert ranking.count() >= 2
    screenshot("assessment_ranking_1366")

    # and downloads the three files, each of which opens
    files = {}
    for name in ("下载 Excel", "下载 PDF 通报", "下载 Word"):
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        download = info.value
        files[download.suggested_filename.rsplit(".", 1)[-1]] = Path(download.path()).read_bytes()
        download.save_as(SCREENSHOTS_DIR / download.suggested_filename)
    assert set(files) == {"xlsx", "pdf", "docx"}
    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames[0] == "考核排名" and len(workbook.sheetnames) == ranking.count() + 1
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages).replace(" ", "")
    assert "考核通报" in pdf_text and "考核排名" in pdf_text
    document = docx.Document(io.BytesIO(files["docx"]))
    assert "考核通报" in document.paragraphs[0].text

    # and publishing asks first, under the portal's own Content-Security-Policy
    from assessment.models import Assessment

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="发布").click()
    assert asked and "确定发布" in asked[0]
    assert not Assessment.objects.filter(status=Assessment.Status.PUBLISHED).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("button", name="发布")).to_have_count(0)
    assert Assessment.objects.filter(status=Assessment.Status.PUBLISHED).count() == 1
