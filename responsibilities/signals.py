"""Sign-ins, failures and sign-outs go to the audit trail (等保 2.0 asks for all three)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .models import AuditEvent, Membership


def _jurisdiction_of(user):
    membership = Membership.objects.filter(user=user, is_active=True).select_related("jurisdiction").first()
    return membership.jurisdiction if membership else None


def _address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from .middleware import SESSION_KEY
    from .passwords import password_change_required

    if request is not None and hasattr(request, "session"):
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
        jurisdiction=_jurisdiction_of(user),
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        summary=summary,
    )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    AuditEvent.objects.create(
        actor=None,
        action="auth.login_failed",
        object_type="auth.user",
        summary=_("登录失败：%(username)s %(address)s")
        % {"username": username, "address": _address(request)},
    )
