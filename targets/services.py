"""Writes of indicators and targets."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import Task
from qualitycity.errors import ApplicationError
from qualitycity.params import form_decimal
from responsibilities.models import Jurisdiction

from .models import Comparator, Indicator, Target

NOT_A_NUMBER = gettext_lazy("%(field)s“%(value)s”不是数字")
NOT_FINITE = gettext_lazy("%(field)s“%(value)s”不是有限的数字")
UNKNOWN_COMPARATOR = gettext_lazy("比较方式“%(comparator)s”无法识别")


class InvalidTarget(ApplicationError):
    """An extracted target the portal cannot store (a value that is no number, an unknown
    comparator)."""


# Names that count what is added during the period (新增, 新申请, 完成…) add up month by month;
# rates, shares and stocks are read as their latest value.
_INCREMENT_WORDS = re.compile(r"新增|新申请|新建|新辟|年新增|累计|完成|收缴|培育|实施|诊断服务|遴选|认定")


def indicator_guess_aggregation(*, name: str, unit: str) -> str:
    """A rate is read as its latest value; a count of things added is the sum of increments."""
    if unit in {"%", ""} or "率" in name or "比重" in name or "比例" in name or "指数" in name:
        return Indicator.Aggregation.LATEST
    if _INCREMENT_WORDS.search(name):
        return Indicator.Aggregation.SUM
    return Indicator.Aggregation.LATEST


def indicator_ensure(
    *, jurisdiction: Jurisdiction, name: str, unit: str, reporting_department=None
) -> Indicator:
    """One indicator per jurisdiction, name and unit: a second plan targeting it reuses it."""
    indicator, _created = Indicator.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=name,
        unit=unit,
        defaults={
            "reporting_department": reporting_department,
            "aggregation": indicator_guess_aggregation(name=name, unit=unit),
        },
    )
    return indicator


def to_decimal(value, *, field) -> Decimal | None:
    """A number from an extraction as a Decimal (full-width digits as typed in Chinese, read as
    qualitycity.params.form_decimal does), or a clear error naming the field."""
    try:
        return form_decimal(value)
    except ValueError as exc:
        message = NOT_FINITE if _non_finite(value) else NOT_A_NUMBER
        raise InvalidTarget(message % {"field": field, "value": value}) from exc


def _non_finite(value) -> bool:
    """NaN or an infinity, which deserve their own message."""
    try:
        return not Decimal(str(value).strip()).is_finite()
    except InvalidOperation:
        return False


@transaction.atomic
def targets_create_for_tasks(
    *, jurisdiction: Jurisdiction, tasks_by_path: dict[tuple, Task], targets: list[dict]
) -> list[Target]:
    """Each extracted target is attached to its task and to the jurisdiction's indicator; a
    target whose value is no number or whose comparator is unknown refuses the whole batch."""
    created = []
    positions: dict[int, int] = {}
    for entry in targets:
        task = tasks_by_path[tuple(entry["task_path"])]
        lead = next(
            (
                a.department
                for a in task.assignments.all()
                if a.role == "lead" and not a.department.is_collective
            ),
            None,
        )
        indicator = indicator_ensure(
            jurisdiction=jurisdiction,
            name=entry["indicator"],
            unit=entry.get("unit") or "",
            reporting_department=lead,
        )
        positions[task.pk] = positions.get(task.pk, 0) + 1
        comparator = entry["comparator"]
        if comparator not in Comparator.values:
            raise InvalidTarget(UNKNOWN_COMPARATOR % {"comparator": comparator})
        created.append(
            Target(
                task=task,
                indicator=indicator,
                comparator=comparator,
                value=to_decimal(entry.get("value"), field=_("目标值")),
                value_max=to_decimal(entry.get("value_max"), field=_("区间上限")),
                stretch=to_decimal(entry.get("stretch"), field=_("力争值")),
                text=(entry.get("text") or "")[:500],
                position=positions[task.pk],
            )
        )
    Target.objects.bulk_create(created)
    return created
