"""The office's to-do: appeals against a published assessment waiting for a decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qualitycity.todo import TodoLink, TodoSection

from .models import Appeal

SHOWN = 10


def appeals_awaiting(*, user, scope, today) -> TodoSection | None:
    """The pending appeals on the assessments of the office's plans, oldest first (they have a window)."""
    if not scope.office_jurisdiction_ids:
        return None
    pending = Appeal.objects.filter(
        status=Appeal.Status.PENDING, assessment__plan__jurisdiction_id__in=scope.office_jurisdiction_ids
    )
    appeals = list(
        pending.select_related("assessment", "result__department").order_by("submitted_at", "pk")[: SHOWN + 1]
    )
    links = tuple(
        TodoLink(
            label=_("%(department)s对%(assessment)s的申诉")
            % {"department": appeal.result.department, "assessment": appeal.assessment.label},
            url=reverse("assessment:appeal_detail", args=[appeal.pk]),
            when=appeal.submitted_at,
        )
        for appeal in appeals[:SHOWN]
    )
    more = pending.count() - SHOWN if len(appeals) > SHOWN else 0
    return TodoSection(key="appeals", title=_("待处理的考核申诉"), links=links, order=50, more=more)
