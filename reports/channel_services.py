"""Changing the channels: a person's choice of channels, and the office's group robots (add,
edit, deactivate, send a test message). Each change is one transaction with an audit row; a
test message is queued for the worker after it commits."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError
from responsibilities.models import Department, Jurisdiction
from responsibilities.selectors import user_home_jurisdiction
from responsibilities.services import audit_record

from .channel_selectors import Reach
from .channels import is_web_address
from .models import Channel, Delivery, GroupRobot, Notification, NotificationPreference
from .notifications import delivery_queue

NAME_REQUIRED = gettext_lazy("群名称：请填写")
NAME_TOO_LONG = gettext_lazy("群名称：不能超过%(max)s个字")
URL_NOT_WEB = gettext_lazy("Webhook 地址：须为以 http:// 或 https:// 开头的网址")
URL_TOO_LONG = gettext_lazy("Webhook 地址：不能超过%(max)s个字符")
SECRET_TOO_LONG = gettext_lazy("加签密钥：不能超过%(max)s个字符")
BAD_KIND = gettext_lazy("渠道：请选择政务钉钉或企业微信")
OTHER_DEPARTMENT = gettext_lazy("部门：请选择本行政区的部门")
ROBOT_INACTIVE = gettext_lazy("群机器人已停用，启用后才能发送测试消息")
CANNOT_REACH = gettext_lazy("%(channel)s：%(reason)s，不能选择")

ROBOT_KINDS = (Channel.DINGTALK, Channel.WECOM)
NAME_MAX, URL_MAX, SECRET_MAX = 100, 500, 200


def _robot_fields(
    *,
    jurisdiction: Jurisdiction,
    department: Department | None,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str,
) -> dict:
    """A robot's fields checked: its department is one of the jurisdiction's, its webhook an
    http(s) address, its name and secret within their lengths."""
    name, webhook_url, secret = name.strip(), webhook_url.strip(), secret.strip()
    if kind not in ROBOT_KINDS:
        raise ApplicationError(BAD_KIND, field="kind")
    if department is not None and department.jurisdiction_id != jurisdiction.pk:
        raise ApplicationError(OTHER_DEPARTMENT, field="department")
    if not name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(NAME_TOO_LONG % {"max": NAME_MAX}, field="name")
    if len(webhook_url) > URL_MAX:
        raise ApplicationError(URL_TOO_LONG % {"max": URL_MAX}, field="webhook_url")
    if not is_web_address(webhook_url) or any(c.isspace() or ord(c) < 32 for c in webhook_url):
        raise ApplicationError(URL_NOT_WEB, field="webhook_url")
    if len(secret) > SECRET_MAX:
        raise ApplicationError(SECRET_TOO_LONG % {"max": SECRET_MAX}, field="secret")
    return {
        "department": department,
        "kind": kind,
        "name": name,
        "webhook_url": webhook_url,
        "secret": secret,
    }


def _summary(robot: GroupRobot) -> str:
    place = robot.department.name if robot.department_id else _("质强办")
    return f"{place} {robot.get_kind_display()} {robot.name}"


def _state(robot: GroupRobot) -> dict:
    """What the audit keeps of a robot: never the secret, only whether there is one."""
    return {
        "department": robot.department_id,
        "kind": robot.kind,
        "name": robot.name,
        "webhook_url": robot.webhook_url,
        "signed": bool(robot.secret),
        "is_active": robot.is_active,
    }


@transaction.atomic
def robot_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    department: Department | None,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str = "",
) -> GroupRobot:
    """The office adds a group robot for itself or one of its departments."""
    fields = _robot_fields(
        jurisdiction=jurisdiction,
        department=department,
        kind=kind,
        name=name,
        webhook_url=webhook_url,
        secret=secret,
    )
    robot = GroupRobot.objects.create(jurisdiction=jurisdiction, **fields)
    audit_record(
        actor=actor,
        action="robot.create",
        obj=robot,
        jurisdiction=jurisdiction,
        summary=_("新增群机器人：%(robot)s") % {"robot": _summary(robot)},
        after=_state(robot),
    )
    return robot


@transaction.atomic
def robot_update(
    *,
    actor,
    robot: GroupRobot,
    department: Department | None,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str = "",
    clear_secret: bool = False,
    is_active: bool = True,
) -> GroupRobot:
    """The office edits a robot; a blank secret keeps the one on file unless it is cleared."""
    robot = (
        GroupRobot.objects.select_for_update(of=("self",))
        .select_related("department", "jurisdiction")
        .get(pk=robot.pk)
    )
    before = _state(robot)
    fields = _robot_fields(
        jurisdiction=robot.jurisdiction,
        department=department,
        kind=kind,
        name=name,
        webhook_url=webhook_url,
        secret=secret,
    )
    if not fields["secret"] and not clear_secret:
        fields["secret"] = robot.secret
    for key, value in fields.items():
        setattr(robot, key, value)
    robot.is_active = is_active
    robot.save(update_fields=[*fields, "is_active"])
    audit_record(
        actor=actor,
        action="robot.update",
        obj=robot,
        jurisdiction=robot.jurisdiction,
        summary=_("修改群机器人：%(robot)s") % {"robot": _summary(robot)},
        before=before,
        after=_state(robot),
    )
    return robot


@transaction.atomic
def robot_deactivate(*, actor, robot: GroupRobot) -> GroupRobot:
    """The office stops a robot: nothing more is posted to its group (pending posts fail)."""
    robot = (
        GroupRobot.objects.select_for_update(of=("self",))
        .select_related("department", "jurisdiction")
        .get(pk=robot.pk)
    )
    if robot.is_active:
        robot.is_active = False
        robot.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="robot.deactivate",
            obj=robot,
            jurisdiction=robot.jurisdiction,
            summary=_("停用群机器人：%(robot)s") % {"robot": _summary(robot)},
        )
    return robot


@transaction.atomic
def robot_test(*, actor, robot: GroupRobot, mobile: str | None) -> Delivery:
    """A test message to the robot's group, @-mentioning the office user who asked, queued for
    the worker and logged like any other delivery."""
    if not robot.is_active:
        raise ApplicationError(ROBOT_INACTIVE)
    notification = Notification.objects.create(
        user=actor,
        kind="channel.test",
        title=_("【测试消息】质量强市工作平台群机器人：%(name)s") % {"name": robot.name},
        body=_("收到本消息说明群机器人设置正确。"),
    )
    delivery = Delivery.objects.create(
        notification=notification,
        jurisdiction=robot.jurisdiction,
        channel=robot.kind,
        robot=robot,
        address=mobile or "",
    )
    audit_record(
        actor=actor,
        action="robot.test",
        obj=robot,
        jurisdiction=robot.jurisdiction,
        summary=_("发送测试消息：%(robot)s") % {"robot": _summary(robot)},
    )
    transaction.on_commit(partial(delivery_queue, delivery.pk), robust=True)
    return delivery


@transaction.atomic
def preference_save(*, actor, reach: Reach, email: bool, sms: bool, dingtalk: bool, wecom: bool):
    """A person chooses their channels; one that cannot reach them is refused, saying why."""
    chosen = {Channel.EMAIL: email, Channel.SMS: sms, Channel.DINGTALK: dingtalk, Channel.WECOM: wecom}
    for channel, on in chosen.items():
        reason = reach.why_not(channel)
        if on and reason:
            raise ApplicationError(
                CANNOT_REACH % {"channel": Channel(channel).label, "reason": reason}, field=str(channel)
            )
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    before = {str(c): getattr(preference, str(c)) for c in chosen}
    for channel, on in chosen.items():
        setattr(preference, str(channel), on)
    preference.save()
    after = {str(c): on for c, on in chosen.items()}
    if before != after or _created:
        labels = "、".join(str(Channel(c).label) for c, on in chosen.items() if on) or _("仅站内通知")
        audit_record(
            actor=actor,
            action="channel.preference",
            obj=preference,
            jurisdiction=user_home_jurisdiction(actor),
            summary=_("设置通知方式：%(channels)s") % {"channels": labels},
            before=before,
            after=after,
        )
    return preference
