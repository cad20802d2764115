"""A compile on a real worker process on Redis, killed (SIGKILL) in the middle of writing its
result: nothing half-written is left; once the job's heartbeat has been silent for the window,
the unacknowledged task goes to the next worker, which completes it, or the next compile request
fails it in plain Chinese and queues a new one; either way a request afterwards compiles, and
there is exactly one complete result. Needs REDIS_URL and PostgreSQL, as CI has them."""

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
STALE_S = 3  # the window after which a silent job is taken back (120 s outside the tests)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）"),
]


@pytest.fixture
def workers(transactional_db, tmp_path, settings):
    """Starts worker processes on a private queue; each may be given its own environment."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.ASSESSMENT_RUN_STALE_SECONDS = STALE_S
    queue = f"test-assess-{os.getpid()}-{time.time_ns()}"
    procs = []

    def start(name: str, **env):
        environment = dict(
            os.environ,
            DATABASE_URL=database_url_for_processes(),
            REDIS_URL=settings.CELERY_BROKER_URL,
            PRIVATE_ROOT=str(settings.PRIVATE_ROOT),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_S),
            ASSESSMENT_RUN_STALE_SECONDS=str(STALE_S),
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


@pytest.fixture
def plan_to_compile(workers, monkeypatch):
    """A plan with 16 departments and a quarter of reports, its office, and the compile jobs
    sent to the test's own queue on Redis."""
    from assessment.tasks import compile_assessment
    from assessment.tests.assessment_data import months, submit
    from tests.factories import (
        AssignmentFactory,
        DepartmentFactory,
        MembershipFactory,
        PlanFactory,
        TaskFactory,
        UserFactory,
    )

    plan = PlanFactory(title="考核演练方案")
    office = MembershipFactory(user=UserFactory(username="kill-office"), jurisdiction=plan.jurisdiction).user
    task = TaskFactory(plan=plan)
    departments = [DepartmentFactory(jurisdiction=plan.jurisdiction) for _ in range(16)]
    for department in departments:
        AssignmentFactory(task=task, department=department)
    for period in months(SimpleNamespace(plan=plan, jurisdiction=plan.jurisdiction), 1, 2, 3):
        for department in departments[::2]:
            submit(period, department)
    sent = []

    def delay(run_id):
        sent.append(compile_assessment.apply_async((run_id,), queue=workers.queue))
        return sent[-1]

    monkeypatch.setattr(compile_assessment, "delay", delay)
    return SimpleNamespace(plan=plan, office=office, departments=departments, sent=sent)


def kill_mid_write(workers, run_id: int):
    """Waits for the worker to reach the write, kills it (SIGKILL) two seconds in, and returns
    the job as the dead worker left it."""
    from assessment.models import AssessmentRun

    wait_for(
        lambda: AssessmentRun.objects.get(pk=run_id).progress >= 70,
        seconds=90,
        what="the first worker reaching the write",
        logs=workers.logs,
    )
    time.sleep(2)
    workers.first.kill()
    workers.first.wait(timeout=10)
    return AssessmentRun.objects.get(pk=run_id)


def ask_for_the_quarter(client, plan) -> int:
    """The office asks for the first quarter's compile on the plan's page; the job's id."""
    from django.urls import reverse

    from assessment.models import AssessmentRun

    response = client.post(
        reverse("assessment:assessment_run_start", args=[plan.pk]),
        {"kind": "quarter", "year": 2026, "number": 1},
    )
    assert response.status_code == 302
    return AssessmentRun.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1])).pk


def assert_one_complete_result(run, departments):
    from assessment.models import Assessment, CriterionScore

    assessment = Assessment.objects.get()
    assert run.assessment_id == assessment.pk
    assert assessment.results.count() == len(departments)
    assert CriterionScore.objects.filter(result__assessment=assessment).count() == len(departments) * 4
    for field in (assessment.xlsx, assessment.pdf, assessment.docx):
        assert field and Path(settings.PRIVATE_ROOT, "assessments", field.name).exists()


def test_a_worker_killed_mid_compile_leaves_nothing_half_done_and_the_next_worker_completes_it(
    workers, plan_to_compile, client
):
    from assessment.models import Assessment, AssessmentResult, AssessmentRun, CriterionScore

    plan, office = plan_to_compile.plan, plan_to_compile.office
    client.force_login(office)
    # given a first worker whose compile pauses half a second per department it writes
    workers.first = workers("first", ASSESSMENT_COMPILE_PAUSE=0.5)
    run_id = ask_for_the_quarter(client, plan)

    # when the worker is killed (SIGKILL) two seconds into writing the result
    interrupted = kill_mid_write(workers, run_id)

    # then nothing of the interrupted result is there, and the job is still marked running,
    # with the heartbeat it wrote while it worked
    assert Assessment.objects.count() == 0
    assert AssessmentResult.objects.count() == 0 and CriterionScore.objects.count() == 0
    assert (interrupted.status, interrupted.attempts) == ("running", 1)
    assert interrupted.heartbeat_at > interrupted.started_at

    # when another worker starts once the heartbeat has been silent for the window and Redis's
    # visibility timeout has passed
    elapsed = time.time() - interrupted.heartbeat_at.timestamp()
    time.sleep(max(0.0, max(VISIBILITY_S, STALE_S) + 1 - elapsed))
    workers("second")

    # then it takes the unacknowledged task up again and completes it, with no error
    wait_for(
        lambda: AssessmentRun.objects.get(pk=run_id).status == "success",
        seconds=120,
        what="the second worker completing the redelivered compile",
        logs=workers.logs,
    )
    done = AssessmentRun.objects.get(pk=run_id)
    assert (done.attempts, done.error) == (2, "")
    # and there is exactly one complete result: every department, every criterion, three files
    assert_one_complete_result(done, plan_to_compile.departments)

    # when the office asks for the quarter again
    again = ask_for_the_quarter(client, plan)
    # then a new job compiles it, replacing the draft
    assert again != run_id
    wait_for(
        lambda: AssessmentRun.objects.get(pk=again).status == "success",
        seconds=120,
        what="the second request's compile",
        logs=workers.logs,
    )
    assert_one_complete_result(AssessmentRun.objects.get(pk=again), plan_to_compile.departments)


def test_a_request_after_a_worker_was_killed_fails_the_silent_job_in_plain_chinese_and_compiles(
    workers, plan_to_compile, client
):
    from assessment.models import Assessment, AssessmentRun

    plan, office = plan_to_compile.plan, plan_to_compile.office
    client.force_login(office)
    # given a compile whose only worker was killed mid-write
    workers.first = workers("first", ASSESSMENT_COMPILE_PAUSE=0.5)
    run_id = ask_for_the_quarter(client, plan)
    interrupted = kill_mid_write(workers, run_id)
    assert interrupted.status == "running"

    # when the window has passed and the office asks for the quarter again
    time.sleep(max(0.0, STALE_S + 0.5 - (time.time() - interrupted.heartbeat_at.timestamp())))
    new_id = ask_for_the_quarter(client, plan)

    # then the silent job failed at once, saying so in plain Chinese, and a new one is queued
    stuck = AssessmentRun.objects.get(pk=run_id)
    assert (stuck.status, stuck.error) == ("failed", "计算进程已中断（超过3秒未响应），已重新排队")
    assert new_id != run_id

    # and a worker started afterwards compiles the new job; the dead one's redelivered
    # message leaves the failed job as it is
    workers("second")
    wait_for(
        lambda: AssessmentRun.objects.get(pk=new_id).status == "success",
        seconds=120,
        what="the new job compiling",
        logs=workers.logs,
    )
    assert plan_to_compile.sent[0].get(timeout=60) == "failed"
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts, stuck.assessment_id) == ("failed", 1, None)
    done = AssessmentRun.objects.get(pk=new_id)
    assert (done.attempts, done.error) == (1, "")
    assert Assessment.objects.count() == 1
    assert_one_complete_result(done, plan_to_compile.departments)
