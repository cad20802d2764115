"""Reads of plans and tasks; every query starts from a queryset scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from responsibilities.models import Department
from responsibilities.scope import jurisdiction_ids_for_user

from .models import Assignment, Heading, Plan, Task


def plans_for_user(*, user):
    return (
        Plan.objects.for_user(user)
        .select_related("jurisdiction")
        .annotate(
            task_count=Count("tasks", distinct=True), target_count=Count("tasks__targets", distinct=True)
        )
    )


def tasks_with_details(queryset):
    """Tasks with their departments and targets loaded in a fixed number of queries.

    Indicators are joined, not prefetched: a prefetch lists every indicator id in an IN clause,
    and a plan of 1,200 targets passes SQLite's expression-depth limit.
    """
    # The targets app sits above this one; reach its model through the reverse relation.
    target_model = Task._meta.get_field("targets").related_model
    return queryset.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
        Prefetch("targets", queryset=target_model.objects.select_related("indicator")),
    )


@dataclass
class TreeNode:
    kind: str  # "heading" or "task"
    depth: int
    item: Heading | Task


def plan_tree(*, plan: Plan) -> list[TreeNode]:
    """The plan's headings and tasks in printed order, each with its depth in the tree."""
    headings = list(plan.headings.all())
    tasks = list(tasks_with_details(plan.tasks.all()))
    nodes = [TreeNode("heading", h.depth, h) for h in headings] + [
        TreeNode("task", len(t.path) - 1, t) for t in tasks
    ]
    nodes.sort(key=lambda node: node.item.position)
    return nodes


def department_tasks(*, department: Department):
    """The tasks a department leads or joins, directly or through a collective name it belongs to."""
    collectives = department.collectives.all()
    return tasks_with_details(
        Task.objects.filter(
            Q(assignments__department=department) | Q(assignments__department__in=collectives)
        )
        .distinct()
        .select_related("plan")
        .order_by("plan__title", "plan_id", "position")
    )


def departments_for_user(*, user):
    return (
        Department.objects.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user))
        .select_related("jurisdiction")
        .annotate(
            lead_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD), distinct=True),
            participating_count=Count(
                "assignments", filter=Q(assignments__role=Assignment.Role.PARTICIPATING), distinct=True
            ),
        )
    )
