"""Who may open which dashboard: each function returns what the user may see (or change) or
raises Http404 (not theirs to know of) or PermissionDenied (theirs to know of, not to do).

The scope is computed once, in responsibilities.selectors.user_scope; these only read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from programmes.models import Assignment, Task
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import user_scope

from .models import SummaryRecipient


@dataclass(frozen=True)
class OfficeDashboard:
    """Where the office dashboard takes the user: a jurisdiction's, or, for someone of a
    department who oversees no jurisdiction, their department's (department_id)."""

    jurisdiction_id: int | None
    is_office: bool = False
    department_id: int | None = None


def office_dashboard_for_user(*, user, pk: int | None = None) -> OfficeDashboard:
    """The office dashboard for the office and leaders; a department's people are sent to their
    department's dashboard; anyone else as dashboard_jurisdiction_id_for_user refuses."""
    scope = user_scope(user)
    if not scope.overseen_jurisdiction_ids and not scope.is_superuser and scope.department_ids:
        return OfficeDashboard(jurisdiction_id=None, department_id=min(scope.department_ids))
    jurisdiction_id = dashboard_jurisdiction_id_for_user(user=user, pk=pk)
    return OfficeDashboard(jurisdiction_id=jurisdiction_id, is_office=scope.is_office_of(jurisdiction_id))


def dashboard_jurisdiction_id_for_user(*, user, pk: int | None = None) -> int:
    """The jurisdiction whose dashboard the user opens: one they run the office of or lead (the
    first, unless asked for another, which may be one below theirs, read-only); another
    jurisdiction is a 404, and a user who oversees none is refused (403). Needs no query but
    the user's scope, except for a superuser."""
    scope = user_scope(user)
    if scope.is_superuser:
        allowed = Jurisdiction.objects.all()
        found = allowed.filter(pk=pk) if pk is not None else allowed.order_by("pk")
        jurisdiction_id = found.values_list("pk", flat=True).first()
        if jurisdiction_id is None:
            raise Http404
        return jurisdiction_id
    if not scope.overseen_jurisdiction_ids:
        raise PermissionDenied  # a role that reads no whole jurisdiction: 403, as elsewhere
    if pk is None:
        return min(scope.own_overseen_jurisdiction_ids or scope.overseen_jurisdiction_ids)
    if pk not in scope.overseen_jurisdiction_ids:
        raise Http404
    return pk


def dashboard_jurisdiction_for_user(*, user, pk: int | None = None) -> Jurisdiction:
    """The jurisdiction itself, as dashboard_jurisdiction_id_for_user finds it."""
    return Jurisdiction.objects.get(pk=dashboard_jurisdiction_id_for_user(user=user, pk=pk))


def recipients_jurisdiction_for_user(*, user) -> Jurisdiction:
    """The jurisdiction whose summary recipients the user sets: the office's only (leaders
    receive the summary, they do not edit the list)."""
    jurisdiction = dashboard_jurisdiction_for_user(user=user)
    if not user_scope(user).is_office_of(jurisdiction.pk):
        raise PermissionDenied
    return jurisdiction


def recipient_get_rw_for_user(*, user, pk: int) -> SummaryRecipient:
    """A recipient of the user's jurisdiction, for its office to remove; another's is a 404."""
    jurisdiction = dashboard_jurisdiction_for_user(user=user)
    recipient = get_object_or_404(SummaryRecipient, pk=pk, jurisdiction=jurisdiction)
    if not user_scope(user).is_office_of(jurisdiction.pk):
        raise PermissionDenied
    return recipient


def department_get_for_user(*, user, pk: int) -> Department:
    """A department's dashboard is for its own people and for the office and leaders of its
    jurisdiction; anyone else gets a 404."""
    department = get_object_or_404(Department.objects.select_related("jurisdiction"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or pk in scope.department_ids:
        return department
    if department.jurisdiction_id in scope.overseen_jurisdiction_ids:
        return department
    raise Http404


def task_get_for_user(*, user, pk: int) -> Task:
    """A task's history is for its jurisdiction's office and leaders and the departments on it."""
    task = get_object_or_404(Task.objects.select_related("plan__jurisdiction", "heading"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or task.plan.jurisdiction_id in scope.overseen_jurisdiction_ids:
        return task
    involved = Assignment.objects.filter(task=task).filter(
        Q(department_id__in=scope.department_ids) | Q(department__members__in=scope.department_ids)
    )
    if involved.exists():
        return task
    raise Http404
