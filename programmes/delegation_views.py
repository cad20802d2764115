"""The delegation page, for the office of the task's plan's jurisdiction: the children with the
ones the task names proposed, those done linked to their copy; the rules are in
programmes.delegation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qualitycity.errors import form_apply
from responsibilities.models import Jurisdiction

from . import delegation
from .access import require_office_of_plan
from .delegation_forms import DelegateForm
from .models import Task


def _task_get_for_office(*, user, pk: int) -> Task:
    """The task, if the user is the office of its plan's jurisdiction; 404 if they cannot see
    it, 403 if they see it without being its office (a leader, a liaison, an office above)."""
    task = get_object_or_404(Task.objects.for_user(user).select_related("plan__jurisdiction"), pk=pk)
    require_office_of_plan(task.plan, user)
    return task


@login_required
def task_delegate(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_get_for_office(user=request.user, pk=pk)
    done = delegation.task_delegations(task)
    children = Jurisdiction.objects.filter(parent_id=task.plan.jurisdiction_id).order_by("name")
    open_children = children.exclude(pk__in=list(done))
    proposed = [j.pk for j in delegation.delegation_proposals(task) if j.pk not in done]
    form = DelegateForm(request.POST or None, children=open_children, initial={"jurisdictions": proposed})
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["jurisdictions"])
        made = form_apply(
            form,
            lambda: delegation.task_delegate(task=task, jurisdictions=chosen, actor=request.user),
        )
        if made is not None:
            messages.success(request, _("已下发至%s") % "、".join(j.name for j in chosen))
            url = reverse("programmes:plan_edit", args=[task.plan_id])
            return redirect(f"{url}#task-{task.pk}")
    status = 400 if request.method == "POST" else 200
    context = {
        "task": task,
        "plan": task.plan,
        "form": form,
        "done": sorted(done.values(), key=lambda d: d.jurisdiction.name),
        "has_children": children.exists(),
    }
    return render(request, "programmes/delegation/task_delegate.html", context, status=status)
