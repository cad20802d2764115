"""A rule's refusal reaches the user the same way from every page: the middleware answers an
ApplicationError a view let through with JSON for the page's scripts, a message on the page the
form was posted from (a page of this site), or the error page with the error's status.

The refusal used throughout: the office records a bonus item of 0 points, which the assessment
refuses (分值应大于0且不超过100); the form itself accepts 0."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessment.models import AssessmentItem

pytestmark = pytest.mark.django_db

REFUSAL = "分值应大于0且不超过100"


def zero_point_bonus(cast) -> dict:
    return {
        "department": cast.department.pk,
        "kind": "bonus",
        "points": "0",
        "reason": "获省长质量奖",
        "occurred_on": dt.date(2026, 3, 2).isoformat(),
    }


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office)
    return client


def test_a_refusal_answers_a_fetch_with_json_and_the_errors_status(office, cast):
    # when the page's script posts the item
    response = office.post(
        reverse("assessment:assessment_item_add", args=[cast.plan.pk]),
        zero_point_bonus(cast),
        headers={"x-requested-with": "fetch"},
    )
    # then it reads the reason and the field it belongs to, with status 400
    assert response.status_code == 400
    assert response.json() == {"error": REFUSAL, "field": "points"}
    assert not AssessmentItem.objects.exists()


def test_a_refusal_answers_a_json_request_with_json(office, cast):
    response = office.post(
        reverse("assessment:assessment_item_add", args=[cast.plan.pk]),
        zero_point_bonus(cast),
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == REFUSAL


def test_a_refusal_of_a_form_posted_from_a_page_of_the_site_goes_back_there_with_a_message(office, cast):
    # given the form was posted from the scheme page
    page = "http://testserver" + reverse("assessment:assessment_scheme", args=[cast.plan.pk])
    # when the item is refused
    response = office.post(
        reverse("assessment:assessment_item_add", args=[cast.plan.pk]),
        zero_point_bonus(cast),
        headers={"referer": page},
    )
    # then the user is sent back to that page, which shows the reason
    assert response.status_code == 302 and response.url == page
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSAL]
    assert REFUSAL in office.get(response.url).content.decode()


def test_a_refusal_without_a_page_to_go_back_to_shows_the_error_page(office, cast):
    response = office.post(
        reverse("assessment:assessment_item_add", args=[cast.plan.pk]), zero_point_bonus(cast)
    )
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert REFUSAL in response.content.decode()


def test_a_foreign_referer_is_not_followed(office, cast):
    # given a form on another site posts here (the referer names that site)
    response = office.post(
        reverse("assessment:assessment_item_add", args=[cast.plan.pk]),
        zero_point_bonus(cast),
        headers={"referer": "https://evil.example/phish"},
    )
    # then no redirect there: the error page, with the reason
    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")
    assert REFUSAL in response.content.decode()


def test_a_conflict_keeps_its_own_status_on_the_error_page(office, cast):
    # given a draft import the office has already discarded
    from plandocs.models import PlanImport

    draft = PlanImport.objects.create(
        jurisdiction=cast.jurisdiction,
        created_by=cast.office,
        source_name="方案.txt",
        extraction={"tasks": [], "targets": [], "headings": [], "warnings": []},
        title="方案",
        year_start=2026,
        year_end=2026,
        status=PlanImport.Status.DISCARDED,
    )
    # when it is discarded again
    response = office.post(reverse("plandocs:plan_import_discard", args=[draft.pk]))
    # then 409, with the reason
    assert response.status_code == 409
    assert "不能放弃" in response.content.decode()
