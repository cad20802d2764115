"""Who may import and export plans: each function returns what the user may see (or change) or
raises Http404 (not theirs to know of) or PermissionDenied (theirs to know of, not to do).

The office of a jurisdiction imports its plans; anyone who reads a plan exports its table. The
scope is computed once, in responsibilities.selectors.user_scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from programmes.access import plan_get_for_user
from programmes.models import Plan
from responsibilities.models import Jurisdiction
from responsibilities.selectors import user_scope

from .models import PlanImport


def import_jurisdictions_for_user(*, user) -> QuerySet[Jurisdiction]:
    """The jurisdictions the user imports plans into: those whose office they belong to; a
    user who is the office of none is refused."""
    scope = user_scope(user)
    jurisdictions = Jurisdiction.objects.all()
    if not scope.is_superuser:
        jurisdictions = jurisdictions.filter(pk__in=scope.office_jurisdiction_ids)
    if not jurisdictions.exists():
        raise PermissionDenied
    return jurisdictions


def draft_get_rw_for_user(*, user, pk: int) -> PlanImport:
    """The draft, if the user is office of its jurisdiction; a draft of a jurisdiction the user
    cannot see does not exist for them (404), and others in the jurisdiction are refused (403)."""
    plan_import = get_object_or_404(PlanImport.objects.select_related("jurisdiction", "plan"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or plan_import.jurisdiction_id in scope.office_jurisdiction_ids:
        return plan_import
    if plan_import.jurisdiction_id in scope.jurisdiction_ids:
        raise PermissionDenied
    raise Http404


def plan_get_for_export(*, user, pk: int) -> Plan:
    """A plan the user reads, whose decomposition table they may download."""
    return plan_get_for_user(user=user, pk=pk)
