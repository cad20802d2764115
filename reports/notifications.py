"""Who hears about what: in-app notifications and e-mail, sent after the change commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Membership, Role

from .models import DepartmentReport, Notification

log = logging.getLogger(__name__)

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


def notify(*, users, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str = "") -> int:
    """Each user gets the message once in the portal and, with an address, by e-mail; a
    dedupe key makes a repeated reminder a no-op."""
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
                )
        except IntegrityError:
            continue
        sent += 1
        if user.email:
            try:
                send_mail(title, f"{body}\n\n{settings.PORTAL_URL}{url}".strip(), None, [user.email])
            except OSError:
                log.exception("邮件发送失败：%s", user.email)
    return sent


def notify_report_event(*, report_id: int, event: str, comment: str = "") -> int:
    report = DepartmentReport.objects.select_related("period", "department").get(pk=report_id)
    roles, title = EVENTS[event]
    return notify(
        users=recipients(report=report, roles=roles),
        kind=f"report.{event}",
        title=title % {"report": report},
        body=comment,
        url=reverse("reports:report_detail", args=[report.pk]),
    )
