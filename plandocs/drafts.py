"""What a plan-import draft says and what it still needs before it can become a plan: the
printed department names, the problems of its tasks and targets, the duplicates and other
jurisdictions' names, and what the office changed. Reads only; the writes are in review.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from programmes.models import Plan, path_label
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import department_name_index, department_resolve
from targets.services import (
    NamedDepartment,
    department_names_known,
    departments_named_in,
    reporting_department_propose,
    sentence_around,
)

from .models import PlanImport
from .services import normalise_path

TITLE_MAX = Plan._meta.get_field("title").max_length
TASK_TITLE_MAX = 300  # Task.title
INDICATOR_MAX = 200  # Indicator.name
UNIT_MAX = 32  # Indicator.unit
NAME_MAX = Department._meta.get_field("name").max_length
# Target values are DecimalField(max_digits=18, decimal_places=4): 14 digits before the point.
VALUE_LIMIT = Decimal("1e14")
NEW = "new"


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


def plan_import_names(*, plan_import: PlanImport, index: dict | None = None) -> list[PrintedName]:
    """The draft's printed names, each resolved through the jurisdiction's names and aliases."""
    jurisdiction = plan_import.jurisdiction
    index = department_name_index(jurisdiction) if index is None else index
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


def name_is_collective(name: str) -> bool:
    """A printed name the jurisdiction does not know stands for several units when it says so:
    各成员单位, 各县(区)人民政府."""
    return name.startswith("各")


def printed_named(printed: PrintedName) -> NamedDepartment:
    """A printed name as the reporting rule sees it: the department it resolves or is mapped to,
    or a name still to become a department."""
    department = printed.department or printed.chosen
    if department is not None:
        return NamedDepartment(printed.name, department, department.is_collective)
    return NamedDepartment(printed.name, None, name_is_collective(printed.name))


# The reporting department's select: a unit's id, a printed name this import makes into a
# department, or the office's answer that the indicator has none.
REPORTING_NONE = "none"
REPORTING_NAME = "n:"


@dataclass
class Reporting:
    """Who reports a draft target's indicator, as the review shows it: the select's value, the
    department's name, why (the indicator already has one, the office chose, or the proposal's
    source), the value the rule proposes, and what the office must still settle."""

    value: str = ""
    label: str = ""
    source: str = ""  # existing, office, document, clause, sentence, lead, participating, or ""
    proposal: str = ""
    problem: str = ""

    @property
    def is_fixed(self) -> bool:
        """An indicator already in the jurisdiction keeps its reporting department."""
        return self.source == "existing"

    @property
    def basis(self) -> str:
        """Why this department, as the review says it under the select."""
        return {
            "existing": _("已有指标，沿用其报送部门，本次导入不作改动"),
            "office": _("质强办已选择"),
            "document": _("建议：方案为该指标列明的部门"),
            "clause": _("建议：指标原文点名的部门"),
            "sentence": _("建议：指标所在句点名的部门"),
            "lead": _("建议：任务的牵头部门"),
            "participating": _("建议：任务的参与部门"),
        }.get(self.source, "")


def _reporting_value(named: NamedDepartment | None) -> tuple[str, str]:
    """The select's value and the name it shows for a proposed or chosen department name."""
    if named is None:
        return "", ""
    unit = named.unit
    if unit is not None:
        return str(unit.pk), unit.name
    if named.department is None and not named.collective:
        return REPORTING_NAME + named.name, named.name
    return "", ""


def plan_import_reporting(
    *, plan_import: PlanImport, names: list[PrintedName], index: dict | None = None
) -> list[Reporting]:
    """Each draft target's reporting department: an indicator already in the jurisdiction keeps
    its own; else the office's choice; else the proposal (targets.services.
    reporting_department_propose); a placed target with none is a decision the office must make."""
    from targets.models import Indicator

    jurisdiction = plan_import.jurisdiction
    index = department_name_index(jurisdiction) if index is None else index
    extraction = plan_import.extraction
    by_printed = {p.name: printed_named(p) for p in names}
    known = department_names_known(
        jurisdiction=jurisdiction, index=index, extra=[by_printed[p.name] for p in names if p.is_unknown]
    )
    tasks = {normalise_path(t["path"]): t for t in extraction.get("tasks", [])}
    targets = extraction.get("targets", [])
    existing = {
        (i.name, i.unit): i
        for i in Indicator.objects.filter(
            jurisdiction=jurisdiction,
            name__in={t.get("indicator") or "" for t in targets},
            reporting_department__isnull=False,
        ).select_related("reporting_department")
    }
    units = {str(d.pk): d for d in index.values() if d.is_active and not d.is_collective}
    clauses: dict[tuple, list[str]] = {}
    for target in targets:
        clauses.setdefault(normalise_path(target.get("task_path") or []), []).append(target.get("text") or "")
    reporting = []
    for target in targets:
        indicator = existing.get((target.get("indicator") or "", target.get("unit") or ""))
        if indicator is not None:
            department = indicator.reporting_department
            reporting.append(Reporting(str(department.pk), department.name, "existing", str(department.pk)))
            continue
        path = normalise_path(target.get("task_path") or [])
        task = tasks.get(path)
        proposal, source = _propose(
            target, task=task, by_printed=by_printed, known=known, others=clauses[path]
        )
        reporting.append(
            _reporting_chosen(
                target, task=task, proposal=proposal, source=source, by_printed=by_printed, units=units
            )
        )
    return reporting


def _propose(
    target: dict, *, task: dict | None, by_printed: dict, known, others
) -> tuple[tuple[str, str], str]:
    """The rule's proposal for a draft target, as the select's (value, name), and its source."""
    stated = None
    if target.get("reporting_department"):
        found = departments_named_in(str(target["reporting_department"]), known=known)
        stated = found[0] if found else None
    text = target.get("text") or ""
    task = task or {}
    proposal = reporting_department_propose(
        clause=text,
        sentence=sentence_around(task.get("text") or "", text),
        lead=[by_printed[n] for n in task.get("lead") or [] if n in by_printed],
        participating=[by_printed[n] for n in task.get("participating") or [] if n in by_printed],
        known=known,
        stated=stated,
        others=others,
    )
    value = _reporting_value(proposal.named)
    return value, proposal.source if value[0] else ""


def _reporting_chosen(target: dict, *, task, proposal, source, by_printed, units) -> Reporting:
    """The office's choice where it made one (still valid), else the proposal, with what is
    left to settle."""
    where = target_where(target)
    choice = str(target.get("reporting") or "")
    if choice == REPORTING_NONE:
        return Reporting(REPORTING_NONE, "", "office", proposal[0])
    if choice in units:
        return Reporting(choice, units[choice].name, "office", proposal[0])
    if choice.startswith(REPORTING_NAME) and choice[len(REPORTING_NAME) :] in by_printed:
        value, label = _reporting_value(by_printed[choice[len(REPORTING_NAME) :]])
        if value:
            return Reporting(value, label, "office", proposal[0])
    if choice:
        # A department closed, or a name edited away, since the office chose it.
        problem = _("%(where)s：所选报送部门已不可用，请重新选择") % {"where": where}
        return Reporting("", "", "", proposal[0], problem)
    if proposal[0] or task is None:
        return Reporting(proposal[0], proposal[1], source, proposal[0])
    printed = [*(task.get("lead") or []), *(task.get("participating") or [])]
    if not printed:
        why = _("任务没有责任部门")
    elif all(by_printed[n].collective for n in printed if n in by_printed):
        why = _("“%(name)s”是集合名称") % {"name": "、".join(printed)}
    else:
        why = _("“%(name)s”不是在用的单位") % {"name": "、".join(printed)}
    problem = _("%(where)s：未指定报送部门（%(why)s）：请选择报送部门，或选择“不设报送部门”") % {
        "where": where,
        "why": why,
    }
    return Reporting("", "", "", "", problem)


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
    # A value without a unit is often a reading error (2500 of what?), sometimes right (an
    # index, a score, a rate per 亿元): the office says which.
    if value is not None and not (target.get("unit") or "").strip() and not target.get("no_unit"):
        problems.append(("unit", _("%(where)s：没有单位：请填写单位，或勾选“无单位”") % {"where": where}))
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
    *,
    plan_import: PlanImport,
    names: list[PrintedName],
    duplicates: list[Plan],
    elsewhere: list[str],
    reporting: list[Reporting] | None = None,
) -> list[str]:
    """What the office still has to decide before the draft can become a plan, in Chinese."""
    open_items = list(draft_problems(plan_import.extraction))
    if reporting is None:
        reporting = plan_import_reporting(plan_import=plan_import, names=names)
    open_items += [r.problem for r in reporting if r.problem]
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


def plan_meta_of(
    document: dict,
    *,
    filename: str,
    title: str = "",
    kind: str = "",
    year_start: int | None = None,
    year_end: int | None = None,
    document_number: str = "",
    issuer: str = "",
) -> dict:
    """A plan's title, kind, years, 文号, 印发机关 and date: what the office typed wins, then
    what the text itself says, then the title's own words; the years default to this year."""
    found = document.get("meta") or {}
    title = (title or found.get("title") or document.get("title") or filename.rsplit(".", 1)[0])[:TITLE_MAX]
    if year_start is None and year_end is None:
        if found.get("year_start") and found.get("year_end"):
            year_start, year_end = found["year_start"], found["year_end"]
        else:
            year_start, year_end = years_from_title(title)
    else:
        year_start, year_end = year_start or year_end, year_end or year_start
    return {
        "title": title,
        "kind": kind or found.get("kind") or kind_from_title(title),
        "year_start": year_start,
        "year_end": year_end,
        "document_number": (document_number or found.get("document_number") or "")[:64],
        "issuer": (issuer or found.get("issuer") or "")[:128],
        "issued_on": issued_on_of(document),
    }


def issued_on_of(extraction: dict) -> dt.date | None:
    """The 印发 / 成文 date the reader found in the text, if any."""
    text = (extraction.get("meta") or {}).get("issued_on")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
