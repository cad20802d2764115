"""Celery tasks of the dashboards: the monthly summary e-mail."""

from celery import shared_task
from django.utils import timezone


@shared_task
def send_monthly_summaries() -> int:
    """Monthly: e-mails last month's one-page summary (PDF) to the recipients each office set."""
    from .summaries import summary_send_monthly

    return summary_send_monthly(today=timezone.localdate())
