"""The office manages its departments' liaisons and heads on a page of its own."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from responsibilities.models import AuditEvent, Membership, PasswordState


def superuser():
    User = get_user_model()
    return User.objects.create_superuser("root", "", "Root#2026x")


def test_office_adds_a_liaison_with_a_one_time_password(client, cast):
    client.force_login(cast.office)
    response = client.post(
        reverse("responsibilities:people"),
        {
            "full_name": "王芳",
            "username": "wangfang",
            "department": cast.other_department.pk,
            "role": "liaison",
            "phone": "0512-53520000",
            "email": "wf@example.gov.cn",
        },
    )
    assert response.status_code == 200
    membership = Membership.objects.get(user__username="wangfang")
    assert membership.department == cast.other_department and membership.phone == "0512-53520000"
    assert PasswordState.objects.get(user=membership.user).must_change
    assert "只显示这一次" in response.content.decode()
    assert AuditEvent.objects.filter(action="people.create").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "office", "用户名“office”已被使用"),
        ("username", "bad name!", "请输入合法的用户名"),
        ("phone", "<script>", "电话号码只能包含数字、空格和 + - ( )"),
        ("email", "not-an-email", "输入一个有效的 Email 地址"),
    ],
)
def test_bad_person_input_gets_a_chinese_message_and_saves_nothing(client, cast, field, value, message):
    client.force_login(cast.office)
    data = {
        "full_name": "王芳",
        "username": "wangfang",
        "department": cast.other_department.pk,
        "role": "liaison",
    }
    data[field] = value
    before = Membership.objects.count()
    response = client.post(reverse("responsibilities:people"), data)
    assert Membership.objects.count() == before
    # the form comes back with the message on the field that is wrong, and on no other
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode()


def test_office_resets_deactivates_and_moves_a_liaison(client, cast):
    membership = Membership.objects.get(user=cast.liaison)
    client.force_login(cast.office)
    response = client.post(reverse("responsibilities:person_reset_password", args=[membership.pk]))
    assert "临时密码" in response.content.decode()
    assert PasswordState.objects.get(user=cast.liaison).must_change
    client.post(
        reverse("responsibilities:person_move", args=[membership.pk]),
        {"department": cast.other_department.pk},
    )
    membership.refresh_from_db()
    assert membership.department == cast.other_department
    client.post(reverse("responsibilities:person_deactivate", args=[membership.pk]))
    cast.liaison.refresh_from_db()
    assert not cast.liaison.is_active
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "people.reset_password",
        "people.move",
        "people.deactivate",
    }


@pytest.mark.parametrize("who", ["liaison", "head", "leader"])
def test_only_the_office_manages_people(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("responsibilities:people")).status_code == 403
    membership = Membership.objects.get(user=cast.liaison)
    assert (
        client.post(reverse("responsibilities:person_reset_password", args=[membership.pk])).status_code
        == 403
    )


def test_another_citys_office_cannot_touch_this_citys_people(client, cast):
    membership = Membership.objects.get(user=cast.liaison)
    client.force_login(cast.outsider_office)
    assert client.post(reverse("responsibilities:person_deactivate", args=[membership.pk])).status_code == 404
    cast.liaison.refresh_from_db()
    assert cast.liaison.is_active


def test_contact_list_exports_to_excel(client, cast):
    Membership.objects.filter(user=cast.liaison).update(phone="13800000000")
    client.force_login(cast.office)
    response = client.get(reverse("responsibilities:contacts_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("联络员名单" in str(v) for v in rows[0])
    assert any("13800000000" in [str(v) for v in row] for row in rows)
    assert AuditEvent.objects.filter(action="export.contacts").exists()


def test_the_audit_log_is_for_the_audit_administrator_and_the_office(client, cast):
    auditor = get_user_model().objects.create_user("auditor", password="Audit#2026x")
    Membership.objects.create(user=auditor, jurisdiction=cast.jurisdiction, role="audit_admin")
    AuditEvent.objects.create(action="report.approve", jurisdiction=cast.jurisdiction, summary="通过甲市月报")
    AuditEvent.objects.create(
        action="report.approve", jurisdiction=cast.outsider_jurisdiction, summary="通过乙市月报"
    )
    client.force_login(auditor)
    html = client.get(reverse("responsibilities:audit_log")).content.decode()
    assert "通过甲市月报" in html and "通过乙市月报" not in html
    client.force_login(cast.liaison)
    assert client.get(reverse("responsibilities:audit_log")).status_code == 403
