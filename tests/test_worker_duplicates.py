"""Each background job delivered twice has the outcome of one delivery: the daily reminders (each
person reminded once per period and day, one set of deliveries), the assessment compile (one
result, one set of files) and the 月度推进情况汇总表 (one .xlsx and one .docx, the job done once).

First each is run twice in a row in this process (a redelivery after the job finished); then
each message is sent twice at once to the Redis queue two real worker processes consume (a
duplicate delivery while the job runs). The worker tests need REDIS_URL and PostgreSQL."""

import os
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reports.models import Delivery, MonthlyCompilation, Notification, ReportingPeriod
from tests import test_assessment_worker
from tests.test_assessment_worker import (  # noqa: F401 - the fixtures
    ask_for_the_quarter,
    assert_one_complete_result,
    plan_to_compile,
    workers,
)
from tests.test_celery_worker import wait_for


def files_under(root) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


@pytest.fixture
def reminded(cast, period, other_liaison):
    """The cast's period with its deadline today and no report submitted: both liaisons (of
    市市场监管局 and 市住建局), each with an e-mail address, are due a reminder."""
    for user in (cast.liaison, other_liaison):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    ReportingPeriod.objects.filter(pk=period.pk).update(deadline=timezone.localdate())
    return [cast.liaison, other_liaison]


def assert_reminded_once(users):
    """Each person has one reminder of the day and one e-mail delivery of it, nothing more."""
    for user in users:
        notifications = Notification.objects.filter(user=user, kind="reminder.deadline")
        assert notifications.count() == 1, user.username
        assert Delivery.objects.filter(notification__in=notifications).count() == 1, user.username
    assert Notification.objects.count() == len(users)
    assert Delivery.objects.count() == len(users)


# Delivered again after the job finished (in this process) ------------------------------------------


@pytest.mark.django_db
def test_the_reminders_run_twice_on_a_day_remind_each_person_once(reminded):
    from reports.reminders import reminders_run

    assert reminders_run(today=timezone.localdate()) == 2
    assert reminders_run(today=timezone.localdate()) == 0
    assert_reminded_once(reminded)


@pytest.mark.django_db
def test_a_finished_compile_job_run_again_leaves_one_result_and_one_set_of_files(
    cast, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from assessment.models import Assessment, AssessmentRun
    from assessment.services import assessment_run_execute, assessment_run_request
    from assessment.tests.assessment_data import FIRST_QUARTER, months, run_tasks_here, submit

    settings.PRIVATE_ROOT = tmp_path
    run_tasks_here(monkeypatch)
    for month in months(cast, 1, 2, 3):
        submit(month, cast.department)
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    done = AssessmentRun.objects.get(pk=run.pk)
    files = files_under(tmp_path)
    assert done.status == "success" and len(files) == 3  # xlsx, pdf, docx

    again = assessment_run_execute(run_id=run.pk)

    assert (again.status, again.attempts, again.assessment_id) == ("success", 1, done.assessment_id)
    assert again.finished_at == done.finished_at
    assert Assessment.objects.count() == 1
    assert files_under(tmp_path) == files


@pytest.mark.django_db
def test_a_finished_month_compilation_built_again_keeps_its_two_files(cast, period, settings, tmp_path):
    from reports.compilation_worker import compilation_build

    settings.PRIVATE_ROOT = tmp_path
    job = MonthlyCompilation.objects.create(period=period, plan=cast.plan, requested_by=cast.office)
    done = compilation_build(compilation_id=job.pk)
    files = files_under(tmp_path)
    assert done.status == "success" and [p.suffix for p in files] == [".docx", ".xlsx"]

    again = compilation_build(compilation_id=job.pk)

    assert (again.status, again.finished_at, again.xlsx.name) == ("success", done.finished_at, done.xlsx.name)
    assert files_under(tmp_path) == files


# Delivered twice at once to two worker processes ----------------------------------------------------


def wait_until_consuming(started, count: int) -> None:
    """Both workers answer a ping, so the next two messages go one to each."""
    from qualitycity.celery import app

    def answering():
        replies = app.control.ping(timeout=0.5)
        return sum(1 for reply in replies for name in reply if started.queue in name) >= count

    wait_for(answering, seconds=60, what=f"{count} workers consuming", logs=started.logs)


def handled_by(started, task_id: str) -> list[str]:
    """The workers whose log says they received the task."""
    return sorted(p.stem for p in started.logs.glob("*.log") if task_id in p.read_text())


def locked_table(model):
    """Another connection holds the table in ACCESS EXCLUSIVE mode: whoever reads it waits."""
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        password=db.get("PASSWORD") or None,
    )
    with other.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
    return other


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）")
def test_each_job_sent_twice_at_once_to_two_workers_is_done_once(
    workers,  # noqa: F811 - the fixture imported above
    plan_to_compile,  # noqa: F811
    reminded,
    cast,
    period,
    client,
    monkeypatch,
):
    from assessment.models import AssessmentRun
    from assessment.tasks import compile_assessment
    from programmes.models import Heading
    from reports.tasks import build_month_compilation, send_reminders

    # given two workers on the test's queue (each compile pausing a tenth of a second per
    # department as it writes, so the second delivery comes while the first compiles), and no
    # redelivery by Redis while the test runs however slow the machine: the duplicates are the
    # test's own
    monkeypatch.setattr(test_assessment_worker, "VISIBILITY_S", 600)
    workers("first", ASSESSMENT_COMPILE_PAUSE=0.1)
    workers("second", ASSESSMENT_COMPILE_PAUSE=0.1)
    wait_until_consuming(workers, 2)

    # when the day's reminders are sent twice at once
    sent = [send_reminders.apply_async(queue=workers.queue) for _ in range(2)]
    counts = [result.get(timeout=60) for result in sent]
    # then each worker ran one, and together they reminded each liaison once, one e-mail each
    assert [handled_by(workers, result.id) for result in sent] in (
        [["first"], ["second"]],
        [["second"], ["first"]],
    )
    assert sum(counts) == 2
    assert_reminded_once(reminded)

    # when the office asks for the quarter's compile and its message is delivered a second time
    client.force_login(plan_to_compile.office)
    run_id = ask_for_the_quarter(client, plan_to_compile.plan)
    again = compile_assessment.apply_async((run_id,), queue=workers.queue)
    outcomes = sorted(result.get(timeout=120) for result in (plan_to_compile.sent[0], again))
    # then the second delivery found the job running and left it; there is one complete result
    # with its three files
    assert outcomes == ["running", "success"]
    run = AssessmentRun.objects.get(pk=run_id)
    assert (run.status, run.attempts, run.error) == ("success", 1, "")
    assert_one_complete_result(run, plan_to_compile.departments)
    assert len(files_under(Path(settings.PRIVATE_ROOT, "assessments"))) == 3

    # when a month compilation's message is delivered twice at once, the first worker's build
    # held up on a table it reads (another connection holds it) until the second has answered
    job = MonthlyCompilation.objects.create(period=period, plan=cast.plan, requested_by=cast.office)
    locker = locked_table(Heading)
    try:
        sent = [build_month_compilation.apply_async((job.pk,), queue=workers.queue) for _ in range(2)]
        wait_for(
            lambda: any(result.ready() for result in sent),
            seconds=60,
            what="the second delivery answering",
            logs=workers.logs,
        )
        # then the second finds the job taken by the first (queued or already running: the
        # first holds its lock) and leaves it
        left = [result.get(timeout=1) for result in sent if result.ready()]
        assert left in (["pending"], ["running"])
    finally:
        locker.rollback()
        locker.close()
    # and once the first goes on, the job is done once, with one .xlsx and one .docx
    assert sorted(result.get(timeout=60) for result in sent) == sorted([*left, "success"])
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("success", 100, "")
    files = files_under(Path(settings.PRIVATE_ROOT, "compiled"))
    assert [p.name for p in files] == [Path(job.docx.name).name, Path(job.xlsx.name).name]
