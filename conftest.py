"""The shared cast: one jurisdiction with its office, a liaison, a head and a leader, and an
outsider jurisdiction whose data nobody in the cast may see (built by tests.factories.cast_create).
Under pytest-xdist each worker gets a Redis database of its own (pytest_configure below)."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.factories import Cast, cast_create

# The open period and its rated indicator, shared by the reporting, dashboard and assessment tests.
pytest_plugins = ["tests.period_fixtures"]


def redis_url_for_xdist_worker(base: str, worker: str) -> str:
    """gw0 → the base database + 1, gw1 → + 2, …: each pytest-xdist worker flushes only its own
    Redis database (the caches are cleared before every test, and RedisCache.clear() is FLUSHDB,
    which would otherwise delete the other worker's Celery broker messages)."""
    parts = urlsplit(base)
    path = parts.path.strip("/")
    number = int(path) if path.isdigit() else 0
    database = number + 1 + int(worker.removeprefix("gw"))
    if database > 15:
        raise pytest.UsageError(f"REDIS_URL {base}: no Redis database left for xdist worker {worker}")
    return urlunsplit(parts._replace(path=f"/{database}"))


def pytest_configure(config):
    worker, base = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("REDIS_URL")
    if not (worker and base):
        return
    from django.conf import settings

    url = redis_url_for_xdist_worker(base, worker)
    os.environ["REDIS_URL"] = url  # for any process a test starts with the environment
    settings.REDIS_URL = url
    settings.CACHES["default"]["LOCATION"] = url
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
    from qualitycity.celery import app

    app.conf.update(broker_url=url, result_backend=url)


@pytest.fixture(autouse=True)
def chinese_first():
    """Each test starts in Simplified Chinese: a request in English leaves its language active in
    the thread, and a later test that reads a message directly would read it in English."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches, the shared one and this process's own: cached pages
    of one test's data never reach another."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def dashboards_see_every_write(settings):
    """Tests read the dashboard data's fingerprint on every request, so that a write made by
    a test shows at once; the one second production trusts it for is tested on its own."""
    from dashboards.selectors import _RECENT_FINGERPRINT

    settings.DASHBOARD_FINGERPRINT_SECONDS = 0
    _RECENT_FINGERPRINT.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db) -> Cast:
    return cast_create()
