"""三员分立 holds in the admin: each administrator does his own job, in his own jurisdictions,
and every change made in the admin is in the audit trail."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from responsibilities.admin_roles import admin_roles_sync
from responsibilities.models import AuditEvent, Department, Membership, Role

User = get_user_model()


@pytest.fixture
def admin_of(cast):
    def make(role, jurisdiction=None):
        user = User.objects.create_user(
            f"{role}_{(jurisdiction or cast.jurisdiction).pk}", password="Admin#2026x"
        )
        Membership.objects.create(user=user, jurisdiction=jurisdiction or cast.jurisdiction, role=role)
        admin_roles_sync(user)
        return user

    return make


def user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# The system administrator ----------------------------------------------------------------------


def test_system_admin_cannot_make_himself_superuser(client, admin_of):
    # given
    sysadmin = admin_of(Role.SYSTEM_ADMIN)
    client.force_login(sysadmin)
    # when his own account's page is asked for, and a forged form posted
    page = client.get(f"/admin/auth/user/{sysadmin.pk}/change/")
    forged = client.post(
        f"/admin/auth/user/{sysadmin.pk}/change/", user_form(sysadmin, is_superuser="on", is_staff="on")
    )
    # then
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert forged.status_code == 403
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser


def test_a_forged_post_on_an_ordinary_account_sets_no_superuser_group_or_permission(client, cast, admin_of):
    # given
    client.force_login(admin_of(Role.SYSTEM_ADMIN))
    group = Group.objects.get(name="审计管理员")
    permission = Permission.objects.get(codename="view_auditevent")
    # when
    response = client.post(
        f"/admin/auth/user/{cast.liaison.pk}/change/",
        user_form(
            cast.liaison,
            first_name="改名",
            is_superuser="on",
            is_staff="on",
            groups=[group.pk],
            user_permissions=[permission.pk],
        ),
    )
    # then the allowed change is made and nothing else
    assert response.status_code == 302
    cast.liaison.refresh_from_db()
    assert cast.liaison.first_name == "改名"
    assert not cast.liaison.is_superuser and not cast.liaison.is_staff
    assert not cast.liaison.groups.exists() and not cast.liaison.user_permissions.exists()
    page = client.get(f"/admin/auth/user/{cast.liaison.pk}/change/").content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page


def test_system_admin_cannot_set_another_administrators_password_or_deactivate_them(client, admin_of):
    # given
    sysadmin, auditor = admin_of(Role.SYSTEM_ADMIN), admin_of(Role.AUDIT_ADMIN)
    old_hash = auditor.password
    client.force_login(sysadmin)
    # when
    password = client.post(
        f"/admin/auth/user/{auditor.pk}/password/",
        {"password1": "Taken#Over2026", "password2": "Taken#Over2026", "usable_password": "true"},
    )
    deactivate = client.post(f"/admin/auth/user/{auditor.pk}/change/", user_form(auditor, is_active=""))
    # then
    assert (password.status_code, deactivate.status_code) == (403, 403)
    auditor.refresh_from_db()
    assert auditor.password == old_hash and auditor.is_active


def test_system_admin_sets_an_ordinary_users_password_and_it_is_audited(client, cast, admin_of):
    client.force_login(admin_of(Role.SYSTEM_ADMIN))
    response = client.post(
        f"/admin/auth/user/{cast.liaison.pk}/password/",
        {"password1": "New#Pass2026x", "password2": "New#Pass2026x", "usable_password": "true"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(
        action="admin.change", object_type="auth.user", object_id=str(cast.liaison.pk)
    )
    assert event.jurisdiction == cast.jurisdiction
    assert "password" not in (event.before or {})


# The security administrator ----------------------------------------------------------------------


def membership_form(user, jurisdiction, role, department=None):
    data = {"user": user.pk, "jurisdiction": jurisdiction.pk, "role": role, "is_active": "on", "phone": ""}
    if department is not None:
        data["department"] = department.pk
    return data


@pytest.mark.parametrize("role", ["office_admin", "audit_admin", "system_admin"])
def test_security_admin_cannot_give_himself_a_role(client, cast, admin_of, role):
    security = admin_of(Role.SECURITY_ADMIN)
    client.force_login(security)
    response = client.post(
        "/admin/responsibilities/membership/add/", membership_form(security, cast.jurisdiction, role)
    )
    assert response.status_code == 200  # the form is refused
    assert list(Membership.objects.filter(user=security).values_list("role", flat=True)) == ["security_admin"]


def test_security_admin_cannot_give_roles_to_another_administrator_or_grant_administrator_roles(
    client, cast, admin_of
):
    security, sysadmin = admin_of(Role.SECURITY_ADMIN), admin_of(Role.SYSTEM_ADMIN)
    client.force_login(security)
    to_admin = client.post(
        "/admin/responsibilities/membership/add/",
        membership_form(sysadmin, cast.jurisdiction, "office_admin"),
    )
    admin_role = client.post(
        "/admin/responsibilities/membership/add/",
        membership_form(cast.leader, cast.jurisdiction, "audit_admin"),
    )
    assert (to_admin.status_code, admin_role.status_code) == (200, 200)
    assert not Membership.objects.filter(user=sysadmin, role="office_admin").exists()
    assert not Membership.objects.filter(user=cast.leader, role="audit_admin").exists()
    own = Membership.objects.get(user=sysadmin)
    assert (
        client.post(f"/admin/responsibilities/membership/{own.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Membership.objects.filter(pk=own.pk).exists()


def test_security_admin_cannot_create_memberships_in_another_city(client, cast, admin_of):
    client.force_login(admin_of(Role.SECURITY_ADMIN))
    response = client.post(
        "/admin/responsibilities/membership/add/",
        membership_form(cast.leader, cast.outsider_jurisdiction, "office_admin"),
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=cast.leader, jurisdiction=cast.outsider_jurisdiction).exists()


def test_security_admin_gives_an_ordinary_role_in_his_city_and_it_is_audited(client, cast, admin_of):
    client.force_login(admin_of(Role.SECURITY_ADMIN))
    response = client.post(
        "/admin/responsibilities/membership/add/",
        membership_form(cast.leader, cast.jurisdiction, "office_reviewer"),
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.leader, role="office_reviewer")
    event = AuditEvent.objects.get(action="admin.add", object_id=str(membership.pk))
    assert event.jurisdiction == cast.jurisdiction


# Jurisdictions ------------------------------------------------------------------------------------


def test_an_administrator_of_city_a_sees_nothing_of_city_b(client, cast, admin_of):
    client.force_login(admin_of(Role.SECURITY_ADMIN))
    users = client.get("/admin/auth/user/").content.decode()
    memberships = client.get("/admin/responsibilities/membership/").content.decode()
    assert "liaison" in users and "outsider" not in users
    assert "市市场监管局" in memberships and "乙市" not in memberships


def test_a_provincial_administrator_reaches_the_cities_below(client, cast, admin_of):
    from responsibilities.models import Jurisdiction

    province = Jurisdiction.objects.create(name="某省", level="province")
    cast.jurisdiction.parent = province
    cast.jurisdiction.save()
    client.force_login(admin_of(Role.SECURITY_ADMIN, province))
    users = client.get("/admin/auth/user/").content.decode()
    assert "liaison" in users and "outsider" not in users


# Every admin change is audited -------------------------------------------------------------------


def test_every_admin_change_writes_an_audit_event_with_values_and_jurisdiction(client, cast, admin_of):
    # given
    client.force_login(admin_of(Role.SYSTEM_ADMIN))
    department = cast.department
    # when
    response = client.post(
        f"/admin/responsibilities/department/{department.pk}/change/",
        {
            "jurisdiction": cast.jurisdiction.pk,
            "name": "市市场监督管理局",
            "code": department.code,
            "kind": "unit",
            "is_active": "on",
            "sort_order": department.sort_order,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    # then
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_type="responsibilities.department")
    assert event.jurisdiction == cast.jurisdiction
    assert event.before == {"name": "市市场监管局"} and event.after == {"name": "市市场监督管理局"}


def test_a_superusers_change_in_another_apps_admin_is_audited(client, cast):
    from programmes.models import Task

    root = User.objects.create_superuser("root", password="Root#2026xx")
    client.force_login(root)
    client.post(
        "/admin/programmes/task/",
        {"action": "delete_selected", "_selected_action": [cast.task.pk], "post": "yes"},
    )
    assert not Task.objects.filter(pk=cast.task.pk).exists()
    event = AuditEvent.objects.get(action="admin.delete", object_type="programmes.task")
    assert event.jurisdiction == cast.jurisdiction and event.actor == root


def test_a_bulk_deletion_in_the_admin_is_audited_object_by_object(client, cast):
    root = User.objects.create_superuser("root", password="Root#2026xx")
    extra = Department.objects.create(jurisdiction=cast.jurisdiction, name="市临时局")
    other = Department.objects.create(jurisdiction=cast.jurisdiction, name="市临时办")
    client.force_login(root)
    client.post(
        "/admin/responsibilities/department/",
        {"action": "delete_selected", "_selected_action": [extra.pk, other.pk], "post": "yes"},
    )
    deleted = set(AuditEvent.objects.filter(action="admin.delete").values_list("object_id", flat=True))
    assert deleted == {str(extra.pk), str(other.pk)}
