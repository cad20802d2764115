"""Reads of responsibilities data: department names and how a printed name resolves."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Prefetch

from .models import Department, DepartmentAlias, Jurisdiction, Membership

# The scope is computed in scope.py; other apps import these names from here.
from .scope import RoleHeld, Scope, jurisdiction_ids_for_user, roles_for_user, user_scope

__all__ = [
    "RoleHeld",
    "Scope",
    "department_name_index",
    "department_resolve",
    "jurisdiction_ids_for_user",
    "jurisdiction_prefix",
    "user_home_jurisdiction",
    "normalise_name",
    "roles_for_user",
    "user_scope",
]


_PUNCT = re.compile(r"[\s\u3000,，、;；:：。.()（）“”\"'《》]")


def normalise_name(name: str) -> str:
    """Names compare without width, space and punctuation differences (（区）= (区))."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or ""))


def department_name_index(jurisdiction: Jurisdiction) -> dict[str, Department]:
    """Every name a department of the jurisdiction is known by, normalised, mapped to it; a
    name an active department answers to wins over a merged or retired one's own name (市质监局,
    merged into 市市场监管局, resolves to the latter)."""
    departments = (
        Department.objects.filter(jurisdiction=jurisdiction)
        .prefetch_related(Prefetch("aliases", queryset=DepartmentAlias.objects.only("name", "department_id")))
        .order_by("-is_active", "sort_order", "name")
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


def user_home_jurisdiction(user) -> Jurisdiction | None:
    """The jurisdiction whose audit trail records what a user does to their own account (signing
    in, failing to, changing the password): their first active role's, else their first role's
    (a deactivated account is still someone's to watch); None for no user or a user of none."""
    if user is None or not getattr(user, "pk", None):
        return None
    memberships = Membership.objects.filter(user=user).select_related("jurisdiction")
    membership = memberships.order_by("-is_active", "jurisdiction__name", "pk").first()
    return membership.jurisdiction if membership else None
