"""Figures for the decomposition table: exporting a large plan to .xlsx and importing it back."""

from __future__ import annotations

import time

from django.db import transaction

from plandocs.exporters import plan_export
from plandocs.readers import extract
from plandocs.services import PlanMeta, plan_save_document
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
