"""In the browser: a liaison of one department is refused another department's report and files."""

from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from reports.evidence import evidence_attach
from reports.models import DepartmentReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_liaison_is_refused_another_departments_report_and_evidence(
    demo, login, page, live_server, settings, tmp_path, screenshot
):
    from django.contrib.auth import get_user_model

    from bench.demo import demo_open_current_period

    settings.PRIVATE_ROOT = tmp_path
    period = demo_open_current_period()
    housing = DepartmentReport.objects.get(period=period, department__code="zjj")
    liaison_b = get_user_model().objects.get(username="liaison_zjj")
    evidence = evidence_attach(
        entry=housing.entries.first(), actor=liaison_b, upload=SimpleUploadedFile("检查记录.pdf", PDF)
    )

    # the liaison of 市市场监管局 signs in
    login("liaison_scjgj")
    expect(page.get_by_role("link", name="月度报送")).to_be_visible()

    # and is refused 市住建局's report
    response = page.goto(f"{live_server.url}/reports/{housing.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("市住建局 · ")
    screenshot("refused_report", full_page=False)

    # and its evidence file
    response = page.goto(f"{live_server.url}/reports/evidence/{evidence.pk}/")
    assert response.status == 404

    # while the owner gets the file
    page.context.clear_cookies()
    login("liaison_zjj")
    with page.expect_download() as download:
        page.evaluate(f"window.location = '{live_server.url}/reports/evidence/{evidence.pk}/'")
    assert download.value.suggested_filename == "检查记录.pdf"
