"""Who may do what on the assessment pages: the office runs, edits and publishes; leaders read;
departments see their self-assessment and, once published, the ranking; another jurisdiction
gets 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.compile import assessment_compile
from assessment.exporters import assessment_files_render
from assessment.models import Assessment, AssessmentRun, SelfAssessment
from assessment.services import assessment_publish
from assessment.tests.assessment_data import AFTER, FIRST_QUARTER, months, run_tasks_here, submit
from reports.services import period_close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    run_tasks_here(monkeypatch)


@pytest.fixture
def assessment(cast, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    for period in months(cast, 1, 2, 3):
        submit(period, cast.department)
        period_close(period=period)
    return assessment_files_render(
        assessment=assessment_compile(plan=cast.plan, period=FIRST_QUARTER, as_of=AFTER)
    )


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_office_starts_a_run_and_follows_it_to_the_result(
    client, cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_ROOT = tmp_path
    months(cast, 1, 2, 3)
    as_user(client, cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessment:assessment_run_start", args=[cast.plan.pk]),
            {"kind": "quarter", "year": 2026, "number": 1},
        )
    run = AssessmentRun.objects.get()
    assert response.url == reverse("assessment:assessment_run", args=[run.pk])
    state = client.get(reverse("assessment:assessment_run_status", args=[run.pk])).json()
    assert state["done"] and state["progress"] == 100
    assert state["url"] == reverse("assessment:assessment_detail", args=[run.assessment_id])
    page = client.get(reverse("assessment:assessment_run", args=[run.pk]))
    assert b"js/progress.js" in page.content


@pytest.mark.parametrize(
    "who,status", [("office", 200), ("leader", 200), ("liaison", 404), ("outsider_office", 404)]
)
def test_a_draft_is_read_by_the_office_and_leaders_only(client, cast, assessment, who, status):
    response = as_user(client, getattr(cast, who)).get(
        reverse("assessment:assessment_detail", args=[assessment.pk])
    )
    assert response.status_code == status


def test_once_published_a_department_sees_the_ranking_and_only_its_own_details(client, cast, assessment):
    assessment_publish(assessment=assessment, actor=cast.office)
    page = as_user(client, cast.liaison).get(reverse("assessment:assessment_detail", args=[assessment.pk]))
    assert page.status_code == 200
    details = [r.department for r in page.context["details"]]
    assert details == [cast.department]
    assert len(page.context["results"]) == 2
    assert b'name="final"' not in page.content


@pytest.mark.parametrize(
    "who,status", [("office", 200), ("leader", 200), ("liaison", 404), ("outsider_office", 404)]
)
def test_files_download_for_those_who_may_read_the_assessment(client, cast, assessment, who, status):
    response = as_user(client, getattr(cast, who)).get(
        reverse("assessment:assessment_download", args=[assessment.pk, "pdf"])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["leader", "liaison"])
def test_only_the_office_runs_sets_final_scores_and_publishes(client, cast, assessment, who):
    c = as_user(client, getattr(cast, who))
    score = assessment.results.get(department=cast.department).scores.get(kind="rating")
    assert (
        c.post(
            reverse("assessment:assessment_run_start", args=[cast.plan.pk]), {"kind": "year", "year": 2026}
        ).status_code
        == 403
    )
    c.post(reverse("assessment:assessment_final", args=[score.pk]), {"final": "1", "reason": "x"})
    c.post(reverse("assessment:assessment_publish", args=[assessment.pk]))
    score.refresh_from_db()
    assert score.final is None
    assert Assessment.objects.get().status == "draft"


def test_another_jurisdictions_office_gets_404_everywhere(client, cast, assessment):
    c = as_user(client, cast.outsider_office)
    run = AssessmentRun.objects.create(
        plan=cast.plan, kind="year", start=FIRST_QUARTER.start, end=FIRST_QUARTER.end
    )
    for url in (
        reverse("assessment:assessment_scheme", args=[cast.plan.pk]),
        reverse("assessment:assessment_run", args=[run.pk]),
        reverse("assessment:assessment_run_status", args=[run.pk]),
        reverse("assessment:self_assessment", args=[cast.plan.pk]),
    ):
        assert c.get(url).status_code == 404, url
    assert (
        c.post(
            reverse("assessment:assessment_run_start", args=[cast.plan.pk]), {"kind": "year", "year": 2026}
        ).status_code
        == 404
    )


def test_the_office_sets_a_final_score_with_a_reason_on_the_page(
    client, cast, assessment, django_capture_on_commit_callbacks
):
    score = assessment.results.get(department=cast.department).scores.get(kind="on_time")
    c = as_user(client, cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("assessment:assessment_final", args=[score.pk]), {"final": "12", "reason": "评分偏低"})
    score.refresh_from_db()
    assert (score.final, score.final_reason) == (Decimal(12), "评分偏低")


def test_a_criterion_that_does_not_apply_takes_no_final_score(client, cast, assessment):
    # nothing rated by the office this quarter: the rating does not apply to the unit
    score = assessment.results.get(department=cast.department).scores.get(kind="rating")
    assert not score.applies
    c = as_user(client, cast.office)
    response = c.post(
        reverse("assessment:assessment_final", args=[score.pk]), {"final": "12", "reason": "补评"}
    )
    assert response.status_code == 400 and "本期不适用" in response.content.decode()
    score.refresh_from_db()
    assert score.final is None


def test_a_liaison_submits_the_departments_self_assessment(client, cast):
    months(cast, 1, 2, 3)
    c = as_user(client, cast.liaison)
    url = reverse("assessment:self_assessment", args=[cast.plan.pk]) + "?kind=quarter&year=2026&number=1"
    assert c.get(url).status_code == 200
    c.post(url, {"score-on_time": "28", "justification-on_time": "均按时报送"})
    record = SelfAssessment.objects.get()
    assert (record.department, record.start, record.end) == (
        cast.department,
        FIRST_QUARTER.start,
        FIRST_QUARTER.end,
    )
    assert record.scores.get().justification == "均按时报送"


def test_the_office_edits_the_scheme(client, cast):
    c = as_user(client, cast.office)
    c.post(
        reverse("assessment:assessment_scheme", args=[cast.plan.pk]),
        {
            "on_time": 25,
            "completeness": 25,
            "targets": 30,
            "rating": 20,
            "grade_a": 90,
            "grade_b": 80,
            "grade_c": 60,
            "bonus_cap": 3,
            "year_start_month": 7,
        },
    )
    scheme = cast.plan.assessment_scheme
    assert scheme.year_start_month == 7
    assert scheme.criteria.get(kind="on_time").weight == 25
    assert (
        as_user(client, cast.leader)
        .get(reverse("assessment:assessment_scheme", args=[cast.plan.pk]))
        .status_code
        == 200
    )


def test_the_ranking_page_reads_in_a_fixed_number_of_queries(
    client, cast, assessment, django_assert_max_num_queries
):
    c = as_user(client, cast.office)
    c.get(reverse("assessment:assessment_detail", args=[assessment.pk]))
    # session and user (2), scope (1), the assessment (1), results with departments (1), their
    # scores (1), plus whatever the base template and middleware read: the same for 2 or 60.
    with django_assert_max_num_queries(12):
        c.get(reverse("assessment:assessment_detail", args=[assessment.pk]))
