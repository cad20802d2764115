"""Celery tasks: thin wrappers that the database schedule (django-celery-beat) runs daily."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .reminders import reminders_run
from .services import periods_run_schedule


@shared_task
def run_period_schedule() -> dict:
    """Creates this month's periods, opens those that started, closes those past deadline."""
    return periods_run_schedule(today=timezone.localdate())


@shared_task
def send_reminders() -> int:
    return reminders_run(today=timezone.localdate())


# acks_late: a worker killed mid-build leaves the message for another worker; the job is taken
# up only while queued, and a lost database connection puts it back in the queue for the retry.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=5,
)
def build_month_compilation(compilation_id: int) -> str:
    """Builds one 月度推进情况汇总表 job (the job row's id): its .xlsx and .docx."""
    from .compilation_worker import compilation_build

    job = compilation_build(compilation_id=compilation_id)
    return job.status if job is not None else "gone"
