"""The plan page's cache: the reference document everybody who may see a plan reads, rendered
once per state of what it shows and served from the shared cache (Redis in production) after.

An entry is stamped with everything that can change what the page shows:
- the plan's own row (pk, created_at, revision, updated_at): every change through
  `revisions.plan_change` bumps the revision, and a save of the plan moves updated_at;
- the jurisdiction's version, a counter in the shared cache bumped whenever a department, an
  alias, an indicator, or anything of a plan (heading, task, assignment, target, milestone) is
  saved or deleted: a department renamed or an indicator given another reporting department
  changes every plan page of the jurisdiction without touching any plan.
The key itself names the plan, the language and the templates' source, so a deployment with
changed templates never serves a fragment of the old ones.

The counter lives in the shared cache, never in a process's memory, so that every app server
sees a bump at once. A missing counter (evicted, or the cache flushed) starts again at a random
value, so that it never returns to a value an older entry was stamped with. It is bumped twice:
at once, which a reader in the same transaction (and a test in its rolled-back transaction)
sees, and again after commit, which retires whatever a reader built from the data as it stood
before the commit, between the first bump and the commit.

Blind spots: writes that send no signal (QuerySet.update, bulk_create, raw SQL) to departments,
aliases or indicators outside plan_change; PAGE_SECONDS bounds them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.utils.translation import get_language

from responsibilities.models import Department, DepartmentAlias

from .models import Assignment, Heading, Milestone, Plan, Task

# How long a rendered page is kept: an upper bound on the blind spots above.
PAGE_SECONDS = 60 * 60
PAGE_TEMPLATES = (
    "programmes/_plan_tree.html",
    "programmes/_departments.html",
    "programmes/_targets.html",
)


@dataclasses.dataclass(frozen=True)
class PlanPage:
    """The cached part of the plan page: the tree as HTML, and the figures shown above it."""

    stamp: tuple
    tree: str
    task_count: int
    withdrawn_count: int
    target_count: int
    has_appendix: bool


def plan_page_get(*, plan: Plan, build: Callable[[tuple], PlanPage]) -> PlanPage:
    """The plan's page as cached for its current state, or built by `build(stamp)` and cached.

    One round trip to the cache on a hit: the jurisdiction's version and the page are read
    together, and the page is used only if its stamp names the state read."""
    page_key, version_key = _page_key(plan), _version_key(plan.jurisdiction_id)
    found = cache.get_many([page_key, version_key])
    version = found.get(version_key)
    if version is None:
        version = _version_start(version_key)
    stamp = (plan.pk, plan.created_at.isoformat(), plan.revision, plan.updated_at.isoformat(), version)
    stored = found.get(page_key)
    if isinstance(stored, dict) and stored.get("stamp") == stamp:
        try:
            return PlanPage(**stored)
        except TypeError:
            pass  # stored by a version of this class with other fields: built afresh
    page = build(stamp)
    # Stored as a plain dict: an entry outlives a deployment that changes this class.
    cache.set(page_key, dataclasses.asdict(page), timeout=PAGE_SECONDS)
    return page


def jurisdiction_pages_renew(jurisdiction_ids) -> None:
    """Every cached plan page of these jurisdictions is out of date from now on."""
    for jurisdiction_id in set(jurisdiction_ids):
        # No counter: the next reader starts a new one, which no entry is stamped with.
        with contextlib.suppress(ValueError):
            cache.incr(_version_key(jurisdiction_id))


def _page_key(plan: Plan) -> str:
    return f"plan-page:{plan.pk}:{get_language()}:{_templates_digest()}"


def _version_key(jurisdiction_id: int) -> str:
    return f"plan-page-version:{jurisdiction_id}"


def _version_start(key: str):
    cache.add(key, secrets.randbits(62), timeout=None)
    return cache.get(key)


_TEMPLATES_DIGEST: list[str] = []


def _templates_digest() -> str:
    """The page templates' source, hashed once per process (on every request under DEBUG,
    where templates are edited while the server runs)."""
    if not _TEMPLATES_DIGEST or settings.DEBUG:
        _TEMPLATES_DIGEST.clear()
        digest = hashlib.sha256()
        for name in PAGE_TEMPLATES:
            digest.update(get_template(name).template.source.encode())
        _TEMPLATES_DIGEST.append(digest.hexdigest()[:12])
    return _TEMPLATES_DIGEST[0]


# What the page shows, and how each kind of row leads to its jurisdiction: directly, through
# its plan or through its task. The targets app sits above this one: its models by label.
_OWNER_FIELD = {
    Department: "jurisdiction_id",
    DepartmentAlias: "jurisdiction_id",
    "targets.Indicator": "jurisdiction_id",
    Plan: "jurisdiction_id",
    Heading: "plan_id",
    Task: "plan_id",
    Assignment: "task_id",
    "targets.Target": "task_id",
    Milestone: "task_id",
}


class _Pending:
    """The jurisdictions, plans and tasks whose rows a transaction changed: resolved to
    jurisdictions and renewed after it commits, in two queries however many rows changed."""

    def __init__(self):
        self.ids = {"jurisdiction_id": set(), "plan_id": set(), "task_id": set()}

    def __call__(self) -> None:
        jurisdictions = set(self.ids["jurisdiction_id"])
        tasks, plans = sorted(self.ids["task_id"]), set(self.ids["plan_id"])
        # A row whose task or plan was deleted too is covered by that task's or plan's own row.
        for start in range(0, len(tasks), 500):
            plans.update(
                Task.objects.filter(pk__in=tasks[start : start + 500]).values_list("plan_id", flat=True)
            )
        plans = sorted(plans)
        for start in range(0, len(plans), 500):
            jurisdictions.update(
                Plan.objects.filter(pk__in=plans[start : start + 500]).values_list(
                    "jurisdiction_id", flat=True
                )
            )
        jurisdiction_pages_renew(jurisdictions)

    def registered_on(self, connection) -> bool:
        return any(func is self for _sids, func, _robust in connection.run_on_commit)


def _row_changed(sender, instance, using, **kwargs) -> None:
    field = _OWNER_FIELD.get(sender) or _OWNER_FIELD.get(sender._meta.label)
    owner = getattr(instance, field, None)
    if owner is None:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:  # committed already
        pending = _Pending()
        pending.ids[field].add(owner)
        pending()
        return
    if field == "jurisdiction_id":
        jurisdiction_pages_renew([owner])  # at once, for readers inside this transaction
    pending = getattr(connection, "_plan_pages_pending", None)
    if pending is None or not pending.registered_on(connection):
        pending = _Pending()
        # Robust: a cache or database hiccup after the commit must not fail a committed write.
        transaction.on_commit(pending, using=using, robust=True)
        connection._plan_pages_pending = pending
    pending.ids[field].add(owner)


for _sender in _OWNER_FIELD:
    _label = _sender if isinstance(_sender, str) else _sender._meta.label
    post_save.connect(_row_changed, sender=_sender, dispatch_uid=f"plan_page_renew_save:{_label}")
    post_delete.connect(_row_changed, sender=_sender, dispatch_uid=f"plan_page_renew_delete:{_label}")
