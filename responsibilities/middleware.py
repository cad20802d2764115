from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .admin_audit import admin_request_capture
from .two_factor import TWO_FACTOR_SESSION_KEY, two_factor_step

SESSION_KEY = "password_change_required"


class PasswordPolicyMiddleware:
    """A user who must change their password sees only the password-change page until they do.

    Whether they must is decided once, at sign-in (see signals.py), and kept in the session: a
    reset by the office changes the password hash, which ends the user's other sessions anyway.
    """

    ALLOWED = (
        "password_change",
        "password_change_done",
        "logout",
        "set_language",
        "ping",
        "healthz",
        # the second factor comes first (TwoFactorMiddleware), then the password change
        "two_factor_verify",
        "two_factor_enrol",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        reason = session.get(SESSION_KEY) if session is not None else None
        if reason and request.user.is_authenticated and not request.path.startswith("/static/"):
            match = _resolve(request.path_info)
            if match is None or match.url_name not in self.ALLOWED:
                messages.warning(request, reason)
                return redirect(reverse("password_change"))
        return self.get_response(request)


class TwoFactorMiddleware:
    """A signed-in user who has a device gives a code, and one who must have a device (see
    two_factor.two_factor_required) enrols one, before any other page opens.

    What the user must do is decided at sign-in (two_factor.remember_step) and kept in the
    session, so an ordinary page costs no query; the admin checks afresh, so a role gained
    during the session does not open the admin without a verified session.
    """

    ALLOWED = ("logout", "set_language", "ping", "healthz")
    PAGES = {"verify": "two_factor_verify", "enrol": "two_factor_enrol"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated or _is_static(request.path):
            return self.get_response(request)
        if TWO_FACTOR_SESSION_KEY not in session:
            session[TWO_FACTOR_SESSION_KEY] = two_factor_step(user)
        step = session[TWO_FACTOR_SESSION_KEY]
        if step is None and settings.OTP_REQUIRED and request.path_info.startswith(_admin_prefix()):
            step = two_factor_step(user)
        elif step is not None and user.is_verified():
            step = session[TWO_FACTOR_SESSION_KEY] = None
        if step is not None:
            page = self.PAGES[step]
            match = _resolve(request.path_info)
            if match is None or match.url_name not in (page, *self.ALLOWED):
                return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class AdminAuditMiddleware:
    """During a POST to the admin, the values each object had before the admin saves it are kept
    (admin_audit), so its audit row shows before and after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info.startswith(_admin_prefix()):
            with admin_request_capture():
                return self.get_response(request)
        return self.get_response(request)


def _admin_prefix() -> str:
    return reverse("admin:index")


def _is_static(path: str) -> bool:
    return path.startswith("/" + settings.STATIC_URL.lstrip("/"))


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
