"""The channels a notification leaves the portal by: e-mail, a 政务钉钉 or 企业微信 group robot,
and the SMS gateway; and sending one queued delivery (the Celery task's body).

Each sender posts once and raises ChannelError on anything but a clear success: a status that
is not 2xx, a robot's errcode other than 0, a timeout (settings.CHANNEL_TIMEOUT_SECONDS) or an
unreachable host. Only the standard library speaks HTTP here (requests is a test dependency).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, Delivery, GroupRobot, Notification

log = logging.getLogger(__name__)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
ERROR_LENGTH = 300  # Delivery.last_error


class ChannelError(Exception):
    """A channel did not take the message; the text says what it answered (kept in the log)."""


# Addresses -------------------------------------------------------------------------------------


def mobile_number(phone: str) -> str | None:
    """A Chinese mobile number from a phone as written on file (138 1234 5678, +86-138…), or
    None for a landline or anything else: SMS and a robot's @ need a mobile number."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    digits = re.sub(r"^(\+?86)", "", digits) if len(digits) > 11 else digits
    return digits if MOBILE.match(digits) else None


def mask_phone(value: str) -> str:
    """A phone number as the log shows it: 138****5678; anything else unchanged."""
    mobile = mobile_number(value)
    if mobile is None:
        return value
    return f"{mobile[:3]}****{mobile[-4:]}"


def is_web_address(url: str) -> bool:
    """Only http(s) addresses with a host are posted to (never file:, javascript: or ftp:)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


# HTTP ------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is a failure, not a reason to post somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post_json(url: str, body: bytes, *, headers: dict | None = None) -> dict:
    """POSTs a JSON body and returns the JSON answer ({} for an empty one); anything but a 2xx
    answer within the timeout raises ChannelError."""
    if not is_web_address(url):
        raise ChannelError(_("地址不是 http(s) 网址"))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    timeout = settings.CHANNEL_TIMEOUT_SECONDS
    try:
        with _OPENER.open(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(_("对方返回 HTTP %(status)s") % {"status": exc.code}) from exc
    except TimeoutError as exc:
        raise ChannelError(_("%(seconds)s秒内无应答（超时）") % {"seconds": timeout}) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ChannelError(_("%(seconds)s秒内无应答（超时）") % {"seconds": timeout}) from exc
        raise ChannelError(_("无法连接：%(reason)s") % {"reason": exc.reason}) from exc
    except OSError as exc:
        raise ChannelError(_("无法连接：%(reason)s") % {"reason": exc}) from exc
    if not 200 <= status < 300:
        raise ChannelError(_("对方返回 HTTP %(status)s") % {"status": status})
    if not raw.strip():
        return {}
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _robot_answer(answer: dict) -> None:
    """DingTalk and WeCom answer 200 with errcode ≠ 0 when they refuse the message."""
    errcode = answer.get("errcode", 0)
    if errcode not in (0, "0"):
        raise ChannelError(
            _("机器人返回错误 %(code)s：%(message)s")
            % {"code": errcode, "message": str(answer.get("errmsg", ""))[:200]}
        )


# Senders ---------------------------------------------------------------------------------------


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: Base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_url(*, webhook_url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot's webhook with &timestamp=…&sign=… when it has a secret."""
    if not secret:
        return webhook_url
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    joiner = "&" if urlsplit(webhook_url).query else "?"
    return f"{webhook_url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret=secret, timestamp_ms=timestamp_ms)}"


def dingtalk_send(*, robot: GroupRobot, text: str, mobiles: list[str]) -> None:
    """A text message to a 政务钉钉 group, @-mentioning the people by mobile number."""
    content = text + "".join(f" @{m}" for m in mobiles)
    payload = {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": mobiles}}
    url = dingtalk_url(webhook_url=robot.webhook_url, secret=robot.secret)
    _robot_answer(_post_json(url, _json(payload)))


def wecom_send(*, robot: GroupRobot, text: str, mobiles: list[str]) -> None:
    """A text message to a 企业微信 group (the key is in the webhook), mentioning by mobile."""
    payload = {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}}
    _robot_answer(_post_json(robot.webhook_url, _json(payload)))


def sms_signature(*, key: str, body: bytes) -> str:
    """The gateway's X-Signature: hex HMAC-SHA256 of the request body with the shared key."""
    return hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def sms_configured() -> bool:
    return is_web_address(settings.SMS_GATEWAY_URL)


def sms_send(*, phone: str, text: str) -> None:
    """A text message through the SMS gateway: JSON {phone, text, sign_name, timestamp}, signed."""
    if not sms_configured():
        raise ChannelError(_("未配置短信网关"))
    body = _json(
        {
            "phone": phone,
            "text": text,
            "sign_name": settings.SMS_GATEWAY_SIGN_NAME,
            "timestamp": int(time.time()),
        }
    )
    _post_json(
        settings.SMS_GATEWAY_URL,
        body,
        headers={"X-Signature": sms_signature(key=settings.SMS_GATEWAY_KEY, body=body)},
    )


def email_send(*, address: str, subject: str, text: str) -> None:
    try:
        send_mail(subject, text, None, [address])
    except OSError as exc:  # smtplib's errors are OSErrors, as are refused connections
        raise ChannelError(_("邮件发送失败：%(reason)s") % {"reason": exc}) from exc


# A delivery ------------------------------------------------------------------------------------


def message_text(notification: Notification) -> str:
    """What a person reads outside the portal: the title, the body, and the link back."""
    link = f"{settings.PORTAL_URL}{notification.url}" if notification.url else ""
    return "\n".join(part for part in (notification.title, notification.body, link) if part)


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    text = message_text(notification)
    if delivery.channel == Channel.EMAIL:
        email_send(address=delivery.address, subject=notification.title, text=text)
    elif delivery.channel == Channel.SMS:
        sms_send(phone=delivery.address, text=text)
    elif delivery.channel in (Channel.DINGTALK, Channel.WECOM):
        robot = delivery.robot
        if robot is None or not robot.is_active:
            raise ChannelError(_("群机器人已停用或已删除"))
        mobiles = [delivery.address] if mobile_number(delivery.address) else []
        sender = dingtalk_send if robot.kind == Channel.DINGTALK else wecom_send
        sender(robot=robot, text=text, mobiles=mobiles)
    else:
        raise ChannelError(_("未知渠道：%(channel)s") % {"channel": delivery.channel})


def delivery_send(*, delivery_id: int, final: bool = True) -> str:
    """A pending delivery is sent once: the row is locked while it is sent, so a message handed
    out twice finds it sent and stops; each try is counted with its error, and a failure on the
    final try marks it failed (earlier ones raise ChannelError for the task to retry)."""
    error: ChannelError | None = None
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return "gone"
        if delivery.status != Delivery.Status.PENDING:
            return delivery.status
        delivery.attempts += 1
        try:
            _send(delivery)
        except ChannelError as exc:
            error = exc
            delivery.last_error = str(exc)[:ERROR_LENGTH]
            if final:
                delivery.status = Delivery.Status.FAILED
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        delivery.save(update_fields=["attempts", "status", "last_error", "sent_at"])
    if error is None:
        return Delivery.Status.SENT
    log.warning("通知发送失败（第%s次）：delivery %s %s", delivery.attempts, delivery_id, error)
    if not final:
        raise error
    return Delivery.Status.FAILED
