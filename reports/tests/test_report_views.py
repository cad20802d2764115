"""The report page: who may open it, hostile input, evidence, and its query count."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import DepartmentReport, Evidence, IndicatorValue, TaskEntry, WorkUpdate
from tests.factories import AssignmentFactory, TaskFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report_of(cast, period):
    return DepartmentReport.objects.get(period=period, department=cast.department)


@pytest.mark.parametrize(
    ("who", "status"),
    [("liaison", 200), ("head", 200), ("office", 200), ("leader", 200), ("outsider_office", 404)],
)
def test_who_may_open_a_report(client, cast, period, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(f"/reports/{report_of(cast, period).pk}/").status_code == status


def test_a_liaison_of_another_department_gets_404(client, cast, period, other_liaison):
    client.force_login(other_liaison)
    assert client.get(f"/reports/{report_of(cast, period).pk}/").status_code == 404


def test_a_form_posted_for_another_department_is_refused_and_changes_nothing(
    client, cast, period, other_liaison
):
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(other_liaison)
    response = client.post(
        f"/reports/{report.pk}/save/", {f"entry-{entry.pk}-progress": "篡改", f"entry-{entry.pk}-version": 0}
    )
    assert response.status_code == 404
    # and an entry of another report smuggled into one's own report's form is refused
    own = DepartmentReport.objects.get(period=period, department=cast.other_department)
    response = client.post(
        f"/reports/{own.pk}/save/", {f"entry-{entry.pk}-progress": "篡改", f"entry-{entry.pk}-version": 0}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.progress == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "不是数字"),
        ("NaN", "有限"),
        ("Infinity", "有限"),
        ("1e30", "过大"),
        ("-5", "不能为负数"),
        ("９３．５", None),  # full-width digits from a Chinese keyboard are read
        ("1,234.5", None),
    ],
)
def test_hostile_indicator_values_get_a_chinese_message_and_the_rest_is_kept(
    client, cast, period, rated, raw, message
):
    report = report_of(cast, period)
    entry, value = report.entries.get(), report.values.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{report.pk}/save/",
        {
            f"entry-{entry.pk}-progress": "本月进展",
            f"entry-{entry.pk}-version": entry.version,
            f"value-{value.pk}-value": raw,
            f"value-{value.pk}-version": value.version,
        },
    )
    entry.refresh_from_db()
    assert entry.progress == "本月进展"  # the valid part of the post is saved
    value.refresh_from_db()
    if message:
        assert response.status_code == 400
        assert message in response.content.decode()
        assert value.value is None
    else:
        assert response.status_code == 302
        assert value.value is not None


def test_a_10000_character_progress_is_refused_with_the_task_named(client, cast, period):
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"entry-{entry.pk}-progress": "长" * 10000, f"entry-{entry.pk}-version": entry.version},
    )
    assert response.status_code == 400
    assert "超过5000字" in response.content.decode()
    assert "长" * 10000 in response.content.decode()  # nothing typed is lost


def test_script_in_progress_is_stored_as_text_and_shown_escaped(client, cast, period):
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    client.post(
        f"/reports/{report.pk}/save/",
        {
            f"entry-{entry.pk}-progress": "<script>alert(1)</script>",
            f"entry-{entry.pk}-version": entry.version,
        },
    )
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_evidence_is_checked_by_content_and_served_only_through_permission(
    client, cast, period, other_liaison, tmp_path, settings
):
    settings.PRIVATE_ROOT = tmp_path
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    # a real pdf is accepted
    client.post(f"/reports/entries/{entry.pk}/evidence/", {"file": SimpleUploadedFile("检查记录.pdf", PDF)})
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.original_name == "检查记录.pdf"
    assert str(tmp_path) in evidence.file.path and "media" not in evidence.file.path
    # a png is stored as what it is; a png or a text file named .pdf is refused
    client.post(f"/reports/entries/{entry.pk}/evidence/", {"file": SimpleUploadedFile("照片.png", PNG)})
    assert Evidence.objects.filter(content_type="image/png").count() == 1
    for name, data in (("照片.pdf", PNG), ("伪装.pdf", b"not a pdf at all")):
        response = client.post(
            f"/reports/entries/{entry.pk}/evidence/", {"file": SimpleUploadedFile(name, data)}, follow=True
        )
        assert f"“{name}”不是有效的PDF文件" in response.content.decode()
    assert Evidence.objects.count() == 2
    # the owner downloads it; a liaison of another department cannot
    assert client.get(f"/reports/evidence/{evidence.pk}/").status_code == 200
    client.force_login(other_liaison)
    assert client.get(f"/reports/evidence/{evidence.pk}/").status_code == 404


def test_an_oversized_evidence_file_is_refused(client, cast, period, tmp_path, settings):
    settings.PRIVATE_ROOT = tmp_path
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (20 * 1024 * 1024))
    response = client.post(f"/reports/entries/{entry.pk}/evidence/", {"file": big}, follow=True)
    assert "超过20MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_report_page_query_count_does_not_grow_with_tasks(
    client, cast, period, rated, django_assert_num_queries
):
    from reports.services import period_open

    report = report_of(cast, period)
    client.force_login(cast.liaison)
    # user, roles (scope and header), the report, the user's roles in it, entries with tasks,
    # their evidence, values, targets, the targets' readings before the period (2),
    # participants' parts, versions, whether it was corrected, the header's unread
    # notifications: 14, whatever the number of tasks (the session comes from the shared cache).
    with django_assert_num_queries(14) as few:
        client.get(f"/reports/{report.pk}/")
    for n in range(12):
        AssignmentFactory(task=TaskFactory(plan=cast.plan, position=2000 + n), department=cast.department)
    period_open(period=period)
    assert TaskEntry.objects.filter(report=report).count() == 13
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/reports/{report.pk}/")


def test_work_update_is_posted_for_ones_own_department_only(client, cast, other_liaison):
    client.force_login(cast.liaison)
    response = client.post(
        "/updates/",
        {
            "department": cast.department.pk,
            "date": "2026-11-20",
            "title": "开展质量月活动",
            "body": "组织企业30家",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/updates/",
        {"department": cast.other_department.pk, "date": "2026-11-20", "title": "冒名", "body": "x"},
    )
    assert response.status_code == 403
    client.force_login(cast.office)
    html = client.get("/updates/").content.decode()
    assert "开展质量月活动" in html and "冒名" not in html


def test_indicator_value_model_has_one_row_per_indicator(cast, period, rated):
    assert IndicatorValue.objects.filter(indicator=rated).count() == 1


def test_a_save_without_the_value_field_keeps_the_value(client, cast, period, rated):
    # given a value of 50 with its explanation
    report = report_of(cast, period)
    value = report.values.get()
    client.force_login(cast.liaison)
    client.post(
        f"/reports/{report.pk}/save/",
        {f"value-{value.pk}-value": "50", f"value-{value.pk}-version": value.version},
    )
    value.refresh_from_db()
    # when a save posts only the explanation and the version
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"value-{value.pk}-gap_explanation": "受季节影响", f"value-{value.pk}-version": value.version},
        headers={"x-requested-with": "fetch"},
    )
    # then the explanation is saved and the value stays 50
    assert response.status_code == 200 and response.json()["saved"] == 1
    value.refresh_from_db()
    assert (value.value, value.gap_explanation) == (50, "受季节影响")


def test_a_blank_value_field_that_is_posted_clears_the_value(client, cast, period, rated):
    report = report_of(cast, period)
    value = report.values.get()
    client.force_login(cast.liaison)
    client.post(
        f"/reports/{report.pk}/save/",
        {f"value-{value.pk}-value": "50", f"value-{value.pk}-version": value.version},
    )
    value.refresh_from_db()
    client.post(
        f"/reports/{report.pk}/save/",
        {f"value-{value.pk}-value": "", f"value-{value.pk}-version": value.version},
    )
    value.refresh_from_db()
    assert value.value is None


def test_a_heads_submit_is_refused_before_anything_is_saved(client, cast, period):
    # given the head posts the report form (with text) to the liaison's submit
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.head)
    response = client.post(
        f"/reports/{report.pk}/submit/",
        {f"entry-{entry.pk}-progress": "负责人写的", f"entry-{entry.pk}-version": entry.version},
    )
    # then it is refused, and the draft is as it was
    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.progress, entry.version) == ("", 0)
    report.refresh_from_db()
    assert report.status == DepartmentReport.Status.DRAFT


def test_an_autosave_after_submission_is_refused_in_json_and_changes_nothing(client, cast, period):
    # given a page loaded while the report was a draft, then the report submitted
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    client.post(
        f"/reports/{report.pk}/submit/",
        {f"entry-{entry.pk}-progress": "已完成", f"entry-{entry.pk}-version": entry.version},
    )
    entry.refresh_from_db()
    # when the page's script saves again
    response = client.post(
        f"/reports/{report.pk}/save/",
        {f"entry-{entry.pk}-progress": "提交后又改", f"entry-{entry.pk}-version": entry.version},
        headers={"x-requested-with": "fetch"},
    )
    # then it is refused with the reason the script shows (keeping its copy of the text)
    assert response.status_code == 409
    assert response.json()["error"].startswith("该月报已提交或已通过，不能再修改")
    entry.refresh_from_db()
    assert entry.progress == "已完成"


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1948-12-31", "2101-01-01"])
def test_a_work_update_dated_outside_1949_to_2100_is_refused(client, cast, date):
    client.force_login(cast.liaison)
    response = client.post(
        "/updates/", {"department": cast.department.pk, "date": date, "title": "开展质量月活动", "body": "x"}
    )
    assert response.status_code == 200
    assert "日期应在1949年1月1日至2100年12月31日之间" in response.content.decode()
    assert not WorkUpdate.objects.exists()
