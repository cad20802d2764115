"""Writes of responsibilities data."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import AuditEvent, Department, DepartmentAlias, Jurisdiction, Membership, Role
from .selectors import department_name_index, department_resolve, normalise_name


class UnknownDepartment(ValueError):
    """A printed department name that matches no department or alias of the jurisdiction."""

    def __init__(self, name: str, jurisdiction: Jurisdiction):
        self.name = name
        super().__init__(f"“{name}”不是{jurisdiction.name}已登记的部门或别名")


@transaction.atomic
def jurisdiction_ensure(*, name: str, level: str, office_name: str = "") -> Jurisdiction:
    """A jurisdiction is found by name, or created with the given level and office."""
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
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
        department, _ = Department.objects.get_or_create(
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
    alias, _ = DepartmentAlias.objects.get_or_create(
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
        raise ValueError("联络员和单位负责人必须属于一个部门")
    membership, _ = Membership.objects.get_or_create(
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


__all__ = [
    "audit_record",
    "UnknownDepartment",
    "department_add_alias",
    "departments_ensure",
    "departments_resolve_all",
    "jurisdiction_ensure",
    "normalise_name",
    "user_ensure_with_role",
]
