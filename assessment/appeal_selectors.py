"""Reads of the appeals: what the assessment page shows of them to each user (the window, the
lines a unit may appeal, the appeals, the versions). Whether the user may open the page is
decided in assessment.access before this is read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from responsibilities.selectors import user_scope

from .appeals import appeal_days_of, appeal_lines, appeal_window_ends, line_value
from .models import Appeal, Assessment, AssessmentResult


@dataclass
class Line:
    kind: str
    label: str
    value: object
    pending: Appeal | None = None


@dataclass
class OwnResult:
    result: AssessmentResult
    lines: list[Line]


@dataclass
class AppealPanel:
    versions: list[Assessment] = field(default_factory=list)
    newer: Assessment | None = None
    reissued_by: list[Appeal] = field(default_factory=list)
    window_ends: dt.date | None = None
    appeal_days: int = 0
    window_open: bool = False
    own: list[OwnResult] = field(default_factory=list)
    pending: list[Appeal] = field(default_factory=list)
    decided: list[Appeal] = field(default_factory=list)
    is_office: bool = False
    overseer: bool = False

    @property
    def shown(self) -> bool:
        return bool(len(self.versions) > 1 or self.own or self.pending or self.decided or self.window_ends)


def period_appeals(*, assessment: Assessment):
    """Every appeal of the assessment's period, whichever version it was made against."""
    return (
        Appeal.objects.filter(
            assessment__plan_id=assessment.plan_id,
            assessment__start=assessment.start,
            assessment__end=assessment.end,
        )
        .select_related("result__department", "submitted_by", "reissued_as")
        .order_by("submitted_at", "pk")
    )


def appeal_panel(*, user, assessment: Assessment, details: list[AssessmentResult]) -> AppealPanel:
    """The appeals part of the assessment page: nothing for a draft (no query); otherwise the
    versions for everyone, the window and the lines of its own result for a department's
    people, the appeals for the office and leaders (a department sees its own)."""
    if assessment.status == Assessment.Status.DRAFT:
        return AppealPanel()
    scope = user_scope(user)
    jurisdiction_id = assessment.plan.jurisdiction_id
    panel = AppealPanel(
        is_office=scope.is_office_of(jurisdiction_id),
        overseer=scope.oversees(jurisdiction_id),
    )
    panel.versions = list(
        Assessment.objects.filter(plan_id=assessment.plan_id, start=assessment.start, end=assessment.end)
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("version")
        .only("pk", "version", "status", "published_at", "supersedes_id")
    )
    panel.newer = next((v for v in panel.versions if v.supersedes_id == assessment.pk), None)
    appeals = period_appeals(assessment=assessment)
    if not panel.overseer:
        appeals = appeals.filter(result__department_id__in=scope.department_ids)
    appeals = list(appeals)
    panel.reissued_by = [a for a in appeals if a.reissued_as_id == assessment.pk]
    panel.pending = [a for a in appeals if a.status == Appeal.Status.PENDING]
    panel.decided = [a for a in appeals if a.status != Appeal.Status.PENDING]
    own = [r for r in details if r.department_id in scope.department_ids]
    if own:
        panel.appeal_days = appeal_days_of(assessment)
        panel.window_ends = appeal_window_ends(assessment=assessment, days=panel.appeal_days)
        panel.window_open = bool(
            assessment.status == Assessment.Status.PUBLISHED
            and panel.window_ends is not None
            and timezone.localdate() <= panel.window_ends
        )
        pending = {(a.result.department_id, a.kind): a for a in panel.pending}
        panel.own = [
            OwnResult(
                result=r,
                lines=[
                    Line(kind, label, line_value(result=r, kind=kind), pending.get((r.department_id, kind)))
                    for kind, label in appeal_lines(result=r).items()
                ],
            )
            for r in own
        ]
    return panel
