"""The three separated administrators of 等保 2.0, mapped onto Django's admin permissions.

system administrator: users and settings; security administrator: roles and permissions;
audit administrator: reads the audit log and changes nothing. None can do another's job.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .models import Membership, Role

GROUPS = {
    Role.SYSTEM_ADMIN: (
        "系统管理员",
        [
            ("auth", "user", ("add", "change", "view")),
            ("responsibilities", "jurisdiction", ("add", "change", "view")),
            ("responsibilities", "department", ("add", "change", "view")),
            ("responsibilities", "departmentalias", ("add", "change", "delete", "view")),
            ("reports", "reportingrule", ("add", "change", "view")),
            ("django_celery_beat", "periodictask", ("add", "change", "view")),
            ("django_celery_beat", "crontabschedule", ("add", "change", "view")),
            ("django_celery_beat", "intervalschedule", ("add", "change", "view")),
        ],
    ),
    Role.SECURITY_ADMIN: (
        "安全管理员",
        [
            ("responsibilities", "membership", ("add", "change", "delete", "view")),
            ("responsibilities", "passwordstate", ("change", "view")),
            ("auth", "group", ("view",)),
            ("auth", "user", ("view",)),
        ],
    ),
    Role.AUDIT_ADMIN: ("审计管理员", [("responsibilities", "auditevent", ("view",))]),
}


def admin_groups_ensure(**kwargs) -> None:
    """The three groups exist with exactly their permissions (run after every migrate)."""
    for name, grants in GROUPS.values():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            wanted += list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
        group.permissions.set(wanted)


def admin_roles_sync(user) -> None:
    """A user's admin-site access follows their active administrator memberships: staff while
    they hold one, in exactly the groups of the roles they hold."""
    roles = set(
        Membership.objects.filter(user=user, is_active=True, role__in=Role.admin_roles()).values_list(
            "role", flat=True
        )
    )
    names = {GROUPS[role][0] for role in roles}
    managed = [name for name, _ in GROUPS.values()]
    user.groups.remove(*Group.objects.filter(name__in=managed).exclude(name__in=names))
    user.groups.add(*Group.objects.filter(name__in=names))
    staff = bool(roles) or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
