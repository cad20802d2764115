"""The office's edits of a plan's targets and of its jurisdiction's indicators.

A target change runs inside programmes.revisions.plan_change: one transaction, one audit row
and, on an active plan, a revision with its reason. When an active plan's commitment changes,
the commitment it replaces is kept (TargetHistory) for the periods before the change takes
effect, so they are still judged against it (targets.status.commitment_at). An indicator
change is one transaction and one audit row. A refusal names the field in Chinese and saves
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Plan, Task
from programmes.revisions import plan_change
from qualitycity.errors import ApplicationError
from qualitycity.formats import decimal_text
from qualitycity.params import form_date, form_decimal, parse_int
from responsibilities.models import Department, Jurisdiction
from responsibilities.services import audit_record

from .models import VALUELESS_COMPARATORS, Comparator, Indicator, Target, TargetHistory
from .services import indicator_guess_aggregation
from .status import COMMITMENT_FIELDS

INDICATOR_FIELDS = ("name", "unit", "aggregation", "source", "reporting_department", "description")
# numeric(18, 4): at most 14 digits before the point and 4 after it.
NUMBER_LIMIT = Decimal(10) ** 14
NUMBER_PLACES = 4


class TargetEditError(ApplicationError):
    """A change to a target or an indicator the rules refuse."""


# Targets -------------------------------------------------------------------------------------


def target_create(*, task: Task, actor, reason: str = "", data: dict) -> Target:
    """A target is added to a task in force, on an indicator of the plan's jurisdiction (picked,
    or created from its name and unit) with a commitment the rules accept."""
    plan = task.plan
    commitment = _commitment_check(data)
    choice = _indicator_choice(plan.jurisdiction_id, data, current=None)
    summary = _("新增目标：%(task)s %(indicator)s %(commitment)s") % {
        "task": task.path_label,
        "indicator": choice.name,
        "commitment": _commitment_text(commitment, choice.unit),
    }
    with plan_change(
        plan=plan, actor=actor, action="target.create", summary=summary + choice.note, reason=reason
    ) as plan:
        task = _task_in_force(plan, task.pk)
        target = Target(
            task=task,
            indicator=_indicator_apply(plan, task, choice),
            due_date=_due_date(plan, data.get("due_date")),
            text=_text(data.get("text")),
            position=_next_position(task),
            **commitment,
        )
        target.save()
    return target


def target_update(
    *, target: Target, actor, reason: str = "", effective_from: dt.date | str | None = None, data: dict
) -> Target:
    """A target's indicator, commitment, due date and text change; on an active plan a changed
    commitment takes effect from a date (the first of the current month unless told, not before
    the plan's first year nor more than a year ahead) and the one it replaces is kept for the
    periods before it."""
    target = Target.objects.select_related("indicator__reporting_department", "task__plan").get(pk=target.pk)
    before = {name: getattr(target, name) for name in COMMITMENT_FIELDS}
    commitment = _commitment_check(before | {name: data[name] for name in COMMITMENT_FIELDS if name in data})
    choice = _indicator_choice(target.task.plan.jurisdiction_id, data, current=target.indicator)
    changed = any(_differs(before[name], commitment[name]) for name in COMMITMENT_FIELDS)
    summary = _("修改目标：%(task)s %(indicator)s") % {
        "task": target.task.path_label,
        "indicator": choice.name,
    }
    if changed:
        summary += f" {target.commitment} → {_commitment_text(commitment, choice.unit)}"
    with plan_change(
        plan=target.task.plan,
        actor=actor,
        action="target.update",
        summary=summary + choice.note,
        reason=reason,
    ) as plan:
        target = Target.objects.select_related("indicator").get(pk=target.pk, task__plan=plan)
        task = _task_in_force(plan, target.task_id)
        changed = any(_differs(getattr(target, name), commitment[name]) for name in COMMITMENT_FIELDS)
        if changed and plan.status == Plan.Status.ACTIVE:
            day = _effective_from(plan, effective_from)
            kept = {name: getattr(target, name) for name in COMMITMENT_FIELDS}
            _history_keep(plan, target, kept, target.commitment, valid_until=day - dt.timedelta(days=1))
        target.indicator = _indicator_apply(plan, task, choice)
        for name, value in commitment.items():
            setattr(target, name, value)
        if "due_date" in data:
            target.due_date = _due_date(plan, data["due_date"])
        if "text" in data:
            target.text = _text(data["text"])
        target.save()
    return target


def target_delete(*, target: Target, actor, reason: str = "") -> None:
    """A target of a task in force is deleted; its indicator and measurements stay."""
    target = Target.objects.select_related("indicator", "task__plan").get(pk=target.pk)
    summary = _("删除目标：%(task)s %(indicator)s %(commitment)s") % {
        "task": target.task.path_label,
        "indicator": target.indicator.name,
        "commitment": target.commitment,
    }
    with plan_change(
        plan=target.task.plan, actor=actor, action="target.delete", summary=summary, reason=reason
    ) as plan:
        target = Target.objects.get(pk=target.pk, task__plan=plan)
        _task_in_force(plan, target.task_id)
        target.delete()


def _commitment_text(commitment: dict, unit: str) -> str:
    """A commitment as Target.commitment writes it, before any row is saved."""
    return Target(indicator=Indicator(unit=unit), **commitment).commitment


def _task_in_force(plan: Plan, task_pk: int) -> Task:
    task = Task.objects.get(pk=task_pk, plan=plan)
    if task.is_withdrawn:
        raise TargetEditError(_("工作任务：该任务已撤销，不能添加、修改或删除目标"))
    return task


def _next_position(task: Task) -> int:
    positions = task.targets.values_list("position", flat=True)
    return max(positions, default=0) + 1


def _differs(old, new) -> bool:
    """Whether a commitment field changed (93 and 93.0000 are the same number)."""
    if old is None or new is None:
        return old is not new
    return old != new


def _effective_from(plan: Plan, value) -> dt.date:
    """The day a changed commitment takes effect: the first of this month unless told; not
    before the plan's first year, nor more than a year ahead."""
    today = timezone.localdate()
    day = _date(value, _("生效日期"), "effective_from") or today.replace(day=1)
    first = dt.date(plan.year_start, 1, 1)
    if day < first:
        raise TargetEditError(
            _("生效日期：不能早于方案起始日期%(date)s") % {"date": first.isoformat()}, field="effective_from"
        )
    latest = _one_year_after(today)
    if day > latest:
        raise TargetEditError(
            _("生效日期：不能晚于一年以后（%(date)s）") % {"date": latest.isoformat()}, field="effective_from"
        )
    return day


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _history_keep(
    plan: Plan, target: Target, before: dict, before_text: str, *, valid_until: dt.date
) -> None:
    """The commitment being replaced stays in force up to valid_until. Kept commitments that
    ran beyond that day are superseded by the new one: the one in force on that day now ends
    on it, and any later one goes (the plan's revisions still record every step)."""
    later = list(target.history.filter(valid_until__gte=valid_until).order_by("valid_until", "pk"))
    if valid_until < dt.date(plan.year_start, 1, 1):
        # From the plan's very start: no period is judged against anything earlier.
        TargetHistory.objects.filter(pk__in=[row.pk for row in later]).delete()
        return
    if later:
        in_force, superseded = later[0], later[1:]
        in_force.valid_until = valid_until
        in_force.save(update_fields=["valid_until"])
        TargetHistory.objects.filter(pk__in=[row.pk for row in superseded]).delete()
        return
    TargetHistory.objects.create(
        target=target, valid_until=valid_until, commitment=before_text[:200], **before
    )


def _commitment_check(data: dict) -> dict:
    """The commitment's comparator and numbers, as the rules (and Target's constraints) want
    them: a value unless the comparator is a trend, a range's upper end above its lower end,
    and a stretch (力争) only beyond the value in the comparator's direction."""
    comparator = data.get("comparator")
    if comparator not in Comparator.values:
        raise TargetEditError(
            _("比较方式：“%(comparator)s”无法识别") % {"comparator": comparator or ""}, field="comparator"
        )
    label = Comparator(comparator).label
    value = _number(data.get("value"), _("目标值"), "value")
    value_max = _number(data.get("value_max"), _("区间上限"), "value_max")
    stretch = _number(data.get("stretch"), _("力争值"), "stretch")
    baseline = _number(data.get("baseline"), _("基期值"), "baseline")
    if comparator in VALUELESS_COMPARATORS:
        if value is not None:
            raise TargetEditError(
                _("目标值：“%(comparator)s”不填目标值") % {"comparator": label}, field="value"
            )
    elif value is None:
        raise TargetEditError(_("目标值：请填写目标值"), field="value")
    if comparator == Comparator.RANGE:
        if value_max is None:
            raise TargetEditError(_("区间上限：区间目标须填写上限"), field="value_max")
        if value_max <= value:
            raise TargetEditError(_("区间上限：区间上限须大于区间下限"), field="value_max")
    elif value_max is not None:
        raise TargetEditError(_("区间上限：只有“区间”目标填写上限"), field="value_max")
    if stretch is not None:
        if comparator in (Comparator.GTE, Comparator.GT):
            if stretch <= value:
                raise TargetEditError(
                    _("力争值：须高于目标值%(value)s") % {"value": decimal_text(value)}, field="stretch"
                )
        elif comparator in (Comparator.LTE, Comparator.LT):
            if stretch >= value:
                raise TargetEditError(
                    _("力争值：须低于目标值%(value)s") % {"value": decimal_text(value)}, field="stretch"
                )
        else:
            raise TargetEditError(
                _("力争值：“%(comparator)s”目标不设力争值") % {"comparator": label}, field="stretch"
            )
    return {
        "comparator": comparator,
        "value": value,
        "value_max": value_max,
        "stretch": stretch,
        "baseline": baseline,
    }


def _number(value, label: str, field: str) -> Decimal | None:
    """A number as typed (full-width digits and thousands commas read as the portal reads them)
    that fits the database; blank is None; NaN, infinities and words are refused."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        try:
            number = form_decimal(value)
        except ValueError:
            raise TargetEditError(
                _("%(field)s：“%(value)s”不是数字") % {"field": label, "value": str(value)[:40]}, field=field
            ) from None
    if number is None:
        return None
    if not number.is_finite():
        raise TargetEditError(_("%(field)s：请填写有限的数字") % {"field": label}, field=field)
    if abs(number) >= NUMBER_LIMIT:
        raise TargetEditError(_("%(field)s：数值过大") % {"field": label}, field=field)
    if number != number.quantize(Decimal(1).scaleb(-NUMBER_PLACES), rounding="ROUND_DOWN"):
        raise TargetEditError(
            _("%(field)s：最多%(places)s位小数") % {"field": label, "places": NUMBER_PLACES}, field=field
        )
    return number


def _date(value, label: str, field: str) -> dt.date | None:
    try:
        return form_date(value)
    except ValueError:
        raise TargetEditError(
            _("%(field)s：请输入正确的日期，例如 2026-05-01") % {"field": label}, field=field
        ) from None


def _due_date(plan: Plan, value) -> dt.date | None:
    """A due date, if any, lies in or after the plan's first year (before it nothing is judged)."""
    day = _date(value, _("完成日期"), "due_date")
    if day is not None and day.year < plan.year_start:
        raise TargetEditError(
            _("完成日期：不能早于方案起始年度（%(year)s年）") % {"year": plan.year_start}, field="due_date"
        )
    return day


def _text(value) -> str:
    text = (value or "").strip()
    if len(text) > 500:
        raise TargetEditError(_("原文：最多500个字"), field="text")
    return text


# Indicators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorChoice:
    """The indicator a target form asks for, checked before the plan is locked: the one picked
    (or the target's current one), or a name and unit to find or create; with the reporting
    department and aggregation the form set (None: leave as they are)."""

    picked: Indicator | None
    name: str
    unit: str
    department: Department | None
    aggregation: str | None
    note: str  # for the change's summary: what happens to the indicator beyond the target


def _indicator_choice(jurisdiction_id: int, data: dict, *, current: Indicator | None) -> IndicatorChoice:
    """The indicator picked (of the plan's jurisdiction), else one named by name and unit, else
    the target's current one; with its reporting department and aggregation as the form set them."""
    department = _reporting_department(jurisdiction_id, data.get("reporting_department"), required=False)
    aggregation = _aggregation(data.get("aggregation"), required=False)
    name = (data.get("indicator_name") or "").strip()
    if data.get("indicator") not in (None, ""):
        picked = _indicator_of(jurisdiction_id, data["indicator"])
    elif name:
        unit = _indicator_unit(data.get("indicator_unit"))
        picked = Indicator.objects.filter(
            jurisdiction_id=jurisdiction_id, name=_indicator_name_check(name), unit=unit
        ).first()
        if picked is None:
            return IndicatorChoice(
                None, name, unit, department, aggregation, _("（新建指标%(name)s）") % {"name": name}
            )
    elif current is not None:
        picked = current
    else:
        raise TargetEditError(_("指标：请选择已有指标，或填写新指标的名称"), field="indicator")
    changes = []
    if department is not None and department.pk != picked.reporting_department_id:
        changes.append(_("报送部门改为%(department)s") % {"department": department.name})
    if aggregation is not None and aggregation != picked.aggregation:
        label = Indicator.Aggregation(aggregation).label
        changes.append(_("汇总方式改为%(aggregation)s") % {"aggregation": label})
    note = f"（{picked.name}：{'，'.join(changes)}）" if changes else ""
    return IndicatorChoice(picked, picked.name, picked.unit, department, aggregation, note)


def _indicator_apply(plan: Plan, task: Task, choice: IndicatorChoice) -> Indicator:
    """The chosen indicator, created if new (reported by the task's first lead unit unless the
    form named one), its reporting department and aggregation set as the form set them."""
    if choice.picked is None:
        indicator = Indicator.objects.filter(
            jurisdiction_id=plan.jurisdiction_id, name=choice.name, unit=choice.unit
        ).first()
        if indicator is None:
            department = choice.department or _task_lead(task)
            if department is None:
                raise TargetEditError(_("报送部门：请选择报送该指标的单位"), field="reporting_department")
            return Indicator.objects.create(
                jurisdiction_id=plan.jurisdiction_id,
                name=choice.name,
                unit=choice.unit,
                reporting_department=department,
                aggregation=choice.aggregation
                or indicator_guess_aggregation(name=choice.name, unit=choice.unit),
            )
    else:
        indicator = Indicator.objects.select_for_update().get(pk=choice.picked.pk)
    fields = []
    if choice.department is not None and choice.department.pk != indicator.reporting_department_id:
        indicator.reporting_department = choice.department
        fields.append("reporting_department")
    if choice.aggregation is not None and choice.aggregation != indicator.aggregation:
        indicator.aggregation = choice.aggregation
        fields.append("aggregation")
    if fields:
        indicator.save(update_fields=fields)
    return indicator


def _indicator_of(jurisdiction_id: int, picked) -> Indicator:
    indicator = Indicator.objects.filter(pk=parse_int(getattr(picked, "pk", picked))).first()
    if indicator is None or indicator.jurisdiction_id != jurisdiction_id:
        raise TargetEditError(_("指标：只能选用本行政区的指标"), field="indicator")
    return indicator


def _task_lead(task: Task) -> Department | None:
    """A new indicator is reported by the task's first lead unit unless the office says otherwise."""
    lead = (
        task.assignments.filter(
            role="lead", department__kind=Department.Kind.UNIT, department__is_active=True
        )
        .select_related("department")
        .order_by("position")
        .first()
    )
    return lead.department if lead else None


def _reporting_department(jurisdiction_id: int, value, *, required: bool) -> Department | None:
    """The department that reports an indicator: an active unit (no collective name) of the
    indicator's jurisdiction."""
    if value in (None, ""):
        if required:
            raise TargetEditError(_("报送部门：请选择报送该指标的单位"), field="reporting_department")
        return None
    department = Department.objects.filter(
        pk=parse_int(getattr(value, "pk", value)),
        jurisdiction_id=jurisdiction_id,
        kind=Department.Kind.UNIT,
        is_active=True,
    ).first()
    if department is None:
        raise TargetEditError(
            _("报送部门：须为本行政区在用的单位（不能是集合名称）"), field="reporting_department"
        )
    return department


def _aggregation(value, *, required: bool) -> str | None:
    if value in (None, ""):
        if required:
            raise TargetEditError(_("汇总方式：请选择"), field="aggregation")
        return None
    if value not in Indicator.Aggregation.values:
        raise TargetEditError(
            _("汇总方式：“%(value)s”无法识别") % {"value": str(value)[:20]}, field="aggregation"
        )
    return value


def _indicator_name_check(name: str) -> str:
    if not name:
        raise TargetEditError(_("指标名称：必填"), field="name")
    if len(name) > 200:
        raise TargetEditError(_("指标名称：最多200个字"), field="name")
    return name


def _indicator_unit(value) -> str:
    unit = (value or "").strip()
    if len(unit) > 32:
        raise TargetEditError(_("计量单位：最多32个字"), field="unit")
    return unit


def _indicator_fields(jurisdiction_id: int, data: dict, *, indicator: Indicator | None) -> dict:
    """An indicator's fields as the rules want them: a name, a unit, an aggregation and a
    source it knows, an active unit of its jurisdiction reporting it; one name and unit per
    jurisdiction."""
    fields = {}
    if "name" in data or indicator is None:
        fields["name"] = _indicator_name_check((data.get("name") or "").strip())
    if "unit" in data or indicator is None:
        fields["unit"] = _indicator_unit(data.get("unit"))
    if "aggregation" in data or indicator is None:
        fields["aggregation"] = _aggregation(data.get("aggregation"), required=False) or (
            indicator_guess_aggregation(name=fields["name"], unit=fields["unit"])
        )
    if "source" in data:
        if data["source"] not in Indicator.Source.values:
            raise TargetEditError(_("数据来源：请选择列表中的来源"), field="source")
        fields["source"] = data["source"]
    if "reporting_department" in data or indicator is None:
        fields["reporting_department"] = _reporting_department(
            jurisdiction_id, data.get("reporting_department"), required=True
        )
    if "description" in data:
        fields["description"] = (data.get("description") or "").strip()[:2000]
    name = fields.get("name", getattr(indicator, "name", ""))
    unit = fields.get("unit", getattr(indicator, "unit", ""))
    taken = Indicator.objects.filter(jurisdiction_id=jurisdiction_id, name=name, unit=unit)
    if indicator is not None:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise TargetEditError(
            _("指标名称：本行政区已有“%(name)s”（%(unit)s）这一指标")
            % {"name": name, "unit": unit or _("无单位")},
            field="name",
        )
    return fields


@transaction.atomic
def indicator_create(*, jurisdiction: Jurisdiction, actor, data: dict) -> Indicator:
    """A jurisdiction's new indicator: a name and unit it does not have yet, reported by one of
    its active units."""
    fields = _indicator_fields(jurisdiction.pk, data, indicator=None)
    indicator = Indicator.objects.create(jurisdiction=jurisdiction, **fields)
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=indicator,
        jurisdiction=jurisdiction,
        summary=_("新建指标%(indicator)s") % {"indicator": indicator},
        after=_indicator_json(indicator),
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor, data: dict) -> Indicator:
    """An indicator's name, unit, aggregation, source, reporting department and description
    change for every plan that targets it, as one audited change."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    fields = _indicator_fields(indicator.jurisdiction_id, data, indicator=indicator)
    before = _indicator_json(indicator)
    for name, value in fields.items():
        setattr(indicator, name, value)
    after = _indicator_json(indicator)
    if after == before:
        return indicator
    indicator.save(update_fields=[name for name in INDICATOR_FIELDS if name in fields])
    changed = [name for name in after if after[name] != before[name]]
    audit_record(
        actor=actor,
        action="indicator.update",
        obj=indicator,
        jurisdiction=indicator.jurisdiction,
        summary=_("修改指标%(indicator)s") % {"indicator": indicator},
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return indicator


def _indicator_json(indicator: Indicator) -> dict:
    department = indicator.reporting_department
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "aggregation": indicator.aggregation,
        "source": indicator.source,
        "reporting_department": department.name if department else None,
        "description": indicator.description,
    }
