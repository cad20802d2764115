"""Writes of indicators and targets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import Task
from qualitycity.errors import ApplicationError
from qualitycity.params import form_decimal
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import department_name_index, jurisdiction_prefix, normalise_name

from .models import Comparator, Indicator, Target

NOT_A_NUMBER = gettext_lazy("%(field)s“%(value)s”不是数字")
NOT_FINITE = gettext_lazy("%(field)s“%(value)s”不是有限的数字")
UNKNOWN_COMPARATOR = gettext_lazy("比较方式“%(comparator)s”无法识别")
NOT_A_REPORTING_UNIT = gettext_lazy("指标“%(indicator)s”的报送部门不是本行政区在用的单位，请重新选择")


class InvalidTarget(ApplicationError):
    """An extracted target the portal cannot store (a value that is no number, an unknown
    comparator)."""


# Names that count what is added during the period (新增, 新申请, 完成…) add up month by month;
# rates, shares and stocks are read as their latest value.
_INCREMENT_WORDS = re.compile(r"新增|新申请|新建|新辟|年新增|累计|完成|收缴|培育|实施|诊断服务|遴选|认定")


def indicator_guess_aggregation(*, name: str, unit: str) -> str:
    """A rate is read as its latest value; a count of things added is the sum of increments."""
    if unit in {"%", ""} or "率" in name or "比重" in name or "比例" in name or "指数" in name:
        return Indicator.Aggregation.LATEST
    if _INCREMENT_WORDS.search(name):
        return Indicator.Aggregation.SUM
    return Indicator.Aggregation.LATEST


def indicator_ensure(
    *, jurisdiction: Jurisdiction, name: str, unit: str, reporting_department=None
) -> Indicator:
    """One indicator per jurisdiction, name and unit: a second plan targeting it reuses it and
    keeps its reporting department; one that has none yet takes the department given."""
    indicator, created = Indicator.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=name,
        unit=unit,
        defaults={
            "reporting_department": reporting_department,
            "aggregation": indicator_guess_aggregation(name=name, unit=unit),
        },
    )
    if not created and indicator.reporting_department_id is None and reporting_department is not None:
        indicator.reporting_department = reporting_department
        indicator.save(update_fields=["reporting_department"])
    return indicator


# ---------------------------------------------------------------------------------------------
# Which department reports an indicator: the proposal an import makes for the office to confirm
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedDepartment:
    """A department name as a plan prints it, and what it stands for: a department of the
    jurisdiction, or None for a name the import is still to create (or map)."""

    name: str
    department: Department | None = None
    collective: bool = False

    @property
    def unit(self) -> Department | None:
        """The active unit that reports for this name: the department, or the one it was merged
        into (机构改革); a collective name never reports."""
        if self.collective or self.department is None:
            return None
        return reporting_unit(self.department)

    @property
    def can_report(self) -> bool:
        """A unit of the jurisdiction, or a name the import will make into one."""
        if self.collective:
            return False
        return self.department is None or self.unit is not None


def reporting_unit(department: Department | None) -> Department | None:
    """The active unit standing for a department: itself, or its successor after a merger."""
    seen = set()
    while department is not None and department.pk not in seen:
        if department.is_active:
            return None if department.is_collective else department
        seen.add(department.pk)
        department = department.successor
    return None


@dataclass(frozen=True)
class ReportingProposal:
    """The department an import proposes to report an indicator, and why: the document states
    it ("document"), the target's clause names it ("clause"), the sentence around the clause
    names it ("sentence"), it leads the task ("lead"), it takes part ("participating"); or none
    ("": the task's departments are collective names, or it has none)."""

    named: NamedDepartment | None = None
    source: str = ""


def department_names_known(
    *, jurisdiction: Jurisdiction, index: dict | None = None, extra: Sequence[NamedDepartment] = ()
) -> list[tuple[str, NamedDepartment]]:
    """Every name a department of the jurisdiction goes by (its name, its aliases, and either
    without the jurisdiction's prefix: 住建局 for 市住建局), normalised, plus names a draft prints
    that are no department yet."""
    index = department_name_index(jurisdiction) if index is None else index
    prefix = jurisdiction_prefix(jurisdiction)
    known: dict[str, NamedDepartment] = {}
    for key, department in index.items():
        named = NamedDepartment(department.name, department, department.is_collective)
        known.setdefault(key, named)
        # A name cut to two characters (农委) says too little to be found in running text.
        if prefix and key.startswith(prefix) and len(key) - len(prefix) >= 3:
            known.setdefault(key[len(prefix) :], named)
    for named in extra:
        key = normalise_name(named.name)
        if len(key) >= 2:
            known.setdefault(key, named)
    return sorted(known.items(), key=lambda item: -len(item[0]))


# What follows a department that is charged with the work (市住建局负责, 由市住建局牵头, 市住建局、
# 市水务局按职责分工落实), and what follows one cited as the author of a document (市政府办《…》).
_ROLE_AFTER = re.compile(r"^[^。;；!?！？]{0,16}?(负责|牵头|落实|组织实施|承担|主抓|主责)")
_ROLE_BEFORE = re.compile(r"(由|责任部门|责任单位|牵头部门|牵头单位|负责单位|负责部门|实施单位)[:：]?\s*$")
_QUOTE_PAIRS = {"《": "》", "“": "”", "「": "」", "『": "』"}
_BRACKETS = {"(": ")", "（": "）", "[": "]", "【": "】"}


def departments_named_in(
    text: str, *, known: Sequence[tuple[str, NamedDepartment]], charged: bool = False
) -> list[NamedDepartment]:
    """The departments a text names, in the order it names them (the longest name at a place),
    leaving out a name in quotes or before a document's title (市政府办《意见》: the author);
    with `charged`, only those the text charges with the work: in brackets, after 由 or a
    责任单位 label, or before 负责 / 牵头 / 落实."""
    text = unicodedata.normalize("NFKC", text or "")
    kept = [(i, ch) for i, ch in enumerate(text) if normalise_name(ch)]
    haystack = "".join(ch for _i, ch in kept)
    if not haystack:
        return []
    found = []
    for order, (key, named) in enumerate(known):
        at = haystack.find(key)
        while at >= 0:
            start, end = kept[at][0], kept[at + len(key) - 1][0] + 1
            if _cited(text, start, end) is False and (not charged or _charged(text, start, end)):
                found.append((at, -len(key), order, named))
                break
            at = haystack.find(key, at + 1)
    named_in, seen = [], set()
    for _at, _length, _order, named in sorted(found, key=lambda item: item[:3]):
        if named.name not in seen:
            seen.add(named.name)
            named_in.append(named)
    return named_in


def _open_at(text: str, start: int, pairs: dict[str, str]) -> bool:
    """Whether one of the pairs is open at `start` (a quote, a bracket)."""
    depth = 0
    for ch in text[:start]:
        if ch in pairs:
            depth += 1
        elif ch in pairs.values():
            depth = max(0, depth - 1)
    return depth > 0


def _cited(text: str, start: int, end: int) -> bool:
    """A name in quotes, or one right before a document's title, is cited, not charged."""
    return _open_at(text, start, _QUOTE_PAIRS) or text[end : end + 1] in ("《", "“")


def _charged(text: str, start: int, end: int) -> bool:
    return (
        _open_at(text, start, _BRACKETS)
        or _ROLE_BEFORE.search(text[max(0, start - 8) : start]) is not None
        or _ROLE_AFTER.match(text[end:]) is not None
    )


_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")


def sentence_around(text: str, clause: str) -> str:
    """The sentence of a task's text that holds a target's clause ('' when none does)."""
    key = normalise_name(clause)
    if not key:
        return ""
    return next((s for s in _SENTENCE_END.split(text or "") if key in normalise_name(s)), "")


def _without_others(sentence: str, *, clause: str, others: Sequence[str]) -> str:
    """The sentence without the other targets' clauses: 甲率达到96%，乙率达到97%（市住建局负责）
    charges 市住建局 with 乙 only. A clause that holds this one, or is part of it, stays."""
    sentence = unicodedata.normalize("NFKC", sentence or "")
    clause = unicodedata.normalize("NFKC", clause or "")
    for other in others:
        other = unicodedata.normalize("NFKC", other or "")
        if other and other not in clause and clause not in other:
            sentence = sentence.replace(other, "。")
    return sentence


def reporting_department_propose(
    *,
    clause: str,
    sentence: str = "",
    lead: Sequence[NamedDepartment] = (),
    participating: Sequence[NamedDepartment] = (),
    known: Sequence[tuple[str, NamedDepartment]] = (),
    stated: NamedDepartment | None = None,
    others: Sequence[str] = (),
) -> ReportingProposal:
    """An indicator is reported by the unit its document states for it, else the unit its target's
    clause names (then the sentence around it, but for the other targets' clauses), else the
    task's first lead unit, else its first participating unit; a collective name never reports,
    so a task led by one proposes none."""
    if stated is not None and stated.can_report:
        return ReportingProposal(stated, "document")
    sentence = _without_others(sentence, clause=clause, others=others)
    for source, text in (("clause", clause), ("sentence", sentence)):
        named_in = departments_named_in(text, known=known, charged=source == "sentence")
        named = next((n for n in named_in if n.can_report), None)
        if named is not None:
            return ReportingProposal(named, source)
    for source, names in (("lead", lead), ("participating", participating)):
        named = next((n for n in names if n.can_report), None)
        if named is not None:
            return ReportingProposal(named, source)
    return ReportingProposal()


def to_decimal(value, *, field) -> Decimal | None:
    """A number from an extraction as a Decimal (full-width digits as typed in Chinese, read as
    qualitycity.params.form_decimal does), or a clear error naming the field."""
    try:
        return form_decimal(value)
    except ValueError as exc:
        message = NOT_FINITE if _non_finite(value) else NOT_A_NUMBER
        raise InvalidTarget(message % {"field": field, "value": value}) from exc


def _non_finite(value) -> bool:
    """NaN or an infinity, which deserve their own message."""
    try:
        return not Decimal(str(value).strip()).is_finite()
    except InvalidOperation:
        return False


@transaction.atomic
def targets_create_for_tasks(
    *, jurisdiction: Jurisdiction, tasks_by_path: dict[tuple, Task], targets: list[dict]
) -> list[Target]:
    """Each extracted target is attached to its task and to the jurisdiction's indicator; a
    target whose value is no number or whose comparator is unknown refuses the whole batch.

    A new indicator is reported by the department the office confirmed for its target
    (``reporting_department_id``: a unit's id, or None for none), else by the proposal
    (reporting_department_propose, a name the document states in ``reporting_department``
    first); an indicator already there keeps its own."""
    index = department_name_index(jurisdiction)
    known = department_names_known(jurisdiction=jurisdiction, index=index)
    confirmed = _confirmed_units(jurisdiction=jurisdiction, targets=targets)
    clauses: dict[int, list[str]] = {}
    for entry in targets:
        clauses.setdefault(tasks_by_path[tuple(entry["task_path"])].pk, []).append(entry.get("text") or "")
    created = []
    positions: dict[int, int] = {}
    for entry in targets:
        task = tasks_by_path[tuple(entry["task_path"])]
        indicator = indicator_ensure(
            jurisdiction=jurisdiction,
            name=entry["indicator"],
            unit=entry.get("unit") or "",
            reporting_department=_reporting_department(
                entry, task=task, known=known, confirmed=confirmed, others=clauses[task.pk]
            ),
        )
        positions[task.pk] = positions.get(task.pk, 0) + 1
        comparator = entry["comparator"]
        if comparator not in Comparator.values:
            raise InvalidTarget(UNKNOWN_COMPARATOR % {"comparator": comparator})
        created.append(
            Target(
                task=task,
                indicator=indicator,
                comparator=comparator,
                value=to_decimal(entry.get("value"), field=_("目标值")),
                value_max=to_decimal(entry.get("value_max"), field=_("区间上限")),
                stretch=to_decimal(entry.get("stretch"), field=_("力争值")),
                text=(entry.get("text") or "")[:500],
                position=positions[task.pk],
            )
        )
    Target.objects.bulk_create(created)
    return created


def _confirmed_units(*, jurisdiction: Jurisdiction, targets: list[dict]) -> dict[int, Department]:
    """The units the office confirmed, by id; an id that is no active unit of the jurisdiction
    (another's, a collective, one since closed, none at all) refuses the batch, naming the target."""
    ids = {entry.get("reporting_department_id") for entry in targets} - {None}
    units = {
        d.pk: d for d in Department.objects.filter(jurisdiction=jurisdiction, pk__in=ids).units().active()
    }
    for entry in targets:
        if entry.get("reporting_department_id") not in (None, *units):
            raise InvalidTarget(NOT_A_REPORTING_UNIT % {"indicator": entry["indicator"]})
    return units


def _reporting_department(entry: dict, *, task: Task, known, confirmed: dict, others) -> Department | None:
    """The department the office confirmed for the target, else the proposal for it."""
    if "reporting_department_id" in entry:
        pk = entry["reporting_department_id"]
        return None if pk is None else confirmed[pk]
    assignments = sorted(task.assignments.all(), key=lambda a: (a.role != "lead", a.position))
    names = {
        role: [
            NamedDepartment(a.printed_name or a.department.name, a.department, a.department.is_collective)
            for a in assignments
            if a.role == role
        ]
        for role in ("lead", "participating")
    }
    stated = None
    if entry.get("reporting_department"):
        found = departments_named_in(entry["reporting_department"], known=known)
        stated = found[0] if found else None
    text = entry.get("text") or ""
    proposal = reporting_department_propose(
        clause=text,
        sentence=sentence_around(task.text, text),
        lead=names["lead"],
        participating=names["participating"],
        known=known,
        stated=stated,
        others=others,
    )
    return proposal.named.unit if proposal.named else None
