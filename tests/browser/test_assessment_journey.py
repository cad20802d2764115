"""The assessment, end to end in the browser: the office runs last year's fourth quarter (its
months reported and closed), watches it finish, opens the ranking and downloads the Excel, PDF
and Word files, each read back."""

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
    year = timezone.localdate().year - 1
    last_quarter_reported(year)

    # the office asks for last year's fourth quarter of the first plan: its months have closed, so
    # the result is final (a period still open gives a provisional result, which is not published)
    login("office")
    page.goto(f"{live_server.url}/assessments/")
    form = page.locator("form.run-form").first
    form.locator("select[name=kind]").select_option("quarter")
    form.locator("input[name=year]").fill(str(year))
    form.locator("input[name=number]").fill("4")
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
    expect(ranking.first).to_contain_text("市市场监管局")  # the one unit that reported on time
    expect(page.get_by_text("暂定结果")).to_have_count(0)
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
    assert "考核结果的通报" in pdf_text and "考核排名" in pdf_text
    document = docx.Document(io.BytesIO(files["docx"]))
    assert "考核结果的通报" in document.paragraphs[0].text  # the title: 关于…考核结果的通报

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


def last_quarter_reported(year: int) -> None:
    """太仓市's October to December of `year` opened (a report for every unit on a task), 市市场监管局
    reporting every month on time and 市住建局 November late, and every month closed."""
    import datetime as dt

    from assessment.tests.assessment_data import submit
    from reports.services import period_close, period_ensure, period_open
    from responsibilities.models import Department, Jurisdiction

    taicang = Jurisdiction.objects.get(name="太仓市")
    market = Department.objects.get(jurisdiction=taicang, code="scjgj")
    housing = Department.objects.get(jurisdiction=taicang, code="zjj")
    for month in (10, 11, 12):
        period = period_open(period=period_ensure(jurisdiction=taicang, year=year, month=month))
        submit(period, market, rating=95)
        if month == 11:
            submit(period, housing, on=period.deadline + dt.timedelta(days=2))
        period_close(period=period)
