"""The delegation form: which children get the task; programmes.delegation decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DelegateForm(forms.Form):
    jurisdictions = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("下发到"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("下级行政区：请至少选择一个")},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdictions"].queryset = children
        self.fields["jurisdictions"].label_from_instance = lambda j: j.name
