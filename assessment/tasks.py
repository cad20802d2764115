"""Celery tasks of the assessment: the compile job, its files, and the daily schedule."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _


class AssessmentRunTask(Task):
    """The failure hook of a compile job: once the retries are spent, the job row says so."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .services import assessment_run_fail

        run_id = args[0] if args else kwargs.get("run_id")
        if run_id is not None:
            assessment_run_fail(run_id=run_id, error=_("计算出错：%(error)s") % {"error": exc})


# acks_late: a worker killed mid-compile leaves the message unacknowledged, so the broker hands
# it to another worker; the compile writes in one transaction, so the dead attempt left nothing.
# A lost database connection is retried with backoff.
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

    return assessment_run_execute(run_id=run_id).status


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
