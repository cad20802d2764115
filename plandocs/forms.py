"""Forms of the plans app: the plan import's upload and review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan, path_label
from qualitycity.errors import ApplicationError
from qualitycity.params import parse_int
from qualitycity.uploads import PLAN_IMPORT_KINDS, upload_check

from .drafts import (
    DUPLICATE_CANCEL,
    DUPLICATE_KEEP,
    DUPLICATE_REPLACE,
    NEW,
    REPORTING_NAME,
    REPORTING_NONE,
    PrintedName,
    Reporting,
    commitment_text,
    draft_decisions,
    item_changed,
    name_is_collective,
    target_placement_problem,
    target_problems,
    target_where,
    task_label,
    task_problems,
)
from .models import PlanImport
from .review import (
    FOUND_TARGET_KEYS,
    FOUND_TASK_KEYS,
    MAX_BYTES,
    PASTED_NAME,
    DraftEdits,
    too_large_message,
)

# What the readers read: Word, Excel, PDF, web pages and text; .doc/.wps/.et through LibreOffice.
PLAN_FILE_KINDS = PLAN_IMPORT_KINDS
PLAN_FILE_ACCEPT = ".docx,.doc,.wps,.xlsx,.xls,.et,.pdf,.html,.htm,.mhtml,.mht,.txt"
YEAR_FIELD = {"required": False, "min_value": 1990, "max_value": 2100}


class PlanImportUploadForm(forms.Form):
    # An empty file reaches the upload check, whose message names the file.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("方案文件"),
        required=False,
        help_text=_(
            "Word（.docx/.doc/.wps）、Excel（.xlsx/.et）、PDF、网页（.html/.mhtml）或文本（.txt），不超过20MB"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": PLAN_FILE_ACCEPT}),
    )
    text = forms.CharField(
        label=_("或粘贴方案全文"), required=False, widget=forms.Textarea(attrs={"rows": 8}), strip=False
    )
    jurisdiction = forms.ModelChoiceField(label=_("行政区"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("方案标题"), max_length=200, required=False, help_text=_("留空则取原文标题")
    )
    kind = forms.ChoiceField(
        label=_("方案类型"), required=False, choices=[("", _("按标题判断")), *Plan.Kind.choices]
    )
    year_start = forms.IntegerField(label=_("起始年度"), **YEAR_FIELD)
    year_end = forms.IntegerField(label=_("截止年度"), **YEAR_FIELD)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        only = list(jurisdictions[:2])
        if len(only) == 1:
            self.fields["jurisdiction"].widget = forms.HiddenInput()
            self.fields["jurisdiction"].initial = only[0].pk

    def clean_file(self):
        """The shared upload check (qualitycity.uploads) before the readers see a byte: the
        size before anything is read (a large upload is already in a temporary file, and
        reading it into memory is what must not happen), then the type by content, and a zip
        that would unpack too large."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            try:
                upload_check(upload, allowed=PLAN_FILE_KINDS, max_bytes=MAX_BYTES)
            except ApplicationError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise forms.ValidationError(too_large_message(name=gettext("粘贴的文字"), size=size))
        return text if text.strip() else ""

    def clean(self):
        cleaned = super().clean()
        has_file, has_text = bool(cleaned.get("file")), bool(cleaned.get("text"))
        if "file" in self.errors or "text" in self.errors:
            return cleaned
        if not has_file and not has_text:
            raise forms.ValidationError(gettext("请选择方案文件，或粘贴方案全文"))
        if has_file and has_text:
            raise forms.ValidationError(gettext("请只选择一种方式：上传文件或粘贴文字"))
        start, end = cleaned.get("year_start"), cleaned.get("year_end")
        if start and end and end < start:
            self.add_error("year_end", gettext("截止年度早于起始年度"))
        return cleaned

    def source(self) -> tuple[bytes | str, str]:
        """The plan as bytes and its file name, or the pasted text."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(), upload.name
        return self.cleaned_data["text"], PASTED_NAME


_NAME_SPLIT = re.compile(r"[、,，;；/\s]+")


def split_names(value: str) -> list[str]:
    """Names as typed, separated by 、 (or a comma, a semicolon, a space), without repeats."""
    names = []
    for name in _NAME_SPLIT.split(value or ""):
        if name and name not in names:
            names.append(name)
    return names


@dataclass
class TargetRow:
    index: int
    target: dict
    fields: dict
    commitment: str = ""
    problems: list[str] = field(default_factory=list)  # what the office must still decide
    changed: bool = False
    reporting: Reporting | None = None


@dataclass
class TaskRow:
    index: int
    task: dict
    fields: dict
    depth: int
    label: str
    targets: list[TargetRow] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    chips: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    changed: bool = False
    kind: str = "task"


@dataclass
class HeadingRow:
    heading: dict
    depth: int
    targets: list[TargetRow] = field(default_factory=list)  # found in its paragraph or a table
    kind: str = "heading"


@dataclass
class NameRow:
    printed: PrintedName
    field: forms.BoundField | None


class PlanImportReviewForm(forms.Form):
    """One form for the whole draft, so the review works without JavaScript: every task's
    title and departments, every target's values and reporting department, and the choice for
    each unknown name."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("方案标题"), max_length=200)
    kind = forms.ChoiceField(label=_("方案类型"), choices=Plan.Kind.choices)
    year_start = forms.IntegerField(label=_("起始年度"), min_value=1990, max_value=2100)
    year_end = forms.IntegerField(label=_("截止年度"), min_value=1990, max_value=2100)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    issuer = forms.CharField(label=_("印发机关"), max_length=128, required=False)

    META = ("title", "kind", "year_start", "year_end", "document_number", "issuer")

    def __init__(
        self,
        *args,
        plan_import: PlanImport,
        names: list[PrintedName],
        departments,
        reporting: list[Reporting],
        duplicates=(),
        elsewhere=(),
        **kwargs,
    ):
        from .services import normalise_path

        initial = {key: getattr(plan_import, key) for key in self.META}
        initial["revision"] = plan_import.revision
        super().__init__(*args, initial=initial, **kwargs)
        self.plan_import = plan_import
        self.tasks = plan_import.extraction.get("tasks", [])
        self.targets = plan_import.extraction.get("targets", [])
        self.names = names
        self.departments = list(departments)
        self.reporting = list(reporting)
        self.duplicates = list(duplicates)
        self.elsewhere = list(elsewhere)
        task_choices = [("", _("— 请选择所属任务 —"))] + [
            (str(i), f"{task_label(task)} {(task.get('title') or '')[:24]}")
            for i, task in enumerate(self.tasks)
        ]
        self.task_index = {normalise_path(task["path"]): i for i, task in enumerate(self.tasks)}
        for i, task in enumerate(self.tasks):
            self._add_task_fields(i, task)
        reporting_choices = self._reporting_choices()
        for j, target in enumerate(self.targets):
            self._add_target_fields(j, target, task_choices=task_choices)
            self._add_reporting_field(j, reporting_choices)
        self._add_name_fields(names, self.departments)
        self._add_decision_fields(draft_decisions(plan_import.extraction))
        self.problems: list[tuple[str, str]] = []
        self.refused = False  # a posted value no page offers: nothing of the post is saved

    def _add_task_fields(self, i: int, task: dict) -> None:
        """A task's title and its lead and participating departments, as printed; and 删除."""
        self.fields[f"t{i}_title"] = forms.CharField(
            label=_("任务名称"),
            required=False,
            initial=task.get("title"),
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields[f"t{i}_lead"] = forms.CharField(
            label=_("牵头部门"), required=False, initial="、".join(task.get("lead") or [])
        )
        self.fields[f"t{i}_participating"] = forms.CharField(
            label=_("参与部门"), required=False, initial="、".join(task.get("participating") or [])
        )
        self.fields[f"t{i}_delete"] = forms.BooleanField(label=_("删除此任务"), required=False)

    def _add_target_fields(self, j: int, target: dict, *, task_choices) -> None:
        """A target's task, indicator, comparator, values and unit, each kept as typed."""
        from targets.models import Comparator

        from .services import normalise_path

        prefix = f"g{j}_"
        # The task a target belongs to: one found under a heading starts with none chosen.
        at = self.task_index.get(normalise_path(target.get("task_path") or []))
        self.fields[prefix + "task"] = forms.CharField(
            label=_("所属任务"),
            required=False,
            initial="" if at is None else str(at),
            widget=forms.Select(choices=task_choices),
        )
        self.fields[prefix + "indicator"] = forms.CharField(
            label=_("指标"), required=False, initial=target.get("indicator")
        )
        # A CharField with a select, not a ChoiceField: an invalid comparator is reported by
        # target_problems, naming the task and the indicator, like every other value.
        self.fields[prefix + "comparator"] = forms.CharField(
            label=_("比较方式"),
            required=False,
            initial=target.get("comparator"),
            widget=forms.Select(choices=Comparator.choices),
        )
        for key, label in (
            ("value", _("目标值")),
            ("value_max", _("区间上限")),
            ("stretch", _("力争值")),
        ):
            self.fields[prefix + key] = forms.CharField(
                label=label,
                required=False,
                initial="" if target.get(key) is None else target.get(key),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
        self.fields[prefix + "unit"] = forms.CharField(
            label=_("单位"),
            required=False,
            initial=target.get("unit") or "",
            widget=forms.TextInput(attrs={"size": 4}),
        )
        self.fields[prefix + "no_unit"] = forms.BooleanField(
            label=_("无单位"), required=False, initial=bool(target.get("no_unit"))
        )
        self.fields[prefix + "delete"] = forms.BooleanField(label=_("删除此指标"), required=False)

    def _reporting_choices(self) -> list[tuple[str, str]]:
        """The units that may report an indicator: the jurisdiction's active units, then the
        names this import will make into departments (or has still to map)."""
        units = [(str(d.pk), d.name) for d in self.departments if d.is_active and not d.is_collective]
        pending = [
            (
                REPORTING_NAME + p.name,
                gettext("%(name)s（本次导入新建）") % {"name": p.name}
                if p.choice == NEW
                else gettext("%(name)s（尚未对应部门）") % {"name": p.name},
            )
            for p in self.names
            if p.is_unknown and p.chosen is None and not name_is_collective(p.name)
        ]
        return [*units, *pending, (REPORTING_NONE, gettext("不设报送部门（该指标无需报送）"))]

    def _add_reporting_field(self, j: int, choices: list[tuple[str, str]]) -> None:
        """The department that will report the target's indicator, the proposal preselected; an
        indicator already in the jurisdiction keeps its own and has no field."""
        reporting = self.reporting[j]
        if reporting.is_fixed:
            return
        # A CharField with a select, like the comparator: clean() names the target in its message.
        head = [("", gettext("— 请选择报送部门 —"))] if not reporting.value else []
        self.fields[f"g{j}_reporting"] = forms.CharField(
            label=_("报送部门"),
            required=False,
            initial=reporting.value,
            widget=forms.Select(choices=[*head, *choices]),
        )

    def clean(self):
        """A reporting department is one of the select's: a posted id of another jurisdiction, of
        a collective name or of no department at all is refused, naming the target."""
        cleaned = super().clean()
        self.refused = False
        departments = {str(d.pk): d for d in self.departments}
        for j, target in enumerate(self.targets):
            name = f"g{j}_reporting"
            if name not in self.fields or name not in cleaned:
                continue
            value = cleaned[name]
            # "" is the proposal, whatever it is by now (a page read before the lead changed).
            offered = {"", *(key for key, _label in self.fields[name].widget.choices)}
            if value in offered:
                continue
            department = departments.get(value)
            if department is not None and department.is_collective:
                why = gettext("“%(name)s”是集合名称，不能报送指标") % {"name": department.name}
            elif department is not None:
                why = gettext("“%(name)s”已停用") % {"name": department.name}
            else:
                why = gettext("所选部门不是本行政区在用的单位")
            self.refused = True
            self.add_error(
                name,
                gettext("%(where)s：报送部门无效：%(why)s，请从列表中选择")
                % {"where": target_where(target), "why": why},
            )
        return cleaned

    def _add_name_fields(self, names: list[PrintedName], departments) -> None:
        """For each printed name the jurisdiction does not know: a department, or new."""
        choices = [("", _("— 请选择 —")), (NEW, _("新建部门"))] + [(str(d.pk), d.name) for d in departments]
        for k, printed in enumerate(names):
            if printed.is_unknown:
                self.fields[f"d{k}"] = forms.ChoiceField(
                    label=printed.name, choices=choices, required=False, initial=printed.choice
                )

    def _add_decision_fields(self, decisions: dict) -> None:
        """The plan-level decisions: what to do with a duplicate, and the other-place check."""
        if self.duplicates:
            self.fields["duplicate"] = forms.ChoiceField(
                label=_("已有同文号或同标题的工作方案"),
                required=False,
                initial=decisions["duplicate"],
                choices=[
                    (DUPLICATE_REPLACE, _("替换：原方案归档，保留为上一版本")),
                    (DUPLICATE_KEEP, _("两者都保留")),
                    (DUPLICATE_CANCEL, _("取消导入（放弃这份草稿）")),
                ],
                widget=forms.RadioSelect,
            )
        if self.elsewhere:
            self.fields["elsewhere_ack"] = forms.BooleanField(
                label=_("已核对：这份方案确属本行政区"), required=False, initial=decisions["elsewhere_ack"]
            )

    _target_keys = ("indicator", "comparator", "value", "value_max", "stretch", "unit")

    def _problem(self, name: str, message: str) -> None:
        self.problems.append((name, message))
        self.add_error(name, message)

    def error_summary(self) -> list[tuple[str, str]]:
        """Every error once, each linking to its field, named by its label."""
        summary = [("", str(error)) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            label = self.fields[name].label if name in self.fields else name
            summary += [(f"id_{name}", f"{label}：{error}") for error in errors]
        return summary

    def edits(self) -> DraftEdits:
        """What was typed, kept whatever it is: a task or target that is not yet right is saved
        as typed and shown with its message; a plan field in error keeps its saved value."""
        cleaned = self.cleaned_data

        def typed(name: str, default=""):
            return cleaned.get(name, default) if name in cleaned else default

        tasks = {
            i: {
                "title": typed(f"t{i}_title", task.get("title") or ""),
                "lead": split_names(typed(f"t{i}_lead")),
                "participating": split_names(typed(f"t{i}_participating")),
                "delete": bool(typed(f"t{i}_delete", False)),
            }
            for i, task in enumerate(self.tasks)
        }
        targets = {}
        for j in range(len(self.targets)):
            prefix = f"g{j}_"
            change = {
                "indicator": typed(prefix + "indicator"),
                "comparator": typed(prefix + "comparator"),
                "value": _number(typed(prefix + "value")),
                "value_max": _number(typed(prefix + "value_max")),
                "stretch": _number(typed(prefix + "stretch")),
                "unit": typed(prefix + "unit") or None,
                "no_unit": bool(typed(prefix + "no_unit", False)),
                "delete": bool(typed(prefix + "delete", False)),
            }
            posted = cleaned.get(prefix + "reporting")
            if posted is not None and (posted or self.reporting[j].value):
                # The proposal left as it was stays a proposal, so it follows a changed lead; a
                # select left at "请选择" leaves the draft as it was (a choice since closed stays
                # a decision to make).
                change["reporting"] = "" if posted == self.reporting[j].proposal else posted
            chosen = parse_int(typed(prefix + "task"), low=0, high=len(self.tasks) - 1)
            if chosen is not None:
                change["task_path"] = list(self.tasks[chosen]["path"])
            targets[j] = change
        department_map = {
            printed.name: cleaned.get(f"d{k}") or ""
            for k, printed in enumerate(self.names)
            if printed.is_unknown
        }
        decisions = {}
        if "duplicate" in self.fields:
            decisions["duplicate"] = cleaned.get("duplicate") or ""
        if "elsewhere_ack" in self.fields:
            decisions["elsewhere_ack"] = bool(cleaned.get("elsewhere_ack"))
        return DraftEdits(
            revision=cleaned["revision"],
            meta={key: cleaned[key] for key in self.META if key in cleaned},
            tasks=tasks,
            targets=targets,
            department_map=department_map,
            decisions=decisions,
        )

    def rows(self, *, warnings: list[dict]) -> list[TaskRow | HeadingRow]:
        """Headings and tasks in reading order, each with its fields, targets, warnings and what
        is still to decide; a target under a heading (its paragraph, a table, an appendix) is
        shown under that heading, and one under no known place at the end."""
        from .services import document_nodes_in_order, normalise_path

        by_path: dict[tuple, list[dict]] = {}
        for warning in warnings:
            if warning.get("path"):
                by_path.setdefault(normalise_path(warning["path"]), []).append(warning)
        task_paths = set(self.task_index)
        targets_by_path: dict[tuple, list[TargetRow]] = {}
        for j, target in enumerate(self.targets):
            fields = {key: self[f"g{j}_{key}"] for key in ("task", *self._target_keys, "no_unit", "delete")}
            if f"g{j}_reporting" in self.fields:
                fields["reporting"] = self[f"g{j}_reporting"]
            placement = target_placement_problem(target, task_paths=task_paths)
            reporting = self.reporting[j]
            problems = (
                ([placement] if placement else [])
                + [message for _field, message in target_problems(target, where=target_where(target))]
                + ([reporting.problem] if reporting.problem else [])
            )
            targets_by_path.setdefault(normalise_path(target.get("task_path") or []), []).append(
                TargetRow(
                    j,
                    target,
                    fields,
                    commitment_text(target),
                    problems=problems,
                    changed=item_changed(target, FOUND_TARGET_KEYS),
                    reporting=reporting,
                )
            )
        printed = {p.name: p for p in self.names}
        index_of = {id(task): i for i, task in enumerate(self.tasks)}
        rows: list[TaskRow | HeadingRow] = []
        for kind, node in document_nodes_in_order(self.plan_import.extraction):
            path = normalise_path(node["path"])
            if kind == "heading":
                rows.append(HeadingRow(node, len(path) - 1, targets=targets_by_path.pop(path, [])))
                continue
            i = index_of[id(node)]
            fields = {key: self[f"t{i}_{key}"] for key in ("title", "lead", "participating", "delete")}
            rows.append(
                TaskRow(
                    index=i,
                    task=node,
                    fields=fields,
                    depth=len(path) - 1,
                    label=path_label(list(path)),
                    targets=targets_by_path.pop(path, []),
                    warnings=by_path.get(path, []),
                    chips=[
                        {"name": name, "role": role, "printed": printed.get(name)}
                        for role in ("lead", "participating")
                        for name in node.get(role) or []
                    ],
                    problems=[message for _field, message in task_problems(node)],
                    changed=item_changed(node, FOUND_TASK_KEYS),
                )
            )
        leftover = [row for rows_ in targets_by_path.values() for row in rows_]
        if leftover:
            rows.append(
                HeadingRow({"path": [], "number": "", "title": gettext("其他位置识别出的指标")}, 0, leftover)
            )
        return rows

    def name_rows(self) -> list[NameRow]:
        return [
            NameRow(printed, self[f"d{k}"] if printed.is_unknown else None)
            for k, printed in enumerate(self.names)
        ]


def _number(value: str):
    """A typed number as int or float (the draft is JSON), or the text as typed when it is not
    one, kept so the office sees it beside its message (target_problems)."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value).strip()
    if number != number or number in (float("inf"), float("-inf")) or abs(number) >= 1e14:
        return str(value).strip()
    return int(number) if number.is_integer() else number
