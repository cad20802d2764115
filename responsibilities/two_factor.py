"""Two-factor sign-in: who must use it, enrolling an authenticator app, checking a code, and the
security administrator's reset of a lost device. Every step is in the audit trail.

A user enrols one TOTP device (an authenticator app, by QR code or key) and receives ten
single-use recovery codes (a django-otp static device). After the password, a user with a
device gives a code; a user who must have one and has none enrols before anything else
(TwoFactorMiddleware).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qualitycity.errors import ApplicationError

from .admin_roles import users_visible_to
from .models import Membership, Role
from .services import audit_record

TWO_FACTOR_SESSION_KEY = "two_factor_step"
RECOVERY_CODES = 10
TOTP_CODE = re.compile(r"^\d{6}$")
WRONG_CODE = gettext_lazy("验证码不正确或已过期，请重新输入")
TOO_MANY_TRIES = gettext_lazy("尝试次数过多，请稍后再试")
RESET_NOT_OWN = gettext_lazy("不能重置自己的双因素设备，请联系另一位安全管理员")
RESET_NOT_ALLOWED = gettext_lazy("只有本行政区的安全管理员可以重置该用户的双因素设备")


def two_factor_required(user) -> bool:
    """Superusers, the three administrators and office administrators must sign in with a second factor."""
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role__in=[*Role.admin_roles(), Role.OFFICE_ADMIN]
    ).exists()


def two_factor_step(user) -> str | None:
    """What a signed-in user must still do: "verify" a code, "enrol" a device, or nothing (None)."""
    if not getattr(user, "is_authenticated", False):
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if settings.OTP_REQUIRED and two_factor_required(user):
        return "enrol"
    return None


@receiver(user_logged_in)
def remember_step(sender, request, user, **kwargs):
    """Whether the new session must verify a code or enrol is decided once, at sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_SESSION_KEY] = two_factor_step(user)


def _session_verified(request, device) -> None:
    otp_login(request, device)
    request.session[TWO_FACTOR_SESSION_KEY] = None


def totp_device_pending(user) -> TOTPDevice:
    """The device being enrolled: one unconfirmed device per user, kept until confirmed, so a
    reload shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def totp_enrol_confirm(*, request, token: str) -> list[str]:
    """A code from the app confirms the pending device, replaces any earlier one and signs the
    session in as verified; the ten new recovery codes are returned to be shown once."""
    # A refusal is raised after the transaction, so the failure's audit row and the device's
    # throttling count are kept.
    codes, error = _totp_enrol_confirm(request=request, token=token)
    if error is not None:
        raise ApplicationError(error, field="token")
    return codes


@transaction.atomic
def _totp_enrol_confirm(*, request, token: str):
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        return [], WRONG_CODE
    if not device.verify_is_allowed()[0]:
        return [], TOO_MANY_TRIES
    if not TOTP_CODE.match(token or "") or not device.verify_token(token):
        _audit(user, "otp.enrol_failed", _("双因素绑定：验证码错误"))
        return [], WRONG_CODE
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    _session_verified(request, device)
    _audit(user, "otp.enrol", _("绑定双因素验证器，生成 %(n)s 个恢复码") % {"n": RECOVERY_CODES})
    return codes, None


def otp_verify(*, request, token: str) -> None:
    """A six-digit code checks the user's app, anything else their recovery codes (each works
    once); success marks the session verified, failure is refused and recorded."""
    error = _otp_verify(request=request, token=token)
    if error is not None:
        raise ApplicationError(error, field="token")


@transaction.atomic
def _otp_verify(*, request, token: str):
    user = request.user
    token = (token or "").strip().replace(" ", "").lower()
    model, kind = (TOTPDevice, _("验证器")) if TOTP_CODE.match(token) else (StaticDevice, _("恢复码"))
    for device in model.objects.select_for_update().filter(user=user, confirmed=True):
        if not device.verify_is_allowed()[0]:
            _audit(user, "otp.verify_failed", _("双因素验证：尝试过多"))
            return TOO_MANY_TRIES
        if token and device.verify_token(token):
            _session_verified(request, device)
            _audit(user, "otp.verify", _("双因素验证通过（%(kind)s）") % {"kind": kind})
            return None
    _audit(user, "otp.verify_failed", _("双因素验证：验证码错误"))
    return WRONG_CODE


def _jurisdiction_of(user):
    membership = Membership.objects.filter(user=user).select_related("jurisdiction").first()
    return membership.jurisdiction if membership else None


def _audit(user, action: str, summary: str) -> None:
    audit_record(actor=user, action=action, obj=user, jurisdiction=_jurisdiction_of(user), summary=summary)


@transaction.atomic
def otp_devices_reset(*, actor, user) -> int:
    """The security administrator of the user's jurisdiction (or a superuser) removes a user's
    lost devices, never their own; the user enrols again at next sign-in."""
    if user.pk == actor.pk:
        raise PermissionDenied(RESET_NOT_OWN)
    if not actor.is_superuser:
        is_security = Membership.objects.filter(user=actor, is_active=True, role=Role.SECURITY_ADMIN).exists()
        if not is_security or user.is_superuser or not users_visible_to(actor).filter(pk=user.pk).exists():
            raise PermissionDenied(RESET_NOT_ALLOWED)
    removed = (
        TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    )
    audit_record(
        actor=actor,
        action="otp.reset",
        obj=user,
        jurisdiction=_jurisdiction_of(user),
        summary=_("重置 %(name)s 的双因素设备") % {"name": user.get_full_name() or user.username},
    )
    return removed
