"""Real Celery processes on Redis (the production path): a worker answers a task, and beat,
reading its schedule from the database, has the worker open and close reporting periods.

They need REDIS_URL; CI sets it (.ci/run), a first look on the embedded default skips them.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from qualitycity.tasks import health_check

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）"),
]


def database_url_for_processes() -> str:
    """The processes must use the test database the test runner created, not the configured one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery(transactional_db, tmp_path):
    """Starts celery processes (worker, beat) on a queue of this test run; stops them after."""
    env = dict(os.environ, DATABASE_URL=database_url_for_processes(), REDIS_URL=settings.CELERY_BROKER_URL)
    queue = f"test-{os.getpid()}-{time.time_ns()}"
    procs = []

    def start(kind: str):
        args = [sys.executable, "-m", "celery", "-A", "qualitycity", kind, "-l", "warning"]
        if kind == "worker":
            args += [
                "-Q",
                queue,
                "-c",
                "1",
                "-P",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{queue}@%h",
            ]
        else:
            args += ["-s", str(tmp_path / "beat-schedule"), "--max-interval", "1"]
        log = open(tmp_path / f"{kind}.log", "w")  # noqa: SIM115 - closed with the process below
        procs.append((subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))

    start.queue = queue
    start.logs = tmp_path
    yield start
    for proc, log in procs:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, *, seconds: float, what: str, logs: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    output = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs.glob("*.log"))
    pytest.fail(f"{what} did not happen within {seconds}s\n{output}")


def test_a_worker_process_runs_a_task_through_redis(celery):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    celery("worker")
    # when a task is sent to the worker's queue through the broker
    result = health_check.apply_async(queue=celery.queue)
    # then another process answers, having reached the database
    answer = result.get(timeout=60)
    assert answer == {"host": answer["host"], "database": "ok"}
    assert result.backend.get_task_meta(result.id)["status"] == "SUCCESS"


def test_beat_reads_the_schedule_from_the_database_and_the_worker_opens_and_closes_periods(celery):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from reports.models import ReportingPeriod
    from reports.services import period_ensure
    from tests.factories import AssignmentFactory, DepartmentFactory, PlanFactory, TaskFactory

    # given a city with an active plan, last month's period open past its deadline
    today = timezone.localdate()
    plan = PlanFactory(year_start=today.year - 1, year_end=today.year)
    AssignmentFactory(
        task=TaskFactory(plan=plan), department=DepartmentFactory(jurisdiction=plan.jurisdiction)
    )
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    previous = period_ensure(jurisdiction=plan.jurisdiction, year=last_month.year, month=last_month.month)
    ReportingPeriod.objects.filter(pk=previous.pk).update(status="open", deadline=last_month)

    # and the schedule the migration puts in the database (an earlier transactional test's
    # flush may have emptied the table, so the migration's own function puts it back)
    import importlib

    from django.apps import apps

    importlib.import_module("reports.migrations.0002_daily_schedule").add_schedule(apps, None)
    # which the office sets to run every second
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task="reports.tasks.run_period_schedule").update(
        interval=every_second, crontab=None, queue=celery.queue, enabled=True
    )
    assert PeriodicTask.objects.filter(task="reports.tasks.run_period_schedule", enabled=True).exists()

    # when beat and a worker run
    celery("worker")
    celery("beat")

    # then this month's period is created and opened with a report, and last month's is closed
    def done():
        current = ReportingPeriod.objects.filter(
            jurisdiction=plan.jurisdiction, start=today.replace(day=1)
        ).first()
        return (
            current is not None
            and current.status == "open"
            and current.reports.count() == 1
            and ReportingPeriod.objects.get(pk=previous.pk).status == "closed"
        )

    wait_for(done, seconds=90, what="beat → worker → period schedule", logs=celery.logs)
