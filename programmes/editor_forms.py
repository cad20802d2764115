"""Forms of the plan editor: they read what the office typed; programmes.editor decides."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from qualitycity.params import FormDateField, StrictIntegerField
from responsibilities.models import Department

from .editor import PLAN_FIELDS
from .models import Heading, Plan, Task

REASON_HELP = _("执行中的方案每次调整都记为一次“方案调整”，请写明原因，例如：根据2026年机构改革调整")


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("调整原因"))
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", REASON_HELP)
        super().__init__(**kwargs)


PLAN_FORM_FIELDS = list(PLAN_FIELDS)


class PlanForm(forms.Form):
    """A plan's fields, read as a plain form: programmes.editor checks them against the other
    plans (the model's own constraint messages are not written for the office)."""

    reason = ReasonField()

    def __init__(self, *args, instance: Plan | None = None, ask_reason: bool = False, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                **model_to_dict(instance, fields=PLAN_FORM_FIELDS),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Plan,
            fields=PLAN_FORM_FIELDS,
            field_classes={
                "issued_on": FormDateField,
                "year_start": StrictIntegerField,
                "year_end": StrictIntegerField,
            },
            widgets={"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
        )
        reason = self.fields.pop("reason")
        self.fields.update(model_fields)
        for name in ("year_start", "year_end"):
            self.fields[name].min_value = 1949
            self.fields[name].max_value = 2100
            self.fields[name].validators = [MinValueValidator(1949), MaxValueValidator(2100)]
            self.fields[name].widget.attrs.update({"min": 1949, "max": 2100, "inputmode": "numeric"})
        if ask_reason:
            self.fields["reason"] = reason

    def clean(self):
        data = super().clean()
        start, end = data.get("year_start"), data.get("year_end")
        if start and end and end < start:
            self.add_error("year_end", _("截止年度：不能早于起始年度%(start)s") % {"start": start})
        return data


class JurisdictionChoiceForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, label=_("行政区"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


def place_choices(plan: Plan, *, exclude=None) -> list[tuple[str, str]]:
    """Where an item goes among its new siblings: its place, first, last, or after an item."""
    choices = [("keep", _("保持原位置（换了上级标题则放在最后）")), ("first", _("最前")), ("end", _("最后"))]
    items = sorted([*plan.headings.all(), *plan.tasks.all()], key=lambda item: item.position)
    for item in items:
        if item is exclude or (exclude is not None and type(item) is type(exclude) and item.pk == exclude.pk):
            continue
        kind = "heading" if isinstance(item, Heading) else "task"
        label = f"{item.path_label if kind == 'task' else '·'.join(item.path)} {item.title}"[:60]
        choices.append((f"{kind}:{item.pk}", _("放在“%s”之后") % label))
    return choices


def parse_place(value: str):
    if value in ("keep", "first", "end"):
        return value
    kind, _sep, pk = value.partition(":")
    return (kind, int(pk))


class NodeForm(forms.Form):
    number = forms.CharField(label=_("编号"), max_length=16, help_text=_("按原文，例如：一、(一)、1、——"))
    place = forms.ChoiceField(label=_("位置"), required=False)
    reason = ReasonField()

    def __init__(self, *args, plan: Plan, item=None, ask_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["place"].choices = place_choices(plan, exclude=item)
        self.fields["place"].initial = "keep" if item is not None else "end"
        if not ask_reason:
            del self.fields["reason"]

    def clean_place(self):
        return parse_place(self.cleaned_data.get("place") or "end")


class HeadingForm(NodeForm):
    title = forms.CharField(label=_("标题"), max_length=300, required=False)
    parent = forms.ModelChoiceField(
        queryset=None, label=_("上级标题"), required=False, empty_label=_("（第一层）")
    )
    field_order = ["number", "title", "parent", "place", "reason"]

    def __init__(self, *args, plan: Plan, item: Heading | None = None, **kwargs):
        super().__init__(*args, plan=plan, item=item, **kwargs)
        self.fields["parent"].queryset = plan.headings.exclude(pk=getattr(item, "pk", None))
        self.fields["parent"].label_from_instance = lambda h: f"{'·'.join(h.path)} {h.title}"[:60]


class TaskForm(NodeForm):
    title = forms.CharField(label=_("工作任务"), max_length=300)
    text = forms.CharField(label=_("主要内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    heading = forms.ModelChoiceField(
        queryset=None, label=_("所属标题"), required=False, empty_label=_("（第一层）")
    )
    leads = forms.ModelMultipleChoiceField(
        queryset=None, label=_("牵头部门"), widget=forms.CheckboxSelectMultiple, required=False
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=None, label=_("参与部门"), widget=forms.CheckboxSelectMultiple, required=False
    )
    due = forms.CharField(
        label=_("完成时限"), max_length=64, required=False, help_text=_("按原文，例如：长期坚持、2026年底前")
    )
    due_date = FormDateField(
        label=_("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    milestones = forms.CharField(
        label=_("时间节点"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("2026-06-30 完成招标")}),
        help_text=_("每行一个：日期 内容"),
    )
    field_order = [
        "number",
        "title",
        "text",
        "heading",
        "place",
        "leads",
        "participants",
        "due",
        "due_date",
        "milestones",
        "reason",
    ]

    # A delegated task's copy: only its departments are the child's to choose.
    PARENTS_FIELDS = ("number", "title", "text", "heading", "place", "due", "due_date", "milestones")

    def __init__(self, *args, plan: Plan, item: Task | None = None, delegated: bool = False, **kwargs):
        super().__init__(*args, plan=plan, item=item, **kwargs)
        self.fields["heading"].queryset = plan.headings.all()
        self.fields["heading"].label_from_instance = lambda h: f"{'·'.join(h.path)} {h.title}"[:60]
        # Only the office's own jurisdiction's active departments, units and collective names.
        departments = Department.objects.filter(jurisdiction_id=plan.jurisdiction_id, is_active=True)
        self.fields["leads"].queryset = departments
        self.fields["participants"].queryset = departments
        if item is not None:
            chosen = {"lead": [], "participating": []}
            for assignment in item.assignments.order_by("position"):
                chosen[assignment.role].append(assignment.department_id)
            self.initial.update(
                {
                    "number": item.number,
                    "title": item.title,
                    "text": item.text,
                    "heading": item.heading_id,
                    "leads": chosen["lead"],
                    "participants": chosen["participating"],
                    "due": item.due,
                    "due_date": item.due_date,
                    "milestones": "\n".join(f"{m.date:%Y-%m-%d} {m.title}" for m in item.milestones.all()),
                }
            )
        if delegated:
            for name in self.PARENTS_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("上级下发的任务内容由上级修改")
            self.initial["place"] = "keep"
