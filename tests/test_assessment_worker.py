"""A compile on a real worker process on Redis, killed (SIGKILL) in the middle of writing its
result: nothing half-written is left, the unacknowledged task goes to the next worker, and there
is exactly one complete result. Needs REDIS_URL and PostgreSQL, as CI has them."""

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from tests.test_celery_worker import database_url_for_processes, wait_for

ROOT = Path(__file__).resolve().parent.parent
VISIBILITY_S = 4  # how long Redis waits before handing an unacknowledged task to another worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）"),
]


@pytest.fixture
def workers(transactional_db, tmp_path, settings):
    """Starts worker processes on a private queue; each may be given its own environment."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    queue = f"test-assess-{os.getpid()}-{time.time_ns()}"
    procs = []

    def start(name: str, **env):
        environment = dict(
            os.environ,
            DATABASE_URL=database_url_for_processes(),
            REDIS_URL=settings.CELERY_BROKER_URL,
            PRIVATE_ROOT=str(settings.PRIVATE_ROOT),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_S),
            **{k: str(v) for k, v in env.items()},
        )
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qualitycity",
            "worker",
            "-l",
            "info",
            "-Q",
            queue,
            "-c",
            "1",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}-{queue}@%h",
        ]
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process below
        proc = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log))
        return proc

    start.queue = queue
    start.logs = tmp_path
    yield start
    for proc, log in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_a_worker_killed_mid_compile_leaves_nothing_half_done_and_the_next_worker_completes_it(
    workers, monkeypatch
):
    from assessment.models import Assessment, AssessmentResult, AssessmentRun, CriterionScore
    from assessment.services import assessment_run_request
    from assessment.tasks import compile_assessment
    from assessment.tests.assessment_data import FIRST_QUARTER, months, submit
    from tests.factories import (
        AssignmentFactory,
        DepartmentFactory,
        MembershipFactory,
        PlanFactory,
        TaskFactory,
        UserFactory,
    )

    # given a plan with 16 departments and a quarter of reports
    plan = PlanFactory(title="考核演练方案")
    office = MembershipFactory(user=UserFactory(username="kill-office"), jurisdiction=plan.jurisdiction).user
    task = TaskFactory(plan=plan)
    departments = [DepartmentFactory(jurisdiction=plan.jurisdiction) for _ in range(16)]
    for department in departments:
        AssignmentFactory(task=task, department=department)

    for period in months(SimpleNamespace(plan=plan, jurisdiction=plan.jurisdiction), 1, 2, 3):
        for department in departments[::2]:
            submit(period, department)
    # and the compile job sent to the test's own queue on Redis
    monkeypatch.setattr(
        compile_assessment,
        "delay",
        lambda run_id: compile_assessment.apply_async((run_id,), queue=workers.queue),
    )
    # and a first worker whose compile pauses half a second per department it writes
    first = workers("first", ASSESSMENT_COMPILE_PAUSE=0.5)
    run = assessment_run_request(plan=plan, period=FIRST_QUARTER, actor=office)

    # when the worker is killed (SIGKILL) two seconds into writing the result
    wait_for(
        lambda: AssessmentRun.objects.get(pk=run.pk).progress >= 70,
        seconds=90,
        what="the first worker reaching the write",
        logs=workers.logs,
    )
    time.sleep(2)
    first.kill()
    first.wait(timeout=10)

    # then nothing of the interrupted result is there, and the job is still marked running
    assert Assessment.objects.count() == 0
    assert AssessmentResult.objects.count() == 0 and CriterionScore.objects.count() == 0
    interrupted = AssessmentRun.objects.get(pk=run.pk)
    assert (interrupted.status, interrupted.attempts) == ("running", 1)

    # when another worker starts once Redis's visibility timeout has passed
    elapsed = time.time() - interrupted.started_at.timestamp()
    time.sleep(max(0.0, VISIBILITY_S + 1 - elapsed))
    workers("second")

    # then it takes the unacknowledged task up again and completes it
    wait_for(
        lambda: AssessmentRun.objects.get(pk=run.pk).status == "success",
        seconds=120,
        what="the second worker completing the redelivered compile",
        logs=workers.logs,
    )
    done = AssessmentRun.objects.get(pk=run.pk)
    assert done.attempts == 2
    # and there is exactly one complete result: every department, every criterion, three files
    assessment = Assessment.objects.get()
    assert done.assessment_id == assessment.pk
    assert assessment.results.count() == 16
    assert CriterionScore.objects.filter(result__assessment=assessment).count() == 16 * 4
    for field in (assessment.xlsx, assessment.pdf, assessment.docx):
        assert field and Path(settings.PRIVATE_ROOT, "assessments", field.name).exists()
