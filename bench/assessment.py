"""The assessment figure: compiling a yearly assessment of a bench plan (60 departments, 300
tasks, twelve months of reports) from scratch, the result written, files not included."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from programmes.models import Plan


def time_assessment_year(*, plan: Plan) -> dict:
    """Seconds to compile the last twelve closed months as one assessment year; the compile
    is rolled back afterwards so the bench leaves no assessment behind."""
    from assessment.compile import assessment_compile
    from assessment.periods import assessment_period

    today = timezone.localdate()
    year = assessment_period(kind="year", year=today.year - 1, year_start_month=today.month)
    with transaction.atomic():
        started = time.perf_counter()
        assessment = assessment_compile(plan=plan, period=year, as_of=today)
        seconds = time.perf_counter() - started
        departments = assessment.results.count()
        transaction.set_rollback(True)
    return {"assessment_year_s": round(seconds, 2), "assessment_departments": departments}
