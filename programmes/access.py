"""Who may see and change plans and departments' task lists: each function returns the object
the user may see (…_for_user) or change (…_for_office), or raises Http404 when the user cannot
see it and PermissionDenied when they see it but may not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department
from responsibilities.scope import jurisdiction_ids_for_user, user_scope

from .models import Plan

OFFICE_CHANGES_PLANS = _("只有本地质强办可以修改工作方案")


def plan_get_for_user(*, user, pk: int) -> Plan:
    """The plan, if the user may see it; otherwise 404 (another jurisdiction's plan does not exist for them)."""
    return get_object_or_404(Plan.objects.for_user(user).select_related("jurisdiction"), pk=pk)


def plan_get_for_office(*, user, pk: int) -> Plan:
    """The plan, if the user is the office of its jurisdiction; 404 if they cannot see it, 403
    if they see it without being its office."""
    plan = plan_get_for_user(user=user, pk=pk)
    require_office_of_plan(plan, user)
    return plan


def require_office_of_plan(plan: Plan, user) -> None:
    """Only the office of a plan's jurisdiction (or a superuser) changes the plan and its scheme."""
    if not user_scope(user).is_office_of(plan.jurisdiction_id):
        raise PermissionDenied(OFFICE_CHANGES_PLANS)


def user_may_import_plans(*, user) -> bool:
    """The office of any jurisdiction (or a superuser) may import a plan."""
    scope = user_scope(user)
    return bool(scope.office_jurisdiction_ids) or scope.is_superuser


def department_get_for_user(*, user, pk: int) -> Department:
    """A department of one of the user's jurisdictions; otherwise 404."""
    return get_object_or_404(
        Department.objects.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user)).select_related(
            "jurisdiction"
        ),
        pk=pk,
    )
