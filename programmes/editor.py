"""The plan editor's rules: plans, their heading tree, tasks with departments and milestones.

Each function is one change: it runs inside programmes.revisions.plan_change, so it is one
transaction and one audit row, and on an active plan a revision with its reason. A refusal
names the field in Chinese and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitycity.errors import ApplicationError
from qualitycity.params import form_date
from responsibilities.models import Department, Jurisdiction
from responsibilities.services import audit_record

from . import numbering
from .models import Assignment, Delegation, Heading, Milestone, Plan, Task
from .revisions import PLAN_FIELDS as SNAPSHOT_PLAN_FIELDS
from .revisions import plan_change

# The fields the office types; the status moves only through activate, archive and restore.
PLAN_FIELDS = tuple(name for name in SNAPSHOT_PLAN_FIELDS if name != "status")


class EditorError(ApplicationError):
    """A change to a plan the rules refuse."""


# What a delegated task's copy takes from its parent task; only the parent's office changes it.
COPIED_FIELDS = ("number", "path", "title", "text", "due", "due_date")


# Plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, jurisdiction: Jurisdiction, actor, data: dict) -> Plan:
    """A plan typed in by hand starts as a draft (no revisions until it is put into force)."""
    _check_plan_fields(jurisdiction, data, plan=None)
    plan = Plan.objects.create(
        jurisdiction=jurisdiction, status=Plan.Status.DRAFT, **{k: data[k] for k in PLAN_FIELDS if k in data}
    )
    audit_record(
        actor=actor,
        action="plan.create",
        obj=plan,
        jurisdiction=jurisdiction,
        summary=_("新建方案%s") % plan.title,
    )
    return plan


def plan_update(*, plan: Plan, actor, data: dict, reason: str = "") -> Plan:
    """A plan's title, kind, issuer, 文号, dates, years and frequency change as one revision."""
    with plan_change(
        plan=plan, actor=actor, action="plan.update", summary=_("修改方案信息"), reason=reason
    ) as plan:
        _check_plan_fields(plan.jurisdiction, data, plan=plan)
        for name in PLAN_FIELDS:
            if name in data:
                setattr(plan, name, data[name])
        plan.save()
    return plan


def _check_plan_fields(jurisdiction: Jurisdiction, data: dict, *, plan: Plan | None) -> None:
    start, end = data.get("year_start"), data.get("year_end")
    if start and end and end < start:
        raise EditorError(_("截止年度：不能早于起始年度%(start)s") % {"start": start})
    number = (data.get("document_number") or "").strip()
    if number:
        taken = Plan.objects.filter(jurisdiction=jurisdiction, document_number=number)
        if plan is not None:
            taken = taken.exclude(pk=plan.pk)
        if taken.exists():
            raise EditorError(_("文号：本区已有文号为“%(number)s”的方案") % {"number": number})


def plan_activate(*, plan: Plan, actor) -> Plan:
    """A draft is put into force: from now on it is reported and every change is a revision."""
    with plan_change(plan=plan, actor=actor, action="plan.activate", summary=_("开始执行")) as plan:
        if plan.status != Plan.Status.DRAFT:
            raise EditorError(_("状态：只有草稿可以开始执行"))
        if not plan.tasks.exists():
            raise EditorError(_("任务：方案还没有任务，不能开始执行"))
        plan.status = Plan.Status.ACTIVE
        plan.save(update_fields=["status", "updated_at"])
    return plan


def plan_archive(*, plan: Plan, actor, reason: str) -> Plan:
    """An archived plan leaves dashboards, due lists and assessments and stays readable."""
    with plan_change(plan=plan, actor=actor, action="plan.archive", summary=_("归档"), reason=reason) as plan:
        plan.status = Plan.Status.ARCHIVED
        plan.save(update_fields=["status", "updated_at"])
    return plan


def plan_restore(*, plan: Plan, actor, reason: str) -> Plan:
    """An archived plan comes back into force."""
    with plan_change(
        plan=plan, actor=actor, action="plan.restore", summary=_("恢复执行"), reason=reason
    ) as plan:
        if plan.status != Plan.Status.ARCHIVED:
            raise EditorError(_("状态：只有已归档的方案可以恢复"))
        plan.status = Plan.Status.ACTIVE
        plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, actor) -> None:
    """A plan nobody has reported on can be deleted; one with reports can only be archived."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if Task.objects.filter(plan=plan, entries__isnull=False).exists():
        raise EditorError(_("删除：已有部门报送过这个方案的任务，只能归档"))
    if plan.parent_plan_id is not None:
        raise EditorError(_("删除：上级下发的任务方案不能删除"))
    if Delegation.objects.filter(task__plan=plan).exists():
        raise EditorError(_("删除：方案的任务已下发至下级，只能归档"))
    audit_record(
        actor=actor,
        action="plan.delete",
        obj=plan,
        jurisdiction=plan.jurisdiction,
        summary=_("删除方案%s") % plan.title,
        before={"title": plan.title, "document_number": plan.document_number, "tasks": plan.tasks.count()},
    )
    plan.delete()


# The tree ------------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """A heading or task in the tree being edited; the root stands for the plan."""

    obj: Heading | Task | None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def is_heading(self) -> bool:
        return isinstance(self.obj, Heading)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def tree_load(plan: Plan) -> tuple[Node, dict[tuple[str, int], Node]]:
    """The plan's tree in printed order, and its nodes by ("heading"|"task", pk)."""
    root = Node(None)
    nodes: dict[tuple[str, int], Node] = {}
    items = sorted(
        [*plan.headings.all(), *plan.tasks.all()],
        key=lambda item: item.position,
    )
    for item in items:
        nodes[(_kind(item), item.pk)] = Node(item)
    for item in items:
        node = nodes[(_kind(item), item.pk)]
        parent_id = item.parent_id if isinstance(item, Heading) else item.heading_id
        node.parent = nodes[("heading", parent_id)] if parent_id else root
        node.parent.children.append(node)
    return root, nodes


def _kind(item) -> str:
    return "heading" if isinstance(item, Heading) else "task"


def _tree_save(plan: Plan, root: Node) -> None:
    """Positions and paths follow the tree's order: positions are made free first, since
    they are unique within the plan."""
    headings, tasks = [], []
    position = 0
    copies = _copy_ids(plan)  # a delegated copy keeps its printed path in the parent's plan

    def walk(node: Node, path: list[str]) -> None:
        nonlocal position
        for child in node.children:
            position += 1
            item = child.obj
            item.position = position
            if isinstance(item, Heading):
                item.path = [*path, item.number]
                item.parent = node.obj
                headings.append(item)
                walk(child, item.path)
            else:
                if item.pk not in copies:
                    item.path = [*path, item.number]
                item.heading = node.obj
                tasks.append(item)

    walk(root, [])
    offset = position + 1_000_000
    Heading.objects.filter(plan=plan).update(position=F("position") + offset)
    Task.objects.filter(plan=plan).update(position=F("position") + offset)
    Heading.objects.bulk_update(headings, ["position", "path", "parent"])
    Task.objects.bulk_update(tasks, ["position", "path", "heading"])


def _copy_ids(plan: Plan) -> set[int]:
    """The plan's tasks that are copies of tasks its parent jurisdiction delegated."""
    return set(Delegation.objects.filter(child_task__plan=plan).values_list("child_task_id", flat=True))


def _delegation_of(task: Task) -> Delegation | None:
    """The delegation a task is the child's copy of, if it is one."""
    if task.pk is None:
        return None
    return Delegation.objects.filter(child_task_id=task.pk).first()


def copy_place(*, plan: Plan, copy: Task, order: int) -> None:
    """A delegated task's copy takes its place on the plan's first level in its parent's order
    (`order` is the parent task's position): before the first copy of a later parent task."""
    root, nodes = tree_load(plan)
    node = nodes[("task", copy.pk)]
    _detach(node)
    orders = dict(
        Delegation.objects.filter(child_task__plan=plan).values_list("child_task_id", "task__position")
    )
    index = len(root.children)
    for i, sibling in enumerate(root.children):
        if not sibling.is_heading and orders.get(sibling.obj.pk, -1) > order:
            index = i
            break
    node.parent = root
    root.children.insert(index, node)
    _tree_save(plan, root)


def _free_position(plan: Plan) -> int:
    """A position no heading or task of the plan holds, for a new item until the tree is saved."""
    highest = [
        model.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True).first() or 0
        for model in (Heading, Task)
    ]
    return max(highest) + 1


def _check_number(parent: Node, number: str, *, item=None) -> str:
    number = (number or "").strip()
    if not number:
        raise EditorError(_("编号：请填写编号，例如 一、(一)、1 或 ——"))
    if len(number) > 16:
        raise EditorError(_("编号：最多16个字"))
    if numbering.style_of(number) != "dash":
        for sibling in parent.children:
            if sibling.obj is not item and sibling.obj.number == number:
                raise EditorError(
                    _("编号：“%(parent)s”下已有编号为“%(number)s”的项")
                    % {"parent": _node_title(parent), "number": number}
                )
    return number


def _node_title(node: Node) -> str:
    return str(node.obj) if node.obj is not None else _("方案第一层")


def _parent_node(nodes, parent: Heading | None, root: Node) -> Node:
    if parent is None:
        return root
    node = nodes.get(("heading", parent.pk))
    if node is None:
        raise EditorError(_("上级标题：不属于这个方案"))
    return node


def _insert(parent: Node, node: Node, place, *, was: tuple[Node, int] | None = None) -> None:
    """Put a node under a parent: "first", "end", right after a sibling ("task"|"heading", pk),
    or "keep" its place when its parent did not change (else at the end)."""
    node.parent = parent
    if place == "keep" and was is not None and was[0] is parent:
        index = was[1]
    elif place == "first":
        index = 0
    elif isinstance(place, tuple):
        after = _sibling(parent, *place)
        index = next(i for i, sibling in enumerate(parent.children) if sibling.obj is after) + 1
    else:
        index = len(parent.children)
    parent.children.insert(index, node)


def _sibling(parent: Node, kind: str, pk: int):
    for sibling in parent.children:
        if _kind(sibling.obj) == kind and sibling.obj.pk == pk:
            return sibling.obj
    raise EditorError(_("位置：所选的项不在这个上级标题下"))


def suggested_number(plan: Plan, parent: Heading | None, *, kind: str) -> str:
    """The number a new item under a parent gets: the next in its siblings' style."""
    root, nodes = tree_load(plan)
    node = _parent_node(nodes, parent, root)
    numbers = [child.obj.number for child in node.children if _kind(child.obj) == kind]
    depth = len(parent.path) if parent is not None else 0
    default = numbering.child_style(depth) if kind == "heading" or parent is None else "arabic"
    return numbering.next_number(numbers, default_style=default)


def heading_save(*, plan: Plan, actor, heading: Heading | None, data: dict, reason: str = "") -> Heading:
    """A heading added or edited: its number (unique among its siblings), title, parent and
    place; a heading cannot move under itself or its own descendants."""
    action, summary = (
        ("heading.create", _("新增标题")) if heading is None else ("heading.update", _("修改标题"))
    )
    with plan_change(plan=plan, actor=actor, action=action, summary=summary, reason=reason) as plan:
        root, nodes = tree_load(plan)
        parent = _parent_node(nodes, data.get("parent"), root)
        if heading is None:
            heading = Heading(plan=plan)
            node = Node(heading)
        else:
            node = nodes[("heading", heading.pk)]
            heading = node.obj
            if parent is node or node in parent.ancestors():
                raise EditorError(_("上级标题：不能把标题移到它自己或它的下级之下"))
        was = _detach(node)
        heading.number = _check_number(parent, data["number"], item=heading)
        heading.title = (data.get("title") or "").strip()[:300]
        _insert(parent, node, data.get("place", "end"), was=was)
        if heading.pk is None:
            heading.position = _free_position(plan)
            heading.save()
        else:
            heading.save(update_fields=["number", "title"])
        _tree_save(plan, root)
    return heading


def _detach(node: Node) -> tuple[Node, int] | None:
    """Take a node out of its parent, returning where it was (None for a new node)."""
    if node.parent is None:
        return None
    index = node.parent.children.index(node)
    node.parent.children.pop(index)
    return node.parent, index


def _descendants(node: Node):
    for child in node.children:
        yield child
        yield from _descendants(child)


def node_move(*, plan: Plan, actor, kind: str, pk: int, step: int, reason: str = "") -> None:
    """A heading or task moves one place up or down among its siblings."""
    with plan_change(
        plan=plan, actor=actor, action=f"{kind}.move", summary=_("调整顺序"), reason=reason
    ) as plan:
        root, nodes = tree_load(plan)
        node = nodes.get((kind, pk))
        if node is None:
            raise EditorError(_("位置：该项不属于这个方案"))
        if kind == "task" and pk in _copy_ids(plan):
            raise EditorError(_("位置：上级下发的任务按上级方案的顺序排列，不能移动"))
        siblings = node.parent.children
        index = siblings.index(node)
        target = index + step
        if not 0 <= target < len(siblings):
            raise EditorError(_("位置：已经在最前或最后"))
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _tree_save(plan, root)


def renumber(*, plan: Plan, actor, parent: Heading | None, reason: str = "") -> None:
    """A heading's items (or the plan's first level) are numbered 1, 2, 3… in their style."""
    with plan_change(
        plan=plan, actor=actor, action="plan.renumber", summary=_("重新编号"), reason=reason
    ) as plan:
        root, nodes = tree_load(plan)
        parent_node = _parent_node(nodes, parent, root)
        copies = _copy_ids(plan)
        if any(not c.is_heading and c.obj.pk in copies for c in parent_node.children):
            raise EditorError(_("编号：这里有上级下发的任务，编号按上级方案，不能重新编号"))
        # Headings and tasks are numbered apart when they share a parent: (一) headings, 1 tasks.
        for kind in ("heading", "task"):
            children = [c for c in parent_node.children if _kind(c.obj) == kind]
            for child, number in zip(
                children, numbering.renumbered([c.obj.number for c in children]), strict=True
            ):
                child.obj.number = number
        Heading.objects.bulk_update([c.obj for c in parent_node.children if c.is_heading], ["number"])
        Task.objects.bulk_update([c.obj for c in parent_node.children if not c.is_heading], ["number"])
        _tree_save(plan, root)


def numbering_gaps(plan: Plan) -> list[Heading | None]:
    """Parents (None for the plan's first level) whose items are not numbered consecutively:
    the editor offers to renumber them."""
    root, _nodes = tree_load(plan)
    copies = _copy_ids(plan)
    gaps = []
    for node in [root, *_descendants(root)]:
        if node.obj is not None and not node.is_heading:
            continue
        if any(not c.is_heading and c.obj.pk in copies for c in node.children):
            continue  # delegated copies keep the parent plan's numbers
        for kind in ("heading", "task"):
            numbers = [c.obj.number for c in node.children if _kind(c.obj) == kind]
            if not numbering.numbers_consecutive(numbers):
                gaps.append(node.obj)
                break
    return gaps


def heading_delete(*, plan: Plan, actor, heading: Heading, reason: str = "") -> None:
    """An empty heading can be deleted; one with items must be emptied first."""
    with plan_change(
        plan=plan, actor=actor, action="heading.delete", summary=_("删除标题%s") % heading, reason=reason
    ) as plan:
        heading = Heading.objects.get(pk=heading.pk, plan=plan)
        if heading.children.exists() or heading.tasks.exists():
            raise EditorError(_("删除：“%(heading)s”下还有标题或任务，请先移走或删除") % {"heading": heading})
        heading.delete()
        root, _nodes = tree_load(plan)
        _tree_save(plan, root)


# Tasks ---------------------------------------------------------------------------------------


def task_save(*, plan: Plan, actor, task: Task | None, data: dict, reason: str = "") -> Task:
    """A task added or edited: number (unique among its siblings), title, content, 完成时限 as
    text and/or date, milestones, lead and participating departments of the plan's
    jurisdiction, its heading and place. A withdrawn task cannot be edited; a delegated task's
    copy takes only its departments from the child (the rest is the parent's to change), and a
    change to a delegated task reaches its copies."""
    action, summary = ("task.create", _("新增任务")) if task is None else ("task.update", _("修改任务"))
    with plan_change(plan=plan, actor=actor, action=action, summary=summary, reason=reason) as plan:
        root, nodes = tree_load(plan)
        parent = _parent_node(nodes, data.get("heading"), root)
        if task is None:
            task = Task(plan=plan)
            node = Node(task)
        else:
            node = nodes.get(("task", task.pk))
            if node is None:
                raise EditorError(_("任务：不属于这个方案"))
            task = node.obj
            if task.is_withdrawn:
                raise EditorError(_("任务：该任务已撤销，不能修改；如需恢复请先恢复任务"))
        if _delegation_of(task) is not None:
            _copy_unchanged(task, node, parent, data)
            leads, participants = _departments(plan, data.get("leads") or [], data.get("participants") or [])
            _assignments_save(task, leads, participants)
            return task
        was = _detach(node)
        task.number = _check_number(parent, data["number"], item=task)
        task.title = _required(data.get("title"), _("工作任务"), 300)
        task.text = (data.get("text") or "").strip()
        task.due = (data.get("due") or "").strip()[:64]
        task.due_date = data.get("due_date")
        leads, participants = _departments(plan, data.get("leads") or [], data.get("participants") or [])
        milestones = milestones_parse(data.get("milestones") or "")
        _insert(parent, node, data.get("place", "end"), was=was)
        if task.pk is None:
            task.position = _free_position(plan)
        task.save()
        _assignments_save(task, leads, participants)
        task.milestones.all().delete()
        Milestone.objects.bulk_create(Milestone(task=task, date=d, title=t) for d, t in milestones)
        _tree_save(plan, root)
        if action == "task.update":
            _copies_follow(task, actor=actor, reason=reason, milestones=milestones)
    return task


def _copy_unchanged(task: Task, node: Node, parent: Node, data: dict) -> None:
    """A delegated task's copy keeps the parent's number, place, title, content, 完成时限 and
    milestones: a change to any of them is refused, the field named."""
    asked = {
        _("编号"): (str(data.get("number") or "").strip(), task.number),
        _("工作任务"): ((data.get("title") or "").strip(), task.title),
        _("主要内容"): ((data.get("text") or "").strip(), task.text),
        _("所属标题"): (parent.obj, node.parent.obj),
        _("完成时限"): ((data.get("due") or "").strip()[:64], task.due),
        _("完成日期"): (data.get("due_date"), task.due_date),
        _("时间节点"): (
            milestones_parse(data.get("milestones") or ""),
            [(m.date, m.title) for m in task.milestones.all()],
        ),
        _("位置"): (data.get("place") or "keep", "keep"),
    }
    for label, (wanted, kept) in asked.items():
        if wanted != kept:
            raise EditorError(_("%(field)s：上级下发的任务内容由上级修改") % {"field": label})


def _copies(task: Task):
    """The delegated task's copies in its children's plans that are not archived (an archived
    plan is read-only and keeps the task as it was)."""
    return (
        Delegation.objects.filter(task=task)
        .exclude(child_task__plan__status=Plan.Status.ARCHIVED)
        .select_related("child_task__plan", "jurisdiction")
        .order_by("jurisdiction__name", "pk")
    )


def _copies_follow(task: Task, *, actor, reason: str, milestones: list[tuple[dt.date, str]]) -> None:
    """A delegated task's copies take its number, path, title, content, 完成时限 and
    milestones; each child's plan records it as a revision giving the parent's reason."""
    for delegation in _copies(task):
        copy = delegation.child_task
        same = all(getattr(copy, name) == getattr(task, name) for name in COPIED_FIELDS)
        if same and [(m.date, m.title) for m in copy.milestones.all()] == milestones:
            continue
        with plan_change(
            plan=copy.plan,
            actor=actor,
            action="task.update",
            summary=_("上级调整下发任务%s") % task,
            reason=_("上级调整下发任务：%s") % (reason or task.plan.title),
        ):
            for name in COPIED_FIELDS:
                setattr(copy, name, getattr(task, name))
            copy.save(update_fields=list(COPIED_FIELDS))
            copy.milestones.all().delete()
            Milestone.objects.bulk_create(Milestone(task=copy, date=d, title=t) for d, t in milestones)


def _copies_withdraw(task: Task, *, actor, reason: str) -> None:
    """A delegated task withdrawn or put back into force: its copies follow, each child's plan
    recording it as a revision giving the parent's reason."""
    withdrawn = task.is_withdrawn
    action, label = (
        ("task.withdraw", _("上级撤销下发任务")) if withdrawn else ("task.reinstate", _("上级恢复下发任务"))
    )
    for delegation in _copies(task):
        copy = delegation.child_task
        if copy.is_withdrawn == withdrawn:
            continue
        with plan_change(
            plan=copy.plan,
            actor=actor,
            action=action,
            summary=f"{label}{task}",
            reason=f"{label}：{reason or task.plan.title}",
        ):
            copy.withdrawn_at = task.withdrawn_at
            copy.withdrawn_reason = task.withdrawn_reason
            copy.save(update_fields=["withdrawn_at", "withdrawn_reason"])


def _copy_refuse(task: Task, message: str) -> None:
    if _delegation_of(task) is not None:
        raise EditorError(message)


def _required(value, label: str, length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise EditorError(_("%(field)s：必填") % {"field": label})
    if len(value) > length:
        raise EditorError(_("%(field)s：最多%(n)s个字") % {"field": label, "n": length})
    return value


def _departments(plan: Plan, leads, participants) -> tuple[list[Department], list[Department]]:
    """The chosen departments, each an active department (or collective name) of the plan's
    jurisdiction; none both leads and participates."""
    wanted = {int(getattr(d, "pk", d)) for d in [*leads, *participants]}
    found = {
        d.pk: d
        for d in Department.objects.filter(
            pk__in=wanted, jurisdiction_id=plan.jurisdiction_id, is_active=True
        )
    }
    for label, chosen in ((_("牵头部门"), leads), (_("参与部门"), participants)):
        for item in chosen:
            if int(getattr(item, "pk", item)) not in found:
                raise EditorError(_("%(field)s：所选部门不是本区在用的部门") % {"field": label})
    lead_list = [found[int(getattr(d, "pk", d))] for d in leads]
    part_list = [found[int(getattr(d, "pk", d))] for d in participants]
    if not lead_list:
        raise EditorError(_("牵头部门：至少选择一个"))
    both = {d.pk for d in lead_list} & {d.pk for d in part_list}
    if both:
        names = "、".join(found[pk].name for pk in both)
        raise EditorError(_("参与部门：%(names)s已是牵头部门") % {"names": names})
    return lead_list, part_list


def _assignments_save(task: Task, leads: list[Department], participants: list[Department]) -> None:
    """The task's assignments become exactly the chosen ones, in the chosen order; a printed
    name kept from the import stays with its department and role."""
    printed = {(a.department_id, a.role): a.printed_name for a in task.assignments.all()}
    task.assignments.all().delete()
    Assignment.objects.bulk_create(
        Assignment(
            task=task,
            department=department,
            role=role,
            position=position,
            printed_name=printed.get((department.pk, role), ""),
        )
        for role, chosen in ((Assignment.Role.LEAD, leads), (Assignment.Role.PARTICIPATING, participants))
        for position, department in enumerate(chosen)
    )


def milestones_parse(text: str) -> list[tuple[dt.date, str]]:
    """Milestones typed one a line as a date and what is due then (2026-06-30 完成招标 or
    2026年6月30日 完成招标); a line without a valid date is refused by its number."""
    milestones = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, _sep, rest = line.replace("\u3000", " ").partition(" ")
        try:
            day = form_date(head)
        except ValueError:
            day = None
        if day is None or not rest.strip():
            raise EditorError(
                _("时间节点：第%(line)s行“%(text)s”应为“日期 内容”，例如 2026-06-30 完成招标")
                % {"line": number, "text": line[:40]}
            )
        milestones.append((day, rest.strip()[:200]))
    return milestones


def task_delete(*, plan: Plan, actor, task: Task, reason: str = "") -> None:
    """A task nobody has reported on can be deleted; one with reports can only be withdrawn."""
    with plan_change(
        plan=plan, actor=actor, action="task.delete", summary=_("删除任务%s") % task, reason=reason
    ) as plan:
        task = Task.objects.get(pk=task.pk, plan=plan)
        _copy_refuse(task, _("删除：上级下发的任务不能删除，由上级撤销"))
        if task.entries.exists():
            raise EditorError(_("删除：已有部门报送过这项任务，只能撤销（历史报送保留）"))
        names = "、".join(d.jurisdiction.name for d in task.delegations.select_related("jurisdiction"))
        if names:
            raise EditorError(_("删除：这项任务已下发至%(names)s，只能撤销") % {"names": names})
        task.delete()
        root, _nodes = tree_load(plan)
        _tree_save(plan, root)


def task_withdraw(*, plan: Plan, actor, task: Task, reason: str) -> Task:
    """A task is withdrawn (撤销) with a reason: it leaves due lists, dashboards and assessments,
    and its history stays."""
    reason = (reason or "").strip()
    if not reason:
        raise EditorError(_("撤销原因：请写明撤销原因"))
    with plan_change(
        plan=plan, actor=actor, action="task.withdraw", summary=_("撤销任务%s") % task, reason=reason
    ) as plan:
        task = Task.objects.get(pk=task.pk, plan=plan)
        _copy_refuse(task, _("撤销：上级下发的任务由上级撤销"))
        if task.is_withdrawn:
            raise EditorError(_("任务：已经撤销"))
        task.withdrawn_at = timezone.now()
        task.withdrawn_reason = reason[:300]
        task.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        _copies_withdraw(task, actor=actor, reason=reason)
    return task


def task_reinstate(*, plan: Plan, actor, task: Task, reason: str = "") -> Task:
    """A withdrawn task is put back into force."""
    with plan_change(
        plan=plan, actor=actor, action="task.reinstate", summary=_("恢复任务%s") % task, reason=reason
    ) as plan:
        task = Task.objects.get(pk=task.pk, plan=plan)
        _copy_refuse(task, _("恢复：上级下发的任务由上级恢复"))
        if not task.is_withdrawn:
            raise EditorError(_("任务：没有撤销，无需恢复"))
        task.withdrawn_at = None
        task.withdrawn_reason = ""
        task.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        _copies_withdraw(task, actor=actor, reason=reason)
    return task
