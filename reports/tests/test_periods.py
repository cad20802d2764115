"""Periods, deadlines on China's working-day calendar, the daily schedule and reminders."""

import datetime as dt

import pytest

from reports.calendar import is_working_day, next_working_day
from reports.models import Notification, ReportingPeriod, ReportingRule
from reports.reminders import remind_missing, reminder_due
from reports.services import period_deadline, period_ensure, periods_run_schedule


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 10, 1), False),  # 国庆节
        (dt.date(2026, 10, 10), True),  # Saturday made a working day (调休)
        (dt.date(2026, 11, 21), False),  # an ordinary Saturday
        (dt.date(2026, 11, 23), True),  # an ordinary Monday
        (dt.date(2026, 2, 17), False),  # 春节
    ],
)
def test_working_days_follow_the_published_calendar(day, working):
    assert is_working_day(day) is working


def test_a_year_without_a_published_calendar_falls_back_to_weekends():
    assert is_working_day(dt.date(2030, 1, 7)) is True  # a Monday
    assert is_working_day(dt.date(2030, 1, 5)) is False  # a Saturday


@pytest.mark.parametrize(
    ("year", "month", "deadline"),
    [
        (2026, 11, dt.date(2026, 12, 7)),  # 5 Dec is a Saturday → Monday the 7th
        (2026, 9, dt.date(2026, 10, 8)),  # 5 Oct falls in the 国庆 break (1–7 Oct) → Thu 8 Oct
        (2026, 1, dt.date(2026, 2, 5)),  # a Thursday: stays
        (2026, 12, dt.date(2027, 1, 5)),  # across the year end
    ],
)
def test_deadline_is_the_5th_of_next_month_moved_to_a_working_day(cast, year, month, deadline):
    end = dt.date(year, month, 28)
    assert period_deadline(jurisdiction=cast.jurisdiction, end=end) == deadline


def test_the_deadline_day_is_the_jurisdictions_to_set(cast):
    ReportingRule.objects.create(jurisdiction=cast.jurisdiction, deadline_day=10)
    assert period_deadline(jurisdiction=cast.jurisdiction, end=dt.date(2026, 11, 30)) == dt.date(2026, 12, 10)


def test_next_working_day_of_a_working_day_is_itself():
    assert next_working_day(dt.date(2026, 11, 24)) == dt.date(2026, 11, 24)


def test_the_daily_schedule_creates_opens_and_closes_periods(cast):
    cast.plan.year_start = cast.plan.year_end = 2026
    cast.plan.save()
    october = period_ensure(jurisdiction=cast.jurisdiction, year=2026, month=10)
    october.status = ReportingPeriod.Status.OPEN
    october.save()
    # on 10 November: October's deadline (5 Nov, Thursday) has passed; November has started
    result = periods_run_schedule(today=dt.date(2026, 11, 10))
    november = ReportingPeriod.objects.get(jurisdiction=cast.jurisdiction, start=dt.date(2026, 11, 1))
    assert november.pk in result["opened"] and result["closed"] == [october.pk]
    assert november.status == "open" and november.reports.count() == 2
    october.refresh_from_db()
    assert october.status == "closed"
    # (the other city of the cast has an active plan too, so its November opened as well)
    # running it again the same day changes nothing
    assert periods_run_schedule(today=dt.date(2026, 11, 10)) == {"opened": [], "closed": []}


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (dt.date(2026, 12, 4), "before"),  # three days before Monday 7 Dec
        (dt.date(2026, 12, 7), "deadline"),
        (dt.date(2026, 12, 8), "overdue"),
        (dt.date(2026, 12, 12), None),  # a Saturday after the deadline: no reminder
        (dt.date(2026, 12, 2), None),
    ],
)
def test_reminders_fall_before_on_and_each_working_day_after_the_deadline(period, today, kind):
    assert reminder_due(period=period, today=today) == kind


def test_missing_departments_liaisons_are_reminded_once_a_day(cast, period):
    sent = remind_missing(period=period, today=dt.date(2026, 12, 8))
    assert sent == 1  # the cast's 市市场监管局 liaison; 市住建局 has none
    assert remind_missing(period=period, today=dt.date(2026, 12, 8)) == 0
    note = Notification.objects.get(user=cast.liaison)
    assert "逾期1天" in note.title


def test_office_reminder_page_sends_to_missing_departments(client, cast, period):
    client.force_login(cast.office)
    response = client.post(f"/periods/{period.pk}/remind/", follow=True)
    assert "已向1位联络员发送催报提醒" in response.content.decode()


def test_liaison_cannot_send_reminders(client, cast, period):
    client.force_login(cast.liaison)
    assert client.post(f"/periods/{period.pk}/remind/").status_code == 403
