"""Appeal pages: a unit appeals a line of its result; the office reads it and accepts or rejects
it; both read the outcome and the files. Thin views: one access call, one rule, a page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError
from responsibilities.selectors import user_scope

from . import appeals
from .access import (
    appeal_file_get_for_user,
    appeal_get_for_user,
    appeal_get_rw_for_user,
    result_get_for_appeal,
)
from .appeal_forms import AcceptForm, AppealForm, RejectForm
from .models import Appeal, AssessmentResult


def _refused(form, exc: ApplicationError) -> int:
    """A refusal shows beside the field it names, else above the form; the page is answered
    with the refusal's status."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    return exc.status


@login_required
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A liaison or head of the department appeals a line of its published result."""
    result = result_get_for_appeal(user=request.user, pk=pk)
    prefetch_related_objects([result], "scores")
    assessment = result.assessment
    lines = appeals.appeal_lines(result=result)
    form = AppealForm(
        request.POST or None, request.FILES or None, lines=lines, initial={"kind": request.GET.get("kind")}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal = appeals.appeal_submit(
                    result=result,
                    actor=request.user,
                    kind=data["kind"],
                    reasons=data["reasons"],
                    requested_score=data["requested_score"],
                    files=data["files"],
                )
            except ApplicationError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("申诉已提交，质强办处理后会通知您"))
                return redirect("assessment:appeal_detail", pk=appeal.pk)
        else:
            status = 400
    values = {kind: appeals.line_value(result=result, kind=kind) for kind in lines}
    days = appeals.appeal_days_of(assessment)
    window_ends = appeals.appeal_window_ends(assessment=assessment, days=days)
    return render(
        request,
        "assessment/appeal_form.html",
        {
            "assessment": assessment,
            "result": result,
            "form": form,
            "lines": [(kind, label, values[kind]) for kind, label in lines.items()],
            "window_ends": window_ends,
            # past the window the page says so instead of offering a form the submit refuses
            "window_closed": window_ends is not None and timezone.localdate() > window_ends,
            "appeal_days": days,
        },
        status=status,
    )


def _detail(request: HttpRequest, appeal: Appeal, *, accept_form=None, reject_form=None, status: int = 200):
    scope = user_scope(request.user)
    jurisdiction_id = appeal.assessment.plan.jurisdiction_id
    is_office = scope.is_office_of(jurisdiction_id)
    pending = appeal.status == Appeal.Status.PENDING
    result = AssessmentResult.objects.prefetch_related("scores").get(pk=appeal.result_id)
    return render(
        request,
        "assessment/appeal_detail.html",
        {
            "appeal": appeal,
            "assessment": appeal.assessment,
            "line": appeals.line_label(appeal.kind),
            "current": appeals.line_value(result=result, kind=appeal.kind),
            "files": list(appeal.files.all()),
            "may_download": is_office or appeal.result.department_id in scope.department_ids,
            "may_decide": is_office and pending,
            "accept_form": accept_form or AcceptForm(),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal with its reasons, files and outcome; the office's forms while it is pending."""
    return _detail(request, appeal_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def appeal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The office accepts: the result is re-issued as a new version, and the office sees it."""
    appeal = appeal_get_rw_for_user(user=request.user, pk=pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _detail(request, appeal, accept_form=form, status=400)
    try:
        reissued = appeals.appeal_accept(
            appeal=appeal,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            decided_score=form.cleaned_data["decided_score"],
        )
    except ApplicationError as exc:
        status = _refused(form, exc)
        appeal.refresh_from_db()
        return _detail(request, appeal, accept_form=form, status=status)
    messages.success(
        request,
        _("已采纳申诉，考核结果已重新发布为第%(version)s版，文件正在重新生成")
        % {"version": reissued.version},
    )
    return redirect("assessment:assessment_detail", pk=reissued.pk)


@login_required
@require_POST
def appeal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """The office rejects with a reason; the appeal's page then shows the outcome."""
    appeal = appeal_get_rw_for_user(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, appeal, reject_form=form, status=400)
    try:
        appeals.appeal_reject(appeal=appeal, actor=request.user, decision=form.cleaned_data["decision"])
    except ApplicationError as exc:
        status = _refused(form, exc)
        appeal.refresh_from_db()
        return _detail(request, appeal, reject_form=form, status=status)
    messages.success(request, _("已作出不予采纳的决定，申诉单位会收到通知"))
    return redirect("assessment:appeal_detail", pk=appeal.pk)


@login_required
def appeal_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Streams an appeal's file after the access check; never a public path."""
    record = appeal_file_get_for_user(user=request.user, pk=pk)
    handle = appeals.appeal_file_open(record=record, actor=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=record.original_name,
        content_type=appeals.appeal_file_content_type(record),
    )
