"""Reminders for missing reports: three days before the deadline, on it, and every working day
after it until the report comes in. Each is sent once per day and department.

Safe under duplicate delivery: the daily job may run twice at once (two workers, the same
message delivered twice) or again after it finished (a redelivery). Each reminder is a
notification with a dedupe key (period, day, kind) under the unique constraint
notification_once_per_key (user, dedupe_key): the second insert waits for the first to commit and
then fails, so a person gets a reminder once, and its deliveries with it. A person's notification
and its deliveries are written in one transaction, so a worker dying between them leaves neither,
and the redelivered job sends both."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities.models import Membership, Role

from .calendar import is_working_day
from .models import DepartmentReport, ReportingPeriod, ReportingRule
from .notifications import notify
from .selectors import period_overview
from .services import period_audit


def reminder_due(*, period: ReportingPeriod, today: dt.date) -> str | None:
    """Which reminder a day calls for: 'before' N days ahead, 'deadline' on the day, 'overdue'
    on each working day after it; None otherwise."""
    rule = ReportingRule.objects.filter(jurisdiction_id=period.jurisdiction_id).first()
    days_before = rule.reminder_days_before if rule else 3
    if today == period.deadline - dt.timedelta(days=days_before):
        return "before"
    if today == period.deadline:
        return "deadline"
    if today > period.deadline and is_working_day(today):
        return "overdue"
    return None


MESSAGES = {
    "before": gettext_lazy("%(period)s月报将于%(deadline)s截止，请及时填报"),
    "deadline": gettext_lazy("今天是%(period)s月报截止日，请尽快提交"),
    "overdue": gettext_lazy("%(period)s月报已逾期%(days)s天未提交，请尽快提交"),
    "manual": gettext_lazy("质强办提醒：请尽快提交%(period)s月报（截止%(deadline)s）"),
}


def remind_missing(*, period: ReportingPeriod, today: dt.date, actor=None, manual: bool = False) -> int:
    """Liaisons of every department whose report for the period is not submitted get a reminder."""
    kind = "manual" if manual else reminder_due(period=period, today=today)
    if kind is None:
        return 0
    missing = [row for row in period_overview(period=period) if row.state == "missing"]
    liaisons = Membership.objects.filter(
        department__in=[row.department for row in missing],
        role=Role.LIAISON,
        is_active=True,
        user__is_active=True,
    ).select_related("user", "department")
    reports = {row.department.pk: row.report for row in missing}
    sent = 0
    for membership in liaisons:
        report: DepartmentReport | None = reports.get(membership.department_id)
        title = MESSAGES[kind] % {
            "period": period.label,
            "deadline": _("%(month)s月%(day)s日")
            % {"month": period.deadline.month, "day": period.deadline.day},
            "days": (today - period.deadline).days,
        }
        with transaction.atomic():  # the notification and its deliveries, or neither
            sent += notify(
                users=[membership.user],
                kind=f"reminder.{kind}",
                title=title,
                url=reverse("reports:report_detail", args=[report.pk])
                if report
                else reverse("reports:my_reports"),
                # one automatic reminder a day; manual ones once a minute at most
                dedupe_key=f"remind:{period.pk}:{today:%Y%m%d}:{kind}"
                + (f":{dt.datetime.now():%H%M}" if manual else ""),
                jurisdiction=period.jurisdiction_id,
            )
    if manual:
        summary = _("%(period)s催报%(count)s人") % {"period": period.label, "count": sent}
        period_audit(actor=actor, action="period.remind", period=period, summary=summary)
    return sent


def reminders_run(*, today: dt.date) -> int:
    """Once a day, over every open period."""
    return sum(remind_missing(period=p, today=today) for p in ReportingPeriod.objects.open())
