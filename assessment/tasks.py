"""Celery tasks of the assessment: the compile job, its files, the daily schedule, and the
minute's look for compile jobs whose worker died."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class AssessmentRunTask(Task):
    """The failure hook of a compile job: once the retries are spent, the job row says so in
    plain words (the exception itself goes to the log, never to the office's page)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .services import RUN_ERROR, assessment_run_fail

        run_id = args[0] if args else kwargs.get("run_id")
        logger.error("assessment run %s: task %s failed: %r", run_id, task_id, exc)
        if run_id is not None:
            database = isinstance(exc, (OperationalError, InterfaceError))
            error = _("数据库暂时无法访问，计算未完成。请稍后重新发起计算。") if database else RUN_ERROR
            assessment_run_fail(run_id=run_id, error=error)


# acks_late: a worker killed mid-compile leaves the message unacknowledged, so the broker hands
# it to another worker, which takes the job up once its heartbeat has gone silent (a delivery
# while the first worker is alive is left alone); the compile writes in one transaction, so the
# dead attempt left nothing. A lost database connection is retried with backoff.
@shared_task(
    base=AssessmentRunTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def compile_assessment(run_id: int) -> str:
    """Runs one assessment compile job (the job row's id)."""
    from .services import assessment_run_execute

    run = assessment_run_execute(run_id=run_id)
    return run.status if run is not None else "gone"


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=5)
def render_assessment_files(assessment_id: int) -> None:
    """Renders an assessment's Excel, PDF and Word files again (after a final score or publication)."""
    from .exporters import assessment_files_render
    from .models import Assessment

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is not None:
        assessment_files_render(assessment=assessment)


@shared_task
def compile_due_assessments() -> list[int]:
    """Daily: queues the compile of every assessment period that closed with last month."""
    from .schedule import assessments_run_schedule

    return assessments_run_schedule(today=timezone.localdate())


@shared_task
def recover_stale_assessment_runs() -> list[int]:
    """Every minute (settings.CELERY_BEAT_SCHEDULE): compile jobs silent past the window are
    queued again or failed."""
    from .services import assessment_runs_recover

    return assessment_runs_recover()
