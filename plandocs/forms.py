"""Forms of the plans app: the plan import's upload and review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan, path_label
from qualitycity.errors import ApplicationError
from qualitycity.uploads import upload_check

from .models import PlanImport
from .review import (
    MAX_BYTES,
    NEW,
    PASTED_NAME,
    TASK_TITLE_MAX,
    DraftEdits,
    PrintedName,
    commitment_text,
    target_problems,
    task_label,
    too_large_message,
)

# What the readers read; the old .doc/.xls are refused with a hint to save them anew.
PLAN_FILE_KINDS = frozenset({"docx", "xlsx", "txt"})
YEAR_FIELD = {"required": False, "min_value": 1990, "max_value": 2100}


class PlanImportUploadForm(forms.Form):
    # An empty file reaches the upload check, whose message names the file.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("方案文件"),
        required=False,
        help_text=_("Word（.docx）、Excel（.xlsx）或文本（.txt），不超过20MB"),
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
    kind: str = "task"


@dataclass
class HeadingRow:
    heading: dict
    depth: int
    kind: str = "heading"


@dataclass
class NameRow:
    printed: PrintedName
    field: forms.BoundField | None


class PlanImportReviewForm(forms.Form):
    """One form for the whole draft, so the review works without JavaScript: every task's
    title and departments, every target's values, and the choice for each unknown name."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("方案标题"), max_length=200)
    kind = forms.ChoiceField(label=_("方案类型"), choices=Plan.Kind.choices)
    year_start = forms.IntegerField(label=_("起始年度"), min_value=1990, max_value=2100)
    year_end = forms.IntegerField(label=_("截止年度"), min_value=1990, max_value=2100)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    issuer = forms.CharField(label=_("印发机关"), max_length=128, required=False)

    META = ("title", "kind", "year_start", "year_end", "document_number", "issuer")

    def __init__(self, *args, plan_import: PlanImport, names: list[PrintedName], departments, **kwargs):
        from targets.models import Comparator

        initial = {key: getattr(plan_import, key) for key in self.META}
        initial["revision"] = plan_import.revision
        super().__init__(*args, initial=initial, **kwargs)
        self.plan_import = plan_import
        self.tasks = plan_import.extraction.get("tasks", [])
        self.targets = plan_import.extraction.get("targets", [])
        self.names = names
        for i, task in enumerate(self.tasks):
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
        for j, target in enumerate(self.targets):
            prefix = f"g{j}_"
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
            self.fields[prefix + "delete"] = forms.BooleanField(label=_("删除此指标"), required=False)
        choices = [("", _("— 请选择 —")), (NEW, _("新建部门"))] + [(str(d.pk), d.name) for d in departments]
        for k, printed in enumerate(names):
            if printed.is_unknown:
                self.fields[f"d{k}"] = forms.ChoiceField(
                    label=printed.name, choices=choices, required=False, initial=printed.choice
                )
        self.problems: list[tuple[str, str]] = []

    def clean(self):
        cleaned = super().clean()
        for i, task in enumerate(self.tasks):
            if cleaned.get(f"t{i}_delete"):
                continue
            where = gettext("任务%(task)s") % {"task": task_label(task)}
            title = cleaned.get(f"t{i}_title") or ""
            if not title:
                self._problem(f"t{i}_title", gettext("%(where)s：请填写任务名称") % {"where": where})
            elif len(title) > TASK_TITLE_MAX:
                self._problem(
                    f"t{i}_title",
                    gettext("%(where)s：任务名称有%(length)s字，超过%(max)s字，请删减")
                    % {"where": where, "length": len(title), "max": TASK_TITLE_MAX},
                )
            for role, label in (("lead", gettext("牵头部门")), ("participating", gettext("参与部门"))):
                for name in split_names(cleaned.get(f"t{i}_{role}")):
                    if len(name) > 64:
                        self._problem(
                            f"t{i}_{role}",
                            gettext("%(where)s：%(field)s“%(name)s…”超过64字")
                            % {"where": where, "field": label, "name": name[:20]},
                        )
        deleted = {i for i in range(len(self.tasks)) if cleaned.get(f"t{i}_delete")}
        deleted_paths = {tuple(self.tasks[i]["path"]) for i in deleted}
        for j, target in enumerate(self.targets):
            prefix = f"g{j}_"
            if cleaned.get(prefix + "delete") or tuple(target["task_path"]) in deleted_paths:
                continue
            edited = {key: cleaned.get(prefix + key) for key in self._target_keys}
            where = gettext("任务%(task)s的指标“%(indicator)s”") % {
                "task": path_label(target["task_path"]),
                "indicator": (edited.get("indicator") or target.get("indicator") or "")[:30],
            }
            for key, message in target_problems(edited, where=where):
                self._problem(prefix + key, message)
        return cleaned

    _target_keys = ("indicator", "comparator", "value", "value_max", "stretch", "unit")

    def _problem(self, name: str, message: str) -> None:
        self.problems.append((name, message))
        self.add_error(name, message)

    def error_summary(self) -> list[tuple[str, str]]:
        """Every error once, each linking to its field: the task and target messages name
        their place already; the meta fields are named by their label."""
        summary = [("", str(error)) for error in self.non_field_errors()]
        summary += [(f"id_{name}", message) for name, message in self.problems]
        named = {name for name, _message in self.problems}
        for name, errors in self.errors.items():
            if name == "__all__" or name in named:
                continue
            label = self.fields[name].label if name in self.fields else name
            summary += [(f"id_{name}", f"{label}：{error}") for error in errors]
        return summary

    def edits(self) -> DraftEdits:
        cleaned = self.cleaned_data
        tasks = {
            i: {
                "title": cleaned[f"t{i}_title"],
                "lead": split_names(cleaned[f"t{i}_lead"]),
                "participating": split_names(cleaned[f"t{i}_participating"]),
                "delete": cleaned[f"t{i}_delete"],
            }
            for i in range(len(self.tasks))
        }
        targets = {}
        for j in range(len(self.targets)):
            prefix = f"g{j}_"
            targets[j] = {
                "indicator": cleaned[prefix + "indicator"],
                "comparator": cleaned[prefix + "comparator"],
                "value": _number(cleaned[prefix + "value"]),
                "value_max": _number(cleaned[prefix + "value_max"]),
                "stretch": _number(cleaned[prefix + "stretch"]),
                "unit": cleaned[prefix + "unit"] or None,
                "delete": cleaned[prefix + "delete"],
            }
        department_map = {
            printed.name: cleaned.get(f"d{k}") or ""
            for k, printed in enumerate(self.names)
            if printed.is_unknown
        }
        return DraftEdits(
            revision=cleaned["revision"],
            meta={key: cleaned[key] for key in self.META},
            tasks=tasks,
            targets=targets,
            department_map=department_map,
        )

    def rows(self, *, warnings: list[dict]) -> list[TaskRow | HeadingRow]:
        """Headings and tasks in reading order, each task with its fields, targets and warnings."""
        from .services import document_nodes_in_order, normalise_path

        by_path: dict[tuple, list[dict]] = {}
        for warning in warnings:
            if warning.get("path"):
                by_path.setdefault(normalise_path(warning["path"]), []).append(warning)
        targets_by_task: dict[tuple, list[TargetRow]] = {}
        for j, target in enumerate(self.targets):
            fields = {key: self[f"g{j}_{key}"] for key in (*self._target_keys, "delete")}
            targets_by_task.setdefault(normalise_path(target["task_path"]), []).append(
                TargetRow(j, target, fields, commitment_text(target))
            )
        printed = {p.name: p for p in self.names}
        index_of = {id(task): i for i, task in enumerate(self.tasks)}
        rows: list[TaskRow | HeadingRow] = []
        for kind, node in document_nodes_in_order(self.plan_import.extraction):
            path = normalise_path(node["path"])
            if kind == "heading":
                rows.append(HeadingRow(node, len(path) - 1))
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
                    targets=targets_by_task.get(path, []),
                    warnings=by_path.get(path, []),
                    chips=[
                        {"name": name, "role": role, "printed": printed.get(name)}
                        for role in ("lead", "participating")
                        for name in node.get(role) or []
                    ],
                )
            )
        return rows

    def name_rows(self) -> list[NameRow]:
        return [
            NameRow(printed, self[f"d{k}"] if printed.is_unknown else None)
            for k, printed in enumerate(self.names)
        ]


def _number(value: str):
    """A typed number as int or float (the draft is JSON); validated by target_problems."""
    if value in (None, ""):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number
