"""The roll-up dashboard: a jurisdiction's children side by side, for its office and leaders and
for those above it, read-only."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from programmes.models import Task
from responsibilities.models import Jurisdiction
from targets.status import TargetStatus

from .access import dashboard_jurisdiction_id_for_user
from .selectors import dashboard_recent_fingerprint
from .selectors.rollup import rollup_build

ROLLUP_CACHE_SECONDS = 600


@login_required
def rollup(request: HttpRequest, jurisdiction_pk: int) -> HttpResponse:
    """A jurisdiction's children ranked, with their tasks, targets and reporting, the tasks it
    delegated to them and its indicators beside theirs; built once per data state."""
    jurisdiction_id = dashboard_jurisdiction_id_for_user(user=request.user, pk=jurisdiction_pk)
    key = _rollup_cache_key(jurisdiction_id)
    body = caches["local"].get(key)
    if body is None:
        body = cache.get(key)
        if body is None:
            body = _rollup_body(request, jurisdiction_id)
            cache.set(key, body, timeout=ROLLUP_CACHE_SECONDS)
        caches["local"].set(key, body, timeout=ROLLUP_CACHE_SECONDS)
    return render(request, "dashboards/rollup.html", {"body": mark_safe(body)})  # noqa: S308  # nosec B308 B703 - our own rendered template


def _rollup_cache_key(jurisdiction_id: int) -> str:
    """The same for everyone who may open it (it is read-only, the same for office and leaders):
    keyed by the jurisdiction, the language, today and the data's fingerprint, as the office
    dashboard is (see dashboards.views._dashboard_cache_key)."""
    question = (
        jurisdiction_id,
        get_language(),
        timezone.localdate().isoformat(),
        dashboard_recent_fingerprint(),
    )
    return "rollup:" + hashlib.sha256(repr(question).encode()).hexdigest()


def _rollup_body(request: HttpRequest, jurisdiction_id: int) -> str:
    board = rollup_build(jurisdiction=Jurisdiction.objects.get(pk=jurisdiction_id))
    context = {
        "board": board,
        "task_labels": Task.Status.choices,
        "target_labels": TargetStatus.choices,
    }
    return render_to_string("dashboards/rollup_body.html", context, request=request)
