from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from responsibilities.models import AuditEvent, Department, Role
from responsibilities.selectors import user_scope
from responsibilities.services import audit_record

from . import services
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
from .models import (
    Evidence,
    Notification,
    ReportingPeriod,
    TaskEntry,
    WorkUpdate,
    hasattr_superseded,
)
from .reminders import remind_missing
from .selectors import (
    period_overview,
    periods_for_user,
    report_get_for_user,
    report_page,
    reports_for_department,
    user_roles_for_report,
)


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
    return render(request, "reports/report_detail.html", _report_context(request, report))


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves the draft; the page's script calls it as the liaison types (JSON answer)."""
    report = report_get_for_user(user=request.user, pk=pk)
    entries, values = parse_draft_post(request.POST)
    try:
        result = services.report_save_draft(report=report, actor=request.user, entries=entries, values=values)
    except ValidationError as exc:
        return _refuse(request, report, exc.messages[0])
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse(_save_json(report, result), status=200 if result.ok else 409)
    if result.ok:
        messages.success(request, f"已保存（{result.saved}处修改）")
        return redirect("reports:report_detail", pk=report.pk)
    if result.conflicts:
        messages.error(
            request,
            "部分内容在您打开页面后已被他人修改，未覆盖对方的修改；您填写的内容保留在下方，请核对后再保存。",
        )
    for text in result.errors.values():
        messages.error(request, text)
    context = _report_context(request, report, posted=_posted(entries, values), result=result)
    return render(request, "reports/report_detail.html", context, status=409 if result.conflicts else 400)


def _posted(entries, values):
    posted = {f"entry-{pk}": data for pk, data in entries.items()}
    posted.update({f"value-{pk}": data for pk, data in values.items()})
    return posted


def _save_json(report, result):
    current = {f"entry-{pk}": version for pk, version in report.entries.values_list("pk", "version")}
    current.update({f"value-{pk}": version for pk, version in report.values.values_list("pk", "version")})
    return {
        "saved": result.saved,
        "conflicts": result.conflicts,
        "errors": result.errors,
        "versions": current,
        "saved_at": timezone.localtime().strftime("%H:%M:%S"),
    }


def _refuse(request, report, message):
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"error": message}, status=400)
    messages.error(request, message)
    return redirect("reports:report_detail", pk=report.pk)


def _act(request, pk, action, success, **kwargs) -> HttpResponse:
    """Runs one workflow step on the report: a refusal comes back as a message on the report,
    success as the given message (or success(report)) on the resulting report."""
    report = report_get_for_user(user=request.user, pk=pk)
    try:
        result = action(report=report, actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("reports:report_detail", pk=result.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, pk=pk)
    entries, values = parse_draft_post(request.POST)
    if entries or values:
        # Submitting saves what is on the page first, so the last keystrokes count.
        result = services.report_save_draft(report=report, actor=request.user, entries=entries, values=values)
        if not result.ok:
            messages.error(request, "提交前保存失败：部分内容已被他人修改或有误，请核对后再提交。")
            return redirect("reports:report_detail", pk=report.pk)
    return _act(
        request,
        pk,
        services.report_submit,
        lambda r: "已提交，等待单位负责人审签" + ("（已过截止日期，记为逾期）" if r.is_late else ""),
    )


@login_required
@require_POST
def report_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_sign_off, "已审签，报质强办审核")


@login_required
@require_POST
def report_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回意见")
        return redirect("reports:report_detail", pk=pk)
    return _act(
        request, pk, services.report_send_back, "已退回联络员修改", comment=form.cleaned_data["comment"]
    )


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "评分应为0到100之间的整数")
        return redirect("reports:report_detail", pk=pk)
    return _act(request, pk, services.report_approve, "已审核通过", rating=form.cleaned_data["rating"])


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, pk=pk)
    form = ReturnForm(request.POST, entries=report.entries.all())
    if not form.is_valid():
        messages.error(request, "意见每条不超过2000字")
        return redirect("reports:report_detail", pk=pk)
    return _act(request, pk, services.report_return, "已退回，联络员将按意见修改", comments=form.comments())


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_correct, lambda r: f"已生成第{r.version}版草稿，原版本保留")


@login_required
def report_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of a report: every save, submission, sign-off and review, with values."""
    report = report_get_for_user(user=request.user, pk=pk)
    entry_ids = [str(pk) for pk in report.entries.values_list("pk", flat=True)]
    value_ids = [str(pk) for pk in report.values.values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(object_type="reports.departmentreport", object_id=str(report.pk))
        | AuditEvent.objects.filter(object_type="reports.taskentry", object_id__in=entry_ids)
        | AuditEvent.objects.filter(object_type="reports.indicatorvalue", object_id__in=value_ids)
    ).select_related("actor")
    return render(request, "reports/report_history.html", {"report": report, "events": events})


# Evidence ----------------------------------------------------------------------------------------


def _entry_for_user(user, pk: int) -> TaskEntry:
    entry = get_object_or_404(TaskEntry.objects.select_related("report__period__jurisdiction", "task"), pk=pk)
    report_get_for_user(user=user, pk=entry.report_id)
    return entry


@login_required
@require_POST
def evidence_upload(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = _entry_for_user(request.user, entry_pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
    else:
        try:
            evidence_attach(entry=entry, actor=request.user, upload=form.cleaned_data["file"])
            messages.success(request, f"已上传：{form.cleaned_data['file'].name}")
        except ValidationError as exc:
            messages.error(request, f"任务 {entry.task.path_label}：{exc.messages[0]}")
    return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Streams an evidence file after checking the user may see its report; never a public path."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__report__period__jurisdiction"), pk=pk
    )
    report_get_for_user(user=request.user, pk=evidence.entry.report_id)
    audit_record(
        actor=request.user,
        action="evidence.download",
        obj=evidence,
        jurisdiction=evidence.entry.report.period.jurisdiction,
        summary=f"下载佐证材料 {evidence.original_name}",
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("entry__report__period"), pk=pk)
    report = report_get_for_user(user=request.user, pk=evidence.entry.report_id)
    try:
        evidence_delete(evidence=evidence, actor=request.user)
        messages.success(request, "已删除佐证材料")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(report.get_absolute_url())


# Periods (office) --------------------------------------------------------------------------------


def _office_period(request, pk) -> ReportingPeriod:
    period = get_object_or_404(
        ReportingPeriod.objects.for_user(request.user).select_related("jurisdiction"), pk=pk
    )
    scope = user_scope(request.user)
    if period.jurisdiction_id not in scope.overseen_jurisdiction_ids and not scope.is_superuser:
        raise PermissionDenied("只有质强办和领导可以查看报送情况")
    return period


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if not scope.overseen_jurisdiction_ids and not scope.is_superuser:
        raise PermissionDenied("只有质强办和领导可以查看报送情况")
    periods = periods_for_user(user=request.user).order_by("-start")[:36]
    return render(request, "reports/period_list.html", {"periods": periods, "today": timezone.localdate()})


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has submitted, who is late and who is missing, with a one-click reminder."""
    period = _office_period(request, pk)
    rows = period_overview(period=period)
    counts = {state: sum(1 for r in rows if r.state == state) for state in ("submitted", "late", "missing")}
    return render(
        request,
        "reports/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "counts": counts,
            "today": timezone.localdate(),
            "extend_form": ExtendForm(),
            "is_office": user_scope(request.user).is_office_of(period.jurisdiction_id),
        },
    )


def _require_office_of(request, period):
    if not user_scope(request.user).is_office_of(period.jurisdiction_id):
        raise PermissionDenied("只有质强办可以操作报送期")


@login_required
@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    period = _office_period(request, pk)
    _require_office_of(request, period)
    sent = remind_missing(period=period, actor=request.user, today=timezone.localdate(), manual=True)
    messages.success(request, f"已向{sent}位联络员发送催报提醒")
    return redirect("reports:period_detail", pk=pk)


@login_required
@require_POST
def period_open_now(request: HttpRequest, pk: int) -> HttpResponse:
    period = _office_period(request, pk)
    _require_office_of(request, period)
    services.period_open(period=period, actor=request.user)
    messages.success(request, f"{period.label}已开放填报")
    return redirect("reports:period_detail", pk=pk)


@login_required
@require_POST
def period_extend(request: HttpRequest, pk: int) -> HttpResponse:
    period = _office_period(request, pk)
    _require_office_of(request, period)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.period_extend(period=period, deadline=form.cleaned_data["deadline"], actor=request.user)
            messages.success(request, "截止日期已调整")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        messages.error(request, "请填写有效的日期")
    return redirect("reports:period_detail", pk=pk)


# Work updates and notifications ------------------------------------------------------------------


@login_required
def work_updates(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    my_departments = list(Department.objects.filter(pk__in=scope.department_ids))
    form = WorkUpdateForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        department = next((d for d in my_departments if str(d.pk) == request.POST.get("department")), None)
        if department is None:
            raise PermissionDenied("只能以本部门名义报送工作动态")
        if form.is_valid():
            try:
                services.work_update_post(department=department, actor=request.user, **form.cleaned_data)
                messages.success(request, "工作动态已报送")
                return redirect("reports:work_updates")
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
    updates = WorkUpdate.objects.for_user(request.user).select_related("department", "author")
    if not scope.overseen_jurisdiction_ids:
        updates = updates.filter(department_id__in=scope.department_ids)
    since = timezone.localdate().replace(day=1) - dt.timedelta(days=150)
    counts = (
        updates.filter(date__gte=since.replace(day=1))
        .annotate(month=TruncMonth("date"))
        .values("department__name", "month")
        .annotate(n=Count("pk"))
        .order_by("department__name", "month")
    )
    return render(
        request,
        "reports/work_updates.html",
        {"form": form, "updates": updates[:50], "counts": counts, "my_departments": my_departments},
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "reports/notifications.html", {"items": items})
