"""Reads of responsibilities data, and the scoping every other app's queries go through."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch

from .models import Department, DepartmentAlias, Jurisdiction, Membership, Role


@dataclass(frozen=True)
class Scope:
    """What a user may see: whole jurisdictions (office, leaders) and single departments."""

    jurisdiction_ids: frozenset[int]
    department_ids: frozenset[int]
    office_jurisdiction_ids: frozenset[int]
    leader_jurisdiction_ids: frozenset[int] = frozenset()
    is_superuser: bool = False

    def sees_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.is_superuser or jurisdiction_id in self.jurisdiction_ids

    @property
    def overseen_jurisdiction_ids(self) -> frozenset[int]:
        """Jurisdictions whose every department's reports the user reads: office and leaders."""
        return self.office_jurisdiction_ids | self.leader_jurisdiction_ids

    def is_office_of(self, jurisdiction_id: int) -> bool:
        return self.is_superuser or jurisdiction_id in self.office_jurisdiction_ids


def user_scope(user) -> Scope:
    """The user's scope, computed once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return Scope(frozenset(), frozenset(), frozenset())
    cached = getattr(user, "_qc_scope", None)
    if cached is not None:
        return cached
    rows = [(r.jurisdiction_id, r.department_id, r.role) for r in roles_for_user(user)]
    scope = Scope(
        jurisdiction_ids=frozenset(j for j, _, _ in rows),
        department_ids=frozenset(d for _, d, r in rows if d and r in Role.department_roles()),
        office_jurisdiction_ids=frozenset(j for j, _, r in rows if r in Role.office_roles()),
        leader_jurisdiction_ids=frozenset(j for j, _, r in rows if r == Role.LEADER),
        is_superuser=user.is_superuser,
    )
    user._qc_scope = scope
    return scope


def jurisdiction_ids_for_user(user):
    """Jurisdictions whose data the user may read; a superuser reads every jurisdiction."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Jurisdiction.objects.values("id")
    return scope.jurisdiction_ids


def audit_events_for_user(*, user):
    """The audit trail is read by the audit administrator and the office, each for their own
    jurisdiction (a superuser reads all); anyone else is refused."""
    from django.core.exceptions import PermissionDenied

    from .models import AuditEvent

    if user_scope(user).is_superuser:
        return AuditEvent.objects.all()
    readable = Membership.objects.filter(
        user=user, is_active=True, role__in=[Role.AUDIT_ADMIN, *Role.office_roles()]
    ).values("jurisdiction_id")
    if not readable.exists():
        raise PermissionDenied("只有审计管理员和质强办可以查看审计日志")
    return AuditEvent.objects.filter(jurisdiction_id__in=readable)


@dataclass(frozen=True)
class RoleHeld:
    """One of the user's active roles, named as the page header shows it."""

    jurisdiction_id: int
    department_id: int | None
    role: str
    place: str  # the department's name, or the jurisdiction's for a jurisdiction-wide role

    @property
    def label(self) -> str:
        return Role(self.role).label


def roles_for_user(user) -> list[RoleHeld]:
    """The user's active roles, in the order of Membership.Meta.ordering: read once per request
    in one query (the scope and the page header share it) and cached on the user object."""
    cached = getattr(user, "_qc_roles", None)
    if cached is None:
        rows = (
            Membership.objects.filter(user=user, is_active=True)
            .order_by()  # the Meta ordering joins four tables; the rows are sorted below
            .values_list(
                "jurisdiction_id",
                "department_id",
                "role",
                "jurisdiction__name",
                "department__name",
                "department__sort_order",
            )
        )
        ordered = sorted(rows, key=lambda r: (r[3], r[1] is None, r[5] or 0, r[4] or "", r[2]))
        cached = [RoleHeld(j, d, role, dname or jname) for j, d, role, jname, dname, _ in ordered]
        user._qc_roles = cached
    return cached


_PUNCT = re.compile(r"[\s\u3000,，、;；:：。.()（）“”\"'《》]")


def normalise_name(name: str) -> str:
    """Names compare without width, space and punctuation differences (（区）= (区))."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or ""))


def department_name_index(jurisdiction: Jurisdiction) -> dict[str, Department]:
    """Every name a department of the jurisdiction is known by, normalised, mapped to it."""
    departments = Department.objects.filter(jurisdiction=jurisdiction).prefetch_related(
        Prefetch("aliases", queryset=DepartmentAlias.objects.only("name", "department_id"))
    )
    index: dict[str, Department] = {}
    for department in departments:
        index.setdefault(normalise_name(department.name), department)
        for alias in department.aliases.all():
            index.setdefault(normalise_name(alias.name), department)
    return index


def department_resolve(*, jurisdiction: Jurisdiction, name: str, index: dict[str, Department] | None = None):
    """A printed name resolves to a department by its name or an alias, with or without the
    jurisdiction's level prefix (住建局 = 市住建局 in a city); an unknown name gives None."""
    index = department_name_index(jurisdiction) if index is None else index
    key = normalise_name(name)
    if not key:
        return None
    if key in index:
        return index[key]
    prefix = jurisdiction_prefix(jurisdiction)
    if not prefix:
        return None
    # 市场监管局 starts with 市 yet is printed without the prefix: try adding before stripping.
    candidates = [prefix + key]
    if key.startswith(prefix):
        candidates.append(key[len(prefix) :])
    return next((index[c] for c in candidates if c in index), None)


def jurisdiction_prefix(jurisdiction: Jurisdiction) -> str:
    """Departments print the last character of their jurisdiction's name: 市住建局 in 太仓市,
    县住建局 in a 县, 区住建局 in a 区."""
    last = (jurisdiction.name or "")[-1:]
    return last if last in {"市", "县", "区", "旗"} else ""
