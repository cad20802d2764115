"""The office edits a plan's targets and its jurisdiction's indicators; everyone who sees a
jurisdiction reads its indicators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programmes.access import require_office_of_plan
from programmes.models import Plan, Task
from qualitycity.errors import ApplicationError
from qualitycity.params import query_int
from responsibilities.models import Department, Jurisdiction
from responsibilities.scope import jurisdiction_ids_for_user, user_scope

from . import editor
from .access import indicator_get_for_user, target_get_for_user
from .forms import IndicatorForm, TargetDeleteForm, TargetForm
from .models import Indicator, Target

OFFICE_CHANGES_INDICATORS = gettext_lazy("只有本地质强办可以修改指标")
NO_JURISDICTION = gettext_lazy("您的账号没有所属行政区，无法查看指标")


def _task_for_office(request: HttpRequest, pk: int) -> Task:
    """A task of a plan the user may see (else 404) whose office they are (else 403)."""
    task = get_object_or_404(Task.objects.for_user(request.user).select_related("plan__jurisdiction"), pk=pk)
    require_office_of_plan(task.plan, request.user)
    return task


def _target_for_office(request: HttpRequest, pk: int) -> Target:
    """A target of a plan the user may see (else 404) whose office they are (else 403)."""
    target = target_get_for_user(user=request.user, pk=pk)
    require_office_of_plan(target.task.plan, request.user)
    return target


def _indicator_for_office(request: HttpRequest, pk: int) -> Indicator:
    """An indicator of the user's jurisdictions (else 404) whose office they are (else 403)."""
    indicator = indicator_get_for_user(user=request.user, pk=pk)
    if not user_scope(request.user).is_office_of(indicator.jurisdiction_id):
        raise PermissionDenied(OFFICE_CHANGES_INDICATORS)
    return indicator


def _units(jurisdiction_id: int):
    """The units that may report an indicator: the jurisdiction's active units."""
    return Department.objects.filter(jurisdiction_id=jurisdiction_id).units().active()


def plan_editor_url(plan: Plan, task_pk: int) -> str:
    """Where the office goes back to after a change: the task in the plan editor."""
    return reverse("programmes:plan_edit", args=[plan.pk]) + f"#task-{task_pk}"


def _form_error(form, exc: ApplicationError) -> None:
    """A refusal shows beside the field it names, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _target_form(request: HttpRequest, *, plan: Plan, target: Target | None) -> TargetForm:
    return TargetForm(
        request.POST or None,
        plan=plan,
        target=target,
        indicators=Indicator.objects.filter(jurisdiction_id=plan.jurisdiction_id),
        departments=_units(plan.jurisdiction_id),
    )


@login_required
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for_office(request, pk)
    plan = task.plan
    form = _target_form(request, plan=plan, target=None)
    if request.method == "POST" and form.is_valid():
        try:
            editor.target_create(
                task=task,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                data=form.editor_data(),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已新增目标"))
            return redirect(plan_editor_url(plan, task.pk))
    return render(request, "targets/target_form.html", {"plan": plan, "task": task, "form": form})


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_for_office(request, pk)
    plan, task = target.task.plan, target.task
    form = _target_form(request, plan=plan, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            editor.target_update(
                target=target,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                effective_from=form.cleaned_data.get("effective_from"),
                data=form.editor_data(),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已保存目标"))
            return redirect(plan_editor_url(plan, task.pk))
    context = {
        "plan": plan,
        "task": task,
        "target": target,
        "form": form,
        "history": target.history.order_by("valid_until"),
        "delete_form": TargetDeleteForm(),
        "needs_reason": plan.status == Plan.Status.ACTIVE,
    }
    return render(request, "targets/target_form.html", context)


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_for_office(request, pk)
    plan, task_pk = target.task.plan, target.task_id
    form = TargetDeleteForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        editor.target_delete(target=target, actor=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("targets:target_edit", pk=target.pk)
    messages.success(request, _("已删除目标"))
    return redirect(plan_editor_url(plan, task_pk))


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The jurisdiction's indicators with the plans and targets using each: read by everyone of
    the jurisdiction, edited by its office."""
    jurisdictions = list(Jurisdiction.objects.filter(pk__in=jurisdiction_ids_for_user(request.user)))
    if not jurisdictions:
        raise PermissionDenied(NO_JURISDICTION)
    chosen = query_int(request.GET, "jurisdiction")
    jurisdiction = next((j for j in jurisdictions if j.pk == chosen), jurisdictions[0])
    targets = Target.objects.select_related("task__plan").order_by("task__plan__year_end", "task__position")
    indicators = (
        Indicator.objects.filter(jurisdiction=jurisdiction)
        .select_related("reporting_department")
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("name", "unit")
    )
    context = {
        "jurisdiction": jurisdiction,
        "jurisdictions": jurisdictions,
        "indicators": indicators,
        "is_office": user_scope(request.user).is_office_of(jurisdiction.pk),
    }
    return render(request, "targets/indicator_list.html", context)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_for_office(request, pk)
    form = IndicatorForm(
        request.POST or None, indicator=indicator, departments=_units(indicator.jurisdiction_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            editor.indicator_update(indicator=indicator, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已保存指标"))
            url = reverse("targets:indicator_list") + f"?jurisdiction={indicator.jurisdiction_id}"
            return redirect(f"{url}#indicator-{indicator.pk}")
    targets = indicator.targets.select_related("task__plan").order_by(
        "task__plan__year_end", "task__position"
    )
    return render(
        request, "targets/indicator_form.html", {"indicator": indicator, "form": form, "targets": targets}
    )
