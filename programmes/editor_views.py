"""The plan editor's pages, for the office of the plan's jurisdiction; the rules are in
programmes.editor, and a refusal comes back beside the form or as a message on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitycity.errors import ApplicationError, form_apply
from qualitycity.params import query_int
from responsibilities.models import Jurisdiction
from responsibilities.scope import user_scope

from . import editor
from .access import plan_get_for_office, plan_get_for_user
from .editor_forms import HeadingForm, JurisdictionChoiceForm, PlanForm, TaskForm, WithdrawForm
from .models import Delegation, Heading, Plan, PlanRevision, Task
from .revisions import revision_diff
from .selectors import plan_tree

NODE_KINDS = ("heading", "task")


def _asks_reason(plan: Plan) -> bool:
    return plan.status == Plan.Status.ACTIVE


def _reason(request: HttpRequest, plan: Plan) -> str:
    """The reason typed with this change, remembered for the office's next change to the plan."""
    reason = (request.POST.get("reason") or "").strip()[:300]
    if reason:
        request.session[f"plan-reason-{plan.pk}"] = reason
    return reason


def _last_reason(request: HttpRequest, plan: Plan) -> str:
    return request.session.get(f"plan-reason-{plan.pk}", "")


def _editor_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("programmes:plan_edit", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


# Plans ---------------------------------------------------------------------------------------


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    jurisdictions = (
        Jurisdiction.objects.all()
        if scope.is_superuser
        else Jurisdiction.objects.filter(pk__in=scope.office_jurisdiction_ids)
    )
    if not jurisdictions.exists():
        raise PermissionDenied(_("只有质强办可以新建工作方案"))
    chooser = JurisdictionChoiceForm(request.POST or None, jurisdictions=jurisdictions)
    if jurisdictions.count() == 1:
        chooser.fields["jurisdiction"].initial = jurisdictions.first()
        chooser.fields["jurisdiction"].widget = chooser.fields["jurisdiction"].hidden_widget()
    form = PlanForm(request.POST or None)
    if request.method == "POST" and chooser.is_valid() and form.is_valid():
        plan = form_apply(
            form,
            lambda: editor.plan_create(
                jurisdiction=chooser.cleaned_data["jurisdiction"], actor=request.user, data=form.cleaned_data
            ),
        )
        if plan is not None:
            messages.success(request, _("已新建方案草稿，请添加标题和任务"))
            return redirect(_editor_url(plan))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "programmes/editor/plan_form.html", {"form": form, "chooser": chooser}, status=status
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the tree with its actions, the plan's status and numbering to settle."""
    plan = plan_get_for_office(user=request.user, pk=pk)
    nodes = plan_tree(plan=plan)
    tasks = [node.item for node in nodes if node.kind == "task"]
    prefetch_related_objects(tasks, "milestones")
    prefetch_related_objects(
        [target.indicator for task in tasks for target in task.targets.all()], "reporting_department"
    )
    reported = set(Task.objects.filter(plan=plan, entries__isnull=False).values_list("pk", flat=True))
    _delegations_mark(plan, tasks)
    context = {
        "plan": plan,
        "nodes": nodes,
        "gaps": editor.numbering_gaps(plan),
        "asks_reason": _asks_reason(plan),
        "last_reason": _last_reason(request, plan),
        "reported_task_ids": reported,
        "has_reports": bool(reported),
        "read_only": plan.status == Plan.Status.ARCHIVED,
        "may_delegate": plan.status == Plan.Status.ACTIVE
        and plan.parent_plan_id is None
        and plan.jurisdiction.children.exists(),
    }
    return render(request, "programmes/editor/plan_edit.html", context)


def _delegations_mark(plan: Plan, tasks: list[Task]) -> None:
    """Each task learns, in one query, the children it was delegated to (delegated_names) or
    whether it is a copy of its parent jurisdiction's task (is_copy)."""
    names: dict[int, list[str]] = {}
    copies = set()
    rows = Delegation.objects.filter(Q(task__plan=plan) | Q(child_task__plan=plan)).values_list(
        "task__plan_id", "task_id", "child_task_id", "jurisdiction__name"
    )
    for plan_id, task_id, child_task_id, name in rows:
        if plan_id == plan.pk:
            names.setdefault(task_id, []).append(name)
        else:
            copies.add(child_task_id)
    for task in tasks:
        task.delegated_names = "、".join(sorted(names.get(task.pk, [])))
        task.is_copy = task.pk in copies


@login_required
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        ask_reason=_asks_reason(plan),
        initial={"reason": _last_reason(request, plan)},
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in editor.PLAN_FIELDS}
        if form_apply(
            form,
            lambda: editor.plan_update(
                plan=plan, actor=request.user, data=data, reason=_reason(request, plan)
            ),
        ):
            messages.success(request, _("已保存方案信息"))
            return redirect(_editor_url(plan))
    status = 400 if request.method == "POST" else 200
    return render(request, "programmes/editor/plan_form.html", {"form": form, "plan": plan}, status=status)


PLAN_STATUS_CHANGES = {
    "activate": lambda plan, user, reason: editor.plan_activate(plan=plan, actor=user),
    "archive": lambda plan, user, reason: editor.plan_archive(plan=plan, actor=user, reason=reason),
    "restore": lambda plan, user, reason: editor.plan_restore(plan=plan, actor=user, reason=reason),
}
PLAN_STATUS_DONE = {
    "activate": _("方案已开始执行"),
    "archive": _("方案已归档：不再出现在报送、看板和考核中，仍可查看"),
    "restore": _("方案已恢复执行"),
}


@login_required
@require_POST
def plan_status(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    if change not in PLAN_STATUS_CHANGES:
        raise ApplicationError(_("状态：无法识别的操作"))
    PLAN_STATUS_CHANGES[change](plan, request.user, _reason(request, plan))
    messages.success(request, PLAN_STATUS_DONE[change])
    return redirect(_editor_url(plan))


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    editor.plan_delete(plan=plan, actor=request.user)
    messages.success(request, _("已删除方案%s") % plan.title)
    return redirect("programmes:plan_list")


# Headings and tasks --------------------------------------------------------------------------


def _heading_of(plan: Plan, pk: int | None) -> Heading | None:
    return get_object_or_404(Heading, plan=plan, pk=pk) if pk else None


@login_required
def heading_form(request: HttpRequest, pk: int, heading_pk: int | None = None) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    heading = _heading_of(plan, heading_pk)
    parent = _heading_of(plan, query_int(request.GET, "parent"))
    initial = {"reason": _last_reason(request, plan)}
    if heading is None:
        initial.update(parent=parent, number=editor.suggested_number(plan, parent, kind="heading"))
    else:
        initial.update(number=heading.number, title=heading.title, parent=heading.parent_id)
    form = HeadingForm(
        request.POST or None, plan=plan, item=heading, ask_reason=_asks_reason(plan), initial=initial
    )
    return _node_page(request, plan, form, heading, "heading", save=editor.heading_save)


@login_required
def task_form(request: HttpRequest, pk: int, task_pk: int | None = None) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    task = get_object_or_404(Task, plan=plan, pk=task_pk) if task_pk else None
    if task is not None and task.is_withdrawn:
        raise ApplicationError(_("任务：该任务已撤销，不能修改；如需恢复请先恢复任务"))
    initial = {"reason": _last_reason(request, plan)}
    if task is None:
        heading = _heading_of(plan, query_int(request.GET, "heading"))
        initial.update(heading=heading, number=editor.suggested_number(plan, heading, kind="task"))
    delegated = task is not None and Delegation.objects.filter(child_task=task).exists()
    form = TaskForm(
        request.POST or None,
        plan=plan,
        item=task,
        ask_reason=_asks_reason(plan),
        initial=initial,
        delegated=delegated,
    )
    return _node_page(request, plan, form, task, "task", save=editor.task_save, delegated=delegated)


NODE_SAVED = {"heading": (_("已保存标题%s"), "h"), "task": (_("已保存任务%s"), "task-")}


def _node_page(
    request: HttpRequest, plan: Plan, form, item, kind: str, *, save, delegated: bool = False
) -> HttpResponse:
    """A heading's or task's form: saved through the editor (back to the tree at the item), or
    shown again with the refusal beside the field it names."""
    if request.method == "POST" and form.is_valid():
        saved = form_apply(
            form,
            lambda: save(
                plan=plan,
                actor=request.user,
                data=form.cleaned_data,
                reason=_reason(request, plan),
                **{kind: item},
            ),
        )
        if saved is not None:
            done, anchor = NODE_SAVED[kind]
            messages.success(request, done % saved)
            return redirect(_editor_url(plan, f"{anchor}{saved.pk}"))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "plan": plan, "item": item, "kind": kind, "delegated": delegated}
    return render(request, "programmes/editor/node_form.html", context, status=status)


@login_required
@require_POST
def node_move(request: HttpRequest, pk: int, kind: str, node_pk: int, step: str) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    if kind not in NODE_KINDS or step not in ("up", "down"):
        raise Http404
    editor.node_move(
        plan=plan,
        actor=request.user,
        kind=kind,
        pk=node_pk,
        step=-1 if step == "up" else 1,
        reason=_reason(request, plan),
    )
    return redirect(_editor_url(plan, f"h{node_pk}" if kind == "heading" else f"task-{node_pk}"))


@login_required
@require_POST
def renumber(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    parent = _heading_of(plan, query_int(request.GET, "parent"))
    editor.renumber(plan=plan, actor=request.user, parent=parent, reason=_reason(request, plan))
    messages.success(request, _("已重新编号"))
    return redirect(_editor_url(plan, f"h{parent.pk}" if parent else ""))


@login_required
@require_POST
def node_delete(request: HttpRequest, pk: int, kind: str, node_pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    if kind not in NODE_KINDS:
        raise Http404
    if kind == "heading":
        heading = get_object_or_404(Heading, plan=plan, pk=node_pk)
        editor.heading_delete(plan=plan, actor=request.user, heading=heading, reason=_reason(request, plan))
    else:
        task = get_object_or_404(Task, plan=plan, pk=node_pk)
        editor.task_delete(plan=plan, actor=request.user, task=task, reason=_reason(request, plan))
    messages.success(request, _("已删除"))
    return redirect(_editor_url(plan))


@login_required
def task_withdraw(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    task = get_object_or_404(Task, plan=plan, pk=task_pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if form_apply(
            form, lambda: editor.task_withdraw(plan=plan, actor=request.user, task=task, reason=reason)
        ):
            messages.success(request, _("已撤销任务%s，历史报送保留") % task)
            return redirect(_editor_url(plan, f"task-{task.pk}"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programmes/editor/task_withdraw.html",
        {"form": form, "plan": plan, "task": task},
        status=status,
    )


@login_required
@require_POST
def task_reinstate(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_get_for_office(user=request.user, pk=pk)
    task = get_object_or_404(Task, plan=plan, pk=task_pk)
    editor.task_reinstate(plan=plan, actor=request.user, task=task, reason=_reason(request, plan))
    messages.success(request, _("已恢复任务%s") % task)
    return redirect(_editor_url(plan, f"task-{task.pk}"))


# Revisions -----------------------------------------------------------------------------------


@login_required
def plan_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's revisions, and the difference between any two of them (everyone who reads
    the plan may read its history)."""
    plan = plan_get_for_user(user=request.user, pk=pk)
    revisions = list(plan.revisions.select_related("author").defer("snapshot"))
    numbers = [r.number for r in revisions]
    older = query_int(request.GET, "a", low=0)
    newer = query_int(request.GET, "b", low=0)
    if newer not in numbers and numbers:
        newer = numbers[0]
    if older not in numbers and len(numbers) > 1:
        older = numbers[1]
    changes = None
    if older is not None and newer is not None and older != newer:
        pair = {
            r.number: r.snapshot for r in PlanRevision.objects.filter(plan=plan, number__in=[older, newer])
        }
        changes = revision_diff(pair[min(older, newer)], pair[max(older, newer)])
        older, newer = min(older, newer), max(older, newer)
    context = {"plan": plan, "revisions": revisions, "older": older, "newer": newer, "changes": changes}
    return render(request, "programmes/editor/plan_revisions.html", context)
