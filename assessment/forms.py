from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDateField, FormDecimalField, StrictIntegerField

from .models import AssessmentItem, AssessmentScheme, CriterionKind, PeriodKind
from .periods import assessment_period

SCORE = {"max_digits": 5, "decimal_places": 1, "min_value": Decimal(0), "max_value": Decimal(100)}


class SchemeForm(forms.Form):
    on_time = FormDecimalField(label=CriterionKind.ON_TIME.label, **SCORE)
    completeness = FormDecimalField(label=CriterionKind.COMPLETENESS.label, **SCORE)
    targets = FormDecimalField(label=CriterionKind.TARGETS.label, **SCORE)
    rating = FormDecimalField(label=CriterionKind.RATING.label, **SCORE)
    grade_a = FormDecimalField(label=_("优秀（A）最低分"), **SCORE)
    grade_b = FormDecimalField(label=_("良好（B）最低分"), **SCORE)
    grade_c = FormDecimalField(label=_("合格（C）最低分"), **SCORE)
    bonus_cap = FormDecimalField(label=_("加分上限"), **SCORE)
    year_start_month = StrictIntegerField(label=_("考核年度起始月"), min_value=1, max_value=12)
    # Left out (an older form), the scheme keeps its subject.
    subject = forms.ChoiceField(
        label=_("考核对象"),
        choices=AssessmentScheme.Subject.choices,
        required=False,
        help_text=AssessmentScheme._meta.get_field("subject").help_text,
        error_messages={"invalid_choice": _("考核对象：请选择“本级成员单位”或“下级行政区”")},
    )

    def weights(self) -> dict[str, Decimal]:
        return {kind: self.cleaned_data[kind] for kind in CriterionKind.values}


class ItemForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=AssessmentItem.Kind.choices)
    points = FormDecimalField(label=_("分值"), required=False, **SCORE)
    reason = forms.CharField(label=_("事由"), max_length=300)
    occurred_on = FormDateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("考核周期"), choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    year = StrictIntegerField(label=_("年度"), min_value=2000, max_value=2100)
    number = StrictIntegerField(
        label=_("第几季度／月"), min_value=1, max_value=12, initial=1, help_text=_("年度考核不用填")
    )

    def period(self, *, year_start_month: int):
        """The period asked for; a quarter or month out of range raises ApplicationError."""
        data = self.cleaned_data
        return assessment_period(
            kind=data["kind"],
            year=data["year"],
            number=data["number"] or 1,
            year_start_month=year_start_month,
        )


class FinalForm(forms.Form):
    final = FormDecimalField(label=_("认定得分"), required=False, **SCORE)
    reason = forms.CharField(label=_("认定理由"), max_length=500, required=False)
