"""The scope of a user: which jurisdictions and departments they see, computed in one place.

Every app's access checks and scoped queries start here (responsibilities.selectors re-exports
these names for the apps that import them from there).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .models import Jurisdiction, Membership, Role

# Province, city, county, district or zone below a county: the deepest a tree goes.
LEVELS_BELOW = 4


@dataclass(frozen=True)
class Scope:
    """What a user may see: whole jurisdictions (office, leaders, and read-only every jurisdiction
    below theirs) and single departments. Only office_jurisdiction_ids may be changed."""

    jurisdiction_ids: frozenset[int]
    department_ids: frozenset[int]
    office_jurisdiction_ids: frozenset[int]
    leader_jurisdiction_ids: frozenset[int] = frozenset()
    is_superuser: bool = False
    # The jurisdictions below an office's or a leader's own: overseen, never edited.
    below_jurisdiction_ids: frozenset[int] = frozenset()

    def sees_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.is_superuser or jurisdiction_id in self.jurisdiction_ids

    @property
    def own_overseen_jurisdiction_ids(self) -> frozenset[int]:
        """The jurisdictions where the user is the office or a leader (not those below)."""
        return self.office_jurisdiction_ids | self.leader_jurisdiction_ids

    @property
    def overseen_jurisdiction_ids(self) -> frozenset[int]:
        """Jurisdictions whose every department's reports the user reads: office and leaders,
        and every jurisdiction below theirs."""
        return self.office_jurisdiction_ids | self.leader_jurisdiction_ids | self.below_jurisdiction_ids

    def is_below(self, jurisdiction_id: int) -> bool:
        """A jurisdiction the user oversees from above (read-only), not one of their own."""
        return jurisdiction_id in self.below_jurisdiction_ids

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
    roles = roles_for_user(user)
    rows = [(r.jurisdiction_id, r.department_id, r.role) for r in roles]
    overseers = {r.jurisdiction_id for r in roles if r.role in Role.office_roles() | {Role.LEADER}}
    # one query more, only for an office or a leader whose jurisdiction has any below it
    below = descendant_ids(overseers & {r.jurisdiction_id for r in roles if r.has_children})
    own = frozenset(j for j, _, _ in rows)
    scope = Scope(
        jurisdiction_ids=own | below,
        department_ids=frozenset(d for _, d, r in rows if d and r in Role.department_roles()),
        office_jurisdiction_ids=frozenset(j for j, _, r in rows if r in Role.office_roles()),
        leader_jurisdiction_ids=frozenset(j for j, _, r in rows if r == Role.LEADER),
        is_superuser=user.is_superuser,
        below_jurisdiction_ids=below - overseers,
    )
    user._qc_scope = scope
    return scope


def descendant_ids(jurisdiction_ids) -> frozenset[int]:
    """Every jurisdiction below the given ones (children, grandchildren, …), in one query."""
    if not jurisdiction_ids:
        return frozenset()
    ids = list(jurisdiction_ids)
    below = Q()
    for depth in range(1, LEVELS_BELOW + 1):
        below |= Q(**{"__".join(["parent"] * depth) + "_id__in": ids})
    return frozenset(Jurisdiction.objects.filter(below).values_list("pk", flat=True))


def ancestor_ids(jurisdiction_id: int) -> list[int]:
    """The jurisdictions above one, nearest first, in one query."""
    fields = ["__".join(["parent"] * depth) + "_id" for depth in range(1, LEVELS_BELOW + 1)]
    row = Jurisdiction.objects.filter(pk=jurisdiction_id).values_list(*fields).first() or ()
    return [pk for pk in row if pk is not None]


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
    has_children: bool = False  # the jurisdiction has others below it

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
            .annotate(has_children=Exists(Jurisdiction.objects.filter(parent_id=OuterRef("jurisdiction_id"))))
            .values_list(
                "jurisdiction_id",
                "department_id",
                "role",
                "jurisdiction__name",
                "department__name",
                "department__sort_order",
                "has_children",
            )
        )
        ordered = sorted(rows, key=lambda r: (r[3], r[1] is None, r[5] or 0, r[4] or "", r[2]))
        cached = [
            RoleHeld(j, d, role, dname or jname, children)
            for j, d, role, jname, dname, _, children in ordered
        ]
        user._qc_roles = cached
    return cached


def office_jurisdiction_for_user(*, user, refused, pk=None) -> Jurisdiction:
    """The jurisdiction the user acts on as its office: the one asked for if they are its office,
    else their first; a user who is no office's is refused with the message given (403)."""
    scope = user_scope(user)
    if scope.is_superuser:
        ids = sorted(Jurisdiction.objects.values_list("pk", flat=True))
    else:
        ids = sorted(scope.office_jurisdiction_ids)
    return _chosen_jurisdiction(ids, ids, pk=pk, refused=refused)


def overseen_jurisdiction_for_user(*, user, refused, pk=None) -> Jurisdiction:
    """The jurisdiction whose work the user reads as its office or leader: the one asked for if
    they oversee it (their own, or one below, read-only), else their own first; a user who
    oversees none is refused with the message given (403)."""
    scope = user_scope(user)
    if scope.is_superuser:
        ids = own = sorted(Jurisdiction.objects.values_list("pk", flat=True))
    else:
        ids, own = sorted(scope.overseen_jurisdiction_ids), sorted(scope.own_overseen_jurisdiction_ids)
    return _chosen_jurisdiction(ids, own, pk=pk, refused=refused)


def _chosen_jurisdiction(ids: list[int], own: list[int], *, pk, refused) -> Jurisdiction:
    from django.core.exceptions import PermissionDenied

    from qualitycity.params import parse_int

    if not ids:
        raise PermissionDenied(refused)
    chosen = parse_int(str(pk or ""))
    return Jurisdiction.objects.get(pk=chosen if chosen in ids else (own or ids)[0])
