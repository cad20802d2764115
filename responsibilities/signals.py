"""Sign-ins, failures and sign-outs go to the audit trail (等保 2.0 asks for all three), each
under the jurisdiction of the account named, so its office and audit administrator read them.

A failure for a user name that matches no account belongs to no jurisdiction: it is kept with
none, and read by the superuser (a guessed name tells a jurisdiction nothing it can act on, and
what was typed as a name is sometimes a password, which no jurisdiction's office should read).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from qualitycity.middleware import session_renew

# The department signals live in a module of their own, which the services import (this one
# imports the middleware, which leads back to the services); they are named here too.
from .department_signals import department_in_use, department_merged
from .models import AuditEvent
from .selectors import user_home_jurisdiction

__all__ = ["department_in_use", "department_merged"]

USERNAME_MAX = 150


def _address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from .middleware import SESSION_KEY
    from .passwords import password_change_required

    if request is not None and hasattr(request, "session"):
        session_renew(request.session)
        reason = password_change_required(user)
        if reason:
            request.session[SESSION_KEY] = reason
    _audit_user(user, "auth.login", _("登录 %(address)s") % {"address": _address(request)})


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        _audit_user(user, "auth.logout", _("退出"))


def _audit_user(user, action: str, summary: str) -> None:
    AuditEvent.objects.create(
        actor=user,
        jurisdiction=user_home_jurisdiction(user),
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        summary=summary[:300],
    )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # NUL and control characters are replaced: PostgreSQL refuses NUL in text.
    username = "".join(c if c.isprintable() else "?" for c in str(credentials.get("username", "")))
    username = username[:USERNAME_MAX]
    user = get_user_model().objects.filter(username=username).first() if username else None
    AuditEvent.objects.create(
        actor=None,
        jurisdiction=user_home_jurisdiction(user),
        action="auth.login_failed",
        object_type="auth.user",
        object_id=str(user.pk) if user else "",
        summary=(
            _("登录失败：%(username)s %(address)s") % {"username": username, "address": _address(request)}
        )[:300],
    )
