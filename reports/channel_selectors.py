"""Who the channels reach and who may manage them: a person's reach (e-mail, mobile, the group
robots of their department or office), the office's robots and delivery log, and the access
checks of the 通知方式, 群机器人 and 发送记录 pages.

The office of a jurisdiction manages its robots and reads its log; anyone else in the
jurisdiction is refused (403), and a robot of another jurisdiction does not exist for them (404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from responsibilities.models import Department, Jurisdiction, Membership, Role
from responsibilities.scope import office_jurisdiction_for_user, user_scope

from .channels import mobile_number, sms_configured
from .models import Channel, Delivery, GroupRobot, NotificationPreference

OFFICE_MANAGES_CHANNELS = _("只有本地质强办可以管理群机器人和查看发送记录")


# A person's reach ------------------------------------------------------------------------------


@dataclass
class Reach:
    """Where the portal can reach one person outside it, and why a channel cannot."""

    email: str = ""
    phone: str = ""  # as on file
    mobile: str | None = None  # the mobile number in it, if any
    robots: dict[str, list[GroupRobot]] = field(default_factory=lambda: defaultdict(list))
    sms_available: bool = False
    home_jurisdiction_id: int | None = None  # the first active role's, for the log

    def why_not(self, channel: str) -> str:
        """Why a channel cannot reach the person ('' when it can)."""
        if channel == Channel.EMAIL and not self.email:
            return str(_("账号未登记电子邮箱"))
        if channel == Channel.SMS:
            if not self.sms_available:
                return str(_("本平台未配置短信网关"))
            if not self.phone:
                return str(_("未登记联系电话"))
            if self.mobile is None:
                return str(_("登记的联系电话不是手机号"))
        if channel in (Channel.DINGTALK, Channel.WECOM) and not self.robots.get(channel):
            return str(
                _("所在部门（或质强办）尚未设置%(channel)s群机器人") % {"channel": Channel(channel).label}
            )
        return ""


def _memberships_by_user(user_ids) -> dict[int, list[Membership]]:
    memberships = Membership.objects.filter(user_id__in=user_ids, is_active=True).order_by("pk")
    by_user: dict[int, list[Membership]] = defaultdict(list)
    for membership in memberships:
        by_user[membership.user_id].append(membership)
    return by_user


def reach_for_users(users, *, jurisdiction_id: int | None = None) -> dict[int, Reach]:
    """Each person's reach, in three queries whatever their number: the e-mail on the account,
    the first mobile number on file (the jurisdiction's memberships first), and the active robots
    of their departments (liaisons, heads) or of their office (office roles), in the given
    jurisdiction if one is given."""
    users = list(users)
    by_user = _memberships_by_user([u.pk for u in users])
    relevant = {
        user_id: [m for m in rows if jurisdiction_id is None or m.jurisdiction_id == jurisdiction_id]
        for user_id, rows in by_user.items()
    }
    department_ids = {
        m.department_id for rows in relevant.values() for m in rows if m.role in Role.department_roles()
    }
    office_ids = {
        m.jurisdiction_id for rows in relevant.values() for m in rows if m.role in Role.office_roles()
    }
    robots_by_department: dict[int, list[GroupRobot]] = defaultdict(list)
    robots_by_office: dict[int, list[GroupRobot]] = defaultdict(list)
    if department_ids or office_ids:
        robots = GroupRobot.objects.filter(is_active=True).filter(
            Q(department_id__in=department_ids) | Q(department__isnull=True, jurisdiction_id__in=office_ids)
        )
        for robot in robots.order_by("pk"):
            if robot.department_id:
                robots_by_department[robot.department_id].append(robot)
            else:
                robots_by_office[robot.jurisdiction_id].append(robot)
    available = sms_configured()
    reaches = {}
    for user in users:
        rows = by_user.get(user.pk, [])
        preferred = relevant.get(user.pk, []) + [m for m in rows if m not in relevant.get(user.pk, [])]
        phone = next((m.phone for m in preferred if mobile_number(m.phone)), "") or next(
            (m.phone for m in preferred if m.phone), ""
        )
        reach = Reach(
            email=user.email,
            phone=phone,
            mobile=mobile_number(phone),
            sms_available=available,
            home_jurisdiction_id=rows[0].jurisdiction_id if rows else None,
        )
        seen = set()
        for membership in relevant.get(user.pk, []):
            if membership.role in Role.department_roles():
                found = robots_by_department.get(membership.department_id, [])
            elif membership.role in Role.office_roles():
                found = robots_by_office.get(membership.jurisdiction_id, [])
            else:
                found = []
            for robot in found:
                if robot.pk not in seen:
                    seen.add(robot.pk)
                    reach.robots[robot.kind].append(robot)
        reaches[user.pk] = reach
    return reaches


def preference_for_user(user) -> NotificationPreference:
    """The person's choice, or the default (e-mail only) if they never chose."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


def preferences_for_users(users) -> dict[int, NotificationPreference]:
    chosen = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users])}
    return {u.pk: chosen.get(u.pk) or NotificationPreference(user=u) for u in users}


# The office's pages ----------------------------------------------------------------------------


def channel_jurisdiction_for_office(*, user, pk=None) -> Jurisdiction:
    """The jurisdiction whose robots and log the user manages as its office (see
    office_jurisdiction_for_user)."""
    return office_jurisdiction_for_user(user=user, pk=pk, refused=OFFICE_MANAGES_CHANNELS)


def robot_get_for_office(*, user, pk: int) -> GroupRobot:
    """A robot the user manages as the office of its jurisdiction (404 outside the user's
    jurisdictions, 403 for anyone there who is not its office)."""
    robot = get_object_or_404(GroupRobot.objects.select_related("jurisdiction", "department"), pk=pk)
    scope = user_scope(user)
    if scope.is_office_of(robot.jurisdiction_id):
        return robot
    if scope.sees_jurisdiction(robot.jurisdiction_id):
        raise PermissionDenied(OFFICE_MANAGES_CHANNELS)
    raise Http404


def robot_departments(*, jurisdiction: Jurisdiction):
    """The departments a robot may belong to: the jurisdiction's own member units in use."""
    return Department.objects.filter(jurisdiction=jurisdiction).units().active()


def robots_of_jurisdiction(*, jurisdiction: Jurisdiction):
    """The office's robots first, then each department's, active before inactive."""
    return (
        GroupRobot.objects.filter(jurisdiction=jurisdiction)
        .select_related("department")
        .order_by("-is_active", "department__sort_order", "department__name", "kind", "name")
    )


def delivery_log(*, jurisdiction: Jurisdiction):
    """The jurisdiction's deliveries, newest first, with the person and robot in the same query."""
    return (
        Delivery.objects.filter(jurisdiction=jurisdiction)
        .select_related("notification__user", "robot")
        .order_by("-created_at", "-pk")
    )
