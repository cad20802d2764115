"""The three separated administrators of 等保 2.0, mapped onto Django's admin permissions.

system administrator: users and settings; security administrator: roles and permissions;
audit administrator: reads the audit log and changes nothing. None can do another's job.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from .models import Jurisdiction, Membership, Role

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
    # Each app's permissions are created after its own migrate signal, and apps below this one
    # in INSTALLED_APPS (reports, django-celery-beat's) would not have theirs yet: create them
    # all first (it only adds what is missing).
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", DEFAULT_DB_ALIAS))
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


# The reach of an administrator ------------------------------------------------------------------
# An administrator acts in the jurisdictions of their administrator memberships and in those
# below them (a province's administrators reach its cities); a superuser reaches everything.


def administered_jurisdiction_ids(user) -> frozenset[int] | None:
    """The jurisdictions the user administers, their own and those below; None for a superuser
    (every jurisdiction). Computed once per request and kept on the user object."""
    if user.is_superuser:
        return None
    cached = getattr(user, "_qc_administered", None)
    if cached is not None:
        return cached
    found = set(
        Membership.objects.filter(user=user, is_active=True, role__in=Role.admin_roles()).values_list(
            "jurisdiction_id", flat=True
        )
    )
    frontier = set(found)
    while frontier:  # a province, its cities, their counties: three rounds at most
        frontier = (
            set(Jurisdiction.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        found |= frontier
    user._qc_administered = frozenset(found)
    return user._qc_administered


def protected_users():
    """Users no administrator but a superuser may change, give roles to or take roles from:
    superusers and whoever holds (or held) an administrator role anywhere."""
    User = get_user_model()
    return User.objects.filter(Q(is_superuser=True) | Q(memberships__role__in=Role.admin_roles())).distinct()


def users_visible_to(admin_user):
    """Accounts an administrator sees: those with a role in a jurisdiction they administer, and
    accounts with no role yet (just created by the system administrator, waiting for one)."""
    User = get_user_model()
    users = User.objects.all()
    ids = administered_jurisdiction_ids(admin_user)
    if ids is None:
        return users
    return users.filter(
        Q(memberships__jurisdiction_id__in=ids) | Q(memberships__isnull=True, is_superuser=False)
    ).distinct()


def user_is_manageable_by(admin_user, user) -> bool:
    """An administrator manages ordinary accounts they see: not their own, not another
    administrator's, not a superuser's."""
    if admin_user.is_superuser:
        return True
    if user.pk == admin_user.pk:
        return False
    visible = users_visible_to(admin_user).filter(pk=user.pk).exists()
    return visible and not protected_users().filter(pk=user.pk).exists()
