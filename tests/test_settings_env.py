"""Settings come from the environment: unset, SQLite with in-process tasks; set, the real stack."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'name': str(settings.DATABASES['default']['NAME']), 'eager': settings.CELERY_TASK_ALWAYS_EAGER,"
    " 'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['BACKEND'],"
    " 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, 'lang': settings.LANGUAGE_CODE,"
    " 'tz': settings.TIME_ZONE}))"
)
KEYS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


def settings_with(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in KEYS}
    clean.update(env, DJANGO_SETTINGS_MODULE="qualitycity.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_unset_environment_gives_the_embedded_default():
    s = settings_with()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["eager"] is True
    assert s["cache"].endswith("LocMemCache")
    assert s["debug"] is False
    assert (s["lang"], s["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_set_environment_gives_postgresql_and_a_redis_worker():
    s = settings_with(
        DATABASE_URL="postgres://portal@db.internal:5432/qc",
        REDIS_URL="redis://cache.internal:6379/1",
        DEBUG="true",
        ALLOWED_HOSTS="zlqs.example.gov.cn, 10.0.0.5",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "qc"
    assert s["eager"] is False
    assert s["broker"] == "redis://cache.internal:6379/1"
    assert s["cache"].endswith("RedisCache")
    assert s["debug"] is True
    assert s["hosts"] == ["zlqs.example.gov.cn", "10.0.0.5"]


def _production(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in KEYS}
    clean.update(env, DJANGO_SETTINGS_MODULE="qualitycity.settings", DEPLOYMENT="production")
    clean.setdefault("ALLOWED_HOSTS", "zlqs.example.gov.cn")
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_key_of_its_own():
    from qualitycity.settings import EMBEDDED_SECRET_KEY

    # given production settings with no key, the committed fallback key, or a short one
    for env in ({}, {"SECRET_KEY": EMBEDDED_SECRET_KEY}, {"SECRET_KEY": "short-key"}):
        # when the settings load, then they refuse with a message that names the setting
        result = _production(**env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


SERVICES = {"DATABASE_URL": "postgres://portal@db:5432/qualitycity", "REDIS_URL": "redis://redis:6379/0"}


def test_production_refuses_what_works_on_one_machine_only():
    # given production settings on SQLite or without Redis (the in-process cache and tasks)
    for missing in ("DATABASE_URL", "REDIS_URL"):
        env = {k: v for k, v in SERVICES.items() if k != missing}
        # when the settings load, then they refuse, naming both
        result = _production(SECRET_KEY="k7" * 30 + "Zq!x", **env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "REDIS_URL" in result.stderr, result.stderr


def test_production_starts_with_its_own_key():
    result = _production(SECRET_KEY="k7" * 30 + "Zq!x", **SERVICES)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False
