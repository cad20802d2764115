"""Plan exports: the task-decomposition table (工作任务分解表) as .xlsx and .docx.

    from plandocs.exporters import plan_export
    export = plan_export(plan=plan, extension="xlsx")   # ExportFile(filename, content_type, data)

An exporter class yields the rows (exporters/decomposition.py); the base class hands them to
one writer per format (exporters/xlsx.py, exporters/docx.py).
"""

from __future__ import annotations

from programmes.models import Plan
from qualitycity.exporters import CONTENT_TYPES, ExportFile, ListExporter, Row

from .decomposition import TaskDecompositionExporter

__all__ = ["CONTENT_TYPES", "ExportFile", "ListExporter", "Row", "TaskDecompositionExporter", "plan_export"]


def plan_export(*, plan: Plan, extension: str, scope: str = "auto") -> ExportFile:
    """A plan's decomposition table is its headings and tasks in printed order, in a constant
    number of queries whatever the plan's size.

    ``scope``: "auto" (the plan's own 附件 table where it has one, else the whole plan),
    "appendix" or "plan" (every heading and task, the appendix included)."""
    return TaskDecompositionExporter(plan, scope=scope).render(extension)
