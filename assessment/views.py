"""Assessment pages: thin views that load through the selectors, call one service, render."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from programmes.models import Plan
from responsibilities.models import Department
from responsibilities.selectors import user_scope

from . import services
from .compile import plan_departments, scheme_ensure
from .exporters import CONTENT_TYPES
from .forms import FinalForm, ItemForm, RunForm, SchemeForm
from .models import AssessmentItem, CriterionKind, CriterionScore, PeriodKind, SelfAssessment
from .periods import assessment_period
from .selectors import (
    assessment_get_for_user,
    assessment_results,
    assessments_for_user,
    oversees,
    plan_get_for_user,
    run_get_for_user,
    runs_for_user,
)


def _office_plan(request, pk: int) -> Plan:
    plan = plan_get_for_user(user=request.user, pk=pk)
    if not user_scope(request.user).is_office_of(plan.jurisdiction_id):
        raise PermissionDenied("只有质强办可以管理考核")
    return plan


@login_required
def assessment_home(request: HttpRequest) -> HttpResponse:
    """Assessments the user may open; for the office, the plans to assess and the recent jobs."""
    scope = user_scope(request.user)
    plans = Plan.objects.for_user(request.user).active().select_related("jurisdiction")
    office_plans = [p for p in plans if scope.is_office_of(p.jurisdiction_id)]
    return render(
        request,
        "assessment/assessment_list.html",
        {
            "assessments": assessments_for_user(user=request.user)[:100],
            "runs": runs_for_user(user=request.user)[:10],
            "office_plans": office_plans,
            "self_plans": [p for p in plans if scope.department_ids] if scope.department_ids else [],
            "run_form": RunForm(initial={"year": timezone.localdate().year - 1}),
        },
    )


@login_required
def assessment_scheme(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's scheme and its bonus, penalty and veto items: the office edits, leaders read."""
    plan = plan_get_for_user(user=request.user, pk=pk)
    if not oversees(request.user, plan.jurisdiction_id):
        raise PermissionDenied("只有质强办和领导可以查看考核方案")
    scheme = scheme_ensure(plan=plan)
    weights = {c.kind: c.weight for c in scheme.criteria.all()}
    initial = {**weights, "grade_a": scheme.grade_a, "grade_b": scheme.grade_b, "grade_c": scheme.grade_c}
    initial.update(bonus_cap=scheme.bonus_cap, year_start_month=scheme.year_start_month)
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _office_plan(request, pk)
        if form.is_valid():
            try:
                services.scheme_update(
                    plan=plan,
                    actor=request.user,
                    weights=form.weights(),
                    **{
                        k: form.cleaned_data[k]
                        for k in ("grade_a", "grade_b", "grade_c", "bonus_cap", "year_start_month")
                    },
                )
                messages.success(request, "考核方案已保存")
                return redirect("assessment:assessment_scheme", pk=plan.pk)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
    departments = plan_departments(plan=plan)
    return render(
        request,
        "assessment/assessment_scheme.html",
        {
            "plan": plan,
            "scheme": scheme,
            "form": form,
            "item_form": ItemForm(departments=departments, initial={"occurred_on": timezone.localdate()}),
            "items": AssessmentItem.objects.filter(plan=plan).select_related("department", "created_by"),
            "run_form": RunForm(initial={"year": timezone.localdate().year - 1}),
            "is_office": user_scope(request.user).is_office_of(plan.jurisdiction_id),
        },
    )


@login_required
@require_POST
def assessment_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _office_plan(request, pk)
    form = ItemForm(request.POST, departments=plan_departments(plan=plan))
    if not form.is_valid():
        messages.error(request, "请完整填写部门、类型、事由和日期")
        return redirect("assessment:assessment_scheme", pk=plan.pk)
    data = form.cleaned_data
    try:
        services.item_add(
            plan=plan,
            department=data["department"],
            actor=request.user,
            kind=data["kind"],
            points=data["points"] or Decimal(0),
            reason=data["reason"],
            occurred_on=data["occurred_on"],
        )
        messages.success(request, "已录入")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assessment:assessment_scheme", pk=plan.pk)


@login_required
@require_POST
def assessment_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AssessmentItem.objects.select_related("plan"), pk=pk)
    plan = _office_plan(request, item.plan_id)
    services.item_remove(item=item, actor=request.user)
    messages.success(request, "已撤销")
    return redirect("assessment:assessment_scheme", pk=plan.pk)


@login_required
@require_POST
def assessment_run_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The office asks for a compile; the page then follows the job's progress."""
    plan = _office_plan(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择考核周期和年度")
        return redirect("assessment:assessment_scheme", pk=plan.pk)
    try:
        period = form.period(year_start_month=scheme_ensure(plan=plan).year_start_month)
        run = services.assessment_run_request(plan=plan, period=period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessment:assessment_scheme", pk=plan.pk)
    return redirect("assessment:assessment_run", pk=run.pk)


def _run_json(run) -> dict:
    from django.urls import reverse

    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "stage": run.stage,
        "error": run.error,
        "attempts": run.attempts,
        "done": not run.is_active,
        "url": reverse("assessment:assessment_detail", args=[run.assessment_id]) if run.assessment_id else "",
    }


@login_required
def assessment_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_get_for_user(user=request.user, pk=pk)
    return render(request, "assessment/assessment_run.html", {"run": run, "state": _run_json(run)})


@login_required
def assessment_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress, polled by the run page's script."""
    return JsonResponse(_run_json(run_get_for_user(user=request.user, pk=pk)))


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking; the office and leaders see every department's details, a department its own."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    scope = user_scope(request.user)
    results = assessment_results(assessment=assessment)
    sees_all = oversees(request.user, assessment.plan.jurisdiction_id)
    details = results if sees_all else [r for r in results if r.department_id in scope.department_ids]
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "assessment": assessment,
            "results": results,
            "details": details,
            "criteria": assessment.scheme.get("criteria", []),
            "is_office": scope.is_office_of(assessment.plan.jurisdiction_id),
            "final_form": FinalForm(),
        },
    )


@login_required
@require_POST
def assessment_final(request: HttpRequest, pk: int) -> HttpResponse:
    score = get_object_or_404(CriterionScore.objects.select_related("result__assessment"), pk=pk)
    assessment = assessment_get_for_user(user=request.user, pk=score.result.assessment_id)
    form = FinalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "认定得分应为0到100之间的数字")
    else:
        try:
            services.score_set_final(
                score=score,
                actor=request.user,
                final=form.cleaned_data["final"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"已认定{score.result.department}“{score.get_kind_display()}”得分")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return redirect(f"{assessment_url(assessment)}#result-{score.result_id}")


def download_name(assessment, extension: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", assessment.title).strip(" ._") or "assessment"
    if not assessment.is_published:
        stem += "（草稿）"
    return f"{stem}.{extension}"


def assessment_url(assessment) -> str:
    from django.urls import reverse

    return reverse("assessment:assessment_detail", args=[assessment.pk])


@login_required
@require_POST
def assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    try:
        services.assessment_publish(assessment=assessment, actor=request.user)
        messages.success(request, "考核结果已发布，各单位可以查看排名")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assessment:assessment_detail", pk=assessment.pk)


@login_required
def assessment_download(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """Streams a stored file after the same check as the page; never a public path."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    if extension not in CONTENT_TYPES:
        raise Http404("不支持的格式")
    field = getattr(assessment, extension)
    if not field:
        raise Http404("文件正在生成，请稍后再试")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    # The stored name is made safe for the disk; the download keeps the report's own title.
    filename = download_name(assessment, extension)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[extension])


@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's own scores per criterion for a period, with justification and evidence."""
    plan = plan_get_for_user(user=request.user, pk=pk)
    scope = user_scope(request.user)
    departments = list(Department.objects.filter(pk__in=scope.department_ids, jurisdiction=plan.jurisdiction))
    if not departments:
        raise PermissionDenied("只有责任单位可以提交自评")
    department = departments[0]
    scheme = scheme_ensure(plan=plan)
    form = RunForm(request.GET or None, initial={"year": timezone.localdate().year, "kind": PeriodKind.YEAR})
    period = None
    if form.is_valid():
        try:
            period = form.period(year_start_month=scheme.year_start_month)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    if period is None:
        period = assessment_period(
            kind=PeriodKind.YEAR, year=timezone.localdate().year, year_start_month=scheme.year_start_month
        )
    criteria = list(scheme.criteria.all())
    if request.method == "POST":
        try:
            scores = {}
            for c in criteria:
                raw = (request.POST.get(f"score-{c.kind}") or "").strip()
                if raw:
                    scores[c.kind] = {
                        "score": Decimal(raw),
                        "justification": request.POST.get(f"justification-{c.kind}", ""),
                        "evidence": request.FILES.get(f"evidence-{c.kind}"),
                    }
            if not scores:
                raise ValidationError("请至少填写一项自评分")
            services.self_assessment_submit(
                plan=plan, department=department, period=period, actor=request.user, scores=scores
            )
            messages.success(request, "自评已提交")
            return redirect(request.get_full_path())
        except InvalidOperation:
            messages.error(request, "自评分应为数字")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    existing = SelfAssessment.objects.filter(
        plan=plan, department=department, start=period.start, end=period.end
    ).first()
    mine = {s.kind: s for s in existing.scores.all()} if existing else {}
    rows = [(c, CriterionKind(c.kind).label, mine.get(c.kind)) for c in criteria]
    return render(
        request,
        "assessment/assessment_self.html",
        {
            "plan": plan,
            "department": department,
            "period": period,
            "rows": rows,
            "form": form,
            "existing": existing,
        },
    )
