"""The period page's 月度推进情况汇总表 panel: a button per due plan, the latest files."""

from __future__ import annotations

from django import template

from responsibilities.scope import user_scope

from ..models import MonthlyCompilation
from ..services import plans_due

register = template.Library()


@register.inclusion_tag("reports/compilation_panel.html", takes_context=True)
def compilation_panel(context, period):
    """Each plan due in the period with its latest 汇总表 job (two queries); the office gets the
    buttons, the leaders the downloads."""
    user = context["request"].user
    plans = list(plans_due(period=period).order_by("title"))
    latest: dict[int, MonthlyCompilation] = {}
    for job in MonthlyCompilation.objects.filter(period=period, plan__in=[p.pk for p in plans]).order_by(
        "plan_id", "created_at", "pk"
    ):
        latest[job.plan_id] = job
    return {
        "period": period,
        "rows": [(plan, latest.get(plan.pk)) for plan in plans],
        "is_office": user_scope(user).is_office_of(period.jurisdiction_id),
        "csrf_token": context.get("csrf_token"),
    }
