"""Figures for the roll-up dashboard: a city office's roll-up over its counties on the province
data (`seed_large --province`), served from the cache and built afresh, its queries, and how its
speed holds when the other cities' data grow tenfold (copied in SQL inside a transaction that is
rolled back, as bench.dashboard does for the office dashboard)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dashboards.rollup_views import _rollup_cache_key
from responsibilities.models import Jurisdiction, Membership, Role
from responsibilities.scope import descendant_ids

from .dashboard import GROWN_MODELS, _requests_keep_the_connection, _settle, grow_tenfold
from .measure import time_cold_get, time_get
from .world import bench_jurisdictions


def rollup_city() -> tuple[Jurisdiction, object] | None:
    """The first bench city with counties under it, and its office; None without a province."""
    city = (
        bench_jurisdictions()
        .filter(level=Jurisdiction.Level.CITY, children__isnull=False)
        .distinct()
        .order_by("name")
        .first()
    )
    if city is None:
        return None
    office = (
        Membership.objects.filter(jurisdiction=city, role=Role.OFFICE_ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return city, office.user


def _forget(city: Jurisdiction):
    """Retires the city's cached roll-up (both caches), so that the next view builds it."""

    def renew() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            key = _rollup_cache_key(city.pk)
        cache.delete(key)
        caches["local"].delete(key)

    return renew


def rollup_figures(*, client: Client, city: Jurisdiction, requests: int, grow_counties: bool = False) -> dict:
    """The roll-up's p95 from the cache and built, its queries, and its p95 (both) after the other
    cities' data grew tenfold over its p95 before. The other cities' counties grow too only with
    grow_counties: at the present scale that is ninety-six jurisdictions copied nine times."""
    url = reverse("dashboards:rollup", args=[city.pk])
    # Built afresh, the page costs seconds under load: twenty builds give its p95 well enough.
    built_requests = max(5, min(20, requests // 10))
    _settle()
    before = time_get(client, url, requests=requests)
    before_built = time_cold_get(client, url, requests=built_requests, renew=_forget(city))
    figures = {
        "rollup_dashboard_p95_ms": before.p95_ms,
        "rollup_dashboard_median_ms": before.median_ms,
        "rollup_dashboard_cached_queries": before.queries,
        "rollup_dashboard_built_p95_ms": before_built.p95_ms,
        "rollup_dashboard_built_median_ms": before_built.median_ms,
        "rollup_dashboard_queries": before_built.queries,
        "rollup_children": Jurisdiction.objects.filter(parent=city).count(),
    }
    if connection.vendor != "postgresql":
        figures["rollup_growth_ratio"] = None  # the copies are made in PostgreSQL's SQL
        return figures
    with transaction.atomic(), _requests_keep_the_connection():
        own = {city.pk} | descendant_ids([city.pk])
        others = bench_jurisdictions().exclude(pk__in=own).filter(level=Jurisdiction.Level.CITY)
        if grow_counties:
            others = bench_jurisdictions().exclude(pk__in=own)
        grown = grow_tenfold(list(others.values_list("pk", flat=True)))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _settle()
        after = time_get(client, url, requests=requests)
        after_built = time_cold_get(client, url, requests=built_requests, renew=_forget(city))
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        for model in GROWN_MODELS:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    figures["rollup_growth_ratio"] = round(after.p95_ms / before.p95_ms, 2) if before.p95_ms else None
    figures["rollup_built_growth_ratio"] = (
        round(after_built.p95_ms / before_built.p95_ms, 2) if before_built.p95_ms else None
    )
    figures["rollup_grown_p95_ms"] = after.p95_ms
    figures["rollup_grown_built_p95_ms"] = after_built.p95_ms
    figures["rollup_grown_rows"] = grown
    return figures
