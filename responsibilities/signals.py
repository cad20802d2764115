"""Sign-ins, failures and sign-outs go to the audit trail (等保 2.0 asks for all three)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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
    AuditEvent.objects.create(
        actor=user,
        jurisdiction=_jurisdiction_of(user),
        action="auth.login",
        object_type="auth.user",
        object_id=str(user.pk),
        summary=f"登录 {_address(request)}",
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        AuditEvent.objects.create(
            actor=user,
            jurisdiction=_jurisdiction_of(user),
            action="auth.logout",
            object_type="auth.user",
            object_id=str(user.pk),
            summary="退出",
        )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    AuditEvent.objects.create(
        actor=None,
        action="auth.login_failed",
        object_type="auth.user",
        summary=f"登录失败：{username} {_address(request)}",
    )
