"""What a department merge or deactivation means for indicators (see responsibilities.signals)."""

from __future__ import annotations

from contextlib import ExitStack

from django.dispatch import receiver
from django.utils.translation import gettext as _

from programmes.models import Plan
from programmes.revisions import plan_change
from programmes.signals import task_delegated
from responsibilities.signals import department_in_use, department_merged

from .models import Indicator, Target

IN_USE_LISTED = 6  # the refusal names five; a sixth tells it there are more


@receiver(department_merged, dispatch_uid="targets.reporting_department_move")
def reporting_department_move(sender, *, source, into, actor, reason, **kwargs) -> dict[str, int]:
    """The indicators the source reported are the successor's to report; each current plan
    that targets one records the change as a revision with the merge's reason."""
    indicator_ids = list(Indicator.objects.filter(reporting_department=source).values_list("pk", flat=True))
    if not indicator_ids:
        return {}
    plans = (
        Plan.objects.current().filter(tasks__targets__indicator__in=indicator_ids).distinct().order_by("pk")
    )
    summary = _("部门合并：%(source)s报送的指标改由%(into)s报送") % {"source": source.name, "into": into.name}
    # Every plan's change is opened first (its issued version kept as it was), the indicators
    # moved once, and each plan's revision then records them as they are now.
    with ExitStack() as changes:
        for plan in plans:
            changes.enter_context(
                plan_change(
                    plan=plan,
                    actor=actor,
                    action="plan.department_merge",
                    summary=summary,
                    reason=reason,
                    audited=False,  # the merge's own audit row covers it
                )
            )
        moved = Indicator.objects.filter(pk__in=indicator_ids).update(reporting_department=into)
    return {"indicators_moved": moved}


@receiver(department_in_use, dispatch_uid="targets.indicators_reported")
def indicators_reported(sender, *, department, **kwargs) -> list[str]:
    """The indicators the department reports."""
    indicators = Indicator.objects.filter(reporting_department=department).order_by("name")[:IN_USE_LISTED]
    return [_("报送指标“%(indicator)s”") % {"indicator": indicator} for indicator in indicators]


@receiver(task_delegated, dispatch_uid="targets.targets_copy")
def targets_copy(sender, *, delegation, **kwargs) -> int:
    """A delegated task's targets become its copy's, each on the child's indicator of the same
    name and unit: found, or made feeding the parent's (same aggregation and source, no reporting
    department yet: the child's office names it); a found one not yet feeding any is linked."""
    child_id = delegation.jurisdiction_id
    copies = []
    for target in delegation.task.targets.select_related("indicator").order_by("position", "pk"):
        parent = target.indicator
        indicator, made = Indicator.objects.get_or_create(
            jurisdiction_id=child_id,
            name=parent.name,
            unit=parent.unit,
            defaults={
                "aggregation": parent.aggregation,
                "source": parent.source,
                "description": parent.description,
                "upstream": parent,
            },
        )
        if not made and indicator.upstream_id is None:
            indicator.upstream = parent
            indicator.save(update_fields=["upstream"])
        copies.append(
            Target(
                task=delegation.child_task,
                indicator=indicator,
                comparator=target.comparator,
                value=target.value,
                value_max=target.value_max,
                stretch=target.stretch,
                baseline=target.baseline,
                due_date=target.due_date,
                text=target.text,
                position=target.position,
            )
        )
    Target.objects.bulk_create(copies)
    return len(copies)
