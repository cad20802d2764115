"""The scope of a user: which jurisdictions and departments they see, computed in one place.

Every app's access checks and scoped queries start here (responsibilities.selectors re-exports
these names for the apps that import them from there).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Jurisdiction, Membership, Role


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

    def oversees(self, jurisdiction_id: int) -> bool:
        """The office and the leaders of a jurisdiction read all of its departments' work."""
        return self.is_superuser or jurisdiction_id in self.overseen_jurisdiction_ids


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
