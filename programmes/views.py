import dataclasses

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from qualitycity.params import QueryRequestConfig
from responsibilities.scope import user_scope

from .access import department_get_for_user, plan_get_for_user, user_may_import_plans
from .cache import PlanPage, plan_page_get
from .filters import PlanFilter
from .selectors import department_tasks, departments_for_user, plan_figures, plan_tree, plans_for_user
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
    """The plan as a reference document: its tree is the same for everyone who may see the plan,
    rendered once per state of the plan and of its jurisdiction's departments and indicators
    (programmes.cache); the office block above it is the user's own."""
    plan = plan_get_for_user(user=request.user, pk=pk)
    page = plan_page_get(plan=plan, build=lambda stamp: _plan_page_build(plan, stamp))
    context = {
        "plan": plan,
        "page": page,
        "tree": mark_safe(page.tree),  # noqa: S308  # nosec B308 B703 - our own rendered template
        "can_edit": user_scope(request.user).is_office_of(plan.jurisdiction_id),
    }
    return render(request, "programmes/plan_detail.html", context)


def _plan_page_build(plan, stamp: tuple) -> PlanPage:
    nodes = plan_tree(plan=plan, milestones=True, delegations=True)
    figures = plan_figures(nodes)
    # Rendered without the request: nothing of the user's may enter what everybody is served.
    tree = render_to_string("programmes/_plan_tree.html", {"plan": plan, "nodes": nodes})
    return PlanPage(stamp=stamp, tree=tree, **dataclasses.asdict(figures))


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = departments_for_user(user=request.user)
    return render(request, "programmes/department_list.html", {"departments": departments})


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = department_get_for_user(user=request.user, pk=pk)
    tasks = list(department_tasks(department=department))
    return render(request, "programmes/department_detail.html", {"department": department, "tasks": tasks})
