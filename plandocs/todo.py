"""The office's to-do: plan imports read and waiting for the office to check and confirm."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qualitycity.todo import TodoLink, TodoSection

from .models import PlanImport

SHOWN = 10


def imports_awaiting(*, user, scope, today) -> TodoSection | None:
    """The office's draft imports (read, not yet confirmed or discarded), latest first."""
    if not scope.office_jurisdiction_ids:
        return None
    waiting = PlanImport.objects.drafts().filter(jurisdiction_id__in=scope.office_jurisdiction_ids)
    drafts = list(waiting.select_related("created_by").order_by("-updated_at", "-pk")[: SHOWN + 1])
    links = tuple(
        TodoLink(
            label=draft.title or draft.source_name or _("未命名方案"),
            url=reverse("plandocs:plan_import_review", args=[draft.pk]),
            note=(draft.created_by.get_full_name() or draft.created_by.username) if draft.created_by else "",
            when=draft.updated_at,
        )
        for draft in drafts[:SHOWN]
    )
    more = waiting.count() - SHOWN if len(drafts) > SHOWN else 0
    return TodoSection(key="plan_imports", title=_("待确认的方案导入"), links=links, order=40, more=more)
