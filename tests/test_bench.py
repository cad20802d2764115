"""seed_large's reporting history is data the workflow could have produced, and the month-end
peak loses nothing."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench.dashboard import GROWN_MODELS, dashboard_figures
from bench.data import Scale, seed_large
from bench.measure import time_cold_get, time_get
from bench.peak import (
    PEAK_KEYS,
    _Outcome,
    lost_values,
    peak_figures,
    peak_liaisons,
    peak_reset,
    peak_run,
)
from bench.reports import reporting_months
from bench.world import bench_jurisdictions, bench_office_username
from programmes.cache import jurisdiction_pages_renew
from programmes.models import Plan
from reports.models import DepartmentReport, IndicatorValue, ReportingPeriod, TaskEntry
from reports.services import department_indicators_due, department_tasks_due, value_gaps
from targets.models import Measurement

SMALL = Scale(jurisdictions=1, departments=5, tasks=10, targets=20, sections=2, months=3)


def test_reporting_months_end_with_the_previous_month():
    assert reporting_months(months=3, today=dt.date(2026, 2, 10)) == [(2025, 11), (2025, 12), (2026, 1)]


@pytest.mark.django_db
def test_seed_large_builds_three_closed_months_and_an_open_one():
    # when
    seed_large(SMALL)

    # then
    periods = ReportingPeriod.objects.filter(jurisdiction__in=bench_jurisdictions()).order_by("start")
    assert [p.status for p in periods] == ["closed"] * 3 + ["open"]
    for period in periods:
        assert period.reports.exists(), f"{period} has no reports"
    current = periods.last()
    assert set(current.reports.values_list("status", flat=True)) == {"draft"}


@pytest.mark.django_db
def test_each_seeded_report_covers_exactly_its_departments_tasks_and_indicators():
    # given
    seed_large(SMALL)

    # then every report holds what report_ensure would have given it, and satisfies its constraints
    reports = DepartmentReport.objects.filter(period__jurisdiction__in=bench_jurisdictions()).select_related(
        "period", "department"
    )
    assert reports.filter(status=DepartmentReport.Status.APPROVED).exists()
    for report in reports:
        report.validate_constraints()
        roles = department_tasks_due(period=report.period, department=report.department)
        entries = dict(report.entries.values_list("task_id", "role"))
        assert entries == roles, report
        indicators = set(department_indicators_due(period=report.period, department=report.department))
        assert {v.indicator for v in report.values.select_related("indicator")} == indicators, report


@pytest.mark.django_db
def test_submitted_reports_are_complete_and_their_values_are_the_measurements():
    # given
    seed_large(SMALL)

    # then
    submitted = DepartmentReport.objects.filter(
        period__jurisdiction__in=bench_jurisdictions(), period__status="closed"
    ).exclude(status=DepartmentReport.Status.DRAFT)
    assert submitted.exists()
    for report in submitted.select_related("period"):
        assert not report.entries.filter(progress="").exists(), report
        assert value_gaps(report=report) == [], report
        assert report.submitted_by_id and report.submitted_at <= report.updated_at
        for value in report.values.all():
            measurement = Measurement.objects.get(indicator=value.indicator, period_end=report.period.end)
            assert measurement.value == value.value
            assert measurement.confirmed == (report.status == DepartmentReport.Status.APPROVED)
    per_month = Counter(Measurement.objects.values_list("indicator_id", "period_end"))
    assert per_month and max(per_month.values()) == 1


@pytest.mark.django_db
def test_the_plan_page_is_timed_from_the_cache_and_apart_built_after_each_renewal():
    # given the benchmark's first plan and its office signed in
    seed_large(SMALL)
    jurisdiction = bench_jurisdictions().order_by("name").first()
    plan = Plan.objects.filter(jurisdiction=jurisdiction).order_by("pk").first()
    office = get_user_model().objects.get(username=bench_office_username(int(jurisdiction.name[2:-1])))
    client = Client()
    client.force_login(office)
    url = reverse("programmes:plan_detail", args=[plan.pk])

    # when
    with override_settings(ALLOWED_HOSTS=["*"]):
        cached = time_get(client, url, requests=3)
        built = time_cold_get(
            client, url, requests=3, renew=lambda: jurisdiction_pages_renew([jurisdiction.pk])
        )

    # then each timed build read the tree (headings, tasks, assignments, targets, milestones,
    # the jurisdictions each task was delegated to)
    assert built.queries - cached.queries == 6


@pytest.mark.django_db
def test_peak_reset_puts_the_open_reports_back_to_blank_drafts():
    # given a submitted current report
    seed_large(SMALL)
    report = DepartmentReport.objects.filter(period__status="open").first()
    report.entries.update(progress="已完成")
    DepartmentReport.objects.filter(pk=report.pk).update(status="submitted")

    # when
    peak_reset()

    # then
    report.refresh_from_db()
    assert report.status == "draft"
    assert not report.entries.exclude(progress="").exists()


@pytest.mark.django_db
def test_lost_values_counts_each_sent_value_the_database_does_not_hold():
    # given a liaison who sent two progress texts and a value, one text of which was not stored
    seed_large(SMALL)
    first, second = TaskEntry.objects.filter(report__period__status="open")[:2]
    value = IndicatorValue.objects.filter(report__period__status="open").first()
    TaskEntry.objects.filter(pk=first.pk).update(progress="已保存的进展")
    IndicatorValue.objects.filter(pk=value.pk).update(value="93.5")
    outcome = _Outcome(
        liaison=None,
        last_sent={
            f"entry-{first.pk}-progress": "已保存的进展",
            f"entry-{second.pk}-progress": "没有保存的进展",
            f"value-{value.pk}-value": "93.50",
            "csrfmiddlewaretoken": "x",
        },
    )

    # then
    assert lost_values([outcome]) == 1


@pytest.mark.django_db
def test_peak_is_skipped_with_a_reason_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path only; PostgreSQL runs the peak itself")
    figures = peak_figures(liaisons=3)
    assert all(figures[key] is None for key in PEAK_KEYS)
    assert "PostgreSQL" in figures["peak_skipped"]


@pytest.mark.django_db(transaction=True)
def test_three_liaisons_save_and_submit_at_once_without_error_or_loss(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("the peak needs PostgreSQL (SQLite takes one writer at a time); set DATABASE_URL")
    # given
    seed_large(SMALL)
    peak_reset()
    liaisons = peak_liaisons(3)

    # when they log in, autosave twice and submit, all at once
    result = peak_run(base_url=live_server.url, liaisons=liaisons, saves=2, think=(0, 0.05), time_limit=120)

    # then
    assert result.errors == []
    assert result.lost_values == 0
    assert result.submitted == 3
    assert result.requests == 3 * (3 + 2 + 1)  # login page, login, report page; saves; submit


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_figures_grow_the_other_jurisdiction_tenfold_and_leave_nothing_behind():
    if connection.vendor != "postgresql":
        pytest.skip("the copies are made in PostgreSQL's SQL; set DATABASE_URL")
    # given two small jurisdictions and the first one's office signed in
    seed_large(Scale(jurisdictions=2, departments=4, tasks=6, targets=8, sections=2, months=2))
    first = bench_jurisdictions().order_by("name").first()
    office = get_user_model().objects.get(username=bench_office_username(int(first.name[2:-1])))
    client = Client()
    client.force_login(office)
    counts = {model: model.objects.count() for model in GROWN_MODELS}

    # when the dashboard is timed before and after the other jurisdiction grows
    with override_settings(ALLOWED_HOSTS=["*"]):
        figures = dashboard_figures(client=client, jurisdiction=first, requests=3)

    # then nine copies of the other jurisdiction's rows were timed against, and rolled back
    other = {model: model.objects.count() for model in GROWN_MODELS}
    assert figures["dashboard_grown_rows"] > 0
    assert figures["dashboard_growth_ratio"] > 0 and figures["dashboard_queries"] > 0
    assert other == counts


@pytest.mark.django_db
def test_the_month_compilation_figure_covers_the_plans_tasks_and_departments():
    from bench.compilation import time_month_compilation

    # given
    seed_large(SMALL)
    plan = Plan.objects.filter(jurisdiction__in=bench_jurisdictions()).order_by("pk").first()

    # when
    figures = time_month_compilation(plan=plan)

    # then the last closed month's table holds every task in force and its departments
    assert figures["compilation_month_tasks"] == plan.tasks.filter(withdrawn_at__isnull=True).count()
    assert figures["compilation_month_departments"] > 0
    assert figures["compilation_month_s"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_peak_runs_on_two_app_servers_each_liaison_alternating_between_them():
    if connection.vendor != "postgresql":
        pytest.skip("the peak needs PostgreSQL (SQLite takes one writer at a time); set DATABASE_URL")
    # given five open bench reports, and six liaisons asked for
    seed_large(SMALL)

    # when the peak runs on two servers, every liaison's requests going to each in turn
    figures = peak_figures(liaisons=6, workers=1, threads=2, saves=2, arrival=0.5, think=(0, 0.05))

    # then the five there are opened, saved twice and submitted, nothing lost, and it says why five
    assert figures["peak_app_servers"] == 2
    assert figures["peak_liaisons"] == 5
    assert "seed_large --province" in figures["peak_short"]
    assert figures.get("peak_first_errors") is None and figures["peak_errors"] == 0
    assert figures["peak_lost_values"] == 0
    assert figures["peak_submitted"] == 5
    assert figures["peak_requests"] == 5 * (1 + 2 + 1)  # the report page (signed in), two saves, submit
    assert figures["peak_requests_by_server"] == [10, 10]
    assert all(figures[f"peak_{step}_p95_ms"] > 0 for step in ("open", "save", "submit"))


@pytest.fixture
def draft(request, cast, period, rated):
    """A draft of 1 + `more` tasks and as many indicators with targets (more: the test's
    parameter)."""
    from reports.services import period_open
    from tests.factories import AssignmentFactory, IndicatorFactory, TargetFactory, TaskFactory

    more = request.getfixturevalue("more")
    for n in range(more):
        task = TaskFactory(plan=cast.plan, position=3000 + n)
        AssignmentFactory(task=task, department=cast.department)
        indicator = IndicatorFactory(
            jurisdiction=cast.jurisdiction, name=f"抽查指标{n}", reporting_department=cast.department
        )
        TargetFactory(task=task, indicator=indicator, comparator=">=", value=90)
    period_open(period=period)
    report = DepartmentReport.objects.get(period=period, department=cast.department)
    assert report.entries.count() == report.values.count() == 1 + more
    return report


@pytest.mark.parametrize("more", [0, 12])
def test_a_submission_takes_the_same_few_queries_whatever_the_number_of_tasks_and_values(
    cast, draft, more, django_assert_num_queries
):
    from reports.services import report_submit

    # given the draft with every task and indicator filled in
    draft.entries.update(progress="已完成")
    draft.values.update(value=95)

    # when the liaison submits, then: the liaison's role, the report locked (with its period,
    # jurisdiction, department and any correction), its values, their targets, its entries,
    # the measurements before the period, the report, the entries' and the values' texts, the
    # official figures, the measurements upserted, the audit row, and the savepoint's two
    with django_assert_num_queries(14):
        report_submit(report=draft, actor=cast.liaison, today=dt.date(2026, 12, 1))
    assert draft.entries.filter(returned=False).count() == 1 + more
    assert Measurement.objects.filter(indicator__reporting_department=cast.department).count() == 1 + more


@pytest.mark.parametrize("more", [0, 12])
def test_a_save_takes_the_same_few_queries_whatever_the_number_of_fields_changed(
    cast, draft, more, django_assert_num_queries
):
    from reports.services import report_save_draft

    # given every task's progress and every indicator's value typed on the page
    entries = {e.pk: {"progress": f"进展{e.pk}", "version": e.version} for e in draft.entries.all()}
    values = {v.pk: {"value": "95.5", "version": v.version} for v in draft.values.all()}

    # when the page saves them all, then: the liaison's role, the report locked, its entries,
    # one update of them, its values, one update of them, the audit rows, the savepoint's two
    with django_assert_num_queries(9):
        result = report_save_draft(report=draft, actor=cast.liaison, entries=entries, values=values)

    # and each is saved at its next version, which the answer gives the page
    assert result.ok and result.saved == 2 * (1 + more)
    for entry in draft.entries.all():
        assert entry.progress == f"进展{entry.pk}" and entry.updated_by == cast.liaison
        assert result.versions[f"entry-{entry.pk}"] == entry.version == entries[entry.pk]["version"] + 1
    for value in draft.values.all():
        assert value.value == Decimal("95.5")
        assert result.versions[f"value-{value.pk}"] == value.version == values[value.pk]["version"] + 1


@pytest.mark.django_db
def test_the_dashboard_growth_phase_grows_only_the_other_cities():
    from bench.dashboard import other_cities
    from bench.data import Province
    from responsibilities.models import Jurisdiction

    # given a province of three cities, each with two counties
    seed_large(
        Scale(jurisdictions=1, departments=5, tasks=6, targets=6, sections=2, months=1),
        province=Province(cities=3, counties=2, delegated=1),
    )
    cities = list(bench_jurisdictions().filter(level=Jurisdiction.Level.CITY).order_by("pk"))

    # when the first city's dashboard is to be timed against its neighbours' growth
    grown = other_cities(cities[0])

    # then the two other cities grow, not the province, nor any county
    assert grown == [cities[1].pk, cities[2].pk]
    assert bench_jurisdictions().count() == 1 + 3 + 6
