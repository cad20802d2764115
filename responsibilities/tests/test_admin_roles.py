"""System, security and audit administrators each do their own job in the admin, and no other."""

import pytest
from django.contrib.auth import get_user_model

from responsibilities.admin_roles import admin_roles_sync
from responsibilities.models import Membership


@pytest.fixture
def admin_of(cast):
    def make(role):
        user = get_user_model().objects.create_user(role, password="Admin#2026x")
        Membership.objects.create(user=user, jurisdiction=cast.jurisdiction, role=role)
        admin_roles_sync(user)
        return user

    return make


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            "system_admin",
            ["auth/user", "responsibilities/department"],
            ["responsibilities/membership", "responsibilities/auditevent"],
        ),
        (
            "security_admin",
            ["responsibilities/membership"],
            ["responsibilities/department", "responsibilities/auditevent"],
        ),
        ("audit_admin", ["responsibilities/auditevent"], ["auth/user", "responsibilities/membership"]),
    ],
)
def test_each_administrator_reaches_only_their_own_part_of_the_admin(
    client, admin_of, role, allowed, refused
):
    client.force_login(admin_of(role))
    for path in allowed:
        assert client.get(f"/admin/{path}/").status_code == 200, path
    for path in refused:
        assert client.get(f"/admin/{path}/").status_code == 403, path


def test_losing_the_role_ends_admin_access(client, admin_of):
    user = admin_of("security_admin")
    Membership.objects.filter(user=user).update(is_active=False)
    admin_roles_sync(user)
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


def test_an_office_user_is_not_an_administrator(client, cast):
    client.force_login(cast.office)
    assert client.get("/admin/").status_code == 302
