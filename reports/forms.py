"""Reading the report page's post: entries and values keyed by id, each with the version the
person loaded, so the save can refuse what someone else changed in between."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDateField, StrictIntegerField, parse_int

from .models import WorkUpdate

ENTRY_FIELDS = ("status", "progress", "problems", "next_steps", "consolidated", "version")
VALUE_FIELDS = ("value", "gap_explanation", "version")
_KEY = re.compile(r"^(entry|value)-(\d+)-(\w+)$")


def parse_draft_post(data) -> tuple[dict[int, dict], dict[int, dict]]:
    """entry-12-progress=… value-7-value=… → ({12: {"progress": …}}, {7: {"value": …}})."""
    entries: dict[int, dict] = {}
    values: dict[int, dict] = {}
    for key in data:
        match = _KEY.match(key)
        if not match:
            continue
        kind, pk, name = match[1], int(match[2]), match[3]
        allowed = ENTRY_FIELDS if kind == "entry" else VALUE_FIELDS
        if name not in allowed:
            continue
        target = entries if kind == "entry" else values
        raw = data.get(key)
        if name == "version":
            version = parse_int(str(raw or ""), low=0)
            raw = -1 if version is None else version
        else:
            # Control characters other than line breaks and tabs are noise from copy and paste.
            raw = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(raw)).replace("\r\n", "\n")
        target.setdefault(pk, {})[name] = raw
    return entries, values


class ReturnForm(forms.Form):
    """Per-entry comments come as comment-<entry id>; at least one is required (checked by the service)."""

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        for entry in entries:
            self.fields[f"comment-{entry.pk}"] = forms.CharField(
                required=False, max_length=2000, widget=forms.Textarea
            )

    def comments(self) -> dict[int, str]:
        return {int(name.split("-")[1]): value for name, value in self.cleaned_data.items() if value}


class ApproveForm(forms.Form):
    rating = StrictIntegerField(label=_("评分（0–100，可不填）"), required=False, min_value=0, max_value=100)


class SendBackForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    deadline = FormDateField(
        label=_("新的截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class WorkUpdateForm(forms.ModelForm):
    class Meta:
        model = WorkUpdate
        fields = ["date", "title", "body"]
        field_classes = {"date": FormDateField}
        # A date input takes only ISO dates: 2026-11-29, never the locale's 2026/11/29.
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 4}),
        }


class EvidenceForm(forms.Form):
    # An empty file reaches the upload check, whose message names the file.
    file = forms.FileField(label=_("佐证材料"), allow_empty_file=True)
