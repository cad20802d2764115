from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_refused
from responsibilities.models import Department, Role
from responsibilities.scope import user_scope
from responsibilities.services import audit_record

from . import services
from .access import (
    department_get_for_member,
    entry_get_for_department,
    evidence_get_for_department,
    evidence_get_for_user,
    period_get_for_office,
    period_get_for_overseer,
    report_get_for_department,
    report_get_for_head,
    report_get_for_liaison,
    report_get_for_office,
    report_get_for_user,
    require_overseer,
)
from .evidence import evidence_attach, evidence_delete
from .forms import (
    ApproveForm,
    EvidenceForm,
    ExtendForm,
    ReturnForm,
    SendBackForm,
    WorkUpdateForm,
    parse_draft_post,
)
from .home import deadline_tone, department_contacts
from .models import Notification, hasattr_superseded
from .reminders import remind_missing
from .selectors import (
    period_overview,
    periods_for_user,
    report_page,
    reports_for_department,
    user_roles_for_report,
    work_update_counts,
    work_updates_for_user,
)
from .selectors import (
    report_history as report_history_rows,
)
from .supervision import remind_department, supervision_docx, supervision_sheet

SAVE_CONFLICT = gettext_lazy(
    "部分内容在您打开页面后已被他人修改，未覆盖对方的修改；您填写的内容保留在下方，请核对后再保存。"
)
SAVE_BEFORE_SUBMIT_FAILED = gettext_lazy("提交前保存失败：部分内容已被他人修改或有误，请核对后再提交。")
FILE_NOT_FOUND = gettext_lazy("文件不存在")


def _report_context(request, report, *, posted=None, result=None):
    roles = user_roles_for_report(user=request.user, report=report)
    page = report_page(report=report)
    can_edit = report.is_editable and bool(roles & Role.department_roles())
    return {
        "page": page,
        "report": report,
        "roles": roles,
        "can_edit": can_edit,
        "can_submit": can_edit and Role.LIAISON in roles,
        "can_sign_off": report.can("sign_off") and Role.DEPARTMENT_HEAD in roles,
        "can_review": report.can("approve") and Role.OFFICE_ADMIN in roles,
        "can_correct": report.is_frozen and Role.LIAISON in roles and not hasattr_superseded(report),
        "posted": posted or {},
        "conflicts": set(result.conflicts) if result else set(),
        "errors": result.errors if result else {},
        "blockers": {},
        "today": timezone.localdate(),
        "days_left": (report.period.deadline - timezone.localdate()).days,
        "days_overdue": (timezone.localdate() - report.period.deadline).days,
        "approve_form": ApproveForm(),
        "send_back_form": SendBackForm(),
        "evidence_form": EvidenceForm(),
    }


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """A liaison's or head's reports; the office goes to the period overview."""
    scope = user_scope(request.user)
    if scope.overseen_jurisdiction_ids and not scope.department_ids:
        return redirect("reports:period_list")
    departments = Department.objects.filter(pk__in=scope.department_ids)
    groups = [(d, list(reports_for_department(department=d))) for d in departments]
    return render(request, "reports/report_list.html", {"groups": groups, "today": timezone.localdate()})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, pk=pk)
    context = _report_context(request, report)
    # Left by a refused submission (report_submit): shown on this one page load.
    blockers = request.session.pop(_blockers_key(report.pk), None)
    if blockers and context["can_edit"]:
        context["blockers"] = blockers
    return render(request, "reports/report_detail.html", context)


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves the draft; the page's script calls it as the liaison types (JSON answer). A report
    that can no longer be edited is refused by the service and answered by the middleware."""
    report = report_get_for_department(user=request.user, pk=pk)
    entries, values = parse_draft_post(request.POST)
    result = services.report_save_draft(report=report, actor=request.user, entries=entries, values=values)
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse(_save_json(result), status=200 if result.ok else 409)
    if result.ok:
        messages.success(request, _("已保存（%(count)s处修改）") % {"count": result.saved})
        return redirect("reports:report_detail", pk=report.pk)
    if result.conflicts:
        messages.error(request, SAVE_CONFLICT)
    for text in result.errors.values():
        messages.error(request, text)
    context = _report_context(request, report, posted=_posted(entries, values), result=result)
    return render(request, "reports/report_detail.html", context, status=409 if result.conflicts else 400)


def _posted(entries, values):
    posted = {f"entry-{pk}": data for pk, data in entries.items()}
    posted.update({f"value-{pk}": data for pk, data in values.items()})
    return posted


def _save_json(result):
    return {
        "saved": result.saved,
        "conflicts": result.conflicts,
        "errors": result.errors,
        "versions": result.versions,
        "saved_at": timezone.localtime().strftime("%H:%M:%S"),
    }


def _act(request, report, action, success, **kwargs) -> HttpResponse:
    """Runs one workflow step on the report and answers with the report page: a refusal as an
    error message there (whatever page the step was posted from), success as the given message
    (or success(report)) on the resulting report."""
    try:
        result = action(report=report, actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("reports:report_detail", pk=result.pk)


def _form_refused(request, report, message) -> HttpResponse:
    """A workflow step's small form (a comment, a rating) is refused on the report page."""
    messages.error(request, message)
    return redirect("reports:report_detail", pk=report.pk)


def _submitted(report) -> str:
    if report.is_late:
        return _("已提交，等待单位负责人审签（已过截止日期，记为逾期）")
    return _("已提交，等待单位负责人审签")


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_liaison(user=request.user, pk=pk)
    entries, values = parse_draft_post(request.POST)
    if entries or values:
        # Submitting saves what is on the page first, so the last keystrokes count.
        result = services.report_save_draft(report=report, actor=request.user, entries=entries, values=values)
        if not result.ok:
            messages.error(request, SAVE_BEFORE_SUBMIT_FAILED)
            return redirect("reports:report_detail", pk=report.pk)
    try:
        submitted = services.report_submit(report=report, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        if report.is_editable:
            # The report page the refusal redirects to marks each field that blocks it, once.
            request.session[_blockers_key(report.pk)] = services.submission_blockers(report=report)
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, _submitted(submitted))
    return redirect("reports:report_detail", pk=submitted.pk)


def _blockers_key(pk: int) -> str:
    return f"report-{pk}-blockers"


@login_required
@require_POST
def report_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_head(user=request.user, pk=pk)
    # The sign-off comment is optional; the service trims it and refuses one too long.
    comment = request.POST.get("comment", "")
    return _act(request, report, services.report_sign_off, _("已审签，报质强办审核"), comment=comment)


@login_required
@require_POST
def report_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_head(user=request.user, pk=pk)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, report, _("请填写退回意见"))
    comment = form.cleaned_data["comment"]
    return _act(request, report, services.report_send_back, _("已退回联络员修改"), comment=comment)


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_office(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, report, _("评分应为0到100之间的整数"))
    rating = form.cleaned_data["rating"]
    return _act(request, report, services.report_approve, _("已审核通过"), rating=rating)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_office(user=request.user, pk=pk)
    form = ReturnForm(request.POST, entries=report.entries.all())
    if not form.is_valid():
        return _form_refused(request, report, _("意见每条不超过2000字"))
    success = _("已退回，联络员将按意见修改")
    return _act(request, report, services.report_return, success, comments=form.comments())


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_liaison(user=request.user, pk=pk)
    return _act(
        request,
        report,
        services.report_correct,
        lambda r: _("已生成第%(version)s版草稿，原版本保留") % {"version": r.version},
    )


@login_required
def report_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of a report: every save, submission, sign-off and review, with values."""
    report = report_get_for_user(user=request.user, pk=pk)
    rows = report_history_rows(report=report)
    return render(request, "reports/report_history.html", {"report": report, "rows": rows})


# Evidence ----------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = entry_get_for_department(user=request.user, pk=entry_pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
    else:
        upload = form.cleaned_data["file"]
        try:
            evidence_attach(entry=entry, actor=request.user, upload=upload)
        except ApplicationError as exc:
            # Several entries share the page: the message names the task the file was for.
            messages.error(
                request, _("任务 %(task)s：%(error)s") % {"task": entry.task.path_label, "error": exc}
            )
        else:
            messages.success(request, _("已上传：%(name)s") % {"name": upload.name})
    return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Streams an evidence file after checking the user may see its report; never a public path."""
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    audit_record(
        actor=request.user,
        action="evidence.download",
        obj=evidence,
        jurisdiction=evidence.entry.report.period.jurisdiction,
        summary=_("下载佐证材料 %(name)s") % {"name": evidence.original_name},
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(FILE_NOT_FOUND) from exc
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = evidence_get_for_department(user=request.user, pk=pk)
    report = evidence.entry.report
    evidence_delete(evidence=evidence, actor=request.user)
    messages.success(request, _("已删除佐证材料"))
    return redirect(report.get_absolute_url())


# Periods (office) --------------------------------------------------------------------------------


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    require_overseer(user=request.user)
    today = timezone.localdate()
    scope = user_scope(request.user)
    periods = periods_for_user(user=request.user)
    if scope.own_overseen_jurisdiction_ids:
        # those below are followed on the roll-up and each one's own pages, not mixed in here
        periods = periods.filter(jurisdiction_id__in=scope.own_overseen_jurisdiction_ids)
    periods = list(periods.order_by("-start")[:36])
    for period in periods:
        # Red past the deadline, amber within three working days of it, while the period is open.
        done = period.status != period.Status.OPEN
        period.tone = deadline_tone(deadline=period.deadline, today=today, done=done)
    context = {"periods": periods, "today": today, "is_office": bool(scope.office_jurisdiction_ids)}
    return render(request, "reports/period_list.html", context)


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has submitted, who is late and who is missing, with a one-click reminder, each
    department's liaison and head with their phone numbers, and chasing per department."""
    period = period_get_for_overseer(user=request.user, pk=pk)
    today = timezone.localdate()
    rows = period_overview(period=period)
    counts = {state: sum(1 for r in rows if r.state == state) for state in ("submitted", "late", "missing")}
    contacts = department_contacts(department_ids=[r.department.pk for r in rows])
    for row in rows:
        row.contacts = contacts.get(row.department.pk, [])
    return render(
        request,
        "reports/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "counts": counts,
            "today": today,
            "tone": deadline_tone(deadline=period.deadline, today=today, done=period.status != "open"),
            "past_deadline": today > period.deadline,
            "extend_form": ExtendForm(),
            "is_office": user_scope(request.user).is_office_of(period.jurisdiction_id),
        },
    )


@login_required
@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    period = period_get_for_office(user=request.user, pk=pk)
    sent = remind_missing(period=period, actor=request.user, today=timezone.localdate(), manual=True)
    messages.success(request, _("已向%(count)s位联络员发送催报提醒") % {"count": sent})
    return redirect("reports:period_detail", pk=pk)


@login_required
@require_POST
def period_open_now(request: HttpRequest, pk: int) -> HttpResponse:
    period = period_get_for_office(user=request.user, pk=pk)
    services.period_open(period=period, actor=request.user)
    messages.success(request, _("%(period)s已开放填报") % {"period": period.label})
    return redirect("reports:period_detail", pk=pk)


@login_required
@require_POST
def period_extend(request: HttpRequest, pk: int) -> HttpResponse:
    period = period_get_for_office(user=request.user, pk=pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期"))
        return redirect("reports:period_detail", pk=pk)
    services.period_extend(period=period, deadline=form.cleaned_data["deadline"], actor=request.user)
    messages.success(request, _("截止日期已调整"))
    return redirect("reports:period_detail", pk=pk)


# Chasing one department -------------------------------------------------------------------------


def _period_department(request, pk: int, department_pk: int):
    """A period the user runs as the office, and one department of its jurisdiction (404 else)."""
    period = period_get_for_office(user=request.user, pk=pk)
    department = get_object_or_404(Department, pk=department_pk, jurisdiction_id=period.jurisdiction_id)
    return period, department


@login_required
@require_POST
def period_remind_department(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    """The office reminds one department whose report is not in."""
    period, department = _period_department(request, pk, department_pk)
    sent = remind_department(
        period=period, department=department, actor=request.user, now=timezone.localtime()
    )
    messages.success(
        request,
        _("已向%(department)s的%(count)s位联络员发送催报提醒")
        % {"department": department.name, "count": sent},
    )
    return redirect("reports:period_detail", pk=pk)


@login_required
def period_supervision_docx(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    """The 督办单 of a late department, as a Word file."""
    period, department = _period_department(request, pk, department_pk)
    sheet = supervision_sheet(period=period, department=department, today=timezone.localdate())
    name = _("督办单-%(department)s-%(period)s.docx") % {
        "department": department.name,
        "period": period.label,
    }
    response = HttpResponse(
        supervision_docx(sheet),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# Work updates and notifications ------------------------------------------------------------------


@login_required
def work_updates(request: HttpRequest) -> HttpResponse:
    form = WorkUpdateForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        department = department_get_for_member(user=request.user, pk=request.POST.get("department"))
        if form.is_valid():
            try:
                services.work_update_post(department=department, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_refused(form, exc)
            else:
                messages.success(request, _("工作动态已报送"))
                return redirect("reports:work_updates")
    updates = work_updates_for_user(user=request.user)
    since = timezone.localdate().replace(day=1) - dt.timedelta(days=150)
    my_departments = list(Department.objects.filter(pk__in=user_scope(request.user).department_ids))
    return render(
        request,
        "reports/work_updates.html",
        {
            "form": form,
            "updates": updates[:50],
            "counts": work_update_counts(updates=updates, since=since),
            "my_departments": my_departments,
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "reports/notifications.html", {"items": items})
