"""The briefing editor's form: the header fields, and the items as posted (each kept item's
source, order, title and body; the candidates ticked to add). The rules (sources of the
jurisdiction, text present, the issue still a draft) are checked in reports.briefings."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDateField, parse_int

from .briefings import MAX_ITEMS, ItemChoice

KEY = re.compile(r"^(update|entry):(\d{1,12})$")
BAD_ITEM = _("内容：第%(n)s条的来源无效")
BAD_ORDER = _("内容：第%(n)s条的顺序须为1至%(max)s的整数")


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("简报名称"), max_length=200)
    editor_unit = forms.CharField(label=_("编发单位"), max_length=128, required=False)
    issued_on = FormDateField(
        label=_("印发日期"),
        required=False,
        help_text=_("不填则按印发当天"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    send_to = forms.CharField(
        label=_("报送"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    copy_to = forms.CharField(
        label=_("抄送"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items: list[ItemChoice] = []

    def clean(self):
        data = super().clean()
        try:
            self.items = parse_items(self.data)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


def parse_items(post) -> list[ItemChoice]:
    """The kept items in the order their numbers give (ties as listed), the removed ones left
    out, then the ticked candidates in the page's order, each source once."""
    kept = []
    for n in range(MAX_ITEMS + 1):
        key = post.get(f"item-{n}-key")
        if key is None:
            continue
        match = KEY.match(key)
        if match is None:
            raise forms.ValidationError(BAD_ITEM % {"n": n + 1})
        if post.get(f"item-{n}-remove"):
            continue
        order = parse_int(str(post.get(f"item-{n}-order", "")).strip(), high=MAX_ITEMS * 10)
        if order is None:
            raise forms.ValidationError(BAD_ORDER % {"n": n + 1, "max": MAX_ITEMS * 10})
        choice = ItemChoice(
            kind=match[1],
            id=int(match[2]),
            title=str(post.get(f"item-{n}-title", ""))[:200],
            body=str(post.get(f"item-{n}-body", ""))[:5000],
        )
        kept.append((order, n, choice))
    chosen = [choice for _order, _n, choice in sorted(kept, key=lambda t: (t[0], t[1]))]
    seen = {(c.kind, c.id) for c in chosen}
    for n, key in enumerate(post.getlist("add"), start=len(chosen) + 1):
        match = KEY.match(str(key))
        if match is None:
            raise forms.ValidationError(BAD_ITEM % {"n": n})
        if (match[1], int(match[2])) not in seen:
            seen.add((match[1], int(match[2])))
            chosen.append(ItemChoice(kind=match[1], id=int(match[2])))
    return chosen
