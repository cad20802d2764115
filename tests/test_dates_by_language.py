"""Dates as people write them in each language: 2026年12月7日 and 11月29日 14:05 in Chinese,
7 Dec 2026 and 29 Nov 14:05 in English, on the pages; official labels stay Chinese."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from assessment.models import PeriodKind
from assessment.periods import AssessmentPeriod, assessment_period
from reports.models import DepartmentReport
from reports.services import report_save_draft, report_submit

# 2026-11-29 14:05 in Shanghai
SUBMITTED_AT = dt.datetime(2026, 11, 29, 6, 5, tzinfo=dt.UTC)
# A date written the Chinese way: 2026年, 11月, 29日
CHINESE_DATE = re.compile(r"\d+\s*[年月日]")


@pytest.fixture
def submitted(cast, period):
    """市市场监管局's November report, submitted at 14:05 on 29 November."""
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    entries = {e.pk: {"progress": "已完成抽查120批次", "version": e.version} for e in report.entries.all()}
    report_save_draft(report=report, actor=cast.liaison, entries=entries, values={})
    report_submit(report=report, actor=cast.liaison, today=dt.date(2026, 11, 29))
    DepartmentReport.objects.filter(pk=report.pk).update(submitted_at=SUBMITTED_AT)
    report.refresh_from_db()
    return report


def _page(client, user, url, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _main(html: str) -> str:
    """The page's own content, without the navigation and the footer."""
    return html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_the_period_list_writes_the_month_and_deadline_in_each_language(client, cast, period, submitted):
    url = reverse("reports:period_list")
    deadline = period.deadline
    chinese = _page(client, cast.office, url, "zh-hans")
    assert "2026年11月" in chinese
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in chinese
    english = _page(client, cast.office, url, "en")
    assert "November 2026" in english
    assert f"{deadline.day} {deadline:%b} {deadline.year}" in english
    assert not CHINESE_DATE.findall(_main(english))


def test_the_period_page_writes_the_submission_time_in_each_language(client, cast, period, submitted):
    url = reverse("reports:period_detail", args=[period.pk])
    assert "11月29日 14:05" in _page(client, cast.office, url, "zh-hans")
    english = _page(client, cast.office, url, "en")
    assert "29 Nov 14:05" in english
    assert "November 2026" in english
    assert not CHINESE_DATE.findall(_main(english))


def test_the_report_page_writes_its_dates_in_each_language(client, cast, period, submitted):
    url = reverse("reports:report_detail", args=[submitted.pk])
    deadline = period.deadline
    chinese = _page(client, cast.liaison, url, "zh-hans")
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in chinese
    assert "11月29日 14:05" in chinese
    english = _page(client, cast.liaison, url, "en")
    assert f"{deadline.day} {deadline:%b} {deadline.year}" in english
    assert "29 Nov 14:05" in english
    assert "November 2026" in english
    assert not CHINESE_DATE.findall(_main(english))


def test_the_to_do_home_writes_the_month_and_deadline_in_each_language(client, cast, period):
    url = reverse("reports:home")
    deadline = period.deadline
    chinese = _page(client, cast.liaison, url, "zh-hans")
    assert "2026年11月" in chinese
    assert f"{deadline.month}月{deadline.day}日" in chinese
    english = _page(client, cast.liaison, url, "en")
    assert "November 2026" in english
    assert f"{deadline.day} {deadline:%b}" in english
    assert not CHINESE_DATE.findall(_main(english))


def test_the_portal_formats_read_the_same_in_chinese_as_before_and_as_english_writes_them():
    template = Template(
        '{% load local_dates %}{{ d|date:"DATE_FORMAT" }}|{{ d|date:"MONTH_DAY_FORMAT" }}|'
        '{{ d|date:"YEAR_MONTH_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}|'
        '{{ t|local_date:"MONTH_DAY_TIME_FORMAT" }}|{{ t|local_date:"DATETIME_SECONDS_FORMAT" }}|'
        '{{ none|local_date:"MONTH_DAY_TIME_FORMAT"|default:"—" }}'
    )
    context = {"d": dt.date(2026, 9, 5), "t": SUBMITTED_AT, "none": None}
    with translation.override("zh-hans"):
        assert template.render(Context(context)) == (
            "2026年9月5日|9月5日|2026年9月|2026年11月29日 14:05|11月29日 14:05|2026年11月29日 14:05:00|—"
        )
    with translation.override("en"):
        assert template.render(Context(context)) == (
            "5 Sep 2026|5 Sep|September 2026|29 Nov 2026 14:05|29 Nov 14:05|29 Nov 2026 14:05:00|—"
        )


def test_an_unknown_format_name_is_refused_not_printed():
    with pytest.raises(ValueError):
        Template('{% load local_dates %}{{ d|local_date:"Y年n月<script>" }}').render(
            Context({"d": dt.date(2026, 1, 1)})
        )


@pytest.mark.parametrize(
    ("period", "chinese", "english", "msgid"),
    [
        (assessment_period(kind=PeriodKind.MONTH, year=2026, number=3), "2026年3月", "March 2026", None),
        (
            assessment_period(kind=PeriodKind.QUARTER, year=2026, number=3),
            "2026年第三季度",
            "Q3 2026",
            "%(year)s年第三季度",
        ),
        (assessment_period(kind=PeriodKind.YEAR, year=2026), "2026年度", "2026", "%(year)s年度"),
        (
            assessment_period(kind=PeriodKind.YEAR, year=2025, year_start_month=7),
            "2025—2026年度",
            "2025—2026",
            "%(year)s年度",
        ),
        (
            AssessmentPeriod(PeriodKind.QUARTER, dt.date(2025, 12, 1), dt.date(2026, 2, 28)),
            "2025年12月至2026年2月",
            "December 2025 – February 2026",
            "%(start)s至%(end)s",
        ),
    ],
)
def test_an_assessment_period_stays_chinese_in_its_label_and_reads_in_english_on_a_page(
    period, chinese, english, msgid
):
    with translation.override("zh-hans"):
        assert period.label == period.display_label == chinese
    with translation.override("en"):
        assert period.label == chinese  # stored with the assessment and printed in its 考核通报
        assert period.display_label == english


def test_a_reporting_period_label_stays_chinese_for_files_and_reads_in_english_on_a_page(period):
    with translation.override("en"):
        assert period.label == "2026年11月"
        assert period.display_label == "November 2026"
    with translation.override("zh-hans"):
        assert period.display_label == "2026年11月"


def test_a_plans_years_read_in_each_language(cast):
    cast.plan.year_start, cast.plan.year_end = 2025, 2026
    with translation.override("zh-hans"):
        assert cast.plan.period_display == cast.plan.period_label == "2025—2026年"
    with translation.override("en"):
        assert cast.plan.period_label == "2025—2026年"  # what the plan's files print
        assert cast.plan.period_display == "2025—2026"
    cast.plan.year_start = 2026
    with translation.override("en"):
        assert cast.plan.period_display == "2026"


def test_the_dashboard_heads_the_months_reports_in_each_language(client, cast, period):
    url = reverse("dashboards:dashboard")
    deadline = period.deadline
    chinese = _page(client, cast.office, url, "zh-hans")
    assert "2026年11月月报" in chinese
    assert f"{deadline.month}月{deadline.day}日截止" in chinese
    english = _page(client, cast.office, url, "en")
    assert "2026年11月" not in english  # was "2026年11月submissions"
    assert "November 2026" in english
    assert f"{deadline.day} {deadline:%b}" in english


def test_a_period_is_named_in_the_readers_language_in_a_picker(period):
    with translation.override("zh-hans"):
        assert str(period) == "甲市 2026年11月"
    with translation.override("en"):
        assert str(period) == "甲市 November 2026"
