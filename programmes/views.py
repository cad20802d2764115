from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qualitycity.params import QueryRequestConfig

from .access import department_get_for_user, plan_get_for_user, user_may_import_plans
from .filters import PlanFilter
from .selectors import department_tasks, departments_for_user, plan_tree, plans_for_user
from .tables import PlanTable


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plan_filter = PlanFilter(request.GET, queryset=plans_for_user(user=request.user))
    table = PlanTable(plan_filter.qs)
    QueryRequestConfig(request).configure(table)
    can_import = user_may_import_plans(user=request.user)
    return render(
        request,
        "programmes/plan_list.html",
        {"filter": plan_filter, "table": table, "can_import": can_import},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, pk=pk)
    nodes = plan_tree(plan=plan)
    task_count = sum(1 for node in nodes if node.kind == "task")
    target_count = sum(len(node.item.targets.all()) for node in nodes if node.kind == "task")
    # A plan with its own 附件 table exports that table by default; the whole plan is the option.
    has_appendix = any(node.kind == "task" and (node.item.path or [""])[0] == "附件" for node in nodes)
    context = {
        "plan": plan,
        "nodes": nodes,
        "task_count": task_count,
        "target_count": target_count,
        "has_appendix": has_appendix,
    }
    return render(request, "programmes/plan_detail.html", context)


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = departments_for_user(user=request.user)
    return render(request, "programmes/department_list.html", {"departments": departments})


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = department_get_for_user(user=request.user, pk=pk)
    tasks = list(department_tasks(department=department))
    return render(request, "programmes/department_detail.html", {"department": department, "tasks": tasks})
