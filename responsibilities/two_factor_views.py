"""The two-factor pages: the user's own settings, enrolment by QR code, and the code asked for
after the password. Each view calls one function of two_factor.py and renders."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from qualitycity.errors import ApplicationError

from .forms_auth import OTPTokenForm
from .two_factor import (
    otp_verify,
    totp_device_pending,
    totp_enrol_confirm,
    two_factor_required,
    two_factor_step,
)


@login_required
def two_factor_home(request: HttpRequest) -> HttpResponse:
    """Whether the user has two-factor sign-in, whether they must, and the way to (re)enrol."""
    return render(
        request,
        "responsibilities/two_factor_home.html",
        {
            "has_device": user_has_device(request.user, confirmed=True),
            "required": two_factor_required(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """The QR code and key of a new device; a correct code confirms it and shows the recovery codes once."""
    form = OTPTokenForm(request.POST or None)
    if form.is_valid():
        try:
            codes = totp_enrol_confirm(request=request, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form.add_error("token", str(error))
        else:
            return render(
                request,
                "responsibilities/two_factor_recovery.html",
                {"codes": codes, "next": _next(request)},
            )
    device = totp_device_pending(request.user)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "responsibilities/two_factor_enrol.html",
        {
            "form": form,
            # A data: URI image: the page's policy allows images from data:, never inline code.
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "required": two_factor_required(request.user),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code asked for after the password, from the app or a recovery code."""
    if two_factor_step(request.user) != "verify":
        return redirect(_next(request))
    form = OTPTokenForm(request.POST or None)
    if form.is_valid():
        try:
            otp_verify(request=request, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form.add_error("token", str(error))
        else:
            return redirect(_next(request))
    return render(request, "responsibilities/two_factor_verify.html", {"form": form, "next": _next(request)})


def _next(request: HttpRequest) -> str:
    """Where to go after the step: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)
