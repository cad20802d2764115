"""Plan revisions (方案调整): every change to a plan is one transaction and one audit row, and a
change to an active plan is also a revision with its reason and the plan as it stood after it.

Apps above this one add their part of the snapshot (the targets app adds targets) through
`SNAPSHOT_PARTS`, so the plan's history covers everything the plan commits to without this app
importing theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError
from responsibilities.services import audit_record

from .models import Plan, PlanRevision

REASON_REQUIRED = gettext_lazy("调整原因：执行中的方案每次调整都要写明原因")
ARCHIVED_READ_ONLY = gettext_lazy("方案已归档，只能查看；如需修改请先恢复")

# Each part takes a plan and returns {section: [rows with an "id"]}; see plan_snapshot.
SNAPSHOT_PARTS: list[Callable[[Plan], dict[str, list[dict]]]] = []

PLAN_FIELDS = (
    "title",
    "kind",
    "issuer",
    "document_number",
    "issued_on",
    "year_start",
    "year_end",
    "reporting_frequency",
    "status",
)


def plan_snapshot(plan: Plan) -> dict:
    """The plan as it stands: its fields, headings, tasks (with departments and milestones) and
    whatever the apps above add, as JSON."""
    snapshot = {
        "plan": {name: _json(getattr(plan, name)) for name in PLAN_FIELDS},
        "headings": [
            {"id": h.pk, "label": h.number, "path": h.path, "title": h.title}
            for h in plan.headings.order_by("position")
        ],
        "tasks": [_task_row(task) for task in _tasks(plan)],
    }
    for part in SNAPSHOT_PARTS:
        snapshot.update(part(plan))
    return snapshot


def _tasks(plan: Plan):
    return plan.tasks.order_by("position").prefetch_related(
        "assignments__department", "milestones", "delegations__jurisdiction"
    )


def _task_row(task) -> dict:
    names = {"lead": [], "participating": []}
    for assignment in sorted(task.assignments.all(), key=lambda a: a.position):
        names[assignment.role].append(assignment.department.name)
    row = {
        "id": task.pk,
        "label": task.path_label,
        "title": task.title,
        "text": task.text,
        "due": task.due,
        "due_date": _json(task.due_date),
        "lead": "、".join(names["lead"]),
        "participating": "、".join(names["participating"]),
        "milestones": "；".join(f"{m.date:%Y-%m-%d} {m.title}" for m in task.milestones.all()),
        "withdrawn": task.withdrawn_reason if task.withdrawn_at else "",
    }
    # Only where there is one, so that revisions recorded before delegation compare unchanged.
    delegated = sorted(d.jurisdiction.name for d in task.delegations.all())
    if delegated:
        row["delegated"] = "、".join(delegated)
    return row


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@contextmanager
def plan_change(
    *, plan: Plan, actor, action: str, summary: str, reason: str = "", audited: bool = True
) -> Iterator[Plan]:
    """One change to a plan: locked, made, counted, audited and, for an active plan, recorded
    as a revision with its reason; an archived plan is read-only and refuses. A change that is
    part of a larger one audited by its own row (a department merge) passes audited=False."""
    reason = (reason or "").strip()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("jurisdiction").get(pk=plan.pk)
        if plan.status == Plan.Status.ARCHIVED and action != "plan.restore":
            raise ApplicationError(ARCHIVED_READ_ONLY)
        records = plan.status == Plan.Status.ACTIVE or action in ("plan.archive", "plan.restore")
        if records and not reason:
            raise ApplicationError(REASON_REQUIRED)
        if records:
            _baseline_ensure(plan)
        yield plan
        plan.revision += 1
        Plan.objects.filter(pk=plan.pk).update(revision=plan.revision, updated_at=timezone.now())
        if records:
            PlanRevision.objects.create(
                plan=plan,
                number=_next_number(plan),
                reason=reason[:300],
                summary=summary[:300],
                author=actor if getattr(actor, "is_authenticated", False) else None,
                snapshot=plan_snapshot(plan),
            )
        if not audited:
            return
        audit_record(
            actor=actor,
            action=action,
            obj=plan,
            jurisdiction=plan.jurisdiction,
            summary=f"{plan.title}：{summary}",
            after={"reason": reason} if reason else None,
        )


def _baseline_ensure(plan: Plan) -> None:
    """Before an active plan's first change, the plan as issued is kept as revision 0."""
    if not plan.revisions.exists():
        PlanRevision.objects.create(
            plan=plan, number=0, reason=_("印发版本"), summary="", snapshot=plan_snapshot(plan)
        )


def _next_number(plan: Plan) -> int:
    last = plan.revisions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


# The difference between two revisions --------------------------------------------------------

SECTION_LABELS = {
    "plan": gettext_lazy("方案信息"),
    "headings": gettext_lazy("标题"),
    "tasks": gettext_lazy("任务"),
    "targets": gettext_lazy("目标"),
}
FIELD_LABELS = {
    "title": gettext_lazy("标题"),
    "kind": gettext_lazy("类型"),
    "issuer": gettext_lazy("印发机关"),
    "document_number": gettext_lazy("文号"),
    "issued_on": gettext_lazy("印发日期"),
    "year_start": gettext_lazy("起始年度"),
    "year_end": gettext_lazy("截止年度"),
    "reporting_frequency": gettext_lazy("报送频次"),
    "status": gettext_lazy("状态"),
    "label": gettext_lazy("编号"),
    "path": gettext_lazy("编号路径"),
    "text": gettext_lazy("主要内容"),
    "due": gettext_lazy("完成时限"),
    "due_date": gettext_lazy("完成日期"),
    "lead": gettext_lazy("牵头部门"),
    "participating": gettext_lazy("参与部门"),
    "milestones": gettext_lazy("时间节点"),
    "withdrawn": gettext_lazy("撤销"),
    "delegated": gettext_lazy("下发至"),
    "indicator": gettext_lazy("指标"),
    "commitment": gettext_lazy("目标"),
    "reporting_department": gettext_lazy("报送部门"),
    "task": gettext_lazy("所属任务"),
    "baseline": gettext_lazy("基期值"),
    "due_on": gettext_lazy("完成日期"),
}


@dataclass(frozen=True)
class Change:
    section: str
    kind: str  # "added", "removed" or "changed"
    label: str
    field: str = ""
    before: str = ""
    after: str = ""

    @property
    def section_label(self) -> str:
        return str(SECTION_LABELS.get(self.section, self.section))

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


def revision_diff(older: dict, newer: dict) -> list[Change]:
    """What changed from one snapshot to another: rows added and removed, and each changed
    field with its value before and after, section by section in printed order."""
    changes = [
        Change("plan", "changed", _("方案信息"), name, _text(value), _text(newer.get("plan", {}).get(name)))
        for name, value in older.get("plan", {}).items()
        if newer.get("plan", {}).get(name) != value
    ]
    sections = [key for key in newer if key != "plan"] + [
        key for key in older if key != "plan" and key not in newer
    ]
    for section in sections:
        before = {row["id"]: row for row in older.get(section, [])}
        after = {row["id"]: row for row in newer.get(section, [])}
        for row in older.get(section, []):
            if row["id"] not in after:
                changes.append(Change(section, "removed", _row_label(row)))
        for row in newer.get(section, []):
            old = before.get(row["id"])
            if old is None:
                changes.append(Change(section, "added", _row_label(row)))
                continue
            changes += [
                Change(section, "changed", _row_label(row), name, _text(old.get(name)), _text(value))
                for name, value in row.items()
                if name != "id" and old.get(name) != value
            ]
    return changes


def _row_label(row: dict) -> str:
    return " ".join(
        str(part) for part in (row.get("label"), row.get("title") or row.get("indicator")) if part
    )


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "·".join(str(v) for v in value)
    return str(value)
