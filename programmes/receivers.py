"""What a department merge or deactivation means for plans (see responsibilities.signals).

A merged department's part in current plans passes to its successor, each plan changed as a
revision with the merge's reason. Archived plans are read-only and keep the department they
named, as old reports keep the name they were written under.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from responsibilities.signals import department_in_use, department_merged

from .models import Assignment, Plan
from .revisions import plan_change

LEAD, PARTICIPATING = Assignment.Role.LEAD, Assignment.Role.PARTICIPATING
IN_USE_LISTED = 6  # the refusal names five; a sixth tells it there are more


@receiver(department_merged, dispatch_uid="programmes.assignments_move")
def assignments_move(sender, *, source, into, actor, reason, **kwargs) -> dict[str, int]:
    """The source's assignments in current plans become the successor's, printed names kept:
    where the successor already has the task in the same role the source's row goes, and
    where it has the task in the other role the lead role wins."""
    plan_ids = (
        Assignment.objects.filter(department=source, task__plan__in=Plan.objects.current())
        .values_list("task__plan_id", flat=True)
        .distinct()
    )
    moved = dropped = 0
    summary = _("部门合并：%(source)s并入%(into)s") % {"source": source.name, "into": into.name}
    for plan in Plan.objects.filter(pk__in=list(plan_ids)).order_by("pk"):
        with plan_change(
            plan=plan,
            actor=actor,
            action="plan.department_merge",
            summary=summary,
            reason=reason,
            audited=False,  # the merge's own audit row covers it
        ):
            plan_moved, plan_dropped = _assignments_move(plan, source, into)
        moved, dropped = moved + plan_moved, dropped + plan_dropped
    return {"assignments_moved": moved, "assignments_dropped": dropped}


def _assignments_move(plan: Plan, source, into) -> tuple[int, int]:
    theirs = {(a.task_id, a.role): a for a in Assignment.objects.filter(task__plan=plan, department=into)}
    moved = dropped = 0
    for row in Assignment.objects.filter(task__plan=plan, department=source).order_by("pk"):
        other_role = PARTICIPATING if row.role == LEAD else LEAD
        if (row.task_id, row.role) in theirs or (row.role == PARTICIPATING and (row.task_id, LEAD) in theirs):
            row.delete()
            dropped += 1
            continue
        if (row.task_id, other_role) in theirs:
            # The successor joined the task the source led: it leads it now.
            theirs.pop((row.task_id, other_role)).delete()
            dropped += 1
        row.department = into
        row.save(update_fields=["department"])
        theirs[(row.task_id, row.role)] = row
        moved += 1
    return moved, dropped


@receiver(department_in_use, dispatch_uid="programmes.tasks_in_force")
def tasks_in_force(sender, *, department, **kwargs) -> list[str]:
    """The tasks in force of current plans that the department leads or joins."""
    assignments = (
        Assignment.objects.filter(
            department=department, task__withdrawn_at__isnull=True, task__plan__in=Plan.objects.current()
        )
        .select_related("task__plan")
        .order_by("task__plan__title", "task__plan_id", "task__position", "role")[:IN_USE_LISTED]
    )
    return [
        _("《%(plan)s》%(task)s（%(role)s）")
        % {
            "plan": a.task.plan.title,
            "task": f"{a.task.path_label} {a.task.title}",
            "role": a.get_role_display(),
        }
        for a in assignments
    ]
