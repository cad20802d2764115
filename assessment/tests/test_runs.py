"""Compile jobs that never hang: a delivery of a job another worker is running, or that has
finished, leaves it alone; a job whose worker fell silent past the window is noticed by the next
request, its page or the beat task (once, whoever notices), and queued again or failed in plain
Chinese; a compile never runs in the request that asks for it; publishing records who and when.

The compile itself is stood in for here (its rules are tested in test_assessment.py); the real
compile on real worker processes, one of them killed, is tests/test_assessment_worker.py."""

import datetime as dt
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.compile import scheme_ensure
from assessment.models import Assessment, AssessmentRun
from assessment.services import (
    RUN_ERROR,
    assessment_run_execute,
    assessment_run_recover,
    assessment_run_request,
    assessment_runs_recover,
)
from assessment.tests.assessment_data import FIRST_QUARTER, months
from responsibilities.models import AuditEvent

pytestmark = pytest.mark.django_db

WINDOW = 120  # the default window, in seconds
INTERRUPTED = "计算进程已中断（超过2分钟未响应），已重新排队"
NEVER_STARTED = "计算任务超过2分钟未开始，已重新排队"
GIVEN_UP = "计算进程多次中断（已尝试3次），已停止重试，请重新发起计算"


@pytest.fixture(autouse=True)
def window(settings):
    settings.ASSESSMENT_RUN_STALE_SECONDS = WINDOW


@pytest.fixture
def queued(monkeypatch):
    """The compile messages sent to the broker (none is run)."""
    sent = []
    monkeypatch.setattr("assessment.tasks.compile_assessment.delay", sent.append)
    return sent


@pytest.fixture
def compiles(monkeypatch):
    """Stands in for the compile and its files: each call writes the period's draft, replacing
    the earlier one, and is counted."""
    calls = []

    def compile_(*, plan, period, actor=None, progress=None, as_of=None):
        calls.append(progress)
        progress(10, "读取月报")
        Assessment.objects.filter(plan=plan, start=period.start, end=period.end, status="draft").delete()
        return Assessment.objects.create(
            plan=plan,
            kind=period.kind,
            start=period.start,
            end=period.end,
            label=period.label,
            as_of=period.end,
            compiled_at=timezone.now(),
        )

    monkeypatch.setattr(services, "assessment_compile", compile_)
    monkeypatch.setattr("assessment.exporters.assessment_files_render", lambda *, assessment: assessment)
    return calls


def a_run(cast, *, plan=None, status="running", silent_for=0, attempts=1, **fields) -> AssessmentRun:
    """The quarter's job of the plan (the cast's), in the state given, last heard from
    `silent_for` seconds ago."""
    months(cast, 1, 2, 3)
    heard = timezone.now() - dt.timedelta(seconds=silent_for)
    run = AssessmentRun.objects.create(
        plan=plan or cast.plan,
        kind=FIRST_QUARTER.kind,
        start=FIRST_QUARTER.start,
        end=FIRST_QUARTER.end,
        status=status,
        attempts=attempts,
        progress=70 if status == "running" else 0,
        stage="写入考核结果" if status == "running" else "排队中",
        requested_by=cast.office,
        started_at=heard if status == "running" else None,
        heartbeat_at=heard if status == "running" else None,
        **fields,
    )
    if status == "pending":
        AssessmentRun.objects.filter(pk=run.pk).update(created_at=heard)
        run.refresh_from_db()
    return run


class CaptureWrites:
    """The UPDATE, INSERT and DELETE statements run inside the block."""

    def __enter__(self):
        from django.test.utils import CaptureQueriesContext

        self._context = CaptureQueriesContext(connection)
        self._context.__enter__()
        self._writes = []
        return self._writes

    def __exit__(self, *exc_info):
        self._context.__exit__(*exc_info)
        self._writes += [
            q["sql"]
            for q in self._context.captured_queries
            if q["sql"].split(None, 1)[0].upper() in ("UPDATE", "INSERT", "DELETE")
            and "reports_assessmentrun" in q["sql"]
        ]
        return False


def status_of(client, run) -> dict:
    return client.get(reverse("assessment:assessment_run_status", args=[run.pk])).json()


# Duplicate delivery -----------------------------------------------------------------------------


def test_a_second_delivery_of_a_job_another_worker_is_running_leaves_it_alone(cast, compiles):
    # given a job a live worker is running (its heartbeat a few seconds old)
    run = a_run(cast, status="running", silent_for=5)
    # when the broker delivers its message again to another worker
    left = assessment_run_execute(run_id=run.pk)
    # then that worker compiles nothing and the job is as it was
    assert compiles == []
    assert (left.status, left.attempts, left.progress, left.error) == ("running", 1, 70, "")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("status", ["success", "failed"])
def test_a_delivery_of_a_finished_job_leaves_it_alone(cast, compiles, status):
    run = a_run(cast, status=status, error="" if status == "success" else "《甲市》已归档，不再考核")
    left = assessment_run_execute(run_id=run.pk)
    assert compiles == []
    assert (left.status, left.attempts) == (status, 1)


def test_a_delivery_of_a_job_silent_past_the_window_takes_it_up_and_completes_it(cast, compiles):
    # given a job whose worker died 2 minutes and a second ago, in the middle of the write
    run = a_run(cast, status="running", silent_for=WINDOW + 1)
    # when the broker hands its unacknowledged message to another worker
    done = assessment_run_execute(run_id=run.pk)
    # then that worker takes it up as a second attempt and completes it, with no error
    assert len(compiles) == 1
    assert (done.status, done.attempts, done.progress, done.error) == ("success", 2, 100, "")
    assert done.assessment == Assessment.objects.get()


def test_an_attempt_whose_job_was_taken_back_stops_before_writing_and_changes_nothing(cast, monkeypatch):
    # given a compile that, while it reads, is found silent and its job taken up by another worker
    run = a_run(cast, status="pending", attempts=0)

    def taken_back(*, progress, **kwargs):
        AssessmentRun.objects.filter(pk=run.pk).update(attempts=2, heartbeat_at=timezone.now())
        progress(25, "读取任务进展")
        raise AssertionError("the attempt went on after losing its job")

    monkeypatch.setattr(services, "assessment_compile", taken_back)
    # when it reports its progress
    left = assessment_run_execute(run_id=run.pk)
    # then it stopped there: the other attempt's job is untouched, nothing written
    assert (left.status, left.attempts, left.error) == ("running", 2, "")
    assert left.stage != "读取任务进展"
    assert not Assessment.objects.exists()


# Errors in plain Chinese ------------------------------------------------------------------------


def test_an_unexpected_error_is_logged_and_the_office_reads_plain_chinese(cast, monkeypatch, caplog):
    run = a_run(cast, status="pending")

    def broken(**kwargs):
        raise ValueError('insert or update on table "reports_assessmentrun" violates foreign key constraint')

    monkeypatch.setattr(services, "assessment_compile", broken)
    failed = assessment_run_execute(run_id=run.pk)
    assert failed.status == "failed"
    assert (
        failed.error
        == str(RUN_ERROR)
        == "计算出错，详细原因已记入系统日志。请稍后重新发起计算；如仍出错，请联系系统管理员。"
    )
    assert "foreign key" in caplog.text  # the exception is in the log, not on the page


def test_the_task_failure_hook_stores_plain_chinese_never_the_exception(cast):
    from django.db import OperationalError

    from assessment.tasks import compile_assessment

    run = a_run(cast, status="pending")
    compile_assessment.on_failure(
        OperationalError("server closed the connection unexpectedly"), "t", (run.pk,), {}, None
    )
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "数据库暂时无法访问，计算未完成。请稍后重新发起计算。")


def test_a_success_clears_the_error_an_earlier_attempt_left(cast, compiles):
    # given a job an earlier attempt left with an error text, then taken up again
    run = a_run(cast, status="running", silent_for=WINDOW + 5, error="计算出错")
    done = assessment_run_execute(run_id=run.pk)
    assert (done.status, done.error) == ("success", "")


def test_a_late_failure_of_an_attempt_that_lost_its_job_does_not_touch_it(cast):
    run = a_run(cast, status="running", silent_for=0, attempts=2)
    services.assessment_run_fail(run_id=run.pk, attempt=1, error="计算出错")
    run.refresh_from_db()
    assert (run.status, run.error) == ("running", "")


# Noticed by a new request -----------------------------------------------------------------------


def test_a_request_finding_the_job_silent_fails_it_in_plain_chinese_and_queues_a_new_one(
    client, cast, queued, django_capture_on_commit_callbacks
):
    # given the quarter's job, its worker silent for just over the window
    stuck = a_run(cast, status="running", silent_for=WINDOW + 1)
    # when the office asks for the quarter again
    client.force_login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessment:assessment_run_start", args=[cast.plan.pk]),
            {"kind": "quarter", "year": 2026, "number": 1},
        )
    # then the stuck job failed, saying so in plain Chinese
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", INTERRUPTED)
    assert stuck.finished_at is not None
    # and a new job is queued, which the office is sent to
    new = AssessmentRun.objects.exclude(pk=stuck.pk).get()
    assert (new.status, new.attempts) == ("pending", 0)
    assert queued == [new.pk]
    assert response.url == reverse("assessment:assessment_run", args=[new.pk])
    # and both steps are in the audit trail, by the office
    actions = list(AuditEvent.objects.filter(actor=cast.office).values_list("action", "summary"))
    assert ("assessment.run_stale", INTERRUPTED) in actions
    assert "assessment.run" in [a for a, _ in actions]


def test_a_request_while_the_job_is_alive_returns_that_job(cast, queued, django_capture_on_commit_callbacks):
    alive = a_run(cast, status="running", silent_for=WINDOW - 5)
    with django_capture_on_commit_callbacks(execute=True):
        again = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    assert again.pk == alive.pk
    alive.refresh_from_db()
    assert (alive.status, alive.error) == ("running", "")
    assert queued == []


def test_a_request_finding_a_job_never_picked_up_fails_it_and_queues_a_new_one(
    cast, queued, django_capture_on_commit_callbacks
):
    lost = a_run(cast, status="pending", silent_for=WINDOW + 1)
    with django_capture_on_commit_callbacks(execute=True):
        new = assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    lost.refresh_from_db()
    assert (lost.status, lost.error) == ("failed", NEVER_STARTED)
    assert new.pk != lost.pk and queued == [new.pk]


def test_the_window_is_named_in_seconds_when_it_is_not_whole_minutes(
    cast, settings, queued, django_capture_on_commit_callbacks
):
    settings.ASSESSMENT_RUN_STALE_SECONDS = 90
    stuck = a_run(cast, status="running", silent_for=91)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office)
    stuck.refresh_from_db()
    assert stuck.error == "计算进程已中断（超过90秒未响应），已重新排队"


# Noticed by the job's page ----------------------------------------------------------------------


def test_the_page_of_a_job_whose_worker_died_says_so_and_the_job_is_retried(
    client, cast, queued, compiles, django_capture_on_commit_callbacks
):
    # given a job whose worker died
    run = a_run(cast, status="running", silent_for=WINDOW + 1)
    client.force_login(cast.leader)  # anyone who may read the job notices it
    # when its page asks for its state
    with django_capture_on_commit_callbacks(execute=True):
        state = status_of(client, run)
    # then it reads that the process was interrupted and the job queued again
    assert (state["status"], state["status_label"], state["stage"]) == ("pending", "排队中", INTERRUPTED)
    assert (state["error"], state["done"]) == ("", False)
    assert queued == [run.pk]
    # and a worker then takes it up as the second attempt and completes it
    done = assessment_run_execute(run_id=run.pk)
    assert (done.status, done.attempts, done.error) == ("success", 2, "")
    state = status_of(client, done)
    assert (state["status_label"], state["progress"], state["done"], state["error"]) == (
        "已完成",
        100,
        True,
        "",
    )


def test_the_page_of_a_live_job_changes_nothing(client, cast, queued):
    run = a_run(cast, status="running", silent_for=WINDOW - 5)
    client.force_login(cast.office)
    with CaptureWrites() as writes:
        state = status_of(client, run)
    assert (state["status"], state["stage"]) == ("running", "写入考核结果")
    assert writes == [] and queued == []


def test_the_html_page_of_a_job_never_picked_up_shows_it_queued_again(
    client, cast, queued, django_capture_on_commit_callbacks
):
    run = a_run(cast, status="pending", silent_for=WINDOW + 1)
    client.force_login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("assessment:assessment_run", args=[run.pk]))
    assert NEVER_STARTED in page.content.decode()
    assert "计算进程超过2分钟没有响应时，系统会自动重新排队计算" in page.content.decode()
    assert queued == [run.pk]


def test_the_page_of_another_jurisdictions_job_is_not_found_and_changes_nothing(client, cast, queued):
    run = a_run(cast, status="running", silent_for=WINDOW + 1)
    client.force_login(cast.outsider_office)
    assert client.get(reverse("assessment:assessment_run_status", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == "running" and queued == []


# Noticed by the beat task -----------------------------------------------------------------------


def test_the_beat_task_queues_silent_jobs_again_and_fails_those_out_of_attempts(
    cast, queued, django_capture_on_commit_callbacks
):
    from assessment.tasks import recover_stale_assessment_runs
    from tests.factories import PlanFactory

    # given three jobs: one silent, one silent on its third attempt, one alive
    silent = a_run(cast, status="running", silent_for=WINDOW + 1)
    spent = a_run(cast, plan=PlanFactory(jurisdiction=cast.jurisdiction), silent_for=WINDOW + 1, attempts=3)
    alive = a_run(cast, plan=PlanFactory(jurisdiction=cast.jurisdiction), silent_for=5)
    # when the beat task runs
    with django_capture_on_commit_callbacks(execute=True):
        acted = recover_stale_assessment_runs.apply().get()
    # then the silent job is queued again, the spent one failed in plain words, the live one left
    assert sorted(acted) == sorted([silent.pk, spent.pk])
    states = dict(AssessmentRun.objects.values_list("pk", "status"))
    assert states == {silent.pk: "pending", spent.pk: "failed", alive.pk: "running"}
    assert AssessmentRun.objects.get(pk=spent.pk).error == GIVEN_UP
    assert queued == [silent.pk]
    # and running it again does nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert assessment_runs_recover() == []
    assert queued == [silent.pk]


def test_a_delivery_of_a_job_silent_on_its_last_attempt_fails_it_instead(cast, compiles):
    run = a_run(cast, status="running", silent_for=WINDOW + 1, attempts=3)
    left = assessment_run_execute(run_id=run.pk)
    assert compiles == []
    assert (left.status, left.error) == ("failed", GIVEN_UP)


def test_beat_installs_the_minutes_look_for_silent_jobs_in_its_database_schedule():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from qualitycity.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["assessment.recover_stale_runs"]
    assert entry["task"] in app.tasks
    # what `celery beat` does with each of the settings' entries when it starts
    for name, fields in app.conf.beat_schedule.items():
        DatabaseScheduler.Entry.from_entry(name, app=app, **fields)
    task = PeriodicTask.objects.get(name="assessment.recover_stale_runs")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "assessment.tasks.recover_stale_assessment_runs",
        True,
        60,
        "seconds",
    )


# Compiling never in the request -----------------------------------------------------------------


def test_asking_for_a_compile_returns_at_once_and_leaves_the_compile_to_the_worker(
    client, cast, queued, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    months(cast, 1, 2, 3)
    scheme_ensure(plan=cast.plan)  # the scheme page made it when the office opened it

    def not_here(**kwargs):
        raise AssertionError("compiled inside the web request")

    monkeypatch.setattr(services, "assessment_compile", not_here)
    client.force_login(cast.office)
    # 14: the user, the roles, the plan, the scheme and its criteria; in the transaction the
    # published check, the live job looked for twice (the silent ones, then get_or_create), the
    # new job and its audit row with their savepoints (the session comes from the shared cache
    # and, renewed at the sign-in, is not written again)
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(14):
        response = client.post(
            reverse("assessment:assessment_run_start", args=[cast.plan.pk]),
            {"kind": "quarter", "year": 2026, "number": 1},
        )
    run = AssessmentRun.objects.get()
    assert response.url == reverse("assessment:assessment_run", args=[run.pk])
    assert (run.status, run.progress) == ("pending", 0)
    assert queued == [run.pk]
    assert not Assessment.objects.exists()


# Two parties noticing the same silence ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）")
def test_two_parties_noticing_the_same_silent_job_at_once_act_once(cast, queued):
    from assessment.tests.test_assessment_concurrency import together

    run = a_run(cast, status="running", silent_for=WINDOW + 1)
    outcomes = together(4, lambda: assessment_run_recover(run_id=run.pk))
    assert sorted(outcomes) == [False, False, False, True], outcomes
    assert queued == [run.pk]
    assert AuditEvent.objects.filter(action="assessment.run_stale").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）")
def test_a_request_and_the_beat_noticing_the_same_silent_job_leave_one_job_queued(cast, queued):
    from assessment.tests.test_assessment_concurrency import together

    stuck = a_run(cast, status="running", silent_for=WINDOW + 1)
    parties = [
        lambda: assessment_run_request(plan=cast.plan, period=FIRST_QUARTER, actor=cast.office).pk,
        lambda: assessment_runs_recover(),
    ]
    outcomes = together(2, _each_once(parties))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    # exactly one job is active for the quarter, and every other one says why it stopped
    active = AssessmentRun.objects.filter(status__in=AssessmentRun.ACTIVE)
    assert active.count() == 1
    stuck.refresh_from_db()
    assert stuck.status in ("failed", "pending")
    assert len(queued) == 1


def _each_once(callables):
    """A work function for together(): the first thread calls the first callable, and so on."""
    lock, index = threading.Lock(), iter(range(len(callables)))

    def work():
        with lock:
            i = next(index)
        return callables[i]()

    return work


# The heartbeat ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（设置 DATABASE_URL）")
def test_a_long_step_that_reports_no_progress_still_beats(cast, settings, monkeypatch):
    # given a window of 3 seconds (a beat every half second) and a step of 2 seconds
    settings.ASSESSMENT_RUN_STALE_SECONDS = 3
    run = a_run(cast, status="pending")
    beats = []

    def slow(*, plan, period, **kwargs):
        started = AssessmentRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(2)
        beats.append(AssessmentRun.objects.get(pk=run.pk).heartbeat_at - started)
        raise ValueError("stop here")

    monkeypatch.setattr(services, "assessment_compile", slow)
    assessment_run_execute(run_id=run.pk)
    # then the heartbeat moved on during the step, though it reported nothing
    assert beats[0] >= dt.timedelta(seconds=1)
    # and the beating stopped with the attempt
    assert not [t for t in threading.enumerate() if t.name.startswith("assessment-run-")]


# Publishing ------------------------------------------------------------------------------------


def test_publishing_records_who_published_and_when(client, cast):
    months(cast, 1, 2, 3)
    draft = Assessment.objects.create(
        plan=cast.plan,
        kind=FIRST_QUARTER.kind,
        start=FIRST_QUARTER.start,
        end=FIRST_QUARTER.end,
        label=FIRST_QUARTER.label,
        as_of=FIRST_QUARTER.end,
        compiled_at=timezone.now(),
    )
    client.force_login(cast.office)
    before = timezone.now()
    response = client.post(reverse("assessment:assessment_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == ("published", cast.office)
    assert before <= draft.published_at <= timezone.now()
    event = AuditEvent.objects.get(action="assessment.publish")
    assert (event.actor, event.object_id) == (cast.office, str(draft.pk))
