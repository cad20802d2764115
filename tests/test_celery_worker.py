"""A real Celery worker process runs a task sent through Redis (the production path).

It needs REDIS_URL; CI sets it (.ci/run), a first look on the embedded default skips it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from qualitycity.tasks import health_check

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）"),
]


def database_url_for_worker() -> str:
    """The worker must use the test database the test runner created, not the configured one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    env = dict(os.environ, DATABASE_URL=database_url_for_worker(), REDIS_URL=settings.CELERY_BROKER_URL)
    queue = f"test-{os.getpid()}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qualitycity",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_worker_process_runs_a_task_through_redis(worker):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    # when a task is sent to the worker's queue through the broker
    result = health_check.apply_async(queue=worker)
    # then another process answers, having reached the database
    answer = result.get(timeout=60)
    assert answer["database"] == "ok"
    assert answer["host"]
    assert result.successful()
    # and the answer came from outside this process: eager tasks never touch the backend
    assert result.backend.get_task_meta(result.id)["status"] == "SUCCESS"
