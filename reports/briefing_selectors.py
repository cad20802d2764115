"""Who may see and edit the 工作简报, and what the office picks its items from.

The office of a jurisdiction edits and issues; the office and the leaders read issued issues.
Department people are refused (403): an issue carries other departments' work updates and the
progress of their approved reports, which a liaison may not read in the portal; the office sends
the issued file to whom it is addressed (报送 / 抄送).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Jurisdiction
from responsibilities.scope import overseen_jurisdiction_for_user, user_scope

from .models import Briefing, DepartmentReport, TaskEntry, WorkUpdate

OVERSEERS_READ = _("只有质强办和领导可以查看工作简报")
OFFICE_EDITS = _("只有本地质强办可以编发工作简报")
CANDIDATES_SHOWN = 60  # the newest of each kind; older ones are rarely news


def jurisdiction_for_reader(*, user, pk=None) -> Jurisdiction:
    """The jurisdiction whose briefings the user reads (see overseen_jurisdiction_for_user)."""
    return overseen_jurisdiction_for_user(user=user, pk=pk, refused=OVERSEERS_READ)


def briefing_get_for_reader(*, user, pk: int) -> Briefing:
    """An issue the user reads: the office of its jurisdiction (drafts too) and its leaders
    (issued ones); department people of the jurisdiction are refused, anyone else gets 404."""
    briefing = get_object_or_404(Briefing.objects.select_related("jurisdiction", "created_by"), pk=pk)
    scope = user_scope(user)
    if scope.is_office_of(briefing.jurisdiction_id):
        return briefing
    if scope.oversees(briefing.jurisdiction_id):
        if briefing.status != Briefing.Status.ISSUED:
            raise Http404
        return briefing
    if scope.sees_jurisdiction(briefing.jurisdiction_id):
        raise PermissionDenied(OVERSEERS_READ)
    raise Http404


def briefing_get_for_office(*, user, pk: int) -> Briefing:
    """An issue the user edits as the office of its jurisdiction (404 outside the user's
    jurisdictions, 403 for anyone there who is not its office)."""
    briefing = get_object_or_404(Briefing.objects.select_related("jurisdiction"), pk=pk)
    scope = user_scope(user)
    if scope.is_office_of(briefing.jurisdiction_id):
        return briefing
    if scope.sees_jurisdiction(briefing.jurisdiction_id):
        raise PermissionDenied(OFFICE_EDITS)
    raise Http404


def require_office_of(*, user, jurisdiction: Jurisdiction) -> None:
    if not user_scope(user).is_office_of(jurisdiction.pk):
        raise PermissionDenied(OFFICE_EDITS)


def briefings_of_year(*, jurisdiction: Jurisdiction, year: int, include_drafts: bool):
    """The year's issues by number, then the drafts (the office's only)."""
    issued = list(
        Briefing.objects.filter(jurisdiction=jurisdiction, year=year, status=Briefing.Status.ISSUED).order_by(
            "number"
        )
    )
    drafts = []
    if include_drafts:
        drafts = list(
            Briefing.objects.filter(jurisdiction=jurisdiction, status=Briefing.Status.DRAFT).order_by(
                "-created_at"
            )
        )
    return issued, drafts


def briefing_years(*, jurisdiction: Jurisdiction) -> list[int]:
    return sorted(
        set(Briefing.objects.filter(jurisdiction=jurisdiction).values_list("year", flat=True)), reverse=True
    )


def candidate_updates(*, jurisdiction: Jurisdiction):
    """The jurisdiction's 工作动态, newest first: what the office picks items from."""
    return WorkUpdate.objects.filter(department__jurisdiction=jurisdiction).select_related("department")[
        :CANDIDATES_SHOWN
    ]


def pickable_entries(*, jurisdiction: Jurisdiction):
    """Task entries of the jurisdiction's approved reports that say something."""
    return (
        TaskEntry.objects.filter(
            report__status=DepartmentReport.Status.APPROVED, report__period__jurisdiction=jurisdiction
        )
        .exclude(progress="")
        .select_related("report__period", "report__department", "task")
    )


def candidate_entries(*, jurisdiction: Jurisdiction):
    return pickable_entries(jurisdiction=jurisdiction).order_by(
        "-report__period__start", "report__department__sort_order", "task__position"
    )[:CANDIDATES_SHOWN]
