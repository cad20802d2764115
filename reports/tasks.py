"""Celery tasks: thin wrappers that the database schedule (django-celery-beat) runs daily."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .channels import ChannelError, delivery_send
from .reminders import reminders_run
from .services import periods_run_schedule


@shared_task
def run_period_schedule() -> dict:
    """Creates this month's periods, opens those that started, closes those past deadline."""
    return periods_run_schedule(today=timezone.localdate())


@shared_task
def send_reminders() -> int:
    return reminders_run(today=timezone.localdate())


# acks_late: a worker killed mid-build leaves the message unacknowledged, so the broker hands it
# to another worker (at once when a pool process dies, after the visibility timeout when the
# whole worker does), which takes the job up again once nobody holds its lock (see
# compilation_worker); recover_stale_compilations notices it within the minute in any case. A
# lost database connection puts the job back in the queue for the retry.
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


@shared_task
def recover_stale_compilations() -> list[int]:
    """Every minute (settings.CELERY_BEAT_SCHEDULE): 汇总表 jobs whose worker died are queued
    again (or failed, after too many deaths)."""
    from .compilation_worker import compilations_recover

    queued = compilations_recover()
    for job_id in queued:
        build_month_compilation.delay(job_id)
    return queued


# A notification's delivery on one channel (reports.channels): a failed post is tried again
# after a growing pause, and the final failure is kept on the row with its error. Run eagerly
# (the embedded default) there is one try and no retry: the page that queued it never sleeps
# and never sees a channel's error, which is on the row for the log.
@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ChannelError,),
    max_retries=settings.CHANNEL_MAX_RETRIES,
    retry_backoff=settings.CHANNEL_RETRY_BACKOFF,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def deliver(self, delivery_id: int) -> str:
    """Sends one delivery (the row's id); safe to run twice: a sent row is not sent again."""
    final = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    return delivery_send(delivery_id=delivery_id, final=final)
