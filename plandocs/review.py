"""Plan imports: a file or pasted text becomes a draft (PlanImport) that the office reviews and
corrects, and only a confirmed draft becomes a plan: the writes (what a draft says and still
needs is read in drafts.py).

The draft keeps the extraction as JSON (Extraction.to_dict()): edits replace tasks and targets
in that JSON, and the confirm hands it to plan_save_document in one transaction.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Plan
from qualitycity.errors import ApplicationError, Conflict
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import department_name_index, department_resolve
from responsibilities.services import department_add_alias, departments_ensure

from .drafts import (
    DUPLICATE_KEEP,
    INDICATOR_MAX,
    NAME_MAX,
    NEW,
    REPORTING_NONE,
    TASK_TITLE_MAX,
    UNIT_MAX,
    draft_decisions,
    draft_names,
    issued_on_of,
    name_is_collective,
    plan_import_duplicates,
    plan_import_elsewhere,
    plan_import_names,
    plan_import_open_decisions,
    plan_import_reporting,
    plan_meta_of,
    target_where,
    task_label,
)
from .intake import read_upload
from .models import PlanImport
from .readers import DEFAULT_MAX_BYTES, ZIP_MAGIC, ImportFailed
from .services import PlanMeta, normalise_path, plan_save_document

MAX_BYTES = DEFAULT_MAX_BYTES
PASTED_NAME = "粘贴的文字.txt"


def too_large_message(*, name: str, size: int) -> str:
    return _("文件超过20MB：“%(name)s”有%(size)s，请删去图片或拆分后再导入") % {
        "name": name,
        "size": f"{size / 1024 / 1024:.1f}MB",
    }


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def source_text_render(data: bytes | str, *, filename: str) -> str:
    """What the office reads beside the extraction: the decoded text, or a Word file's
    paragraphs and an Excel file's rows, one a line (cells separated by a tab)."""
    if isinstance(data, str):
        return data.replace("\r\n", "\n").replace("\r", "\n")
    if data.startswith(ZIP_MAGIC):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        if "word/document.xml" in names:
            return _docx_text(data)
        if "xl/workbook.xml" in names:
            return _xlsx_text(data, filename)
        return ""
    # The importers' own decoder: UTF-8, then GB18030; the extraction has already succeeded.
    from .readers import _decode

    return _decode(data, filename).replace("\r\n", "\n").replace("\r", "\n")


def _docx_text(data: bytes) -> str:
    import docx

    from .readers.docx import docx_blocks
    from .readers.text import Para

    lines = []
    for block in docx_blocks(docx.Document(io.BytesIO(data))):
        if isinstance(block, Para):
            lines.append(f"{block.label} {block.text}" if block.label else block.text)
        else:
            lines.extend("\t".join(row).rstrip() for row in block.rows)
    return "\n".join(lines)


def _xlsx_text(data: bytes, filename: str = "") -> str:
    """The workbook as tab-separated lines, bounded as the reading is."""
    from .readers.xlsx import workbook_text_rows

    lines = []
    sheets = workbook_text_rows(data, filename)
    for title, rows in sheets:
        if len(sheets) > 1:
            lines.append(f"【{title}】")
        lines.extend("\t".join(row).rstrip() for row in rows)
    return "\n".join(lines)


def _guard_lengths(document: dict) -> dict:
    """Titles and names longer than the columns that hold them are cut, with a warning, so a
    10,000-character paragraph read as a title is seen and corrected, not silently stored."""
    for task in document["tasks"]:
        title = task.get("title") or ""
        if len(title) > TASK_TITLE_MAX:
            task["title"] = title[:TASK_TITLE_MAX]
            document["warnings"].append(
                {
                    "path": task["path"],
                    "line": task.get("line"),
                    "message": _("任务%(task)s的名称有%(length)s字，超过%(max)s字，已截取前%(max)s字，请核对")
                    % {"task": task_label(task), "length": len(title), "max": TASK_TITLE_MAX},
                }
            )
        for role in ("lead", "participating"):
            task[role] = [name[:NAME_MAX] for name in task.get(role) or []]
    for target in document["targets"]:
        target["indicator"] = (target.get("indicator") or "")[:INDICATOR_MAX]
        target["unit"] = (target.get("unit") or "")[:UNIT_MAX] or None
    for heading in document["headings"]:
        heading["title"] = (heading.get("title") or "")[:TASK_TITLE_MAX]
    return document


FOUND_TASK_KEYS = ("title", "lead", "participating")
FOUND_TARGET_KEYS = ("task_path", "indicator", "comparator", "value", "value_max", "stretch", "unit")


def _found_snapshot(document: dict) -> dict:
    """Each task and target keeps what the reader found, so the review marks what the office
    changed."""
    for task in document["tasks"]:
        task["found"] = {key: task.get(key) for key in FOUND_TASK_KEYS}
    for target in document["targets"]:
        target["found"] = {key: target.get(key) for key in FOUND_TARGET_KEYS}
    return document


def plan_import_create(
    *,
    jurisdiction: Jurisdiction,
    actor,
    data: bytes | str,
    filename: str,
    title: str = "",
    kind: str = "",
    year_start: int | None = None,
    year_end: int | None = None,
    document_number: str = "",
    issuer: str = "",
) -> PlanImport:
    """A readable plan becomes a draft of its jurisdiction; an unreadable one raises
    ApplicationError with the readers' reason (in Chinese), and nothing is saved. The file is
    read (and a .doc/.wps converted in the worker) before the transaction opens, so no database
    connection waits on LibreOffice."""
    try:
        extraction = read_upload(data, filename, max_bytes=MAX_BYTES)  # .doc/.wps/.et: in the worker
    except ImportFailed as exc:
        raise ApplicationError(exc.message) from exc
    document = _found_snapshot(_guard_lengths(extraction.to_dict()))
    meta = plan_meta_of(
        document,
        filename=filename,
        title=title,
        kind=kind,
        year_start=year_start,
        year_end=year_end,
        document_number=document_number,
        issuer=issuer,
    )
    source_text = source_text_render(data, filename=filename)
    with transaction.atomic():
        plan_import = PlanImport.objects.create(
            jurisdiction=jurisdiction,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            source_name=filename[:200],
            source_text=source_text,
            extraction=document,
            title=meta["title"],
            kind=meta["kind"],
            year_start=meta["year_start"],
            year_end=meta["year_end"],
            document_number=meta["document_number"],
            issuer=meta["issuer"],
        )
        _audit(
            actor,
            "plan_import.create",
            plan_import,
            jurisdiction,
            _("读取《%(title)s》（%(file)s）：%(tasks)s项任务、%(targets)s个指标")
            % {
                "title": title,
                "file": filename[:200],
                "tasks": len(document.get("tasks", [])),
                "targets": len(document.get("targets", [])),
            },
        )
        return plan_import


class StaleDraft(Conflict):
    """Someone saved the draft after this edit began."""


@dataclass
class DraftEdits:
    """The office's corrections to a draft, by task and target position in the draft."""

    revision: int
    meta: dict = field(default_factory=dict)
    tasks: dict[int, dict] = field(default_factory=dict)  # title, lead, participating, delete
    targets: dict[int, dict] = field(default_factory=dict)  # indicator … unit, delete
    department_map: dict[str, str] = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)  # duplicate, elsewhere_ack


@transaction.atomic
def plan_import_update(*, plan_import: PlanImport, actor, edits: DraftEdits) -> PlanImport:
    """Edits replace the draft's tasks, targets, meta and department choices; an edit begun on
    an older revision is refused, so two people cannot silently overwrite each other."""
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if not plan_import.is_draft:
        raise Conflict(_("该导入已%(status)s，不能再修改") % {"status": plan_import.get_status_display()})
    if edits.revision != plan_import.revision:
        raise StaleDraft(_("这份草稿已被他人修改，请刷新页面后重新修改"))
    extraction = dict(plan_import.extraction)
    kept_tasks, deleted_paths = [], set()
    for index, task in enumerate(extraction.get("tasks", [])):
        change = edits.tasks.get(index, {})
        if change.get("delete"):
            deleted_paths.add(normalise_path(task["path"]))
            continue
        kept_tasks.append({**task, **{k: v for k, v in change.items() if k != "delete"}})
    kept_targets = []
    for index, target in enumerate(extraction.get("targets", [])):
        change = edits.targets.get(index, {})
        if change.get("delete") or normalise_path(target["task_path"]) in deleted_paths:
            continue
        kept_targets.append({**target, **{k: v for k, v in change.items() if k != "delete"}})
    extraction["tasks"] = kept_tasks
    extraction["targets"] = kept_targets
    if edits.decisions:
        extraction["decisions"] = {**draft_decisions(extraction), **edits.decisions}
    plan_import.extraction = extraction
    for key, value in edits.meta.items():
        setattr(plan_import, key, value)
    names = set(draft_names(extraction))
    plan_import.department_map = {
        name: choice for name, choice in edits.department_map.items() if choice and name in names
    }
    plan_import.revision += 1
    plan_import.save()
    _audit(
        actor,
        "plan_import.update",
        plan_import,
        plan_import.jurisdiction,
        _("修改导入草稿《%(title)s》（第%(revision)s版）：%(tasks)s项任务、%(targets)s个指标")
        % {
            "title": plan_import.title,
            "revision": plan_import.revision,
            "tasks": len(kept_tasks),
            "targets": len(kept_targets),
        },
    )
    return plan_import


@transaction.atomic
def plan_import_confirm(*, plan_import: PlanImport, actor) -> Plan:
    """A draft becomes a plan whole or not at all: every printed name must resolve or be mapped
    (mapped names become aliases, "new" ones new departments), every target's reporting
    department be settled, then the plan is saved with the departments the office confirmed."""
    plan_import = PlanImport.objects.select_for_update().select_related("jurisdiction").get(pk=plan_import.pk)
    if not plan_import.is_draft:
        raise Conflict(_("该导入已%(status)s，不能再次确认") % {"status": plan_import.get_status_display()})
    jurisdiction = plan_import.jurisdiction
    names = plan_import_names(plan_import=plan_import)
    departments = {str(d.pk): d for d in Department.objects.filter(jurisdiction=jurisdiction)}
    _require_confirmable(plan_import, names=names, departments=departments)
    _duplicates_apply(plan_import, actor=actor)
    _departments_apply(plan_import, names=names, departments=departments)
    document = _reporting_confirmed(plan_import)
    plan = plan_save_document(
        jurisdiction=jurisdiction,
        meta=PlanMeta(
            title=plan_import.title,
            kind=plan_import.kind,
            year_start=plan_import.year_start,
            year_end=plan_import.year_end,
            issuer=plan_import.issuer,
            document_number=plan_import.document_number,
            issued_on=issued_on_of(plan_import.extraction),
            source_name=plan_import.source_name,
            source_text=plan_import.source_text,
        ),
        document=document,
    )
    plan_import.status = PlanImport.Status.CONFIRMED
    plan_import.plan = plan
    plan_import.save(update_fields=["status", "plan", "updated_at"])
    _audit(actor, "plan_import.confirm", plan, jurisdiction, plan.title)
    return plan


def _reporting_confirmed(plan_import: PlanImport) -> dict:
    """The draft with each target carrying the unit that will report its indicator (or None, as
    the office said), read once the names are departments: an indicator already in the
    jurisdiction carries nothing and keeps its own."""
    names = plan_import_names(plan_import=plan_import)
    reporting = plan_import_reporting(plan_import=plan_import, names=names)
    problems = [r.problem for r in reporting if r.problem]
    if problems:
        raise ApplicationError(
            _("还有%(count)s处需要决定，尚未导入：%(items)s")
            % {"count": len(problems), "items": "；".join(problems[:5])}
        )
    targets = []
    for target, choice in zip(plan_import.extraction.get("targets", []), reporting, strict=True):
        if choice.is_fixed:
            targets.append(target)
        elif choice.value.isdigit():
            targets.append({**target, "reporting_department_id": int(choice.value)})
        elif choice.value == REPORTING_NONE:
            targets.append({**target, "reporting_department_id": None})
        else:
            raise ApplicationError(
                _("%(where)s：未指定报送部门：请选择报送部门，或选择“不设报送部门”")
                % {"where": target_where(target)}
            )
    return {**plan_import.extraction, "targets": targets}


def targets_split_unplaced(document: dict) -> tuple[dict, list[dict]]:
    """The document with only the targets that name a task, and the others (a heading's own
    paragraph states them): the review makes the office place or drop those."""
    task_paths = {normalise_path(t["path"]) for t in document.get("tasks", [])}
    placed, unplaced = [], []
    for target in document.get("targets", []):
        (placed if normalise_path(target["task_path"]) in task_paths else unplaced).append(target)
    return {**document, "targets": placed}, unplaced


def _require_confirmable(plan_import: PlanImport, *, names, departments) -> None:
    """A draft is confirmed only when nothing is left to decide: no problem in a task or
    target, every printed department name resolved or mapped, a duplicate plan replaced or
    kept, another jurisdiction's name acknowledged."""
    open_items = plan_import_open_decisions(
        plan_import=plan_import,
        names=names,
        duplicates=plan_import_duplicates(plan_import=plan_import),
        elsewhere=plan_import_elsewhere(plan_import=plan_import),
    )
    unresolved = [p for p in names if p.is_unknown and p.choice != NEW and p.choice not in departments]
    if unresolved:
        unit = _("段") if plan_import.source_name.lower().endswith(".docx") else _("行")
        where = draft_names(plan_import.extraction, unit=unit)
        raise ApplicationError(
            _("以下部门名称尚未对应到部门，请在“部门对应”中选择已有部门或新建：%(names)s")
            % {
                "names": "；".join(
                    _("任务%(tasks)s中的“%(name)s”") % {"tasks": "、".join(where[p.name][:5]), "name": p.name}
                    for p in unresolved
                )
            }
        )
    if open_items:
        raise ApplicationError(
            _("还有%(count)s处需要决定，尚未导入：%(items)s")
            % {"count": len(open_items), "items": "；".join(open_items[:5])}
        )


def _duplicates_apply(plan_import: PlanImport, *, actor) -> None:
    """The office's answer to a plan already there: replace archives it (its 文号 marked, since
    a 文号 is unique in a jurisdiction), keep leaves it, unless both would share a 文号."""
    duplicates = plan_import_duplicates(plan_import=plan_import)
    choice = draft_decisions(plan_import.extraction)["duplicate"]
    number = plan_import.document_number
    if choice == DUPLICATE_KEEP:
        if number and any(p.document_number == number for p in duplicates):
            raise ApplicationError(
                _("文号“%(number)s”已被《%(title)s》使用，两者不能同时保留同一文号：请核对文号，或选择替换")
                % {
                    "number": number,
                    "title": next(p.title for p in duplicates if p.document_number == number),
                }
            )
        return
    for old in duplicates:
        fields = ["status", "updated_at"]
        old.status = Plan.Status.ARCHIVED
        if number and old.document_number == number:
            old.document_number = (
                _("%(number)s（已被替换，原方案%(pk)s）") % {"number": number, "pk": old.pk}
            )[:64]
            fields.append("document_number")
        old.save(update_fields=fields)
        _audit(
            actor,
            "plan.archive",
            old,
            old.jurisdiction,
            _("导入《%(title)s》时替换并归档") % {"title": plan_import.title[:100]},
        )


def _departments_apply(plan_import: PlanImport, *, names, departments) -> None:
    """Names the office marked "new" become departments; names mapped to a department become
    its aliases."""
    new_names = [p.name for p in names if p.is_unknown and p.choice == NEW]
    departments_ensure(
        jurisdiction=plan_import.jurisdiction,
        entries=[_new_department(name) for name in new_names],
    )
    for printed in names:
        if printed.is_unknown and printed.choice in departments:
            department_add_alias(
                department=departments[printed.choice],
                name=printed.name,
                note=_("导入《%(title)s》时对应") % {"title": plan_import.title[:100]},
            )


@transaction.atomic
def plan_import_document(
    *, jurisdiction: Jurisdiction, meta: PlanMeta, document: dict, create_departments: bool = False
) -> Plan:
    """A plan read on the command line is saved at once: unknown printed names are refused,
    all of them listed, unless the caller asks for them to be created as departments."""
    index = department_name_index(jurisdiction)
    unknown = [
        name
        for name in draft_names(document)
        if department_resolve(jurisdiction=jurisdiction, name=name, index=index) is None
    ]
    if unknown and not create_departments:
        raise ApplicationError(
            _(
                "以下部门名称不是%(jurisdiction)s已登记的部门或别名：%(names)s；请先登记部门或别名，或选择新建部门"
            )
            % {"jurisdiction": jurisdiction.name, "names": "、".join(unknown)}
        )
    departments_ensure(jurisdiction=jurisdiction, entries=[_new_department(name) for name in unknown])
    return plan_save_document(jurisdiction=jurisdiction, meta=meta, document=document)


def _new_department(name: str) -> dict:
    # 各成员单位, 各县(区)人民政府: a collective name, whose members the office adds later.
    kind = Department.Kind.COLLECTIVE if name_is_collective(name) else Department.Kind.UNIT
    return {"name": name, "kind": kind}


@transaction.atomic
def plan_import_discard(*, plan_import: PlanImport, actor) -> PlanImport:
    """A draft the office gives up is kept, marked discarded; a confirmed one cannot be discarded."""
    if not plan_import.is_draft:
        raise Conflict(_("该导入已%(status)s，不能放弃") % {"status": plan_import.get_status_display()})
    plan_import.status = PlanImport.Status.DISCARDED
    plan_import.save(update_fields=["status", "updated_at"])
    _audit(actor, "plan_import.discard", plan_import, plan_import.jurisdiction, plan_import.title)
    return plan_import


def _audit(actor, action, obj, jurisdiction, summary):
    from responsibilities.services import audit_record

    audit_record(actor=actor, action=action, obj=obj, jurisdiction=jurisdiction, summary=summary)
