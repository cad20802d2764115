"""The to-do home: what each role has waiting, in a fixed number of queries, and the unread
count on 通知."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.home import deadline_tone, working_days_left
from reports.models import DepartmentReport, Notification
from reports.services import (
    report_return,
    report_save_draft,
    report_send_back,
    report_sign_off,
    report_submit,
)
from tests.factories import AssignmentFactory, DepartmentFactory, MembershipFactory, TaskFactory


@pytest.fixture
def on_day(monkeypatch):
    """Pins the portal's 'today' (the views read timezone.localdate())."""

    def pin(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return pin


def report_of(cast, period, department=None):
    return DepartmentReport.objects.get(period=period, department=department or cast.department)


def submitted(cast, period, department=None):
    report = report_of(cast, period, department)
    entries = {e.pk: {"progress": "已完成抽查120批次", "version": e.version} for e in report.entries.all()}
    report_save_draft(report=report, actor=cast.liaison, entries=entries, values={})
    return report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 12, 1))


def page(client, user):
    client.force_login(user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


# given / when / then: the site root sends everyone to the to-do home


def test_the_site_root_lands_on_the_to_do_home(client, cast):
    client.force_login(cast.liaison)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/home/"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/home/")
    assert response.status_code == 302 and "/login" in response["Location"]


# Working days and colours


def test_working_days_left_skip_weekends_and_holidays():
    # Friday 2 Oct 2026 (国庆) to Thursday 8 Oct: only the 8th works... and Sat 10 Oct is 调休
    assert working_days_left(deadline=dt.date(2026, 10, 8), today=dt.date(2026, 10, 2)) == 1
    # Monday 30 Nov to Monday 7 Dec: Tue–Fri and Monday
    assert working_days_left(deadline=dt.date(2026, 12, 7), today=dt.date(2026, 11, 30)) == 5
    assert working_days_left(deadline=dt.date(2026, 12, 7), today=dt.date(2026, 12, 7)) == 0
    assert working_days_left(deadline=dt.date(2026, 12, 7), today=dt.date(2026, 12, 9)) == -2


@pytest.mark.parametrize(
    ("today", "tone"),
    [
        (dt.date(2026, 11, 30), ""),  # five working days left
        (dt.date(2026, 12, 2), "soon"),  # Thu, Fri, Mon: three working days
        (dt.date(2026, 12, 7), "soon"),  # the day itself
        (dt.date(2026, 12, 8), "overdue"),
    ],
)
def test_deadline_colours_red_past_due_and_amber_within_three_working_days(today, tone):
    assert deadline_tone(deadline=dt.date(2026, 12, 7), today=today) == tone


def test_a_report_already_in_is_not_coloured():
    assert deadline_tone(deadline=dt.date(2026, 12, 7), today=dt.date(2026, 12, 9), done=True) == ""


# The liaison


def test_liaison_sees_this_periods_report_with_working_days_left(client, cast, period, on_day):
    on_day(dt.date(2026, 11, 30))
    html = page(client, cast.liaison)
    assert "本期月报" in html and "市市场监管局" in html and "2026年11月" in html
    assert "还剩5个工作日" in html and "草稿" in html
    assert f"/reports/{report_of(cast, period).pk}/" in html
    # nothing of the other roles
    assert "待审签的月报" not in html and "待审核的月报" not in html


def test_liaison_sees_amber_then_red_deadline(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 3))
    assert 'data-tone="soon"' in page(client, cast.liaison)
    on_day(dt.date(2026, 12, 9))
    html = page(client, cast.liaison)
    assert 'data-tone="overdue"' in html and "已逾期2天" in html


def test_liaison_sees_the_entries_the_office_returned_with_its_comments(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 2))
    report = submitted(cast, period)
    report_sign_off(report=report, actor=cast.head)
    entry = report.entries.get()
    report_return(report=report, actor=cast.office, comments={entry.pk: "请补充抽查批次的来源"})
    html = page(client, cast.liaison)
    assert "质强办退回1项" in html and "请补充抽查批次的来源" in html and "加强制造业质量提升" in html


def test_liaison_reads_the_heads_send_back_comment_on_home_and_report(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 2))
    report = submitted(cast, period)
    report_send_back(report=report, actor=cast.head, comment="第二项进展写得太笼统，请补充数据")
    assert "第二项进展写得太笼统" in page(client, cast.liaison)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "负责人意见" in html and "第二项进展写得太笼统，请补充数据" in html


# The head


def test_head_sees_the_reports_to_sign(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 2))
    report = submitted(cast, period)
    html = page(client, cast.head)
    assert "待审签的月报（1）" in html and f"/reports/{report.pk}/" in html
    assert "本期月报" not in html  # a head is not a liaison


def test_head_has_nothing_to_sign_before_submission(client, cast, period):
    html = page(client, cast.head)
    assert "待审签的月报" not in html and "暂无待办事项" in html


# The office


def test_office_sees_reports_to_review_and_missing_departments(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 8))
    report = submitted(cast, period)
    report_sign_off(report=report, actor=cast.head)
    html = page(client, cast.office)
    assert "待审核的月报（1）" in html and f"/reports/{report.pk}/" in html
    # 市住建局 joins the task and has not submitted: missing, and the period is overdue
    assert "未提交 1 个部门" in html and "市住建局" in html
    assert f"/periods/{period.pk}/" in html and 'data-tone="overdue"' in html


def test_outsider_office_sees_nothing_of_another_city(client, cast, period):
    html = page(client, cast.outsider_office)
    assert "市住建局" not in html and "市市场监管局" not in html


# The leader


def test_leader_gets_the_summary(client, cast, period):
    html = page(client, cast.leader)
    assert "/dashboard/summary/" in html and "待审核的月报" not in html


def test_a_person_with_several_roles_sees_each_part(client, cast, period, on_day):
    on_day(dt.date(2026, 12, 2))
    MembershipFactory(user=cast.liaison, jurisdiction=cast.jurisdiction, role="office_admin")
    MembershipFactory(user=cast.liaison, jurisdiction=cast.jurisdiction, role="leader")
    html = page(client, cast.liaison)
    assert "本期月报" in html and "待审核的月报" in html and "/dashboard/summary/" in html


# Query count


def _home_queries(client, user) -> int:
    client.force_login(user)
    client.get("/home/")  # warm the session and the navigation cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/home/").status_code == 200
    return len(queries)


def test_home_takes_a_fixed_number_of_queries_whatever_the_number_of_departments(client, cast, period):
    # one person who is liaison, head, office and leader at once: every part is drawn
    for role in ("department_head", "office_admin", "leader"):
        MembershipFactory(
            user=cast.liaison,
            jurisdiction=cast.jurisdiction,
            role=role,
            department=cast.department if role == "department_head" else None,
        )
    before = _home_queries(client, cast.liaison)
    # add ten departments with tasks, each a liaison department of the same user
    for k in range(10):
        department = DepartmentFactory(jurisdiction=cast.jurisdiction, name=f"部门{k}", code=f"d{k}")
        AssignmentFactory(task=TaskFactory(plan=cast.plan), department=department)
        MembershipFactory(
            user=cast.liaison, jurisdiction=cast.jurisdiction, department=department, role="liaison"
        )
    from reports.services import period_open

    period_open(period=period)
    cast.liaison.refresh_from_db()
    after = _home_queries(client, cast.liaison)
    assert after == before
    # user, roles (the scope); liaison: departments, open periods, reports, returned entries;
    # head: reports to sign; office: reports to review, open periods and, per open period, its
    # reports and reporting departments; the imports awaiting confirmation and the pending
    # appeals (one query each); the unread count (the session comes from the shared cache)
    assert before == 14


# The unread count on 通知


def test_navigation_shows_the_unread_count_and_clears_it_once_read(client, cast):
    for k in range(3):
        Notification.objects.create(user=cast.liaison, kind="test", title=f"通知{k}")
    Notification.objects.create(user=cast.head, kind="test", title="别人的通知")
    client.force_login(cast.liaison)
    html = client.get("/home/").content.decode()
    assert 'class="badge nav-unread"' in html and ">3</span>" in html
    client.get("/notifications/")
    html = client.get("/home/").content.decode()
    assert "nav-unread" not in html


def test_the_unread_count_is_one_query_per_page(client, cast):
    Notification.objects.create(user=cast.liaison, kind="test", title="通知")
    client.force_login(cast.liaison)
    with CaptureQueriesContext(connection) as queries:
        client.get("/home/")
    unread = [q for q in queries if "reports_notification" in q["sql"]]
    assert len(unread) == 1
