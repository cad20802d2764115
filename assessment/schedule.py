"""The assessment schedule: once last month's reporting period has closed, its month (and the
quarter and assessment year it ends) are compiled for every active plan, once."""

from __future__ import annotations

import datetime as dt

from programmes.models import Plan
from reports.models import ReportingPeriod

from .compile import scheme_ensure
from .models import Assessment, AssessmentRun
from .periods import last_closed_periods
from .services import assessment_run_request


def assessments_run_schedule(*, today: dt.date) -> list[int]:
    """Queues the compile of each period that ended with last month, for plans whose last month
    has closed and that have no assessment or job for it yet; running it again queues nothing."""
    queued = []
    last_month_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    closed = set(
        ReportingPeriod.objects.filter(
            start=last_month_start, status=ReportingPeriod.Status.CLOSED
        ).values_list("jurisdiction_id", flat=True)
    )
    for plan in Plan.objects.active().filter(jurisdiction_id__in=closed):
        scheme = scheme_ensure(plan=plan)
        for period in last_closed_periods(today=today, year_start_month=scheme.year_start_month):
            done = Assessment.objects.filter(plan=plan, start=period.start, end=period.end).exists()
            if done or AssessmentRun.objects.filter(plan=plan, start=period.start, end=period.end).exists():
                continue
            queued.append(assessment_run_request(plan=plan, period=period).pk)
    return queued
