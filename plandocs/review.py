"""Plan imports: a file or pasted text becomes a draft (PlanImport) that the office reviews and
corrects, and only a confirmed draft becomes a plan. Reads first, then the writes (services).

The draft keeps the extraction as JSON (Extraction.to_dict()): edits replace tasks and targets
in that JSON, and the confirm hands it to plan_save_document in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import Plan, path_label
from qualitycity.errors import ApplicationError, Conflict
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import department_name_index, department_resolve
from responsibilities.services import department_add_alias, departments_ensure

from .intake import read_upload
from .models import PlanImport
from .readers import DEFAULT_MAX_BYTES, ZIP_MAGIC, ImportFailed
from .services import PlanMeta, normalise_path, plan_save_document

MAX_BYTES = DEFAULT_MAX_BYTES
TITLE_MAX = Plan._meta.get_field("title").max_length
TASK_TITLE_MAX = 300  # Task.title
INDICATOR_MAX = 200  # Indicator.name
UNIT_MAX = 32  # Indicator.unit
NAME_MAX = Department._meta.get_field("name").max_length
# Target values are DecimalField(max_digits=18, decimal_places=4): 14 digits before the point.
VALUE_LIMIT = Decimal("1e14")
NEW = "new"
PASTED_NAME = "粘贴的文字.txt"


def too_large_message(*, name: str, size: int) -> str:
    return _("文件超过20MB：“%(name)s”有%(size)s，请删去图片或拆分后再导入") % {
        "name": name,
        "size": f"{size / 1024 / 1024:.1f}MB",
    }


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def years_from_title(title: str, *, today: dt.date | None = None) -> tuple[int, int]:
    """A plan's years as its title prints them (2018—2020年, 2022年), else the current year."""
    span = re.search(r"((?:19|20)\d{2})\s*[-—–~至到]\s*((?:19|20)\d{2})", title or "")
    if span and int(span.group(2)) >= int(span.group(1)):
        return int(span.group(1)), int(span.group(2))
    year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title or "")
    if year:
        return int(year.group(1)), int(year.group(1))
    current = (today or dt.date.today()).year
    return current, current


def kind_from_title(title: str) -> str:
    """The kind of plan its title names: 行动计划, 实施方案 (or 方案), 工作要点."""
    if "要点" in (title or ""):
        return Plan.Kind.WORK_POINTS
    if "行动计划" in (title or ""):
        return Plan.Kind.ACTION_PLAN
    if "方案" in (title or ""):
        return Plan.Kind.IMPLEMENTATION
    return Plan.Kind.ACTION_PLAN


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


def task_label(task: dict) -> str:
    return path_label([str(p) for p in task.get("path") or []])


def draft_names(extraction: dict, *, unit: str = "") -> dict[str, list[str]]:
    """Each printed department name of the draft's tasks, with the tasks that print it, in
    order; with a unit (行, 段) each task also says where it is in the source: 2（第3行）."""
    names: dict[str, list[str]] = {}
    for task in extraction.get("tasks", []):
        label = task_label(task)
        if unit and task.get("line"):
            label += _("（第%(line)s%(unit)s）") % {"line": task["line"], "unit": unit}
        for role in ("lead", "participating"):
            for name in task.get(role) or []:
                names.setdefault(name, [])
                if label not in names[name]:
                    names[name].append(label)
    return names


@dataclass
class PrintedName:
    """A printed department name of a draft and what it stands for."""

    name: str
    tasks: list[str]
    department: Department | None = None  # resolved by name or alias
    choice: str = ""  # the office's choice for an unknown name: a department id or "new"
    chosen: Department | None = None  # the department the choice names

    @property
    def is_mapped(self) -> bool:
        return self.department is None and (self.chosen is not None or self.choice == NEW)

    @property
    def is_unknown(self) -> bool:
        return self.department is None


def plan_import_names(*, plan_import: PlanImport) -> list[PrintedName]:
    """The draft's printed names, each resolved through the jurisdiction's names and aliases."""
    jurisdiction = plan_import.jurisdiction
    index = department_name_index(jurisdiction)
    by_id = {str(d.pk): d for d in index.values()}
    names = []
    for name, tasks in draft_names(plan_import.extraction).items():
        choice = str(plan_import.department_map.get(name) or "")
        names.append(
            PrintedName(
                name=name,
                tasks=tasks,
                department=department_resolve(jurisdiction=jurisdiction, name=name, index=index),
                choice=choice,
                chosen=by_id.get(choice),
            )
        )
    return names


def plan_import_warnings(*, plan_import: PlanImport, names: list[PrintedName]) -> list[dict]:
    """What the office should check: the extractor's doubts, unknown names, tasks without a department."""
    extraction = plan_import.extraction
    paths = {normalise_path(t["path"]) for t in extraction.get("tasks", [])}
    paths |= {normalise_path(h["path"]) for h in extraction.get("headings", [])}
    warnings = []
    for warning in extraction.get("warnings", []):
        # Whether a task has a department is computed below from the current draft, so the
        # extractor's own notice would go stale after an edit.
        if "没有责任部门" in warning.get("message", ""):
            continue
        if warning.get("path") and normalise_path(warning["path"]) not in paths:
            continue
        warnings.append({**warning, "kind": "extraction"})
    for printed in names:
        if printed.is_unknown and not printed.is_mapped:
            warnings.append(
                {
                    "path": None,
                    "kind": "department",
                    "message": _("“%(name)s”不是已登记的部门或别名（见任务%(tasks)s），请选择对应部门或新建")
                    % {"name": printed.name, "tasks": "、".join(printed.tasks[:5])},
                }
            )
    for task in extraction.get("tasks", []):
        if not task.get("lead") and not task.get("participating"):
            warnings.append(
                {
                    "path": task["path"],
                    "kind": "no_department",
                    "message": _("任务%(task)s「%(title)s」没有责任部门")
                    % {"task": task_label(task), "title": (task.get("title") or "")[:30]},
                }
            )
    return warnings


def commitment_text(target: dict) -> str:
    """A draft target's commitment as the plan page prints it: ≥ 93%, 2–3个, ≤ 0.3（力争 0.25）.
    The rule is the model's (Target.commitment), applied to an unsaved target of the draft's
    values; a value that is not a number prints nothing."""
    from targets.models import Comparator, Indicator, Target

    comparator = target.get("comparator")
    if comparator not in Comparator.values:
        return str(comparator or "")
    unsaved = Target(
        comparator=comparator,
        value=target.get("value"),
        value_max=target.get("value_max"),
        stretch=target.get("stretch"),
        indicator=Indicator(unit=target.get("unit") or ""),
    )
    try:
        return unsaved.commitment
    except (InvalidOperation, ValueError):
        return ""


def target_problems(target: dict, *, where: str) -> list[tuple[str, str]]:
    """A target's values as (field, Chinese message) pairs: numbers finite, a range's upper
    bound above its value, a known comparator. `where` names the task and the indicator."""
    from targets.models import VALUELESS_COMPARATORS, Comparator

    problems = []
    labels = {"value": _("目标值"), "value_max": _("区间上限"), "stretch": _("力争值")}
    numbers: dict[str, Decimal | None] = {}
    for key, label in labels.items():
        raw = target.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            numbers[key] = None
            continue
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            problems.append((key, _("%(where)s：%(field)s“%(value)s”不是数字") % _args(where, label, raw)))
            continue
        if not number.is_finite():
            problems.append(
                (key, _("%(where)s：%(field)s“%(value)s”不是有限的数字") % _args(where, label, raw))
            )
        elif abs(number) >= VALUE_LIMIT:
            problems.append((key, _("%(where)s：%(field)s“%(value)s”过大") % _args(where, label, raw)))
        else:
            numbers[key] = number
    comparator = target.get("comparator")
    if comparator not in Comparator.values:
        problems.append(
            ("comparator", _("%(where)s：比较方式“%(value)s”无效") % _args(where, _("比较方式"), comparator))
        )
        return problems
    if not (target.get("indicator") or "").strip():
        problems.append(("indicator", _("%(where)s：请填写指标名称") % {"where": where}))
    elif len(target["indicator"]) > INDICATOR_MAX:
        problems.append(
            ("indicator", _("%(where)s：指标名称超过%(max)s字") % {"where": where, "max": INDICATOR_MAX})
        )
    if len(target.get("unit") or "") > UNIT_MAX:
        problems.append(("unit", _("%(where)s：单位超过%(max)s字") % {"where": where, "max": UNIT_MAX}))
    if any(key in {p[0] for p in problems} for key in labels):
        return problems
    value, value_max, stretch = numbers["value"], numbers["value_max"], numbers["stretch"]
    if comparator not in VALUELESS_COMPARATORS and value is None:
        problems.append(("value", _("%(where)s：请填写目标值") % {"where": where}))
    if comparator == Comparator.RANGE:
        if value_max is None:
            problems.append(("value_max", _("%(where)s：区间须填写区间上限") % {"where": where}))
        elif value is not None and value_max <= value:
            problems.append(("value_max", _("%(where)s：区间上限须大于目标值") % {"where": where}))
    elif value_max is not None:
        problems.append(("value_max", _("%(where)s：只有“区间”才填写区间上限") % {"where": where}))
    if stretch is not None and value is None:
        problems.append(("stretch", _("%(where)s：填写力争值时须同时填写目标值") % {"where": where}))
    return problems


def _args(where, label, value) -> dict:
    return {"where": where, "field": label, "value": value}


def target_where(target: dict) -> str:
    return _("任务%(task)s的指标“%(indicator)s”") % {
        "task": path_label([str(p) for p in target.get("task_path") or []]),
        "indicator": (target.get("indicator") or "")[:30],
    }


def task_problems(task: dict) -> list[tuple[str, str]]:
    """A task's title and printed names as (field, Chinese message) pairs."""
    problems = []
    where = _("任务%(task)s") % {"task": task_label(task)}
    title = task.get("title") or ""
    if not title.strip():
        problems.append(("title", _("%(where)s：请填写任务名称") % {"where": where}))
    elif len(title) > TASK_TITLE_MAX:
        problems.append(
            (
                "title",
                _("%(where)s：任务名称有%(length)s字，超过%(max)s字，请删减")
                % {"where": where, "length": len(title), "max": TASK_TITLE_MAX},
            )
        )
    for role, label in (("lead", _("牵头部门")), ("participating", _("参与部门"))):
        for name in task.get(role) or []:
            if len(name) > NAME_MAX:
                problems.append(
                    (
                        role,
                        _("%(where)s：%(field)s“%(name)s…”超过%(max)s字")
                        % {"where": where, "field": label, "name": name[:20], "max": NAME_MAX},
                    )
                )
    return problems


def target_placement_problem(target: dict, *, task_paths: set[tuple]) -> str:
    """A target the reader found under a heading (its paragraph, a table, an appendix) rather
    than under a task needs the office to choose its task, or to drop it."""
    if normalise_path(target.get("task_path") or []) in task_paths:
        return ""
    return _("指标“%(indicator)s”写在“%(where)s”下，不属于任何任务：请选择所属任务，或删除") % {
        "indicator": (target.get("indicator") or "")[:30],
        "where": path_label([str(p) for p in target.get("task_path") or []]),
    }


def draft_problems(extraction: dict) -> list[str]:
    """Everything that keeps a draft from being saved as a plan, each naming its task and field."""
    problems = []
    if not extraction.get("tasks"):
        problems.append(_("草稿中没有任务"))
    for task in extraction.get("tasks", []):
        problems += [message for _field, message in task_problems(task)]
    task_paths = {normalise_path(t["path"]) for t in extraction.get("tasks", [])}
    for target in extraction.get("targets", []):
        placement = target_placement_problem(target, task_paths=task_paths)
        if placement:
            problems.append(placement)
        problems += [message for _field, message in target_problems(target, where=target_where(target))]
    return problems


# What the office decides about the plan as a whole, kept in the draft beside the extraction.
DUPLICATE_REPLACE = "replace"
DUPLICATE_KEEP = "keep"
DUPLICATE_CANCEL = "cancel"
_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,8}?(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗))")
# Words that end like a place but name none: 城区, 示范区, 开发区 are kept out by the lookup.
_NOT_PLACES = ("质量强市", "强市", "城市", "示范市", "全市", "本市", "我市", "各县", "各区", "县区", "县市区")


def plan_import_duplicates(*, plan_import: PlanImport) -> list[Plan]:
    """Plans of the jurisdiction, not archived, with the draft's 文号 or its title."""
    from django.db.models import Q

    match = Q(title=plan_import.title)
    if plan_import.document_number:
        match |= Q(document_number=plan_import.document_number)
    return list(
        Plan.objects.filter(jurisdiction=plan_import.jurisdiction)
        .exclude(status=Plan.Status.ARCHIVED)
        .filter(match)
        .order_by("pk")
    )


def plan_import_elsewhere(*, plan_import: PlanImport) -> list[str]:
    """Places named in the title or issuer that are not the jurisdiction, one of its parents or
    one of its children: a registered jurisdiction's name, or a 省/市/县 name pattern."""
    own = set()
    node = plan_import.jurisdiction
    while node is not None:
        own.add(node.name)
        node = node.parent
    own |= set(Jurisdiction.objects.filter(parent=plan_import.jurisdiction).values_list("name", flat=True))
    text = f"{plan_import.title} {plan_import.issuer}"
    found: list[str] = []
    others = Jurisdiction.objects.exclude(name__in=own).values_list("name", flat=True)
    for name in others:
        if name in text and not any(name in mine for mine in own):
            found.append(name)
    for match in _PLACE.finditer(text):
        name = match.group(1)
        # Strip words read before the place (关于印发太仓市…): keep the shortest known tail.
        tails = [name[i:] for i in range(len(name) - 1)]
        if any(tail in own or any(tail in mine or mine in tail for mine in own) for tail in tails):
            continue
        if any(word in name for word in _NOT_PLACES) or any(name in f or f in name for f in found):
            continue
        found.append(name)
    return found


def draft_decisions(extraction: dict) -> dict:
    return {"duplicate": "", "elsewhere_ack": False, **(extraction.get("decisions") or {})}


def plan_import_open_decisions(
    *, plan_import: PlanImport, names: list[PrintedName], duplicates: list[Plan], elsewhere: list[str]
) -> list[str]:
    """What the office still has to decide before the draft can become a plan, in Chinese."""
    open_items = list(draft_problems(plan_import.extraction))
    unit = _("段") if plan_import.source_name.lower().endswith(".docx") else _("行")
    where = draft_names(plan_import.extraction, unit=unit)
    for printed in names:
        if printed.is_unknown and not printed.is_mapped:
            open_items.append(
                _("任务%(tasks)s中的“%(name)s”尚未对应到部门：请在“部门对应”中选择已有部门或新建")
                % {"tasks": "、".join(where.get(printed.name, printed.tasks)[:5]), "name": printed.name}
            )
    decisions = draft_decisions(plan_import.extraction)
    if duplicates and decisions["duplicate"] not in (DUPLICATE_REPLACE, DUPLICATE_KEEP):
        open_items.append(_("本行政区已有同文号或同标题的工作方案：请选择替换、两者都保留或取消导入"))
    if elsewhere and not decisions["elsewhere_ack"]:
        open_items.append(
            _("标题或印发机关提到“%(places)s”，不是本行政区：请核对后勾选确认")
            % {"places": "、".join(elsewhere)}
        )
    return open_items


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


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


def item_changed(item: dict, keys) -> bool:
    """Whether the office changed a task or target the reader found (a draft read before the
    reader's values were kept says no)."""
    found = item.get("found")
    if not found:
        return False
    return any(_comparable(item.get(key)) != _comparable(found.get(key)) for key in keys)


def _comparable(value):
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


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
    # What the office typed wins; then what the text itself says (title, years, 印发机关, 文号).
    meta = document.get("meta") or {}
    title = (title or meta.get("title") or document.get("title") or filename.rsplit(".", 1)[0])[:TITLE_MAX]
    if year_start is None and year_end is None:
        if meta.get("year_start") and meta.get("year_end"):
            year_start, year_end = meta["year_start"], meta["year_end"]
        else:
            year_start, year_end = years_from_title(title)
    else:
        year_start, year_end = year_start or year_end, year_end or year_start
    kind = kind or meta.get("kind") or ""
    document_number = (document_number or meta.get("document_number") or "")[:64]
    issuer = (issuer or meta.get("issuer") or "")[:128]
    source_text = source_text_render(data, filename=filename)
    with transaction.atomic():
        plan_import = PlanImport.objects.create(
            jurisdiction=jurisdiction,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            source_name=filename[:200],
            source_text=source_text,
            extraction=document,
            title=title,
            kind=kind or kind_from_title(title),
            year_start=year_start,
            year_end=year_end,
            document_number=document_number,
            issuer=issuer,
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
    (mapped names become aliases, "new" ones new departments), then the plan is saved."""
    plan_import = PlanImport.objects.select_for_update().select_related("jurisdiction").get(pk=plan_import.pk)
    if not plan_import.is_draft:
        raise Conflict(_("该导入已%(status)s，不能再次确认") % {"status": plan_import.get_status_display()})
    jurisdiction = plan_import.jurisdiction
    names = plan_import_names(plan_import=plan_import)
    departments = {str(d.pk): d for d in Department.objects.filter(jurisdiction=jurisdiction)}
    _require_confirmable(plan_import, names=names, departments=departments)
    _duplicates_apply(plan_import, actor=actor)
    _departments_apply(plan_import, names=names, departments=departments)
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
        document=plan_import.extraction,
    )
    plan_import.status = PlanImport.Status.CONFIRMED
    plan_import.plan = plan
    plan_import.save(update_fields=["status", "plan", "updated_at"])
    _audit(actor, "plan_import.confirm", plan, jurisdiction, plan.title)
    return plan


def targets_split_unplaced(document: dict) -> tuple[dict, list[dict]]:
    """The document with only the targets that name a task, and the others (a heading's own
    paragraph states them): the review makes the office place or drop those."""
    task_paths = {normalise_path(t["path"]) for t in document.get("tasks", [])}
    placed, unplaced = [], []
    for target in document.get("targets", []):
        (placed if normalise_path(target["task_path"]) in task_paths else unplaced).append(target)
    return {**document, "targets": placed}, unplaced


def issued_on_of(extraction: dict) -> dt.date | None:
    """The 印发 / 成文 date the reader found in the text, if any."""
    text = (extraction.get("meta") or {}).get("issued_on")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


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
    kind = Department.Kind.COLLECTIVE if name.startswith("各") else Department.Kind.UNIT
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


__all__ = [
    "DraftEdits",
    "ImportFailed",
    "MAX_BYTES",
    "PrintedName",
    "StaleDraft",
    "draft_problems",
    "item_changed",
    "plan_import_duplicates",
    "plan_import_elsewhere",
    "plan_import_open_decisions",
    "plan_import_confirm",
    "plan_import_create",
    "plan_import_discard",
    "issued_on_of",
    "plan_import_document",
    "targets_split_unplaced",
    "plan_import_names",
    "plan_import_update",
    "plan_import_warnings",
    "target_problems",
    "years_from_title",
]
