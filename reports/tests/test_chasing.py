"""Chasing late departments: reminding one, their contacts on the period page, the 督办单,
deadline colours, and the head's comments kept on the report."""

import datetime as dt
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualitycity.errors import ApplicationError
from reports.models import DepartmentReport, Notification
from reports.services import report_save_draft, report_send_back, report_sign_off, report_submit
from responsibilities.models import AuditEvent, Membership
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory


@pytest.fixture
def on_day(monkeypatch):
    def pin(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return pin


@pytest.fixture
def housing_liaison(cast):
    """市住建局 (joins the cast's task, never submits) with a liaison and a head, both with phones."""
    liaison = MembershipFactory(
        user=UserFactory(username="zjj", first_name="王", last_name=""),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="liaison",
        phone="0512-53521234",
    ).user
    MembershipFactory(
        user=UserFactory(username="zjj-head", first_name="李局长", last_name=""),
        jurisdiction=cast.jurisdiction,
        department=cast.other_department,
        role="department_head",
        phone="13912345678",
    )
    return liaison


def submitted(cast, period):
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entries = {e.pk: {"progress": "已完成抽查120批次", "version": e.version} for e in report.entries.all()}
    report_save_draft(report=report, actor=cast.liaison, entries=entries, values={})
    return report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))


# Reminding one department


def test_office_reminds_one_missing_department_only(client, cast, period, housing_liaison):
    # given both departments missing
    client.force_login(cast.office)
    # when the office reminds 市住建局
    response = client.post(f"/periods/{period.pk}/remind/{cast.other_department.pk}/", follow=True)
    # then only its liaison is told, and the trail says so
    assert "已向市住建局的1位联络员发送催报提醒" in response.content.decode()
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["zjj"]
    assert "请尽快提交2026年11月月报" in Notification.objects.get().title
    event = AuditEvent.objects.get(action="period.remind_department")
    assert "市住建局" in event.summary and event.actor == cast.office


def test_a_department_that_has_submitted_is_not_reminded(client, cast, period):
    submitted(cast, period)
    client.force_login(cast.office)
    response = client.post(f"/periods/{period.pk}/remind/{cast.department.pk}/", follow=True)
    assert "该部门本期月报已提交" in response.content.decode()
    assert not Notification.objects.filter(kind="reminder.manual").exists()


def test_a_department_with_nothing_to_report_is_refused(client, cast, period):
    idle = DepartmentFactory(jurisdiction=cast.jurisdiction, name="市档案局", code="daj")
    client.force_login(cast.office)
    response = client.post(f"/periods/{period.pk}/remind/{idle.pk}/", follow=True)
    assert "该部门本期无需报送" in response.content.decode()


def test_another_citys_department_is_not_found(client, cast, period):
    stranger = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市住建局", code="yzjj")
    client.force_login(cast.office)
    assert client.post(f"/periods/{period.pk}/remind/{stranger.pk}/").status_code == 404
    assert client.get(f"/periods/{period.pk}/supervision/{stranger.pk}.docx").status_code == 404


@pytest.mark.parametrize("who", ["liaison", "head", "leader"])
def test_only_the_office_chases(client, cast, period, who):
    client.force_login(getattr(cast, who))
    assert client.post(f"/periods/{period.pk}/remind/{cast.other_department.pk}/").status_code == 403
    assert client.get(f"/periods/{period.pk}/supervision/{cast.other_department.pk}.docx").status_code == 403


def test_another_citys_office_cannot_chase(client, cast, period):
    client.force_login(cast.outsider_office)
    assert client.post(f"/periods/{period.pk}/remind/{cast.other_department.pk}/").status_code == 404


def test_reminding_is_post_only(client, cast, period):
    client.force_login(cast.office)
    assert client.get(f"/periods/{period.pk}/remind/{cast.other_department.pk}/").status_code == 405


# The period page: contacts, buttons, colours


def test_period_page_shows_liaison_and_head_phones_and_a_button_per_missing_department(
    client, cast, period, housing_liaison, on_day
):
    on_day(dt.date(2026, 12, 8))
    submitted(cast, period)
    Membership.objects.filter(user=cast.liaison).update(phone="0512-50000001")
    client.force_login(cast.office)
    html = client.get(f"/periods/{period.pk}/").content.decode()
    assert 'href="tel:0512-53521234"' in html and "13912345678" in html and "0512-50000001" in html
    assert "李局长" in html
    # 市住建局 is missing: a reminder and a 督办单; 市市场监管局 submitted: neither
    assert f"/periods/{period.pk}/remind/{cast.other_department.pk}/" in html
    assert f"/periods/{period.pk}/supervision/{cast.other_department.pk}.docx" in html
    assert f"/periods/{period.pk}/remind/{cast.department.pk}/" not in html
    assert 'data-tone="overdue"' in html


def test_no_supervision_sheet_button_before_the_deadline(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 3))
    client.force_login(cast.office)
    html = client.get(f"/periods/{period.pk}/").content.decode()
    assert ".docx" not in html and f"/periods/{period.pk}/remind/{cast.other_department.pk}/" in html
    assert 'data-tone="soon"' in html


def test_the_leader_sees_contacts_but_no_chasing_buttons(client, cast, period, housing_liaison):
    client.force_login(cast.leader)
    html = client.get(f"/periods/{period.pk}/").content.decode()
    assert "0512-53521234" in html and "/remind/" not in html


def test_period_page_queries_do_not_grow_with_departments(client, cast, period):
    client.force_login(cast.office)
    client.get(f"/periods/{period.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/periods/{period.pk}/")
    for k in range(5):
        MembershipFactory(
            user=UserFactory(username=f"l{k}"),
            jurisdiction=cast.jurisdiction,
            department=cast.other_department,
            role="liaison",
            phone=f"1390000000{k}",
        )
    with CaptureQueriesContext(connection) as after:
        client.get(f"/periods/{period.pk}/")
    assert len(after) == len(before)


@pytest.mark.parametrize(
    ("today", "tone"),
    [(dt.date(2026, 11, 20), "normal"), (dt.date(2026, 12, 3), "soon"), (dt.date(2026, 12, 8), "overdue")],
)
def test_period_list_colours_the_open_periods_deadline(client, cast, period, on_day, today, tone):
    on_day(today)
    client.force_login(cast.office)
    html = client.get("/periods/").content.decode()
    if tone == "normal":
        assert "data-tone" not in html
    else:
        assert f'data-tone="{tone}"' in html


# The 督办单


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_supervision_sheet_names_the_department_the_report_the_tasks_and_the_deadline(
    client, cast, period, on_day
):
    on_day(dt.date(2026, 12, 10))
    client.force_login(cast.office)
    response = client.get(f"/periods/{period.pk}/supervision/{cast.other_department.pk}.docx")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    text = _docx_text(response.content)
    assert text.splitlines()[0] == "督办单"
    assert f"质强督〔2026〕11-{cast.other_department.pk:03d}号" in text
    assert "被督办单位 | 市住建局" in text
    assert "督办事项 | 2026年11月工作进展月报逾期未报送" in text
    assert "报送截止日期 | 2026年12月7日" in text
    assert "已逾期3天，当前状态：草稿" in text
    assert "加强制造业质量提升" in text
    assert "甲市质量强市工作领导小组办公室" in text and "2026年12月10日" in text


def test_supervision_sheet_is_refused_before_the_deadline_and_for_a_submitted_report(
    client, cast, period, on_day
):
    client.force_login(cast.office)
    on_day(dt.date(2026, 12, 7))
    response = client.get(f"/periods/{period.pk}/supervision/{cast.other_department.pk}.docx", follow=True)
    assert "尚未过去，无需督办" in response.content.decode()
    on_day(dt.date(2026, 12, 9))
    submitted(cast, period)
    response = client.get(f"/periods/{period.pk}/supervision/{cast.department.pk}.docx", follow=True)
    assert "该部门本期月报已提交" in response.content.decode()


# The head's comments


def test_send_back_keeps_the_heads_comment_on_the_report(client, cast, period):
    report = submitted(cast, period)
    client.force_login(cast.head)
    client.post(f"/reports/{report.pk}/send-back/", {"comment": "  请补充第三季度抽查数据  "})
    report.refresh_from_db()
    assert report.status == "draft" and report.head_comment == "请补充第三季度抽查数据"
    for user in (cast.liaison, cast.office, cast.head):
        client.force_login(user)
        assert "请补充第三季度抽查数据" in client.get(f"/reports/{report.pk}/").content.decode()


def test_send_back_without_a_comment_is_refused(cast, period):
    report = submitted(cast, period)
    with pytest.raises(ApplicationError, match="负责人意见"):
        report_send_back(report=report, actor=cast.head, comment="   ")
    report.refresh_from_db()
    assert report.status == "submitted"


def test_sign_off_takes_an_optional_comment_shown_to_the_office(client, cast, period):
    report = submitted(cast, period)
    client.force_login(cast.head)
    client.post(f"/reports/{report.pk}/sign-off/", {"comment": "同意报送，数据已核实"})
    report.refresh_from_db()
    assert report.status == "signed_off" and report.head_comment == "同意报送，数据已核实"
    client.force_login(cast.office)
    assert "同意报送，数据已核实" in client.get(f"/reports/{report.pk}/").content.decode()
    assert "数据已核实" in AuditEvent.objects.get(action="report.sign_off").summary


def test_sign_off_without_a_comment_clears_an_old_send_back_comment(cast, period):
    report = submitted(cast, period)
    report = report_send_back(report=report, actor=cast.head, comment="请修改")
    report = report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))
    report = report_sign_off(report=report, actor=cast.head)
    report.refresh_from_db()
    assert report.head_comment == ""


def test_a_comment_over_2000_characters_is_refused_and_nothing_changes(client, cast, period):
    report = submitted(cast, period)
    client.force_login(cast.head)
    response = client.post(f"/reports/{report.pk}/sign-off/", {"comment": "长" * 2001}, follow=True)
    assert "不超过2000字" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and report.head_comment == ""
