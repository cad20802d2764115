"""Reads of the assessment: the lists a user may open, and an assessment's results. Whether the
user may open one object is decided in assessment.access."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

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


@dataclass
class Findings:
    """What a compile found beyond the ranking, as the page shows it: why the result is only
    provisional, the units not ranked and why, and (for the office) the targets nobody reports."""

    provisional_reasons: list[str] = field(default_factory=list)
    not_ranked: list[dict] = field(default_factory=list)
    unreported_targets: list[dict] = field(default_factory=list)


def assessment_findings(*, assessment: Assessment, for_office: bool) -> Findings:
    """The compile's findings kept in the assessment's summary; the targets nobody reports are
    the office's to fix, so only the office sees them. No query."""
    summary = assessment.summary or {}
    reasons = summary.get("provisional_reasons") or []
    if assessment.provisional and not reasons:
        reasons = [_("计算时仍有报送期未截止")]
    return Findings(
        provisional_reasons=reasons if assessment.provisional else [],
        not_ranked=summary.get("not_ranked") or [],
        unreported_targets=(summary.get("unreported_targets") or []) if for_office else [],
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
