"""Writes of responsibilities data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError

from .access import require_office_of
from .models import AuditEvent, Department, DepartmentAlias, Jurisdiction, Membership, PasswordState, Role
from .selectors import department_name_index, department_resolve, normalise_name

DEPARTMENT_ROLE_NEEDS_DEPARTMENT = gettext_lazy("联络员和单位负责人必须属于一个部门")
ONLY_DEPARTMENT_ROLES = gettext_lazy("只能添加部门联络员或单位负责人")
USERNAME_TAKEN = gettext_lazy("用户名“%(username)s”已被使用")
MOVE_WITHIN_JURISDICTION = gettext_lazy("只能调整到本行政区的部门")
MOVE_NOT_TO_COLLECTIVE = gettext_lazy("不能调整到集合名称，请选择具体单位")
# 等保 2.0 asks that audit records be kept at least six months; the 网络安全法 (art. 21) says
# "no less than six months" too. 180 days is the floor, not the default: keep longer if you can.
AUDIT_RETENTION_MIN_DAYS = 180
RETENTION_TOO_SHORT = gettext_lazy("审计记录至少保存%(days)s天，不能删除更近的记录")


class UnknownDepartment(ApplicationError):
    """A printed department name that matches no department or alias of the jurisdiction."""

    def __init__(self, name: str, jurisdiction: Jurisdiction):
        self.name = name
        super().__init__(
            _("“%(name)s”不是%(jurisdiction)s已登记的部门或别名")
            % {"name": name, "jurisdiction": jurisdiction.name}
        )


@transaction.atomic
def jurisdiction_ensure(*, name: str, level: str, office_name: str = "") -> Jurisdiction:
    """A jurisdiction is found by name, or created with the given level and office."""
    jurisdiction, _created = Jurisdiction.objects.get_or_create(
        name=name, defaults={"level": level, "office_name": office_name}
    )
    return jurisdiction


@transaction.atomic
def departments_ensure(*, jurisdiction: Jurisdiction, entries: Iterable[dict]) -> list[Department]:
    """Departments with their aliases and collective members are created once; a re-run finds
    them by name and adds only what is missing.

    Each entry: {"name", "kind", "code"?, "aliases"?: [{"name", "note"}], "members"?: "all_units" | [names]}.
    """
    entries = list(entries)
    departments = []
    for order, entry in enumerate(entries, start=1):
        department, _created = Department.objects.get_or_create(
            jurisdiction=jurisdiction,
            name=entry["name"],
            defaults={
                "kind": entry.get("kind", Department.Kind.UNIT),
                "code": entry.get("code", ""),
                "sort_order": order,
            },
        )
        for alias in entry.get("aliases", []):
            DepartmentAlias.objects.get_or_create(
                jurisdiction=jurisdiction,
                name=alias["name"],
                defaults={"department": department, "note": alias.get("note", "")},
            )
        departments.append(department)
    units = [d for d in departments if not d.is_collective]
    by_name = {d.name: d for d in departments}
    for entry, department in zip(entries, departments, strict=True):
        members = entry.get("members")
        if members == "all_units":
            department.members.add(*units)
        elif members:
            department.members.add(*(by_name[name] for name in members))
    return departments


def departments_resolve_all(*, jurisdiction: Jurisdiction, names: Iterable[str]) -> dict[str, Department]:
    """Every printed name resolves to a department, or UnknownDepartment names the first that does not."""
    index = department_name_index(jurisdiction)
    resolved = {}
    for name in names:
        department = department_resolve(jurisdiction=jurisdiction, name=name, index=index)
        if department is None:
            raise UnknownDepartment(name, jurisdiction)
        resolved[name] = department
    return resolved


@transaction.atomic
def department_add_alias(*, department: Department, name: str, note: str = "") -> DepartmentAlias:
    """A printed name the office maps to a department becomes one of its aliases."""
    alias, _created = DepartmentAlias.objects.get_or_create(
        jurisdiction=department.jurisdiction, name=name, defaults={"department": department, "note": note}
    )
    return alias


@transaction.atomic
def user_ensure_with_role(
    *,
    username: str,
    password: str = "",
    password_hash: str = "",
    full_name: str,
    jurisdiction: Jurisdiction,
    role: str,
    department: Department | None = None,
    email: str = "",
) -> Membership:
    """A user holds a role in a jurisdiction (and for liaisons and heads, a department)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "email": email}
    )
    if created:
        # A precomputed hash lets a batch (the demo users) pay for one slow hash, not one each.
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    if role in Role.department_roles() and department is None:
        raise ApplicationError(DEPARTMENT_ROLE_NEEDS_DEPARTMENT, field="department")
    membership, _created = Membership.objects.get_or_create(
        user=user,
        jurisdiction=jurisdiction,
        department=department if role in Role.department_roles() else None,
        role=role,
    )
    return membership


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    jurisdiction=None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Every change worth answering for is recorded once: who, what, on which object, before and after."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        jurisdiction=jurisdiction,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        before=before,
        after=after,
    )


@transaction.atomic
def audit_prune(*, older_than_days: int, actor=None, now: dt.datetime | None = None) -> int:
    """Audit rows older than the given number of days (never fewer than 180) are deleted, and
    the deletion itself is recorded; returns how many were deleted."""
    if older_than_days < AUDIT_RETENTION_MIN_DAYS:
        raise ApplicationError(RETENTION_TOO_SHORT % {"days": AUDIT_RETENTION_MIN_DAYS})
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    expired = AuditEvent.objects.filter(at__lt=cutoff)
    # AuditEventQuerySet.delete() refuses on purpose, so that no code deletes the trail by
    # accident; retention is the one deliberate path. _raw_delete is Django's plain DELETE ...
    # WHERE (no signals, no cascade: nothing points at an audit row), on exactly these rows.
    deleted = expired._raw_delete(expired.db)
    audit_record(
        actor=actor,
        action="audit.prune",
        summary=_("删除%(cutoff)s之前的审计记录%(count)s条（保留%(days)s天）")
        % {
            "cutoff": f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M}",
            "count": deleted,
            "days": older_than_days,
        },
    )
    return deleted


__all__ = [
    "AUDIT_RETENTION_MIN_DAYS",
    "audit_prune",
    "audit_record",
    "UnknownDepartment",
    "department_add_alias",
    "departments_ensure",
    "departments_resolve_all",
    "jurisdiction_ensure",
    "normalise_name",
    "person_create",
    "person_deactivate",
    "person_move",
    "person_reset_password",
    "require_office_of",
    "user_ensure_with_role",
]


# People: the office manages its departments' liaisons and heads ---------------------------------


def temporary_password() -> str:
    """A one-time password meeting the rules (4 classes, 12 characters); changed at first login."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(9))
    return f"{secrets.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{body}{secrets.choice('23456789')}@"


@transaction.atomic
def person_create(
    *,
    actor,
    department: Department,
    role: str,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
) -> tuple[Membership, str]:
    """The office adds a liaison or head to one of its departments with a one-time password that
    must be changed at first login; returns the membership and that password."""
    require_office_of(actor, department.jurisdiction)
    if role not in Role.department_roles():
        raise ApplicationError(ONLY_DEPARTMENT_ROLES, field="role")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ApplicationError(USERNAME_TAKEN % {"username": username}, field="username")
    password = temporary_password()
    user = User(username=username, first_name=full_name, email=email)
    user.set_password(password)
    user.save()
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    membership = Membership.objects.create(
        user=user, jurisdiction=department.jurisdiction, department=department, role=role, phone=phone
    )
    audit_record(
        actor=actor,
        action="people.create",
        obj=membership,
        jurisdiction=department.jurisdiction,
        summary=_("新增%(department)s%(role)s %(name)s（%(username)s）")
        % {
            "department": department.name,
            "role": membership.get_role_display(),
            "name": full_name,
            "username": username,
        },
    )
    return membership, password


@transaction.atomic
def person_deactivate(*, actor, membership: Membership) -> Membership:
    """A deactivated person can no longer sign in; their reports and history stay."""
    require_office_of(actor, membership.jurisdiction)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    if not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    _audit_person(actor, "people.deactivate", membership, _("停用 %(name)s") % {"name": _person_name(user)})
    return membership


@transaction.atomic
def person_reset_password(*, actor, membership: Membership) -> str:
    """A reset gives a one-time password that must be changed at next login, and unlocks the account."""
    require_office_of(actor, membership.jurisdiction)
    user = membership.user
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    from axes.utils import reset as axes_reset

    axes_reset(username=user.username)
    summary = _("重置 %(name)s 的密码") % {"name": _person_name(user)}
    _audit_person(actor, "people.reset_password", membership, summary)
    return password


@transaction.atomic
def person_move(*, actor, membership: Membership, department: Department) -> Membership:
    """A liaison moves to another department of the same jurisdiction, taking no data along."""
    require_office_of(actor, membership.jurisdiction)
    if department.jurisdiction_id != membership.jurisdiction_id:
        raise ApplicationError(MOVE_WITHIN_JURISDICTION, field="department")
    if department.is_collective:
        raise ApplicationError(MOVE_NOT_TO_COLLECTIVE, field="department")
    before = {"department": membership.department.name if membership.department else None}
    membership.department = department
    membership.save(update_fields=["department"])
    summary = _("%(name)s 调整到%(department)s") % {
        "name": _person_name(membership.user),
        "department": department.name,
    }
    _audit_person(
        actor, "people.move", membership, summary, before=before, after={"department": department.name}
    )
    return membership


def _person_name(user) -> str:
    return user.get_full_name() or user.username


def _audit_person(actor, action: str, membership: Membership, summary: str, **changes) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=membership,
        jurisdiction=membership.jurisdiction,
        summary=summary,
        **changes,
    )
