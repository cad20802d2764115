"""The office's forms for a plan's targets and its jurisdiction's indicators. They read what was
typed (numbers with full-width digits and commas, ISO dates); the rules are targets.editor's."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Plan
from programmes.revisions import REASON_REQUIRED
from qualitycity.formats import decimal_text
from qualitycity.params import FormDateField, FormDecimalField

from .models import Comparator, Indicator, Target

NUMBER = {"max_digits": 18, "decimal_places": 4, "required": False}
NUMBER_INPUT = {"inputmode": "decimal", "autocomplete": "off", "size": 10}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMMITMENT_NUMBERS = ("value", "value_max", "stretch", "baseline")


def _number_field(label, help_text=""):
    return FormDecimalField(
        label=label, help_text=help_text, widget=forms.TextInput(attrs=NUMBER_INPUT), **NUMBER
    )


class TargetForm(forms.Form):
    """A target of a task: its indicator (one of the jurisdiction's, or a new one by name and
    unit) with the indicator's reporting department and aggregation, the commitment, due date
    and original text; on an active plan the reason, and when editing the day a changed
    commitment takes effect."""

    indicator = forms.ModelChoiceField(
        label=_("指标"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("— 新建指标（填写下面的名称和单位）—"),
        error_messages={"invalid_choice": _("只能选用本行政区的指标")},
    )
    indicator_name = forms.CharField(label=_("新指标名称"), max_length=200, required=False)
    indicator_unit = forms.CharField(
        label=_("计量单位"), max_length=32, required=False, help_text=_("例如：%、件、家；无单位可不填")
    )
    reporting_department = forms.ModelChoiceField(
        label=_("报送部门"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("须为本行政区在用的单位")},
    )
    aggregation = forms.ChoiceField(label=_("汇总方式"), required=False)
    comparator = forms.ChoiceField(
        label=_("比较方式"),
        choices=Comparator.choices,
        error_messages={"invalid_choice": _("请选择列表中的比较方式")},
    )
    value = _number_field(_("目标值"), _("区间目标填下限；逐年增长、逐年下降不填"))
    value_max = _number_field(_("区间上限"), _("只有区间目标填写"))
    stretch = _number_field(_("力争值"), _("“力争”达到的更高目标，可不填"))
    baseline = _number_field(_("基期值"))
    due_date = FormDateField(label=_("完成日期"), required=False, widget=DATE_INPUT)
    text = forms.CharField(
        label=_("原文"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_from = FormDateField(
        label=_("生效日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("目标值调整从哪天起执行；此前各期仍按原目标评价"),
    )
    reason = forms.CharField(label=_("调整原因"), max_length=300, required=False)

    def __init__(self, *args, plan: Plan, indicators, departments, target: Target | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.target = target
        self.fields["indicator"].queryset = indicators
        self.fields["reporting_department"].queryset = departments
        keep = _("沿用指标的设置") if target is not None else _("沿用所选指标的设置（新建指标按名称判断）")
        self.fields["aggregation"].choices = [("", keep), *Indicator.Aggregation.choices]
        self.fields["reporting_department"].empty_label = (
            _("沿用指标的报送部门")
            if target is not None
            else _("沿用所选指标的报送部门（新建指标为牵头单位）")
        )
        active = plan.status == Plan.Status.ACTIVE
        if active:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = REASON_REQUIRED
        else:
            del self.fields["reason"]
        if target is None or not active:
            del self.fields["effective_from"]
        else:
            self.fields["effective_from"].initial = timezone.localdate().replace(day=1)
        if target is not None:
            self.initial.update(self._initial_of(target))

    @staticmethod
    def _initial_of(target: Target) -> dict:
        """The target as it stands, numbers written as the plan prints them (93, not 93.0000)."""
        indicator = target.indicator
        initial = {
            "indicator": indicator.pk,
            "reporting_department": indicator.reporting_department_id,
            "aggregation": indicator.aggregation,
            "comparator": target.comparator,
            "due_date": target.due_date,
            "text": target.text,
        }
        initial.update({name: decimal_text(getattr(target, name)) for name in COMMITMENT_NUMBERS})
        return initial

    def clean(self):
        data = super().clean()
        # Editing, another indicator picked: its own department and aggregation stay unless the
        # office changed them too (the ones shown were the previous indicator's).
        if self.target is not None and "indicator" in self.changed_data:
            for name in ("reporting_department", "aggregation"):
                if name not in self.changed_data:
                    data[name] = None
        return data

    def editor_data(self) -> dict:
        """What targets.editor's target_create / target_update take as `data`."""
        data = self.cleaned_data
        return {
            "indicator": data.get("indicator"),
            "indicator_name": data.get("indicator_name", ""),
            "indicator_unit": data.get("indicator_unit", ""),
            "reporting_department": data.get("reporting_department"),
            "aggregation": data.get("aggregation") or None,
            "comparator": data.get("comparator"),
            **{name: data.get(name) for name in COMMITMENT_NUMBERS},
            "due_date": data.get("due_date"),
            "text": data.get("text", ""),
        }


class TargetDeleteForm(forms.Form):
    reason = forms.CharField(label=_("调整原因"), max_length=300, required=False)


class IndicatorForm(forms.Form):
    """An indicator of the jurisdiction: what is measured, in which unit, how its periods add
    up, where its figures come from and which unit reports them."""

    name = forms.CharField(label=_("指标名称"), max_length=200)
    unit = forms.CharField(label=_("计量单位"), max_length=32, required=False)
    aggregation = forms.ChoiceField(label=_("汇总方式"), choices=Indicator.Aggregation.choices)
    source = forms.ChoiceField(label=_("数据来源"), choices=Indicator.Source.choices)
    reporting_department = forms.ModelChoiceField(
        label=_("报送部门"),
        queryset=None,
        error_messages={"invalid_choice": _("须为本行政区在用的单位")},
    )
    description = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departments, indicator: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporting_department"].queryset = departments
        if indicator is not None:
            self.initial.update(
                {
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "aggregation": indicator.aggregation,
                    "source": indicator.source,
                    "reporting_department": indicator.reporting_department_id,
                    "description": indicator.description,
                }
            )
