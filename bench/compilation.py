"""The 汇总表 figure: the month's 月度推进情况汇总表 of a bench plan (300 tasks, its 60
departments' reports of the last closed month) compiled and written as .xlsx and .docx, as the
worker builds it (the job row and the storage left out)."""

from __future__ import annotations

import time

from django.utils import timezone

from programmes.models import Plan
from reports.models import DepartmentReport, ReportingPeriod


def time_month_compilation(*, plan: Plan) -> dict:
    """Seconds to compile the plan's table for the last month with reports and write both files."""
    from reports.compilation import month_table
    from reports.compilation_exporters import write_docx, write_xlsx

    period = (
        ReportingPeriod.objects.filter(
            jurisdiction_id=plan.jurisdiction_id,
            end__lt=timezone.localdate(),
            pk__in=DepartmentReport.objects.exclude(status=DepartmentReport.Status.DRAFT).values("period_id"),
        )
        .select_related("jurisdiction")
        .order_by("-start")
        .first()
    )
    if period is None:
        return {"compilation_month_s": None}
    started = time.perf_counter()
    table = month_table(period=period, plan=plan)
    xlsx, docx = write_xlsx(table), write_docx(table)
    seconds = time.perf_counter() - started
    return {
        "compilation_month_s": round(seconds, 2),
        "compilation_month_tasks": table.task_count,
        "compilation_month_departments": sum(table.counts.values()),
        "compilation_month_kb": round((len(xlsx) + len(docx)) / 1024),
    }
