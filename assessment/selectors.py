"""Reads of the assessment: the lists a user may open, and an assessment's results. Whether the
user may open one object is decided in assessment.access."""

from __future__ import annotations

from django.db.models import Prefetch

from programmes.models import Plan
from responsibilities.selectors import user_scope

from .models import Assessment, AssessmentResult, AssessmentRun, CriterionScore


def assessment_results(*, assessment: Assessment) -> list[AssessmentResult]:
    """Every result with its department and scores in three queries, in rank order."""
    return list(
        assessment.results.select_related("department").prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.order_by("position"))
        )
    )


def assessments_for_user(*, user):
    """The assessments a user may open: all of the jurisdictions the user oversees, published
    ones of the jurisdictions the user's department belongs to."""
    scope = user_scope(user)
    visible = Assessment.objects.filter(plan__in=Plan.objects.for_user(user))
    if not scope.is_superuser:
        visible = visible.filter(plan__jurisdiction_id__in=scope.overseen_jurisdiction_ids) | visible.filter(
            status=Assessment.Status.PUBLISHED
        )
    return visible.select_related("plan").order_by("-end", "plan__title")


def runs_for_user(*, user):
    """The compile jobs of the jurisdictions the user oversees, newest first."""
    scope = user_scope(user)
    runs = AssessmentRun.objects.select_related("plan")
    if not scope.is_superuser:
        runs = runs.filter(plan__jurisdiction_id__in=scope.overseen_jurisdiction_ids)
    return runs.order_by("-created_at")
