"""The 月度推进情况汇总表 as a job: the office asks (the worker builds both files, see
compilation_worker), the office and leaders download it through a permission check."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Plan
from qualitycity.errors import ApplicationError
from responsibilities.scope import user_scope
from responsibilities.services import audit_record

from .access import OFFICE_RUNS_PERIODS
from .models import MonthlyCompilation, ReportingPeriod
from .services import plans_due

ACTIVE = (MonthlyCompilation.Status.PENDING, MonthlyCompilation.Status.RUNNING)
# A job not finished this long after it was asked for lost its worker: asking again replaces it.
STALE_AFTER = dt.timedelta(minutes=10)


@transaction.atomic
def compilation_request(*, period: ReportingPeriod, plan: Plan, actor) -> MonthlyCompilation:
    """The office of the period's jurisdiction asks for a plan's 汇总表; the plan must be due in
    the period (active, not archived); asking while one is queued or running returns that one,
    unless it has been waiting past the window (its worker died), when a new one is queued."""
    if not user_scope(actor).is_office_of(period.jurisdiction_id):
        raise PermissionDenied(OFFICE_RUNS_PERIODS)
    if not plans_due(period=period).filter(pk=plan.pk).exists():
        raise ApplicationError(_("工作方案：该方案本期不需报送（未执行或已归档），不能生成汇总表"))
    now = timezone.now()
    active = MonthlyCompilation.objects.select_for_update().filter(
        period=period, plan=plan, status__in=ACTIVE
    )
    for job in active:
        if job.created_at >= now - STALE_AFTER:
            return job
        job.status, job.error, job.finished_at = (
            MonthlyCompilation.Status.FAILED,
            _("生成超时，已重新排队"),
            now,
        )
        job.save(update_fields=["status", "error", "finished_at"])
    job = MonthlyCompilation.objects.create(period=period, plan=plan, requested_by=actor)
    audit_record(
        actor=actor,
        action="compilation.request",
        obj=job,
        jurisdiction=period.jurisdiction,
        summary=_("生成%(plan)s%(period)s月度推进情况汇总表") % {"plan": plan.title, "period": period.label},
    )
    from .tasks import build_month_compilation

    transaction.on_commit(lambda: build_month_compilation.delay(job.pk))
    return job


def compilation_file_open(*, compilation: MonthlyCompilation, actor, extension: str):
    """A finished 汇总表's file, opened for download; every download is in the audit trail (it
    carries every department's report)."""
    if extension not in ("xlsx", "docx"):
        raise ApplicationError(_("不支持的格式"), status=404)
    field = getattr(compilation, extension)
    if compilation.status != MonthlyCompilation.Status.SUCCESS or not field:
        raise ApplicationError(_("汇总表正在生成，请稍后再试"), status=404)
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise ApplicationError(_("文件不存在"), status=404) from exc
    audit_record(
        actor=actor,
        action="export.compilation",
        obj=compilation,
        jurisdiction=compilation.period.jurisdiction,
        summary=_("下载%(plan)s%(period)s月度推进情况汇总表（%(format)s）")
        % {"plan": compilation.plan.title, "period": compilation.period.label, "format": extension},
    )
    return handle
