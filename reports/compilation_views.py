"""The 月度推进情况汇总表 pages: ask for it from the period page, follow its progress, download it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from programmes.models import Plan
from qualitycity.exporters import CONTENT_TYPES

from .access import period_get_for_office, period_get_for_overseer
from .compilation_services import compilation_file_open, compilation_request
from .models import MonthlyCompilation, ReportingPeriod


def _compilation_get_for_overseer(*, user, pk: int) -> MonthlyCompilation:
    """A job of a period the user oversees (the office or a leader of its jurisdiction): 404
    outside the user's jurisdictions, 403 for a department's people."""
    job = get_object_or_404(
        MonthlyCompilation.objects.select_related("plan", "period__jurisdiction", "requested_by"),
        pk=pk,
        period__in=ReportingPeriod.objects.for_user(user),
    )
    period_get_for_overseer(user=user, pk=job.period_id)
    return job


@login_required
@require_POST
def compilation_start(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """The office asks for a due plan's 汇总表; the page then follows the job."""
    period = period_get_for_office(user=request.user, pk=pk)
    plan = get_object_or_404(Plan.objects.filter(jurisdiction_id=period.jurisdiction_id), pk=plan_pk)
    job = compilation_request(period=period, plan=plan, actor=request.user)
    return redirect("reports:compilation_detail", pk=job.pk)


def _state(job: MonthlyCompilation) -> dict:
    done = job.status in (MonthlyCompilation.Status.SUCCESS, MonthlyCompilation.Status.FAILED)
    ready = job.status == MonthlyCompilation.Status.SUCCESS
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "error": job.error,
        "done": done,
        "xlsx": reverse("reports:compilation_download", args=[job.pk, "xlsx"]) if ready else "",
        "docx": reverse("reports:compilation_download", args=[job.pk, "docx"]) if ready else "",
    }


@login_required
def compilation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page: its progress while it builds, its two files when done."""
    job = _compilation_get_for_overseer(user=request.user, pk=pk)
    return render(request, "reports/compilation_detail.html", {"job": job, "state": _state(job)})


@login_required
def compilation_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress, polled by the page's script."""
    job = _compilation_get_for_overseer(user=request.user, pk=pk)
    return JsonResponse(_state(job))


@login_required
def compilation_download(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """Streams a finished file after the same check as the page; never a public path."""
    job = _compilation_get_for_overseer(user=request.user, pk=pk)
    handle = compilation_file_open(compilation=job, actor=request.user, extension=extension)
    filename = (
        f"{job.period.jurisdiction.name}月度推进情况汇总表（{job.period.label}）-{job.plan.title}.{extension}"
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[extension])
