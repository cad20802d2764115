"""The office's department pages: create, rename, merge, deactivate and reactivate. The rules
are in responsibilities.services; a refusal comes back beside the form or as a message on the
department's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_apply
from qualitycity.params import query_int

from . import services
from .department_forms import DepartmentCreateForm, DepartmentMergeForm, DepartmentRenameForm
from .models import Department, Jurisdiction, Membership, Role
from .scope import jurisdiction_ids_for_user, user_scope

OFFICE_MANAGES_DEPARTMENTS = gettext_lazy("只有质强办可以管理部门")


def _department_for_office(*, user, pk: int) -> Department:
    """A department the user is the office of: 404 outside the user's jurisdictions, 403 for
    anyone there who is not its office."""
    department = get_object_or_404(
        Department.objects.filter(jurisdiction_id__in=jurisdiction_ids_for_user(user)).select_related(
            "jurisdiction", "successor"
        ),
        pk=pk,
    )
    if not user_scope(user).is_office_of(department.jurisdiction_id):
        raise PermissionDenied(OFFICE_MANAGES_DEPARTMENTS)
    return department


def _office_jurisdictions(user) -> list[Jurisdiction]:
    scope = user_scope(user)
    jurisdictions = Jurisdiction.objects.order_by("name")
    if not scope.is_superuser:
        jurisdictions = jurisdictions.filter(pk__in=scope.office_jurisdiction_ids)
    found = list(jurisdictions)
    if not found:
        raise PermissionDenied(OFFICE_MANAGES_DEPARTMENTS)
    return found


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    """A new department in one of the office's jurisdictions (?jurisdiction= picks which)."""
    jurisdictions = _office_jurisdictions(request.user)
    chosen = query_int(request.GET, "jurisdiction")
    jurisdiction = next((j for j in jurisdictions if j.pk == chosen), jurisdictions[0])
    form = DepartmentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = form_apply(
            form,
            lambda: services.department_create(
                jurisdiction=jurisdiction,
                actor=request.user,
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
            ),
        )
        if department is not None:
            messages.success(request, _("已新增部门%(name)s") % {"name": department.name})
            return redirect(department.get_absolute_url())
    context = {
        "form": form,
        "jurisdiction": jurisdiction,
        "jurisdictions": jurisdictions if len(jurisdictions) > 1 else [],
        "title": _("新增部门"),
        "submit": _("新增"),
    }
    return render(
        request, "responsibilities/department_form.html", context, status=400 if form.errors else 200
    )


@login_required
def department_rename(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department_for_office(user=request.user, pk=pk)
    old_name = department.name
    form = DepartmentRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        renamed = form_apply(
            form,
            lambda: services.department_rename(
                department=department,
                actor=request.user,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
            ),
        )
        if renamed is not None:
            messages.success(
                request,
                _("%(old)s已更名为%(new)s，旧名称保留为别名") % {"old": old_name, "new": renamed.name},
            )
            return redirect(renamed.get_absolute_url())
    context = {
        "form": form,
        "department": department,
        "jurisdiction": department.jurisdiction,
        "title": _("更名：%(name)s") % {"name": old_name},
        "submit": _("更名"),
    }
    return render(
        request, "responsibilities/department_form.html", context, status=400 if form.errors else 200
    )


@login_required
def department_merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = _department_for_office(user=request.user, pk=pk)
    form = DepartmentMergeForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        merged = form_apply(
            form,
            lambda: services.department_merge(
                source=source,
                into=form.cleaned_data["into"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if merged is not None:
            messages.success(request, _merged_message(merged))
            return redirect(merged.into.get_absolute_url())
    people = Membership.objects.filter(
        department=source, is_active=True, role__in=Role.department_roles()
    ).count()
    context = {"form": form, "department": source, "people": people}
    return render(
        request, "responsibilities/department_merge.html", context, status=400 if form.errors else 200
    )


def _merged_message(merged: services.DepartmentMerge) -> str:
    text = _("已将%(source)s并入%(into)s，其任务、指标和名称已转到%(into)s。") % {
        "source": merged.source.name,
        "into": merged.into.name,
    }
    if merged.people:
        text += _(
            "%(source)s的%(count)s名联络员、负责人（%(names)s）已停用；如仍由他们填报，"
            "请在“联络员管理”中为%(into)s重新添加。"
        ) % {
            "source": merged.source.name,
            "count": len(merged.people),
            "names": "、".join(merged.people),
            "into": merged.into.name,
        }
    return text


@login_required
@require_POST
def department_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department_for_office(user=request.user, pk=pk)
    try:
        services.department_deactivate(department=department, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已停用%(name)s") % {"name": department.name})
    return redirect(department.get_absolute_url())


@login_required
@require_POST
def department_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department_for_office(user=request.user, pk=pk)
    try:
        services.department_reactivate(department=department, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已恢复%(name)s") % {"name": department.name})
    return redirect(department.get_absolute_url())
