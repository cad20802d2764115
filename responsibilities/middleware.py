from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "password_change_required"


class PasswordPolicyMiddleware:
    """A user who must change their password sees only the password-change page until they do.

    Whether they must is decided once, at sign-in (see signals.py), and kept in the session: a
    reset by the office changes the password hash, which ends the user's other sessions anyway.
    """

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language", "ping", "healthz")

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


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
