"""The office's plan import (upload, review and correct the draft, confirm or discard it) and
the export of a plan's decomposition table."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes.selectors import plan_get_for_user
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import user_scope
from responsibilities.services import audit_record

from .exporters import plan_export
from .forms import PlanImportReviewForm, PlanImportUploadForm
from .models import PlanImport
from .review import (
    ImportFailed,
    plan_import_confirm,
    plan_import_create,
    plan_import_discard,
    plan_import_names,
    plan_import_update,
    plan_import_warnings,
)


def _office_jurisdictions(user):
    """The jurisdictions whose office the user belongs to: only they import plans there."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=scope.office_jurisdiction_ids)


def _get_draft_for_office(user, pk: int) -> PlanImport:
    """The draft, if the user is office of its jurisdiction; a draft of a jurisdiction the user
    cannot see does not exist for them (404), and others in the jurisdiction are refused (403)."""
    plan_import = get_object_or_404(PlanImport.objects.select_related("jurisdiction", "plan"), pk=pk)
    scope = user_scope(user)
    if scope.is_superuser or plan_import.jurisdiction_id in scope.office_jurisdiction_ids:
        return plan_import
    if plan_import.jurisdiction_id in scope.jurisdiction_ids:
        raise PermissionDenied
    raise Http404


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    jurisdictions = _office_jurisdictions(request.user)
    if not jurisdictions.exists():
        raise PermissionDenied
    form = PlanImportUploadForm(request.POST or None, request.FILES or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        data, filename = form.source()
        try:
            draft = plan_import_create(
                jurisdiction=form.cleaned_data["jurisdiction"],
                actor=request.user,
                data=data,
                filename=filename,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                year_start=form.cleaned_data["year_start"],
                year_end=form.cleaned_data["year_end"],
                document_number=form.cleaned_data["document_number"],
            )
        except ImportFailed as exc:
            form.add_error("file" if request.FILES else "text", exc.message)
        else:
            return redirect("plandocs:plan_import_review", pk=draft.pk)
    drafts = (
        PlanImport.objects.drafts()
        .filter(jurisdiction__in=jurisdictions)
        .select_related("jurisdiction", "created_by")[:10]
    )
    return render(request, "plandocs/planimport_upload.html", {"form": form, "drafts": drafts})


def _review_form(plan_import: PlanImport, data=None) -> PlanImportReviewForm:
    return PlanImportReviewForm(
        data,
        plan_import=plan_import,
        names=plan_import_names(plan_import=plan_import),
        departments=Department.objects.filter(jurisdiction=plan_import.jurisdiction).order_by("name"),
    )


def _render_review(request, plan_import: PlanImport, form: PlanImportReviewForm, status: int = 200):
    warnings = plan_import_warnings(plan_import=plan_import, names=form.names)
    # Task lines point into the source only where they count the same lines: plain text.
    lines_match = not plan_import.source_name.lower().endswith((".docx", ".xlsx"))
    context = {
        "plan_import": plan_import,
        "form": form,
        "rows": form.rows(warnings=warnings),
        "name_rows": form.name_rows(),
        "warnings": warnings,
        "source_lines": plan_import.source_text.split("\n"),
        "lines_match": lines_match,
        "task_count": len(form.tasks),
        "target_count": len(form.targets),
    }
    return render(request, "plandocs/planimport_review.html", context, status=status)


@login_required
def plan_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan_import = _get_draft_for_office(request.user, pk)
    if plan_import.plan_id:
        return redirect("programmes:plan_detail", pk=plan_import.plan_id)
    if not plan_import.is_draft:
        messages.info(request, _("这份导入草稿已放弃"))
        return redirect("plandocs:plan_import")
    if request.method != "POST":
        return _render_review(request, plan_import, _review_form(plan_import))
    form = _review_form(plan_import, request.POST)
    if not form.is_valid():
        return _render_review(request, plan_import, form, status=400)
    try:
        plan_import_update(plan_import=plan_import, actor=request.user, edits=form.edits())
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("修改已保存"))
    return redirect("plandocs:plan_import_review", pk=plan_import.pk)


@login_required
@require_POST
def plan_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan_import = _get_draft_for_office(request.user, pk)
    form = _review_form(plan_import, request.POST)
    if not form.is_valid():
        return _render_review(request, plan_import, form, status=400)
    try:
        # The edits on the page are saved first, so a refused confirm loses nothing typed.
        plan_import = plan_import_update(plan_import=plan_import, actor=request.user, edits=form.edits())
        plan = plan_import_confirm(plan_import=plan_import, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("plandocs:plan_import_review", pk=plan_import.pk)
    messages.success(
        request,
        _("已导入工作方案《%(title)s》，共%(count)s项任务")
        % {"title": plan.title, "count": plan.tasks.count()},
    )
    return redirect("programmes:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_import_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan_import = _get_draft_for_office(request.user, pk)
    try:
        plan_import_discard(plan_import=plan_import, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("plandocs:plan_import_review", pk=plan_import.pk)
    messages.success(
        request, _("已放弃导入“%(name)s”") % {"name": plan_import.title or plan_import.source_name}
    )
    return redirect("plandocs:plan_import")


def _plan_export_response(request: HttpRequest, pk: int, extension: str) -> FileResponse:
    plan = plan_get_for_user(user=request.user, pk=pk)
    export = plan_export(plan=plan, extension=extension)
    audit_record(
        actor=request.user,
        action="export.plan",
        obj=plan,
        jurisdiction=plan.jurisdiction,
        summary=f"导出{export.filename}",
    )
    return FileResponse(
        io.BytesIO(export.data),
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )


@login_required
def plan_export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    return _plan_export_response(request, pk, "xlsx")


@login_required
def plan_export_docx(request: HttpRequest, pk: int) -> FileResponse:
    return _plan_export_response(request, pk, "docx")
