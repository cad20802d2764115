"""The office's plan import (upload, review and correct the draft, confirm or discard it) and
the export of a plan's decomposition table."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError
from qualitycity.params import query_choice
from responsibilities.selectors import department_name_index

from .access import draft_get_rw_for_user, import_jurisdictions_for_user, plan_get_for_export
from .drafts import (
    DUPLICATE_CANCEL,
    draft_decisions,
    plan_import_duplicates,
    plan_import_elsewhere,
    plan_import_names,
    plan_import_open_decisions,
    plan_import_reporting,
    plan_import_warnings,
)
from .forms import PlanImportReviewForm, PlanImportUploadForm
from .models import PlanImport
from .review import (
    plan_import_confirm,
    plan_import_create,
    plan_import_discard,
    plan_import_update,
)
from .services import plan_export_for


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    """The office uploads a plan file or pastes its text; a readable one becomes a draft."""
    jurisdictions = import_jurisdictions_for_user(user=request.user)
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
        except ApplicationError as exc:
            form.add_error(exc.field or ("file" if request.FILES else "text"), exc.message)
        else:
            return redirect("plandocs:plan_import_review", pk=draft.pk)
    drafts = (
        PlanImport.objects.drafts()
        .filter(jurisdiction__in=jurisdictions)
        .select_related("jurisdiction", "created_by")[:10]
    )
    return render(request, "plandocs/planimport_upload.html", {"form": form, "drafts": drafts})


def _review_form(plan_import: PlanImport, data=None) -> PlanImportReviewForm:
    # One read of the jurisdiction's departments and names serves the printed names, the
    # reporting proposals and both selects.
    index = department_name_index(plan_import.jurisdiction)
    names = plan_import_names(plan_import=plan_import, index=index)
    return PlanImportReviewForm(
        data,
        plan_import=plan_import,
        names=names,
        departments=sorted(set(index.values()), key=lambda d: (d.name, d.pk)),
        reporting=plan_import_reporting(plan_import=plan_import, names=names, index=index),
        duplicates=plan_import_duplicates(plan_import=plan_import),
        elsewhere=plan_import_elsewhere(plan_import=plan_import),
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
        "unknown_names": any(printed.is_unknown for printed in form.names),
        "warnings": warnings,
        "open_decisions": plan_import_open_decisions(
            plan_import=plan_import,
            names=form.names,
            duplicates=form.duplicates,
            elsewhere=form.elsewhere,
            reporting=form.reporting,
        ),
        "decisions": draft_decisions(plan_import.extraction),
        "source_lines": plan_import.source_text.split("\n"),
        "lines_match": lines_match,
        "task_count": len(form.tasks),
        "target_count": len(form.targets),
    }
    return render(request, "plandocs/planimport_review.html", context, status=status)


def _save_typed(request, plan_import: PlanImport) -> tuple[PlanImport, PlanImportReviewForm] | HttpResponse:
    """What the page posted is saved as typed: a task or target not yet right is kept as a
    draft with its message; only a plan field in error (a year out of range) keeps its old
    value, said in a message. A post without its revision, or with a value no select of the page
    offers (a reporting department of another jurisdiction), is not the page's: nothing is saved
    and the page comes back with the message (400)."""
    form = _review_form(plan_import, request.POST)
    form.is_valid()
    if "revision" not in form.cleaned_data or form.refused:
        return _render_review(request, plan_import, form, status=400)
    plan_import = plan_import_update(plan_import=plan_import, actor=request.user, edits=form.edits())
    for _anchor, message in form.error_summary():
        messages.error(request, _("未保存：%(message)s") % {"message": message})
    return plan_import, form


@login_required
def plan_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft beside its source: the office corrects it here, then confirms or discards it."""
    plan_import = draft_get_rw_for_user(user=request.user, pk=pk)
    if plan_import.plan_id:
        return redirect("programmes:plan_detail", pk=plan_import.plan_id)
    if not plan_import.is_draft:
        messages.info(request, _("这份导入草稿已放弃"))
        return redirect("plandocs:plan_import")
    if request.method != "POST":
        return _render_review(request, plan_import, _review_form(plan_import))
    saved = _save_typed(request, plan_import)
    if isinstance(saved, HttpResponse):
        return saved
    messages.success(request, _("修改已保存"))
    return redirect("plandocs:plan_import_review", pk=plan_import.pk)


@login_required
@require_POST
def plan_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, with the edits on the page, becomes a plan once nothing is left to decide;
    until then the page says, beside each item, what is still open."""
    plan_import = draft_get_rw_for_user(user=request.user, pk=pk)
    saved = _save_typed(request, plan_import)
    if isinstance(saved, HttpResponse):
        return saved
    plan_import, form = saved
    if draft_decisions(plan_import.extraction)["duplicate"] == DUPLICATE_CANCEL:
        plan_import_discard(plan_import=plan_import, actor=request.user)
        messages.success(request, _("已取消导入，原有工作方案未作改动"))
        return redirect("plandocs:plan_import")
    open_items = plan_import_open_decisions(
        plan_import=plan_import,
        names=plan_import_names(plan_import=plan_import),
        duplicates=plan_import_duplicates(plan_import=plan_import),
        elsewhere=plan_import_elsewhere(plan_import=plan_import),
    )
    if open_items:
        messages.error(
            request,
            _("修改已保存，但还有%(count)s处需要决定，尚未导入；各处已在页面上标出")
            % {"count": len(open_items)},
        )
        return redirect(reverse("plandocs:plan_import_review", args=[plan_import.pk]) + "#decisions")
    plan = plan_import_confirm(plan_import=plan_import, actor=request.user)
    messages.success(
        request,
        _("已导入工作方案《%(title)s》，共%(count)s项任务")
        % {"title": plan.title, "count": plan.tasks.count()},
    )
    return redirect("programmes:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_import_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The office gives the draft up; it is kept, marked discarded."""
    plan_import = draft_get_rw_for_user(user=request.user, pk=pk)
    plan_import_discard(plan_import=plan_import, actor=request.user)
    messages.success(
        request, _("已放弃导入“%(name)s”") % {"name": plan_import.title or plan_import.source_name}
    )
    return redirect("plandocs:plan_import")


def _plan_export_response(request: HttpRequest, pk: int, extension: str) -> FileResponse:
    plan = plan_get_for_export(user=request.user, pk=pk)
    scope = query_choice(request.GET, "scope", ("auto", "appendix", "plan")) or "auto"
    export = plan_export_for(plan=plan, actor=request.user, extension=extension, scope=scope)
    return FileResponse(
        io.BytesIO(export.data),
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )


@login_required
def plan_export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """The plan's decomposition table as an Excel file."""
    return _plan_export_response(request, pk, "xlsx")


@login_required
def plan_export_docx(request: HttpRequest, pk: int) -> FileResponse:
    """The plan's decomposition table as a Word file."""
    return _plan_export_response(request, pk, "docx")
