"""Figures for the open interfaces: the API's list of a plan's targets with their statuses
(the seed_large plan's 1,200), read with a token as an integration would."""

from __future__ import annotations

import datetime as dt
import time

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from interfaces.models import ApiToken
from interfaces.tokens import token_create
from programmes.models import Plan
from targets.models import Target

from .measure import p95, time_get


def api_figures(*, plan: Plan, user, requests: int) -> dict:
    """The p95, median and queries of GET /api/v1/plans/<id>/targets through the whole stack
    (token check, rate count, use record, the list as the cache holds it for the data's state),
    and the p95 of the first request after a change, which computes every status in bulk and
    renders the JSON; the bench's token is removed afterwards with its uses."""
    token, key = token_create(
        jurisdiction=plan.jurisdiction, actor=user, name="bench", scope=ApiToken.Scope.READ, days=1
    )
    try:
        client = Client(headers={"authorization": f"Bearer {key}"})
        url = reverse("interfaces:api_v1:plan_targets", args=[plan.pk])
        # The benchmark asks faster than an integration may: the rate limit is not what is measured.
        with override_settings(API_RATE_LIMIT_PER_MINUTE=10**9):
            timing = time_get(client, url, requests=requests)
            # The first request after a change builds the list: each date asked for is a new
            # entry of the cache, so each of these builds it.
            today = timezone.localdate()
            built = []
            for days in range(1, max(5, requests // 20) + 1):
                started = time.perf_counter()
                response = client.get(url, {"as_of": (today - dt.timedelta(days=days)).isoformat()})
                built.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
        targets = Target.objects.filter(task__plan=plan).count()
    finally:
        token.delete()
    return {
        "api_list_p95_ms": timing.p95_ms,
        "api_list_median_ms": timing.median_ms,
        "api_list_queries": timing.queries,
        "api_list_built_p95_ms": round(p95(built), 2),
        "api_list_targets": targets,
    }
