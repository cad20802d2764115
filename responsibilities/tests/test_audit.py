"""The audit trail: sign-in events under the account's jurisdiction, exports recorded, the
audit administrator's filters and Excel copy, and retention of at least 180 days."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitycity.errors import ApplicationError
from responsibilities.models import AuditEvent, Membership
from responsibilities.services import audit_prune

LOGIN = "/accounts/login/"


@pytest.fixture
def auditor(cast):
    user = get_user_model().objects.create_user("auditor", password="Audit#2026x")
    Membership.objects.create(user=user, jurisdiction=cast.jurisdiction, role="audit_admin")
    return user


def test_a_login_failure_carries_the_accounts_jurisdiction(client, cast):
    client.post(LOGIN, {"username": "liaison", "password": "wrong"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.jurisdiction == cast.jurisdiction
    assert event.object_id == str(cast.liaison.pk)


def test_a_login_failure_for_an_unknown_name_belongs_to_no_jurisdiction(client, cast):
    client.post(LOGIN, {"username": "nobody", "password": "wrong"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.jurisdiction is None and event.object_id == ""


def test_login_logout_and_password_change_carry_the_jurisdiction(client, cast):
    client.post(LOGIN, {"username": "liaison", "password": "Demo@2026"})
    client.post(
        reverse("password_change"),
        {"old_password": "Demo@2026", "new_password1": "Zhiliang#2027", "new_password2": "Zhiliang#2027"},
    )
    client.post(reverse("logout"))
    events = AuditEvent.objects.filter(actor=cast.liaison, action__startswith="auth.")
    assert sorted(events.values_list("action", flat=True)) == [
        "auth.login",
        "auth.logout",
        "auth.password_change",
    ]
    assert {e.jurisdiction_id for e in events} == {cast.jurisdiction.pk}


def test_the_auditor_sees_the_failed_logins_of_their_jurisdiction(client, cast, auditor):
    client.post(LOGIN, {"username": "head", "password": "wrong"})
    client.force_login(auditor)
    html = client.get(reverse("responsibilities:audit_log"), {"action": "auth.login_failed"}).content.decode()
    assert "登录失败：head" in html


def test_the_auditor_filters_by_actor_object_type_and_dates(client, cast, auditor):
    AuditEvent.objects.create(
        jurisdiction=cast.jurisdiction,
        actor=cast.office,
        action="people.create",
        object_type="responsibilities.membership",
        summary="甲",
    )
    AuditEvent.objects.create(
        jurisdiction=cast.jurisdiction,
        actor=cast.liaison,
        action="report.save",
        object_type="reports.departmentreport",
        summary="乙",
    )
    client.force_login(auditor)
    url = reverse("responsibilities:audit_log")
    today = timezone.localdate().isoformat()
    html = client.get(
        url, {"object_type": "responsibilities.membership", "since": today, "until": today}
    ).content.decode()
    # the log reads the actions in words: 新增联络员或负责人 (people.create), 保存月报草稿 (report.save)
    created, saved = "新增联络员或负责人", "保存月报草稿"
    assert created in html and saved not in html
    html = client.get(url, {"actor": "liaison"}).content.decode()
    assert saved in html and created not in html
    html = client.get(url, {"until": "2020-01-01"}).content.decode()
    assert saved not in html and created not in html


def test_the_auditor_exports_the_filtered_trail_and_the_export_is_audited(client, cast, auditor):
    AuditEvent.objects.create(
        jurisdiction=cast.jurisdiction, actor=cast.office, action="people.create", summary="新增张三"
    )
    AuditEvent.objects.create(
        jurisdiction=cast.outsider_jurisdiction, action="people.create", summary="乙市的记录"
    )
    client.force_login(auditor)
    response = client.get(reverse("responsibilities:audit_log"), {"action": "people", "_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = [
        c
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "新增张三" in cells and "乙市的记录" not in cells
    export = AuditEvent.objects.get(action="export.audit")
    assert export.actor == auditor and export.jurisdiction == cast.jurisdiction


def test_a_dashboard_list_export_is_audited(client, cast):
    client.force_login(cast.office)
    response = client.get(reverse("dashboards:dashboard_tasks"), {"_export": "xlsx"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export.dashboard")
    assert event.actor == cast.office and event.jurisdiction == cast.jurisdiction


def test_the_contact_list_export_is_audited_under_its_jurisdiction(client, cast):
    client.force_login(cast.office)
    client.get(reverse("responsibilities:contacts_export"))
    assert AuditEvent.objects.get(action="export.contacts").jurisdiction == cast.jurisdiction


def _aged(days: int, summary: str) -> AuditEvent:
    event = AuditEvent.objects.create(action="test", summary=summary)
    # The trail refuses updates through the ORM; the test ages a row as time would.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE responsibilities_auditevent SET at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(days=days), event.pk],
        )
    return event


def test_pruning_deletes_only_rows_older_than_the_retention(db):
    _aged(400, "旧")
    _aged(181, "较旧")
    _aged(179, "近")
    _aged(0, "今天")
    assert audit_prune(older_than_days=180) == 2
    assert set(AuditEvent.objects.values_list("summary", flat=True)) - {""} >= {"近", "今天"}
    assert not AuditEvent.objects.filter(summary__in=["旧", "较旧"]).exists()
    assert AuditEvent.objects.filter(action="audit.prune").count() == 1


def test_pruning_refuses_a_retention_shorter_than_180_days(db):
    _aged(200, "保留")
    with pytest.raises(ApplicationError, match="180"):
        audit_prune(older_than_days=179)
    with pytest.raises(CommandError, match="180"):
        call_command("prune_audit", "--days", "30")
    assert AuditEvent.objects.filter(summary="保留").exists()


def test_the_prune_command_deletes_older_rows(db):
    _aged(400, "旧")
    _aged(10, "新")
    out = io.StringIO()
    call_command("prune_audit", "--days", "365", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert list(AuditEvent.objects.filter(action="test").values_list("summary", flat=True)) == ["新"]
