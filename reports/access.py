"""Who may see and change reports, evidence, periods and work updates.

Each …_get_for_<who> function returns the object the user may see (…_for_user) or act on as
that role, or raises Http404 when the user cannot see it at all and PermissionDenied when they
see it but their role may not do this. The require_… checks are the same rules for services,
which are also called from tasks and the shell.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from qualitycity.params import parse_int
from responsibilities.models import Department, Membership, Role
from responsibilities.scope import user_scope

from .models import DepartmentReport, Evidence, ReportingPeriod, TaskEntry

OWN_DEPARTMENT_ONLY = _("只能处理本部门的月报")
OFFICE_REVIEWS = _("只有质强办可以审核月报")
OVERSEERS_ONLY = _("只有质强办和领导可以查看报送情况")
OFFICE_RUNS_PERIODS = _("只有质强办可以操作报送期")
OWN_DEPARTMENT_UPDATES = _("只能以本部门名义报送工作动态")

# The department's people who fill in a report: the liaison writes, the head may correct.
EDITORS = frozenset({Role.LIAISON, Role.DEPARTMENT_HEAD})


# Checks ----------------------------------------------------------------------------------------


def require_department_member(report: DepartmentReport, user, roles) -> None:
    """Only the report's own department's people (in the given roles) may act on it."""
    allowed = Membership.objects.filter(
        user=user, department_id=report.department_id, role__in=roles, is_active=True
    ).exists()
    if not allowed:
        raise PermissionDenied(OWN_DEPARTMENT_ONLY)


def require_office(report: DepartmentReport, user) -> None:
    """Only the office of the report's jurisdiction reviews it."""
    if not user_scope(user).is_office_of(report.period.jurisdiction_id):
        raise PermissionDenied(OFFICE_REVIEWS)


def require_overseer(*, user) -> None:
    """The reporting overview is for the office and the leaders (and a superuser)."""
    scope = user_scope(user)
    if not scope.overseen_jurisdiction_ids and not scope.is_superuser:
        raise PermissionDenied(OVERSEERS_ONLY)


# Reports ---------------------------------------------------------------------------------------


def report_get_for_user(*, user, pk: int) -> DepartmentReport:
    """The report, if the user may see it: the office and leaders of its jurisdiction, its own
    department's people; anyone else gets 404, as if it did not exist."""
    queryset = DepartmentReport.objects.for_user(user).select_related(
        "period__jurisdiction", "department", "supersedes"
    )
    return get_object_or_404(queryset, pk=pk)


def report_get_for_department(*, user, pk: int, roles=EDITORS) -> DepartmentReport:
    """The report, if the user is one of its department's people in the given roles."""
    report = report_get_for_user(user=user, pk=pk)
    require_department_member(report, user, roles)
    return report


def report_get_for_liaison(*, user, pk: int) -> DepartmentReport:
    """The report, if the user is its department's liaison (who submits and asks to correct)."""
    return report_get_for_department(user=user, pk=pk, roles={Role.LIAISON})


def report_get_for_head(*, user, pk: int) -> DepartmentReport:
    """The report, if the user is its department's head (who signs off or sends back)."""
    return report_get_for_department(user=user, pk=pk, roles={Role.DEPARTMENT_HEAD})


def report_get_for_office(*, user, pk: int) -> DepartmentReport:
    """The report, if the user is the office of its jurisdiction (who approves or returns)."""
    report = report_get_for_user(user=user, pk=pk)
    require_office(report, user)
    return report


# Evidence --------------------------------------------------------------------------------------


def entry_get_for_department(*, user, pk: int) -> TaskEntry:
    """An entry of a report the user fills in, to attach evidence to."""
    entry = get_object_or_404(TaskEntry.objects.select_related("report__period__jurisdiction", "task"), pk=pk)
    report_get_for_department(user=user, pk=entry.report_id)
    return entry


def evidence_get_for_user(*, user, pk: int) -> Evidence:
    """Evidence of a report the user may see; never a public path."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__report__period__jurisdiction"), pk=pk
    )
    report_get_for_user(user=user, pk=evidence.entry.report_id)
    return evidence


def evidence_get_for_department(*, user, pk: int) -> Evidence:
    """Evidence of a report the user fills in, to remove it."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__report__period__jurisdiction"), pk=pk
    )
    report_get_for_department(user=user, pk=evidence.entry.report_id)
    return evidence


# Periods and work updates ----------------------------------------------------------------------


def period_get_for_overseer(*, user, pk: int) -> ReportingPeriod:
    """A period of the user's jurisdictions, if they oversee it (office or leader)."""
    period = get_object_or_404(ReportingPeriod.objects.for_user(user).select_related("jurisdiction"), pk=pk)
    if not user_scope(user).oversees(period.jurisdiction_id):
        raise PermissionDenied(OVERSEERS_ONLY)
    return period


def period_get_for_office(*, user, pk: int) -> ReportingPeriod:
    """A period the user runs as the office of its jurisdiction (open, extend, remind)."""
    period = period_get_for_overseer(user=user, pk=pk)
    if not user_scope(user).is_office_of(period.jurisdiction_id):
        raise PermissionDenied(OFFICE_RUNS_PERIODS)
    return period


def department_get_for_member(*, user, pk) -> Department:
    """One of the user's own departments, in whose name they post work updates."""
    department = Department.objects.filter(
        pk__in=user_scope(user).department_ids, pk=parse_int(str(pk or ""))
    ).first()
    if department is None:
        raise PermissionDenied(OWN_DEPARTMENT_UPDATES)
    return department
