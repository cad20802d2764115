"""The worker's side of a 月度推进情况汇总表 job: builds its two files and records the outcome
on the job row (the task in tasks.py calls it; the request lives in compilation_services).

A job's message may be delivered twice (a duplicate send, or the broker handing on what a dead
worker never acknowledged), and a worker may die mid-build. The attempt building a job holds a
PostgreSQL session advisory lock on it for the whole build, on its own database connection: the
database lets it go the moment that connection ends, so a job that says RUNNING while nobody
holds its lock lost its worker. A delivery finding the lock held leaves the job alone; one
finding a RUNNING job with the lock free takes it up again from the start (the files are written
in the final transaction, so the dead attempt left no result), and so does the minute's sweep
(compilations_recover), which queues such a job again. A job whose worker died MAX_DEATHS times
is failed rather than built again, so a job that kills its worker does not loop."""

from __future__ import annotations

import contextlib
import logging
import zlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import MonthlyCompilation

logger = logging.getLogger(__name__)

BUILD_ERROR = gettext_lazy("汇总表生成失败，请稍后重新生成；如仍失败，请联系系统管理员。")
GIVEN_UP = gettext_lazy("汇总表生成进程多次中断，已停止重试，请重新生成。")
MAX_DEATHS = 3  # a job whose worker died this many times is failed rather than built again
# The advisory lock's first key: the class of lock (the job's id is the second), so it cannot
# meet another kind of advisory lock on the same id.
LOCK_CLASS = zlib.crc32(b"reports.MonthlyCompilation") & 0x7FFFFFFF
Status = MonthlyCompilation.Status


@contextlib.contextmanager
def _job_lock(job_id: int):
    """Yields whether this connection now holds the job's lock (released on leaving, and by the
    database when the connection ends). SQLite (the embedded default) runs jobs in-process, one
    at a time: there it is always held."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])
            except DatabaseError:  # the connection is gone, and the lock with it
                logger.warning("month compilation %s: lock not released", job_id, exc_info=True)


def _died(job: MonthlyCompilation) -> int:
    """Counts a death of the job's worker (in the cache, shared by the workers: the job row has
    no field for it); how many so far."""
    key = f"compilation-deaths:{job.pk}:{job.created_at.timestamp():.0f}"
    cache.add(key, 0, timeout=7 * 24 * 3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=7 * 24 * 3600)
        return 1


def _progress(job_id: int, percent: int) -> None:
    MonthlyCompilation.objects.filter(pk=job_id, status=Status.RUNNING).update(progress=percent)


def _give_up(job: MonthlyCompilation) -> None:
    logger.error("month compilation %s: its worker died %s times, given up", job.pk, MAX_DEATHS)
    job.status, job.error, job.finished_at = Status.FAILED, str(GIVEN_UP), timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def _take(*, compilation_id: int) -> MonthlyCompilation | None:
    """With the job's lock held: a queued job, or a running one whose worker died, becomes this
    attempt's (None when it is finished, gone, or given up after its worker died too often)."""
    with transaction.atomic():
        job = (
            MonthlyCompilation.objects.select_for_update()
            .filter(pk=compilation_id, status__in=(Status.PENDING, Status.RUNNING))
            .first()
        )
        if job is None:
            return None
        if job.status == Status.RUNNING:
            if _died(job) >= MAX_DEATHS:
                _give_up(job)
                return None
            logger.warning("month compilation %s: its worker died, taken up again", job.pk)
        job.status, job.progress, job.error = Status.RUNNING, 5, ""
        job.save(update_fields=["status", "progress", "error"])
    return job


def compilation_build(*, compilation_id: int) -> MonthlyCompilation | None:
    """Builds a queued job's files, or a running one's whose worker died; safe under a duplicate
    delivery (a job another worker is building, or finished, is left alone); a failure leaves a
    plain message on the job."""
    with _job_lock(compilation_id) as held:
        if not held:
            logger.info("month compilation %s is being built elsewhere: delivery left alone", compilation_id)
        elif _take(compilation_id=compilation_id) is not None:
            _build(compilation_id=compilation_id)
    return MonthlyCompilation.objects.filter(pk=compilation_id).first()


def _build(*, compilation_id: int) -> None:
    from .compilation import month_table
    from .compilation_exporters import filename, write_docx, write_xlsx

    try:
        job = (
            MonthlyCompilation.objects.select_related("period__jurisdiction", "plan")
            .filter(pk=compilation_id)
            .first()
        )
        if job is None:
            return  # gone with its period or plan
        table = month_table(period=job.period, plan=job.plan)
        _progress(job.pk, 40)
        xlsx = write_xlsx(table)
        _progress(job.pk, 70)
        docx = write_docx(table)
        _progress(job.pk, 95)
        with transaction.atomic():
            job = MonthlyCompilation.objects.select_for_update().get(pk=compilation_id)
            if job.status != Status.RUNNING:
                return  # replaced meanwhile: write nothing
            saved = []
            try:
                job.xlsx.save(filename(table, "xlsx"), ContentFile(xlsx), save=False)
                saved.append(job.xlsx)
                job.docx.save(filename(table, "docx"), ContentFile(docx), save=False)
                saved.append(job.docx)
                job.status, job.progress, job.error = Status.SUCCESS, 100, ""
                job.finished_at = timezone.now()
                job.save(update_fields=["xlsx", "docx", "status", "progress", "error", "finished_at"])
            except BaseException:
                for field in saved:  # no file of a result that was not recorded
                    field.storage.delete(field.name)
                raise
    except (OperationalError, InterfaceError):
        with contextlib.suppress(DatabaseError):
            MonthlyCompilation.objects.filter(pk=compilation_id, status=Status.RUNNING).update(
                status=Status.PENDING
            )
        raise  # Celery retries it
    except Exception:
        logger.exception("month compilation %s failed", compilation_id)
        MonthlyCompilation.objects.filter(pk=compilation_id, status=Status.RUNNING).update(
            status=Status.FAILED, error=str(BUILD_ERROR), finished_at=timezone.now()
        )


def compilations_recover() -> list[int]:
    """Every minute (the beat task): each running job whose worker died (nobody holds its lock)
    goes back to pending, or is failed once its worker died MAX_DEATHS times; the ids to queue
    again (the task queues them)."""
    if connection.vendor != "postgresql":
        return []  # the embedded default builds in-process: no worker to lose
    queued = []
    for job_id in MonthlyCompilation.objects.filter(status=Status.RUNNING).values_list("pk", flat=True):
        with _job_lock(job_id) as held, transaction.atomic():
            job = (
                MonthlyCompilation.objects.select_for_update()
                .filter(pk=job_id, status=Status.RUNNING)
                .first()
            )
            if not held or job is None:
                continue
            if _died(job) >= MAX_DEATHS:
                _give_up(job)
                continue
            logger.warning("month compilation %s: its worker died, queued again", job_id)
            job.status, job.progress = Status.PENDING, 0
            job.save(update_fields=["status", "progress"])
            queued.append(job_id)
    return queued
