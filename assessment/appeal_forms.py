"""The forms of the appeals: they read what was typed; the rules (the window, the line, the
reasons, the files, the decision) are checked in assessment.appeals, whose refusals name the
field they belong to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDecimalField

from .appeals import MAX_FILES

SCORE = {"max_digits": 6, "decimal_places": 2}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by qualitycity.uploads in the service
    (an empty one included, so its message is the portal's own)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    kind = forms.CharField(label=_("申诉事项"), max_length=16, widget=forms.Select)
    reasons = forms.CharField(
        label=_("申诉理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 3000}),
        help_text=_("说明哪一项计算或认定有误、依据是什么，不超过3000字"),
    )
    requested_score = FormDecimalField(
        label=_("申请认定得分"), required=False, help_text=_("选填：您认为该项应得的分数"), **SCORE
    )
    files = MultipleFileField(
        label=_("申诉材料"),
        required=False,
    )

    def __init__(self, *args, lines: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.choices = list(lines.items())
        # Formatted here, in the language of the request, not once at import.
        self.fields["files"].help_text = _(
            "选填：PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx），每个不超过20MB，最多%(n)s个"
        ) % {"n": MAX_FILES}


class AcceptForm(forms.Form):
    decided_score = FormDecimalField(
        label=_("认定得分"),
        required=False,
        help_text=_("该项调整后的得分（加分、扣分为调整后的分值）"),
        **SCORE,
    )
    decision = forms.CharField(
        label=_("处理意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("采纳的理由，将随重新发布的考核结果告知申诉单位"),
    )


class RejectForm(forms.Form):
    decision = forms.CharField(
        label=_("处理意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("不予采纳的理由，将告知申诉单位"),
    )
