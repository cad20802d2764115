"""Who hears about what: in-app notifications, and deliveries by e-mail, SMS and group robots
queued for the worker after the change commits (reports.channels sends them)."""

from __future__ import annotations

from functools import partial

from celery import current_app
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Membership, Role

from .channel_selectors import preferences_for_users, reach_for_users
from .models import Channel, Delivery, DepartmentReport, Notification

EVENTS = {
    # event: (who is told, title)
    "submitted": ({Role.DEPARTMENT_HEAD}, _("%(report)s 已由联络员提交，请审签")),
    "signed_off": ({Role.OFFICE_ADMIN, Role.OFFICE_REVIEWER}, _("%(report)s 已审签，待质强办审核")),
    "sent_back": ({Role.LIAISON}, _("%(report)s 被单位负责人退回修改")),
    "returned": ({Role.LIAISON}, _("%(report)s 被质强办退回，请按意见修改后重新提交")),
    "approved": ({Role.LIAISON, Role.DEPARTMENT_HEAD}, _("%(report)s 已审核通过")),
}


def recipients(*, report: DepartmentReport, roles: set[str]):
    office_roles = roles & Role.office_roles()
    department_roles = roles & Role.department_roles()
    memberships = Membership.objects.filter(is_active=True, user__is_active=True).select_related("user")
    by_department = memberships.filter(department_id=report.department_id, role__in=department_roles)
    by_office = memberships.filter(jurisdiction_id=report.period.jurisdiction_id, role__in=office_roles)
    users = {m.user for m in by_department} | {m.user for m in by_office}
    return sorted(users, key=lambda u: u.pk)


def notify(
    *,
    users,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    jurisdiction=None,
) -> int:
    """Each user gets the message once in the portal, and a delivery row on each channel they
    chose that reaches them, queued for the worker once the caller's transaction commits (a
    rolled-back change sends nothing, and the page never waits on a channel); a dedupe key
    makes a repeated reminder a no-op."""
    users = list(users)
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    preferences = preferences_for_users(users)
    reaches = reach_for_users(users, jurisdiction_id=jurisdiction_id)
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
                )
        except IntegrityError:
            continue
        sent += 1
        deliveries = deliveries_for(
            notification=notification,
            preference=preferences[user.pk],
            reach=reaches[user.pk],
            jurisdiction_id=jurisdiction_id or reaches[user.pk].home_jurisdiction_id,
        )
        for delivery in Delivery.objects.bulk_create(deliveries):
            transaction.on_commit(partial(delivery_queue, delivery.pk), robust=True)
    return sent


def deliveries_for(*, notification: Notification, preference, reach, jurisdiction_id) -> list[Delivery]:
    """One delivery per chosen channel that reaches the person: e-mail to the account's
    address, SMS to a mobile on file, and one post per group robot of their department (or
    office) of each chosen kind, @-mentioning their mobile."""
    rows = []

    def row(channel, address, robot=None):
        rows.append(
            Delivery(
                notification=notification,
                jurisdiction_id=robot.jurisdiction_id if robot is not None else jurisdiction_id,
                channel=channel,
                robot=robot,
                address=address[:200],
            )
        )

    if preference.email and not reach.why_not(Channel.EMAIL):
        row(Channel.EMAIL, reach.email)
    if preference.sms and not reach.why_not(Channel.SMS):
        row(Channel.SMS, reach.mobile)
    for channel in (Channel.DINGTALK, Channel.WECOM):
        if getattr(preference, channel):
            for robot in reach.robots.get(channel, []):
                row(channel, reach.mobile or "", robot)
    return rows


def delivery_queue(delivery_id: int) -> None:
    """Hands one delivery to the worker (reports.tasks.deliver, looked up by name: the tasks
    module imports the reminders, which notify)."""
    current_app.tasks["reports.tasks.deliver"].delay(delivery_id)


def notify_report_event(*, report_id: int, event: str, comment: str = "") -> int:
    report = DepartmentReport.objects.select_related("period", "department").get(pk=report_id)
    roles, title = EVENTS[event]
    return notify(
        users=recipients(report=report, roles=roles),
        kind=f"report.{event}",
        title=title % {"report": report},
        body=comment,
        url=reverse("reports:report_detail", args=[report.pk]),
        jurisdiction=report.period.jurisdiction_id,
    )
