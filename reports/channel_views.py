"""The channel pages: 通知方式 (everyone chooses how the portal reaches them), 群机器人 (the
office's 政务钉钉 and 企业微信 robots, with a test message) and 发送记录 (the office's delivery
log). Thin views: one access call, one service, a page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qualitycity.errors import ApplicationError, form_refused
from qualitycity.params import QueryRequestConfig

from . import channel_services
from .channel_forms import DeliveryFilter, PreferenceForm, RobotEditForm, RobotForm
from .channel_selectors import (
    channel_jurisdiction_for_office,
    delivery_log,
    preference_for_user,
    reach_for_users,
    robot_departments,
    robot_get_for_office,
    robots_of_jurisdiction,
)
from .channel_tables import DeliveryTable
from .channels import mask_phone
from .models import Channel

CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.DINGTALK, Channel.WECOM)


@login_required
@require_http_methods(["GET", "POST"])
def channel_preferences(request: HttpRequest) -> HttpResponse:
    """A person's channels: each shown with where it reaches them, or disabled with why not."""
    reach = reach_for_users([request.user])[request.user.pk]
    preference = preference_for_user(request.user)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                channel_services.preference_save(actor=request.user, reach=reach, **form.cleaned_data)
            except ApplicationError as exc:
                form_refused(form, exc)
                status = exc.status
            else:
                messages.success(request, _("通知方式已保存"))
                return redirect("reports:channel_preferences")
        else:
            status = 400
    else:
        form = PreferenceForm(initial={str(c): getattr(preference, str(c)) for c in CHANNELS})
    where = {
        Channel.EMAIL: reach.email,
        Channel.SMS: mask_phone(reach.mobile) if reach.mobile else "",
        Channel.DINGTALK: "、".join(r.name for r in reach.robots.get(Channel.DINGTALK, [])),
        Channel.WECOM: "、".join(r.name for r in reach.robots.get(Channel.WECOM, [])),
    }
    rows = [
        {"field": form[str(c)], "label": c.label, "where": where[c], "why_not": reach.why_not(c)}
        for c in CHANNELS
    ]
    return render(
        request,
        "reports/channels/preferences.html",
        {"form": form, "rows": rows, "reach": reach},
        status=status,
    )


def _robots_page(request, jurisdiction, *, form, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reports/channels/robots.html",
        {
            "jurisdiction": jurisdiction,
            "robots": list(robots_of_jurisdiction(jurisdiction=jurisdiction)),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def robot_list(request: HttpRequest) -> HttpResponse:
    """The office's robots and its own departments', with the form that adds one."""
    jurisdiction = channel_jurisdiction_for_office(
        user=request.user, pk=request.GET.get("jurisdiction") or request.POST.get("jurisdiction")
    )
    departments = robot_departments(jurisdiction=jurisdiction)
    if request.method != "POST":
        return _robots_page(request, jurisdiction, form=RobotForm(departments=departments))
    form = RobotForm(request.POST, departments=departments)
    if not form.is_valid():
        return _robots_page(request, jurisdiction, form=form, status=400)
    try:
        robot = channel_services.robot_create(
            actor=request.user, jurisdiction=jurisdiction, **form.cleaned_data
        )
    except ApplicationError as exc:
        form_refused(form, exc)
        return _robots_page(request, jurisdiction, form=form, status=exc.status)
    messages.success(request, _("已添加群机器人：%(name)s") % {"name": robot.name})
    return redirect(f"{reverse('reports:robot_list')}?jurisdiction={jurisdiction.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    robot = robot_get_for_office(user=request.user, pk=pk)
    departments = robot_departments(jurisdiction=robot.jurisdiction)
    status = 200
    if request.method == "POST":
        form = RobotEditForm(request.POST, departments=departments)
        if form.is_valid():
            try:
                channel_services.robot_update(actor=request.user, robot=robot, **form.cleaned_data)
            except ApplicationError as exc:
                form_refused(form, exc)
                status = exc.status
            else:
                messages.success(request, _("群机器人已保存"))
                return redirect(f"{reverse('reports:robot_list')}?jurisdiction={robot.jurisdiction_id}")
        else:
            status = 400
    else:
        form = RobotEditForm(
            departments=departments,
            initial={
                "department": robot.department_id,
                "kind": robot.kind,
                "name": robot.name,
                "webhook_url": robot.webhook_url,
                "is_active": robot.is_active,
            },
        )
    return render(request, "reports/channels/robot_edit.html", {"robot": robot, "form": form}, status=status)


@login_required
@require_POST
def robot_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    robot = robot_get_for_office(user=request.user, pk=pk)
    channel_services.robot_deactivate(actor=request.user, robot=robot)
    messages.success(request, _("已停用群机器人：%(name)s") % {"name": robot.name})
    return redirect(f"{reverse('reports:robot_list')}?jurisdiction={robot.jurisdiction_id}")


@login_required
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queues a test message to the robot's group; how it went shows in the delivery log."""
    robot = robot_get_for_office(user=request.user, pk=pk)
    reach = reach_for_users([request.user])[request.user.pk]
    try:
        channel_services.robot_test(actor=request.user, robot=robot, mobile=reach.mobile)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("测试消息已排队发送，结果见发送记录"))
    return redirect(f"{reverse('reports:robot_list')}?jurisdiction={robot.jurisdiction_id}")


@login_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    """The jurisdiction's delivery log, newest first, filtered by status and channel."""
    jurisdiction = channel_jurisdiction_for_office(user=request.user, pk=request.GET.get("jurisdiction"))
    log_filter = DeliveryFilter(request.GET, queryset=delivery_log(jurisdiction=jurisdiction))
    table = DeliveryTable(log_filter.qs)
    QueryRequestConfig(request).configure(table)
    return render(
        request,
        "reports/channels/deliveries.html",
        {"jurisdiction": jurisdiction, "filter": log_filter, "table": table},
    )
