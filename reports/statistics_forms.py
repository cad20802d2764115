"""The statistics upload's form: the file, and the jurisdiction when the office runs several.
What the file must hold is checked by the rules in reports.statistics."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

STATISTICS_FILE_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatisticsUploadForm(forms.Form):
    # An empty file reaches the upload check, whose message names the file.
    file = forms.FileField(
        allow_empty_file=True,
        label=_("统计数据文件"),
        # The limits are reports.statistics' STATISTICS_MAX_BYTES and MAX_ROWS.
        help_text=_("Excel（.xlsx），不超过20MB，最多50000行；请用下载的模板填写"),
        error_messages={"required": _("请选择要上传的 Excel 文件")},
        widget=forms.ClearableFileInput(attrs={"accept": STATISTICS_FILE_ACCEPT}),
    )
    jurisdiction = forms.ModelChoiceField(label=_("行政区"), queryset=None, empty_label=None)

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        only = list(jurisdictions[:2])
        if len(only) == 1:
            self.fields["jurisdiction"].widget = forms.HiddenInput()
            self.fields["jurisdiction"].initial = only[0].pk
