"""Deletes audit records older than a number of days, never fewer than 180 (等保 2.0: at least
six months). Run it from cron or Celery beat; without --days it deletes nothing."""

from django.core.management.base import BaseCommand, CommandError

from qualitycity.errors import ApplicationError
from responsibilities.services import AUDIT_RETENTION_MIN_DAYS, audit_prune


class Command(BaseCommand):
    help = "删除超过保存期限的审计记录（保存期限不少于180天）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            required=True,
            help=f"保存天数：早于该天数的记录被删除，不得少于{AUDIT_RETENTION_MIN_DAYS}",
        )

    def handle(self, *args, days: int, **options):
        try:
            deleted = audit_prune(older_than_days=days)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"deleted {deleted} audit records older than {days} days")
