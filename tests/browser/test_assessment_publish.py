"""Publishing an assessment asks first, under the portal's real Content-Security-Policy (no
inline script may run, so the question comes from static/js/confirm.js): dismissing it publishes
nothing, accepting it publishes and records who and when."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

QUESTION = "发布后考核结果不能再修改或重新计算，确定发布？"


@pytest.fixture
def draft(transactional_db, settings, tmp_path, monkeypatch):
    """The cast's first quarter, its months closed, compiled as a draft; the files'
    re-rendering after publication is only recorded."""
    from assessment.compile import assessment_compile
    from assessment.tasks import render_assessment_files
    from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, submit
    from reports.models import ReportingPeriod
    from tests.factories import cast_create

    settings.PRIVATE_ROOT = tmp_path
    cast = cast_create()
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
        # the quarter's months are closed, so the result is final and may be published
        ReportingPeriod.objects.filter(pk=period.pk).update(status=ReportingPeriod.Status.CLOSED)
    rendered = []
    monkeypatch.setattr(render_assessment_files, "delay", rendered.append)
    assessment = assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
    return assessment, cast, rendered


def test_publishing_asks_first_and_only_an_accepted_question_publishes(
    draft, login, page, live_server, screenshot
):
    from assessment.models import Assessment
    from responsibilities.models import AuditEvent

    assessment, cast, rendered = draft
    url = live_server.url + reverse("assessment:assessment_detail", args=[assessment.pk])
    publish_path = reverse("assessment:assessment_publish", args=[assessment.pk])
    posted = []
    page.on(
        "request", lambda r: posted.append(r.url) if r.method == "POST" and publish_path in r.url else None
    )

    # given the office on the draft's page, served with the portal's own policy: no inline code
    login("office")
    response = page.goto(url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.locator("[onclick], [onsubmit]").count() == 0
    publish = page.get_by_role("button", name="发布", exact=True)

    # when the office clicks 发布 and dismisses the question
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    publish.click()

    # then it was asked, nothing was sent, and the assessment is still a draft
    assert asked == [QUESTION]
    expect(publish).to_be_visible()
    assert posted == []
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"

    # when the office clicks again and accepts
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    publish.click()

    # then it was asked again, and the assessment is published, by the office, now
    expect(page.locator(".messages")).to_contain_text("考核结果已发布")
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    assert asked == [QUESTION, QUESTION] and len(posted) == 1
    published = Assessment.objects.get(pk=assessment.pk)
    assert (published.status, published.published_by) == ("published", cast.office)
    assert published.published_at is not None
    event = AuditEvent.objects.get(action="assessment.publish")
    assert (event.actor, event.object_id) == (cast.office, str(assessment.pk))
    # and its files are rendered again, as published
    assert rendered == [assessment.pk]
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("assessment_published_390")
