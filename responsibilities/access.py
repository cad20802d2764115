"""Who may see and change what in responsibilities: each function returns the object the user
may see (…_for_user) or change (…_for_office), or raises Http404 when the user cannot see it and
PermissionDenied when they see it but may not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from qualitycity.params import parse_int

from .models import AuditEvent, Jurisdiction, Membership, Role
from .scope import user_scope

OFFICE_MANAGES_PEOPLE = _("只有质强办可以管理联络员和负责人")
LOCAL_OFFICE_MANAGES_PEOPLE = _("只有本地质强办可以管理联络员和负责人")
AUDIT_READERS_ONLY = _("只有审计管理员和质强办可以查看审计日志")


def require_office_of(user, jurisdiction: Jurisdiction) -> None:
    """Only the office of a jurisdiction (or a superuser) manages its liaisons and heads."""
    if not user_scope(user).is_office_of(jurisdiction.pk):
        raise PermissionDenied(LOCAL_OFFICE_MANAGES_PEOPLE)


def office_jurisdiction_for_user(*, user, pk=None) -> Jurisdiction:
    """The jurisdiction whose people the office user manages: the one asked for (pk) if they are
    its office, else their first; anyone who is no office's is refused."""
    ids = sorted(user_scope(user).office_jurisdiction_ids)
    if not ids:
        raise PermissionDenied(OFFICE_MANAGES_PEOPLE)
    chosen = parse_int(pk)
    return Jurisdiction.objects.get(pk=chosen if chosen in ids else ids[0])


def membership_get_for_office(*, user, pk: int) -> Membership:
    """A liaison's or head's membership the office may change: 404 outside the user's
    jurisdictions, 403 for anyone there who is not its office."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "department", "jurisdiction"),
        pk=pk,
        jurisdiction_id__in=user_scope(user).jurisdiction_ids,
        role__in=Role.department_roles(),
    )
    if not user_scope(user).is_office_of(membership.jurisdiction_id):
        raise PermissionDenied(OFFICE_MANAGES_PEOPLE)
    return membership


def audit_events_for_user(*, user):
    """The audit trail is read by the audit administrator and the office, each for their own
    jurisdiction (a superuser reads all); anyone else is refused."""
    if user_scope(user).is_superuser:
        return AuditEvent.objects.all()
    readable = Membership.objects.filter(
        user=user, is_active=True, role__in=[Role.AUDIT_ADMIN, *Role.office_roles()]
    ).values("jurisdiction_id")
    if not readable.exists():
        raise PermissionDenied(AUDIT_READERS_ONLY)
    return AuditEvent.objects.filter(jurisdiction_id__in=readable)
