"""Reads of plans and tasks; every query starts from a queryset scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from responsibilities.models import Department
from responsibilities.scope import jurisdiction_ids_for_user

from .models import Assignment, Delegation, Heading, Plan, Task


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
        Prefetch("targets", queryset=target_model.objects.select_related("indicator__reporting_department")),
    )


@dataclass
class TreeNode:
    kind: str  # "heading" or "task"
    depth: int
    item: Heading | Task


def plan_tree(*, plan: Plan, milestones: bool = False, delegations: bool = False) -> list[TreeNode]:
    """The plan's headings and tasks in printed order, each with its depth in the tree (and,
    asked for, each task's milestones and the jurisdictions each task was delegated to
    (delegated_to): one query more each)."""
    headings = list(plan.headings.all())
    tasks = tasks_with_details(plan.tasks.all())
    if delegations:
        delegated = Delegation.objects.select_related("jurisdiction").order_by("jurisdiction__name")
        tasks = tasks.prefetch_related(Prefetch("delegations", queryset=delegated, to_attr="delegated_to"))
    if milestones:
        tasks = tasks.prefetch_related("milestones")
    nodes = [TreeNode("heading", h.depth, h) for h in headings] + [
        TreeNode("task", len(t.path) - 1, t) for t in tasks
    ]
    nodes.sort(key=lambda node: node.item.position)
    return nodes


@dataclass(frozen=True)
class PlanFigures:
    task_count: int  # tasks in force
    withdrawn_count: int
    target_count: int  # targets of tasks in force
    has_appendix: bool


def plan_figures(nodes: list[TreeNode]) -> PlanFigures:
    """What the plan page says above the tree: tasks and targets in force, tasks withdrawn, and
    whether the plan has its own 附件 table (which the export then writes by default)."""
    tasks = [node.item for node in nodes if node.kind == "task"]
    in_force = [task for task in tasks if task.withdrawn_at is None]
    return PlanFigures(
        task_count=len(in_force),
        withdrawn_count=len(tasks) - len(in_force),
        target_count=sum(len(task.targets.all()) for task in in_force),
        has_appendix=any((task.path or [""])[0] == "附件" for task in tasks),
    )


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
