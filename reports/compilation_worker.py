"""The worker's side of a 月度推进情况汇总表 job: builds its two files and records the outcome
on the job row (the task in tasks.py calls it; the request lives in compilation_services)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import MonthlyCompilation

logger = logging.getLogger(__name__)

BUILD_ERROR = gettext_lazy("汇总表生成失败，请稍后重新生成；如仍失败，请联系系统管理员。")


def _progress(job_id: int, percent: int) -> None:
    MonthlyCompilation.objects.filter(pk=job_id, status=MonthlyCompilation.Status.RUNNING).update(
        progress=percent
    )


def compilation_build(*, compilation_id: int) -> MonthlyCompilation | None:
    """Builds a queued job's files; safe under a duplicate delivery (only a queued job is taken
    up, by one conditional update); a failure leaves a plain message on the job."""
    from .compilation import month_table
    from .compilation_exporters import filename, write_docx, write_xlsx

    taken = MonthlyCompilation.objects.filter(
        pk=compilation_id, status=MonthlyCompilation.Status.PENDING
    ).update(status=MonthlyCompilation.Status.RUNNING, progress=5)
    job = (
        MonthlyCompilation.objects.select_related("period__jurisdiction", "plan")
        .filter(pk=compilation_id)
        .first()
    )
    if not taken or job is None:
        return job
    try:
        table = month_table(period=job.period, plan=job.plan)
        _progress(job.pk, 40)
        xlsx = write_xlsx(table)
        _progress(job.pk, 70)
        docx = write_docx(table)
        _progress(job.pk, 95)
        with transaction.atomic():
            job = MonthlyCompilation.objects.select_for_update().get(pk=compilation_id)
            if job.status != MonthlyCompilation.Status.RUNNING:
                return job  # replaced meanwhile: write nothing
            job.xlsx.save(filename(table, "xlsx"), ContentFile(xlsx), save=False)
            job.docx.save(filename(table, "docx"), ContentFile(docx), save=False)
            job.status, job.progress, job.error = MonthlyCompilation.Status.SUCCESS, 100, ""
            job.finished_at = timezone.now()
            job.save(update_fields=["xlsx", "docx", "status", "progress", "error", "finished_at"])
    except (OperationalError, InterfaceError):
        MonthlyCompilation.objects.filter(pk=compilation_id, status=MonthlyCompilation.Status.RUNNING).update(
            status=MonthlyCompilation.Status.PENDING
        )
        raise  # Celery retries it
    except Exception:
        logger.exception("month compilation %s failed", compilation_id)
        MonthlyCompilation.objects.filter(pk=compilation_id, status=MonthlyCompilation.Status.RUNNING).update(
            status=MonthlyCompilation.Status.FAILED, error=str(BUILD_ERROR), finished_at=timezone.now()
        )
    return MonthlyCompilation.objects.filter(pk=compilation_id).first()
