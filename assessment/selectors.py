"""Reads of the assessment, loaded for the user: the office and leaders of the jurisdiction see
everything; a department sees a published ranking and its own details; anyone else gets 404."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from programmes.models import Plan
from responsibilities.selectors import user_scope

from .models import Assessment, AssessmentResult, AssessmentRun, CriterionScore


def plan_get_for_user(*, user, pk: int) -> Plan:
    """A plan of a jurisdiction the user belongs to; another jurisdiction's is 404."""
    return get_object_or_404(Plan.objects.for_user(user).select_related("jurisdiction"), pk=pk)


def oversees(user, jurisdiction_id: int) -> bool:
    scope = user_scope(user)
    return scope.is_superuser or jurisdiction_id in scope.overseen_jurisdiction_ids


def assessment_get_for_user(*, user, pk: int) -> Assessment:
    """The office and leaders read drafts and published ones; departments only published ones."""
    assessment = get_object_or_404(
        Assessment.objects.filter(plan__in=Plan.objects.for_user(user)).select_related("plan__jurisdiction"),
        pk=pk,
    )
    if not assessment.is_published and not oversees(user, assessment.plan.jurisdiction_id):
        raise Http404("考核结果尚未发布")
    return assessment


def run_get_for_user(*, user, pk: int) -> AssessmentRun:
    run = get_object_or_404(AssessmentRun.objects.select_related("plan__jurisdiction", "assessment"), pk=pk)
    if not oversees(user, run.plan.jurisdiction_id):
        raise Http404("没有这个计算任务")
    return run


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
    scope = user_scope(user)
    runs = AssessmentRun.objects.select_related("plan")
    if not scope.is_superuser:
        runs = runs.filter(plan__jurisdiction_id__in=scope.overseen_jurisdiction_ids)
    return runs.order_by("-created_at")
