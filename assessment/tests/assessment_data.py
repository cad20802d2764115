"""Data for the assessment tests: months of reports put in the state each test needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessment.periods import AssessmentPeriod
from reports.models import DepartmentReport, ReportingPeriod
from reports.services import period_close, period_ensure, period_open

FIRST_QUARTER = AssessmentPeriod("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
AFTER = dt.date(2026, 4, 20)  # every deadline of the quarter has passed


def months(cast, *numbers: int) -> list[ReportingPeriod]:
    """Reporting months of 2026 in the cast's city, opened (every department has a report)."""
    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    return [
        period_open(period=period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=m)) for m in numbers
    ]


def closed(periods: list[ReportingPeriod]) -> list[ReportingPeriod]:
    """The months closed, as the daily schedule closes them after their deadline: an assessment
    of closed months is final and may be published."""
    return [period_close(period=period) for period in periods]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def submit(
    period: ReportingPeriod,
    department,
    *,
    on: dt.date | None = None,
    progress: str = "按计划推进",
    rating: int | None = None,
    status: str = DepartmentReport.Status.APPROVED,
) -> DepartmentReport:
    """The department's report for the month, submitted on the given day (the deadline if none),
    every entry with progress, approved with the rating."""
    report = DepartmentReport.objects.get(period=period, department=department)
    day = on or period.deadline
    report.status = status
    report.submitted_at = at(day)
    report.is_late = day > period.deadline
    report.rating = rating
    report.save()
    report.entries.update(progress=progress)
    return report


def weights(assessment) -> dict[str, Decimal]:
    return {c["kind"]: Decimal(c["weight"]) for c in assessment.scheme["criteria"]}


def run_tasks_here(monkeypatch) -> None:
    """The assessment tasks run in the test's process even when REDIS_URL is set, so a test
    never leaves a message on a shared broker queue."""
    from assessment.tasks import compile_assessment, render_assessment_files

    for task in (compile_assessment, render_assessment_files):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply(args, throw=True))
