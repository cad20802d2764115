"""A refused submission redirects to the report page, each field that blocks it marked
(aria-invalid) with what it lacks beside it, once; what was posted is saved first, as before."""

import re

from django.test import Client

from reports.models import DepartmentReport


def report_of(cast, period):
    return DepartmentReport.objects.get(period=period, department=cast.department)


def marked(html: str) -> dict[str, str]:
    """The fields marked invalid, by name, with the message they point to."""
    fields = re.findall(r'name="([^"]+)"[^>]*aria-invalid="true" aria-describedby="([^"]+)"', html)
    return {name: re.search(rf'id="{described}">([^<]*)<', html).group(1) for name, described in fields}


def test_a_submission_with_an_empty_task_and_an_unexplained_miss_marks_both_fields(
    client, cast, period, rated, django_assert_max_num_queries
):
    # given the value misses the ≥ 93% target, no explanation, and the task's progress empty
    report = report_of(cast, period)
    entry, value = report.entries.get(), report.values.get()
    client.force_login(cast.liaison)
    # when the liaison submits: 32 queries (the save, the refused submission, the blockers' entries and
    # value gaps, the session keeping them), none per field
    with django_assert_max_num_queries(32):
        refused = client.post(
            f"/reports/{report.pk}/submit/",
            {
                f"value-{value.pk}-value": "88.5",
                f"value-{value.pk}-version": value.version,
                f"value-{value.pk}-gap_explanation": "   ",
            },
        )
    # then the report page, both fields marked, each with its message
    assert refused.status_code == 302
    html = client.get(refused.url).content.decode()
    assert marked(html) == {
        f"entry-{entry.pk}-progress": "提交前须填写进展情况",
        f"value-{value.pk}-gap_explanation": "未达到目标（≥ 93%），请填写未达标说明",
    }
    assert "以下任务尚未填写进展情况" in html  # the service's refusal, above
    # once: a reload shows the page unmarked
    assert marked(client.get(refused.url).content.decode()) == {}
    # and the value typed was saved, the report still a draft
    value.refresh_from_db()
    assert str(value.value) == "88.5000"
    report.refresh_from_db()
    assert report.status == DepartmentReport.Status.DRAFT


def test_with_the_progress_written_only_the_explanation_is_marked(client, cast, period, rated):
    report = report_of(cast, period)
    entry, value = report.entries.get(), report.values.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{report.pk}/submit/",
        {
            f"entry-{entry.pk}-progress": "本月抽查企业32家",
            f"entry-{entry.pk}-version": entry.version,
            f"value-{value.pk}-value": "0",
            f"value-{value.pk}-version": value.version,
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/reports/{report.pk}/", 302)]
    assert list(marked(response.content.decode())) == [f"value-{value.pk}-gap_explanation"]


def test_hostile_text_in_a_field_is_kept_escaped_on_the_refused_page(client, cast, period, rated):
    # given a progress text with markup, and a miss left unexplained
    report = report_of(cast, period)
    entry, value = report.entries.get(), report.values.get()
    client.force_login(cast.liaison)
    response = client.post(
        f"/reports/{report.pk}/submit/",
        {
            f"entry-{entry.pk}-progress": '<script>alert(1)</script>"><img src=x>',
            f"entry-{entry.pk}-version": entry.version,
            f"value-{value.pk}-value": "1",
            f"value-{value.pk}-version": value.version,
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_submission_of_a_report_already_submitted_is_refused_without_marks(client, cast, period):
    report = report_of(cast, period)
    entry = report.entries.get()
    client.force_login(cast.liaison)
    client.post(
        f"/reports/{report.pk}/submit/",
        {f"entry-{entry.pk}-progress": "已完成", f"entry-{entry.pk}-version": entry.version},
    )
    # when it is submitted again (a second tab)
    response = client.post(f"/reports/{report.pk}/submit/", follow=True)
    # then the report page says why, and marks nothing
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/reports/{report.pk}/"
    assert 'aria-invalid="true"' not in html


def test_a_draft_button_that_skips_the_browsers_check_and_no_required_progress(client, cast, period):
    # the draft saves whatever is empty: no field is required by the browser, and the draft
    # button says so too; the rule is the server's, at submission
    client.force_login(cast.liaison)
    html = client.get(f"/reports/{report_of(cast, period).pk}/").content.decode()
    assert " required" not in html.split('id="report-form"')[1].split("</form>")[0]
    assert re.search(r'<button type="submit" class="button" formnovalidate>保存草稿</button>', html)


def test_the_marks_are_not_shown_to_the_head_reading_the_same_report(client, cast, period, rated):
    # given the liaison's submission was refused in their session
    report = report_of(cast, period)
    client.force_login(cast.liaison)
    client.post(f"/reports/{report.pk}/submit/")
    # when the head opens the report in theirs
    head = Client()
    head.force_login(cast.head)
    html = head.get(f"/reports/{report.pk}/").content.decode()
    # then nothing is marked there, while the liaison's page is
    assert 'aria-invalid="true"' not in html
    assert 'aria-invalid="true"' in client.get(f"/reports/{report.pk}/").content.decode()
