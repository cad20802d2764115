"""Celery tasks: thin wrappers that the database schedule (django-celery-beat) runs daily."""

from celery import shared_task
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
