"""The targets' part of a plan revision's snapshot (see programmes.revisions)."""

from __future__ import annotations

from programmes.models import Plan

from .models import Target


def targets_snapshot(plan: Plan) -> dict[str, list[dict]]:
    """Each target of the plan: its task, indicator, commitment, baseline, due date and the
    department that reports its indicator."""
    rows = (
        Target.objects.filter(task__plan=plan)
        .select_related("task", "indicator__reporting_department")
        .order_by("task__position", "position", "pk")
    )
    return {
        "targets": [
            {
                "id": t.pk,
                "label": t.task.path_label,
                "indicator": str(t.indicator),
                "commitment": t.commitment,
                "baseline": None if t.baseline is None else str(t.baseline.normalize()),
                "due_on": t.due_date.isoformat() if t.due_date else None,
                "reporting_department": getattr(t.indicator.reporting_department, "name", None),
            }
            for t in rows
        ]
    }
