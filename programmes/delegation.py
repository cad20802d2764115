"""Delegation (任务下发): a task of a plan given to subordinate jurisdictions.

Each child gets a copy of the task in its plan of the parent's delegated tasks (one such plan
per parent plan, kind 上级下发任务); the child's office assigns its own departments to the copy,
its departments report on it, and only the parent changes its text (programmes.editor carries
the parent's changes to the copies). The apps above add their part through the
`programmes.signals.task_delegated` signal: the targets app copies the task's targets.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from qualitycity.errors import AccessRefused, ApplicationError
from responsibilities.models import Jurisdiction
from responsibilities.scope import user_scope
from responsibilities.services import audit_record

from .editor import copy_place
from .models import Delegation, Milestone, Plan, Task
from .revisions import plan_change
from .signals import task_delegated


class DelegationError(ApplicationError):
    """A delegation the rules refuse."""


def delegation_proposals(task: Task) -> list[Jurisdiction]:
    """The children of the plan's jurisdiction that the task names: a lead or participating
    department that represents a child, or a collective that represents every child."""
    departments = [a.department for a in task.assignments.select_related("department")]
    children = Jurisdiction.objects.filter(parent_id=task.plan.jurisdiction_id).order_by("name")
    if any(d.represents_children for d in departments):
        return list(children)
    named = {d.represents_id for d in departments if d.represents_id}
    return list(children.filter(pk__in=named)) if named else []


def task_delegations(task: Task) -> dict[int, Delegation]:
    """The task's delegations by child jurisdiction, each with its copy."""
    rows = Delegation.objects.filter(task=task).select_related("jurisdiction", "child_task")
    return {d.jurisdiction_id: d for d in rows}


def delegated_names(delegations: Iterable[Delegation]) -> str:
    """The children a task was delegated to, as the plan prints them: 太仓市、昆山市."""
    return "、".join(d.jurisdiction.name for d in sorted(delegations, key=lambda d: d.jurisdiction.name))


@transaction.atomic
def task_delegate(*, task: Task, jurisdictions: Iterable[Jurisdiction], actor) -> list[Delegation]:
    """Only the office of the plan's jurisdiction delegates a task in force of its active plan
    to direct children; each child gets the copy once (again: unchanged), in its plan of the
    parent plan's delegated tasks, and both plans record it as a revision."""
    plan = task.plan
    if not user_scope(actor).is_office_of(plan.jurisdiction_id):
        raise AccessRefused(_("下发：只有%(name)s质强办可以下发这个方案的任务") % {"name": plan.jurisdiction})
    wanted = _children_check(plan, list(jurisdictions))
    done = task_delegations(task)
    new = [child for child in wanted if child.pk not in done]
    if not new:
        return [done[child.pk] for child in wanted]
    names = "、".join(child.name for child in new)
    created = []
    with plan_change(
        plan=plan,
        actor=actor,
        action="task.delegate",
        summary=_("下发任务%(task)s至%(names)s") % {"task": task, "names": names},
        reason=_("下发至%s") % names,
    ) as plan:
        task = Task.objects.get(pk=task.pk, plan=plan)
        _task_check(plan, task)
        for child in new:
            created.append(_delegate_to(plan, task, child, actor))
    return [*created, *(done[child.pk] for child in wanted if child.pk in done)]


def _children_check(plan: Plan, jurisdictions: list[Jurisdiction]) -> list[Jurisdiction]:
    if not jurisdictions:
        raise DelegationError(_("下级行政区：请至少选择一个"))
    for child in jurisdictions:
        if child.parent_id != plan.jurisdiction_id:
            raise DelegationError(
                _("下级行政区：%(child)s不是%(parent)s的直属下级，不能下发")
                % {"child": child.name, "parent": plan.jurisdiction.name}
            )
    return sorted({child.pk: child for child in jurisdictions}.values(), key=lambda child: child.name)


def _task_check(plan: Plan, task: Task) -> None:
    if plan.status == Plan.Status.ARCHIVED:
        raise DelegationError(_("方案已归档，只能查看；如需修改请先恢复"))
    if plan.status != Plan.Status.ACTIVE:
        raise DelegationError(_("下发：方案还是草稿，开始执行后才能下发任务"))
    if plan.parent_plan_id is not None or plan.kind == Plan.Kind.DELEGATED:
        raise DelegationError(_("下发：这是上级下发的任务，不能再下发"))
    if task.is_withdrawn:
        raise DelegationError(_("任务：已撤销的任务不能下发"))


def _delegate_to(plan: Plan, task: Task, child: Jurisdiction, actor) -> Delegation:
    """The child's copy of the task, placed in its plan of this plan's delegated tasks in the
    parent's order, with its milestones; the apps above add theirs through task_delegated."""
    host = _host_plan(plan, child, actor)
    with plan_change(
        plan=host,
        actor=actor,
        action="task.create",
        summary=_("上级下发任务%s") % task,
        reason=_("上级下发任务"),
    ) as host:
        highest = Task.objects.filter(plan=host).order_by("-position").values_list("position", flat=True)
        copy = Task.objects.create(
            plan=host,
            number=task.number,
            path=list(task.path),
            title=task.title,
            text=task.text,
            due=task.due,
            due_date=task.due_date,
            position=(highest.first() or 0) + 1_000_000,
        )
        Milestone.objects.bulk_create(
            Milestone(task=copy, date=m.date, title=m.title) for m in task.milestones.all()
        )
        delegation = Delegation.objects.create(
            task=task, jurisdiction=child, child_task=copy, created_by=actor
        )
        copy_place(plan=host, copy=copy, order=task.position)
        task_delegated.send(sender=Delegation, delegation=delegation, actor=actor)
    return delegation


def _host_plan(plan: Plan, child: Jurisdiction, actor) -> Plan:
    """The child's plan of this plan's delegated tasks, made in force the first time."""
    host = Plan.objects.filter(jurisdiction=child, parent_plan=plan).order_by("pk").first()
    if host is not None:
        if host.status == Plan.Status.ARCHIVED:
            raise DelegationError(
                _("下级行政区：%(child)s已将《%(plan)s》归档，请先由其恢复执行")
                % {"child": child.name, "plan": host}
            )
        return host
    suffix = _("（%(parent)s下发任务）") % {"parent": plan.jurisdiction.name}
    host = Plan.objects.create(
        jurisdiction=child,
        parent_plan=plan,
        kind=Plan.Kind.DELEGATED,
        title=f"{plan.title[: 200 - len(suffix)]}{suffix}",
        issuer=plan.issuer,
        year_start=plan.year_start,
        year_end=plan.year_end,
        reporting_frequency=plan.reporting_frequency,
        status=Plan.Status.ACTIVE,
    )
    audit_record(
        actor=actor,
        action="plan.create",
        obj=host,
        jurisdiction=child,
        summary=_("新建方案%s") % host.title,
    )
    return host
