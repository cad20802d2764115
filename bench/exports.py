"""Figures for the decomposition table: exporting a large plan to .xlsx and importing it back,
and importing the same plan as a PDF (exported to .docx, printed to PDF by LibreOffice)."""

from __future__ import annotations

import time

from django.db import transaction

from plandocs.exporters import plan_export
from plandocs.readers import extract
from plandocs.services import PlanMeta, plan_save_document
from plandocs.tasks import ConversionFailed, soffice_convert
from responsibilities.models import Jurisdiction

from .data import bench_plan_create


def time_export_and_import(*, jurisdiction: Jurisdiction, tasks: int = 1000) -> dict:
    """Seconds to export a plan of `tasks` tasks to .xlsx, and to read that file and save it as a
    new plan; everything runs in one transaction that is rolled back, so no data is left."""
    with transaction.atomic():
        plan = bench_plan_create(jurisdiction=jurisdiction, tasks=tasks)
        plan = type(plan).objects.select_related("jurisdiction").get(pk=plan.pk)

        started = time.perf_counter()
        export = plan_export(plan=plan, extension="xlsx")
        export_s = time.perf_counter() - started

        started = time.perf_counter()
        extraction = extract(export.data, filename=export.filename)
        saved = plan_save_document(
            jurisdiction=jurisdiction,
            meta=PlanMeta(
                title=f"{extraction.title}（导入）", year_start=plan.year_start, year_end=plan.year_end
            ),
            document=extraction.to_dict(),
        )
        import_s = time.perf_counter() - started
        figures = {
            "export_1000_tasks_s": round(export_s, 3),
            "import_1000_tasks_s": round(import_s, 3),
            "export_import_tasks": saved.tasks.count(),
            "export_import_targets": sum(1 for _ in extraction.targets),
        }
        transaction.set_rollback(True)
    return figures


def time_pdf_import(*, jurisdiction: Jurisdiction, tasks: int = 1000) -> dict:
    """Seconds to read a `tasks`-task plan from a PDF with a text layer: the bench's plan exported
    to .docx and printed to PDF by LibreOffice (untimed), then read; rolled back like the above.
    None when LibreOffice is not installed."""
    with transaction.atomic():
        plan = bench_plan_create(jurisdiction=jurisdiction, tasks=tasks)
        plan = type(plan).objects.select_related("jurisdiction").get(pk=plan.pk)
        export = plan_export(plan=plan, extension="docx")
        transaction.set_rollback(True)
    try:
        pdf = soffice_convert(export.data, filename=export.filename, to="pdf", timeout=300)
    except ConversionFailed:
        return {"import_pdf_1000_tasks_s": None, "import_pdf_tasks": None}
    started = time.perf_counter()
    extraction = extract(pdf, filename="plan.pdf")
    seconds = time.perf_counter() - started
    return {"import_pdf_1000_tasks_s": round(seconds, 3), "import_pdf_tasks": len(extraction.tasks)}
