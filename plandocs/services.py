"""Writes of plans: saving a plan document (headings, tasks, departments and targets) at once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Assignment, Heading, Plan, Task
from qualitycity.errors import ApplicationError
from responsibilities.models import Jurisdiction
from responsibilities.services import departments_resolve_all
from targets.services import targets_create_for_tasks


def normalise_path(path) -> tuple[str, ...]:
    """Paths compare with ASCII parentheses and without a trailing 、 or .: （一）= (一)."""
    return tuple(unicodedata.normalize("NFKC", str(p)).strip().rstrip("、.") for p in path)


@dataclass
class PlanMeta:
    """What the office states about a plan beyond its text."""

    title: str
    year_start: int
    year_end: int
    kind: str = Plan.Kind.ACTION_PLAN
    issuer: str = ""
    document_number: str = ""
    issued_on: object = None
    reporting_frequency: str = Plan.Frequency.MONTHLY
    source_name: str = ""
    source_text: str = ""
    extra: dict = field(default_factory=dict)


def document_nodes_in_order(document: dict) -> list[tuple[str, dict]]:
    """Headings and tasks in reading order: each heading just before its first descendant task."""
    headings = {normalise_path(h["path"]): h for h in document.get("headings", [])}
    emitted: set[tuple] = set()
    nodes: list[tuple[str, dict]] = []
    for task in document["tasks"]:
        path = normalise_path(task["path"])
        for depth in range(1, len(path)):
            ancestor = path[:depth]
            if ancestor not in emitted:
                emitted.add(ancestor)
                nodes.append(
                    (
                        "heading",
                        headings.get(ancestor, {"path": list(ancestor), "number": ancestor[-1], "title": ""}),
                    )
                )
        nodes.append(("task", task))
    for path, heading in headings.items():
        if path not in emitted:
            nodes.append(("heading", heading))
    return nodes


@transaction.atomic
def plan_save_document(*, jurisdiction: Jurisdiction, meta: PlanMeta, document: dict) -> Plan:
    """A plan document (SCHEMA shape plus task text and headings) is saved whole or not at all;
    every printed department name must resolve to a department of the jurisdiction."""
    names = {
        name
        for task in document["tasks"]
        for role in ("lead", "participating")
        for name in task.get(role) or []
    }
    departments = departments_resolve_all(jurisdiction=jurisdiction, names=sorted(names))

    plan = Plan.objects.create(
        jurisdiction=jurisdiction,
        title=meta.title,
        kind=meta.kind,
        issuer=meta.issuer,
        document_number=meta.document_number,
        issued_on=meta.issued_on,
        year_start=meta.year_start,
        year_end=meta.year_end,
        reporting_frequency=meta.reporting_frequency,
        source_name=meta.source_name,
        source_text=meta.source_text,
    )
    _save_outline(plan=plan, document=document, departments=departments)
    _save_targets(plan=plan, document=document)
    return plan


def _save_outline(*, plan: Plan, document: dict, departments: dict) -> None:
    """The document's headings and tasks in reading order, each task with its departments."""
    headings_by_path: dict[tuple, Heading] = {}
    task_paths: set[tuple] = set()
    assignments = []
    for position, (kind, node) in enumerate(document_nodes_in_order(document), start=1):
        path = normalise_path(node["path"])
        parent = headings_by_path.get(path[:-1])
        fields = {
            "plan": plan,
            "number": node.get("number") or path[-1],
            "path": list(path),
            "title": (node.get("title") or "")[:300],
            "position": position,
        }
        if kind == "heading":
            headings_by_path[path] = Heading.objects.create(parent=parent, **fields)
            continue
        if path in task_paths:
            raise ApplicationError(_("任务编号“%(path)s”重复") % {"path": "/".join(path)})
        task_paths.add(path)
        task = Task.objects.create(
            heading=parent, text=node.get("text") or "", due=(node.get("due") or "")[:64], **fields
        )
        assignments += _assignments(task, node, departments)
    Assignment.objects.bulk_create(assignments)


def _assignments(task: Task, node: dict, departments: dict) -> list[Assignment]:
    """The task's lead and participating departments in printed order, each once per role."""
    seen, assignments = set(), []
    for role in (Assignment.Role.LEAD, Assignment.Role.PARTICIPATING):
        for order, name in enumerate(node.get(role) or [], start=1):
            department = departments[name]
            if (department.pk, role) not in seen:
                seen.add((department.pk, role))
                assignments.append(
                    Assignment(task=task, department=department, role=role, printed_name=name, position=order)
                )
    return assignments


def _save_targets(*, plan: Plan, document: dict) -> None:
    """The document's targets, each on the task whose path it names."""
    tasks = Task.objects.filter(plan=plan).prefetch_related("assignments__department")
    tasks_by_path = {normalise_path(t.path): t for t in tasks}
    targets = [dict(t, task_path=normalise_path(t["task_path"])) for t in document.get("targets", [])]
    missing = [t for t in targets if t["task_path"] not in tasks_by_path]
    if missing:
        raise ApplicationError(
            _("指标“%(indicator)s”所属任务“%(path)s”不存在")
            % {"indicator": missing[0].get("indicator"), "path": "/".join(missing[0]["task_path"])}
        )
    targets_create_for_tasks(jurisdiction=plan.jurisdiction, tasks_by_path=tasks_by_path, targets=targets)


def plan_export_for(*, plan: Plan, actor, extension: str, scope: str = "auto"):
    """A plan's decomposition table as a file (its own 附件 table where it has one, or the whole
    plan); every download is written to the audit trail."""
    from responsibilities.services import audit_record

    from .exporters import plan_export

    export = plan_export(plan=plan, extension=extension, scope=scope)
    audit_record(
        actor=actor,
        action="export.plan",
        obj=plan,
        jurisdiction=plan.jurisdiction,
        summary=_("导出%(name)s") % {"name": export.filename},
    )
    return export
