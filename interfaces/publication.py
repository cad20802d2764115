"""The public results page (公示): what the office chooses to publish, and the page's data.

Only the plans the office chose show, with their targets' statuses (and values, and the tasks'
statuses, if it says so); never a person's name, a report's text or a department's figures
beyond the published values. The data is computed once per cache period and carries its date.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.selectors.selection import current_statuses
from programmes.models import Plan, Task
from qualitycity.errors import ApplicationError
from responsibilities.models import Jurisdiction
from responsibilities.scope import user_scope
from responsibilities.services import audit_record
from targets.models import Measurement, Target
from targets.status import TargetStatus, reading_of_series, targets_with_series

from .models import PublicationSetting

OFFICE_ONLY = gettext_lazy("只有本行政区的质强办可以设置公示内容")
PLAN_ELSEWHERE = gettext_lazy("只能公开本行政区的工作方案")
NOTHING_CHOSEN = gettext_lazy("公开前请至少选择一个工作方案")


def publication_of(*, jurisdiction: Jurisdiction) -> PublicationSetting:
    """The jurisdiction's setting, or an unsaved unpublished one."""
    return PublicationSetting.objects.filter(jurisdiction=jurisdiction).first() or PublicationSetting(
        jurisdiction=jurisdiction
    )


def publishable_plans(*, jurisdiction: Jurisdiction):
    """Plans the office may publish: its own, in force or archived (a draft is not public)."""
    return (
        Plan.objects.filter(jurisdiction=jurisdiction)
        .exclude(status=Plan.Status.DRAFT)
        .order_by("-year_start", "title")
    )


@transaction.atomic
def publication_save(
    *,
    jurisdiction: Jurisdiction,
    actor,
    is_published: bool,
    plans: list[Plan],
    show_task_statuses: bool,
    show_indicator_values: bool,
) -> PublicationSetting:
    """The office of the jurisdiction (not one above it) sets what its public page shows: its
    own non-draft plans, at least one when published; the change shows at once and is audited."""
    scope = user_scope(actor)
    if not scope.is_office_of(jurisdiction.pk) or scope.is_below(jurisdiction.pk):
        raise PermissionDenied(OFFICE_ONLY)
    allowed = set(publishable_plans(jurisdiction=jurisdiction).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in plans):
        raise ApplicationError(PLAN_ELSEWHERE, field="plans")
    if is_published and not plans:
        raise ApplicationError(NOTHING_CHOSEN, field="plans")
    setting = PublicationSetting.objects.select_for_update().filter(jurisdiction=jurisdiction).first()
    before = None
    if setting is None:
        setting = PublicationSetting(jurisdiction=jurisdiction)
    else:
        before = _as_dict(setting)
    if is_published and not setting.is_published:
        setting.published_at = timezone.now()
    setting.is_published = is_published
    setting.show_task_statuses = show_task_statuses
    setting.show_indicator_values = show_indicator_values
    setting.updated_by = actor
    setting.save()
    setting.plans.set(plans)
    after = _as_dict(setting)
    audit_record(
        actor=actor,
        action="publication.change",
        obj=setting,
        jurisdiction=jurisdiction,
        summary=(_("公开结果公示：%(plans)s") if is_published else _("停止结果公示"))
        % {"plans": "、".join(p.title for p in plans)[:250]},
        before=before,
        after=after,
    )
    return setting


def _as_dict(setting: PublicationSetting) -> dict:
    return {
        "published": setting.is_published,
        "plans": sorted(setting.plans.values_list("pk", flat=True)),
        "tasks": setting.show_task_statuses,
        "values": setting.show_indicator_values,
    }


# The page's data --------------------------------------------------------------------------------


def public_results(*, jurisdiction_id: int) -> dict | None:
    """The published results of a jurisdiction, or None when it publishes nothing; served from
    the cache for API_PUBLIC_CACHE_SECONDS under the setting's change time, so that the office's
    change shows at once and the data is at most that old (the page says when it was computed)."""
    setting = (
        PublicationSetting.objects.filter(jurisdiction_id=jurisdiction_id, is_published=True)
        .select_related("jurisdiction")
        .first()
    )
    if setting is None:
        return None
    key = f"public-results:{jurisdiction_id}:{setting.updated_at.timestamp()}:{translation.get_language()}"
    data = cache.get(key)
    if data is None:
        data = public_results_build(setting)
        cache.set(key, data, timeout=settings.API_PUBLIC_CACHE_SECONDS)
    return data


def public_results_build(setting: PublicationSetting) -> dict:
    """What the public page shows, as plain data (the JSON answer is the same)."""
    now = timezone.now()
    today = timezone.localdate(now)
    plans = list(setting.plans.exclude(status=Plan.Status.DRAFT).order_by("-year_start", "title"))
    status_labels = {s.value: str(s.label) for s in TargetStatus}
    task_labels = {s.value: str(s.label) for s in Task.Status}
    result_plans = []
    data_until = None
    for plan in plans:
        tasks = Task.objects.filter(plan=plan).in_force()
        statuses = current_statuses(tasks, as_of=today)
        task_rows = list(tasks.order_by("position", "pk").values_list("pk", "number", "title"))
        targets = targets_with_series(
            Target.objects.filter(task__plan=plan, task__withdrawn_at__isnull=True).order_by(
                "task__position", "position", "pk"
            ),
            as_of=today,
        )
        target_rows = []
        for t in targets:
            reading = reading_of_series(t, series=t.series, as_of=today)
            status = TargetStatus(reading.status).value
            row = {
                "indicator": t.indicator.name,
                "unit": t.indicator.unit,
                "commitment": t.text or t.indicator.name,
                "status": status,
                "status_label": status_labels[status],
            }
            if setting.show_indicator_values:
                row["current"] = None if reading.current is None else str(reading.current.normalize())
                row["data_until"] = t.series.last_end.isoformat() if t.series.last_end else None
            target_rows.append(row)
        last = Measurement.objects.filter(indicator__targets__task__plan=plan).aggregate(
            last=Max("period_end")
        )["last"]
        if last and (data_until is None or last > data_until):
            data_until = last
        entry = {
            "id": plan.pk,
            "title": plan.title,
            "year_start": plan.year_start,
            "year_end": plan.year_end,
            "target_counts": dict(Counter(r["status"] for r in target_rows)),
            "targets": target_rows,
        }
        if setting.show_task_statuses:
            counts = Counter(statuses.get(pk, Task.Status.NOT_STARTED) for pk, _n, _t in task_rows)
            entry["task_counts"] = dict(counts)
            entry["tasks"] = [
                {
                    "number": number,
                    "title": title,
                    "status": statuses.get(pk, Task.Status.NOT_STARTED),
                    "status_label": task_labels.get(statuses.get(pk, Task.Status.NOT_STARTED), ""),
                }
                for pk, number, title in task_rows
            ]
        result_plans.append(entry)
    return {
        "jurisdiction": setting.jurisdiction.full_name or setting.jurisdiction.name,
        "issuer": setting.jurisdiction.office_name or "",
        "generated_at": timezone.localtime(now).isoformat(timespec="minutes"),
        "as_of": today.isoformat(),
        "data_until": data_until.isoformat() if data_until else None,
        "published_at": timezone.localtime(setting.published_at).isoformat(timespec="minutes")
        if setting.published_at
        else None,
        "shows_task_statuses": setting.show_task_statuses,
        "shows_indicator_values": setting.show_indicator_values,
        "plans": result_plans,
    }
