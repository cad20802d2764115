"""Assessment pages: thin views that load through the selectors, call one service, render."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError
from qualitycity.params import form_decimal

from . import services
from .access import (
    assessment_get_for_user,
    assessment_get_rw_for_user,
    home_plans_for_user,
    item_get_rw_for_user,
    may_manage,
    plan_get_for_overseer,
    plan_get_rw_for_user,
    results_detailed_for_user,
    run_get_for_user,
    score_get_rw_for_user,
    self_assessment_department_for_user,
)
from .compile import scheme_ensure, units_assessed
from .exporters import CONTENT_TYPES
from .forms import FinalForm, ItemForm, RunForm, SchemeForm
from .models import AssessmentItem, CriterionKind, PeriodKind, SelfAssessment
from .periods import assessment_period
from .selectors import assessment_findings, assessment_results, assessments_for_user, runs_for_user


@login_required
def assessment_home(request: HttpRequest) -> HttpResponse:
    """Assessments the user may open; for the office, the plans to assess and the recent jobs."""
    office_plans, self_plans = home_plans_for_user(user=request.user)
    return render(
        request,
        "assessment/assessment_list.html",
        {
            "assessments": assessments_for_user(user=request.user)[:100],
            "runs": runs_for_user(user=request.user)[:10],
            "office_plans": office_plans,
            "self_plans": self_plans,
            "run_form": RunForm(initial={"year": timezone.localdate().year - 1}),
        },
    )


@login_required
def assessment_scheme(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's scheme and its bonus, penalty and veto items: the office edits, leaders read."""
    if request.method == "POST":
        plan = plan_get_rw_for_user(user=request.user, pk=pk)
    else:
        plan = plan_get_for_overseer(user=request.user, pk=pk)
    scheme = scheme_ensure(plan=plan)
    weights = {c.kind: c.weight for c in scheme.criteria.all()}
    initial = {**weights, "grade_a": scheme.grade_a, "grade_b": scheme.grade_b, "grade_c": scheme.grade_c}
    initial.update(
        bonus_cap=scheme.bonus_cap, year_start_month=scheme.year_start_month, subject=scheme.subject
    )
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(
                plan=plan,
                actor=request.user,
                weights=form.weights(),
                **{
                    k: form.cleaned_data[k]
                    for k in ("grade_a", "grade_b", "grade_c", "bonus_cap", "year_start_month")
                },
                subject=form.cleaned_data["subject"] or None,
            )
        except ApplicationError as exc:
            # The page is shown again with what was typed, and the reason above it.
            messages.error(request, exc.message)
        else:
            messages.success(request, _("考核方案已保存"))
            return redirect("assessment:assessment_scheme", pk=plan.pk)
    departments = units_assessed(plan=plan, scheme=scheme)
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
            "is_office": may_manage(user=request.user, plan=plan),
        },
    )


@login_required
@require_POST
def assessment_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The office records a bonus, penalty or veto item; a refusal is answered by the middleware."""
    plan = plan_get_rw_for_user(user=request.user, pk=pk)
    form = ItemForm(request.POST, departments=units_assessed(plan=plan))
    if not form.is_valid():
        messages.error(request, _("请完整填写部门、类型、事由和日期"))
        return redirect("assessment:assessment_scheme", pk=plan.pk)
    data = form.cleaned_data
    services.item_add(
        plan=plan,
        department=data["department"],
        actor=request.user,
        kind=data["kind"],
        points=data["points"] or Decimal(0),
        reason=data["reason"],
        occurred_on=data["occurred_on"],
    )
    messages.success(request, _("已录入"))
    return redirect("assessment:assessment_scheme", pk=plan.pk)


@login_required
@require_POST
def assessment_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_get_rw_for_user(user=request.user, pk=pk)
    services.item_remove(item=item, actor=request.user)
    messages.success(request, _("已撤销"))
    return redirect("assessment:assessment_scheme", pk=item.plan_id)


@login_required
@require_POST
def assessment_run_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The office asks for a compile; the page then follows the job's progress."""
    plan = plan_get_rw_for_user(user=request.user, pk=pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择考核周期和年度"))
        return redirect("assessment:assessment_scheme", pk=plan.pk)
    period = form.period(year_start_month=scheme_ensure(plan=plan).year_start_month)
    run = services.assessment_run_request(plan=plan, period=period, actor=request.user)
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


def _run_noticed(run):
    """A job silent past the window is taken back by whoever looks at it first; the page then
    says so (queued again, or failed), in plain words."""
    if services.run_is_stale(run) and services.assessment_run_recover(run_id=run.pk):
        run.refresh_from_db()
    return run


@login_required
def assessment_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A compile job's page, which follows its progress."""
    run = _run_noticed(run_get_for_user(user=request.user, pk=pk))
    return render(
        request,
        "assessment/assessment_run.html",
        {"run": run, "state": _run_json(run), "window": services.run_window_text()},
    )


@login_required
def assessment_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress, polled by the run page's script."""
    run = _run_noticed(run_get_for_user(user=request.user, pk=pk))
    return JsonResponse(_run_json(run))


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking; the office and leaders see every department's details, a department its own."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    results = assessment_results(assessment=assessment)
    details = results_detailed_for_user(user=request.user, assessment=assessment, results=results)
    is_office = may_manage(user=request.user, plan=assessment.plan)
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "assessment": assessment,
            "results": results,
            "details": details,
            # the snapshot's criteria, named in the reader's language (the snapshot keeps Chinese)
            "criteria": [
                {**c, "label": CriterionKind(c["kind"]).label} for c in assessment.scheme.get("criteria", [])
            ],
            "is_office": is_office,
            "findings": assessment_findings(assessment=assessment, for_office=is_office),
            "final_form": FinalForm(),
        },
    )


@login_required
@require_POST
def assessment_final(request: HttpRequest, pk: int) -> HttpResponse:
    """The office sets a criterion's final score; a refusal is answered by the middleware."""
    score = score_get_rw_for_user(user=request.user, pk=pk)
    form = FinalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("认定得分应为0到100之间的数字"))
    else:
        services.score_set_final(
            score=score,
            actor=request.user,
            final=form.cleaned_data["final"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("已认定%(department)s“%(criterion)s”得分")
            % {"department": score.result.department, "criterion": score.get_kind_display()},
        )
    return redirect(f"{assessment_url(score.result.assessment)}#result-{score.result_id}")


def download_name(assessment, extension: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", assessment.title).strip(" ._") or "assessment"
    if not assessment.is_published:
        stem += "（草稿）"  # the official document's own name, Chinese like its text
    return f"{stem}.{extension}"


def assessment_url(assessment) -> str:
    from django.urls import reverse

    return reverse("assessment:assessment_detail", args=[assessment.pk])


@login_required
@require_POST
def assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The office publishes the assessment; a refusal is answered by the middleware."""
    assessment = assessment_get_rw_for_user(user=request.user, pk=pk)
    services.assessment_publish(assessment=assessment, actor=request.user)
    messages.success(request, _("考核结果已发布，各单位可以查看排名"))
    return redirect("assessment:assessment_detail", pk=assessment.pk)


@login_required
def assessment_download(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """Streams a stored file after the same check as the page; never a public path."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    handle = services.assessment_file_open(assessment=assessment, actor=request.user, extension=extension)
    # The stored name is made safe for the disk; the download keeps the report's own title.
    filename = download_name(assessment, extension)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[extension])


def _posted_scores(request: HttpRequest, criteria) -> dict[str, dict]:
    """The self-scores typed on the page, by criterion: blank ones left out."""
    scores = {}
    for c in criteria:
        raw = (request.POST.get(f"score-{c.kind}") or "").strip()
        if not raw:
            continue
        try:
            score = form_decimal(raw)
        except ValueError as exc:
            raise ApplicationError(_("自评分应为数字"), field=f"score-{c.kind}") from exc
        justification = request.POST.get(f"justification-{c.kind}", "")
        if "\x00" in justification:
            # PostgreSQL refuses a NUL in text: refuse it here with a message, not a server error.
            raise ApplicationError(_("自评说明含有无效字符"), field=f"justification-{c.kind}")
        scores[c.kind] = {
            "score": score,
            "justification": justification,
            "evidence": request.FILES.get(f"evidence-{c.kind}"),
        }
    return scores


@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's own scores per criterion for a period, with justification and evidence."""
    plan, department = self_assessment_department_for_user(user=request.user, pk=pk)
    scheme = scheme_ensure(plan=plan)
    form = RunForm(request.GET or None, initial={"year": timezone.localdate().year, "kind": PeriodKind.YEAR})
    period = None
    if form.is_valid():
        try:
            period = form.period(year_start_month=scheme.year_start_month)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    if period is None:
        period = assessment_period(
            kind=PeriodKind.YEAR, year=timezone.localdate().year, year_start_month=scheme.year_start_month
        )
    criteria = list(scheme.criteria.all())
    if request.method == "POST":
        try:
            services.self_assessment_submit(
                plan=plan,
                department=department,
                period=period,
                actor=request.user,
                scores=_posted_scores(request, criteria),
            )
        except ApplicationError as exc:
            # The page is shown again, with the reason above the scores.
            messages.error(request, exc.message)
        else:
            messages.success(request, _("自评已提交"))
            return redirect(request.get_full_path())
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
