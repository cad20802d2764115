"""A target's status at a date: the edges of every rule (on the value, just under, range ends,
stretch reached, cumulative by elapsed share, awaiting statistics, trends)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.models import Indicator, Measurement, Target
from targets.status import (
    TargetStatus,
    elapsed_share,
    reported_value_misses,
    target_reading,
    target_status,
    target_statuses,
    window_totals_before,
)
from tests.factories import IndicatorFactory, PlanFactory, TargetFactory, TaskFactory

AS_OF = dt.date(2026, 7, 10)


def month(m: int, value, year: int = 2026) -> Measurement:
    start = dt.date(year, m, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Measurement(period_start=start, period_end=end, value=Decimal(str(value)))


def build_target(*, aggregation="latest", source="reported", years=(2026, 2026), **fields) -> Target:
    plan = PlanFactory.build(year_start=years[0], year_end=years[1])
    indicator = IndicatorFactory.build(aggregation=aggregation, source=source)
    fields.setdefault("comparator", ">=")
    for name in ("value", "value_max", "stretch", "baseline"):
        if fields.get(name) is not None:
            fields[name] = Decimal(str(fields[name]))  # as the database would hand them back
    return TargetFactory.build(task=TaskFactory.build(plan=plan), indicator=indicator, **fields)


def status_of(target: Target, *values, as_of=AS_OF) -> TargetStatus:
    measurements = [month(i + 1, v) for i, v in enumerate(values)]
    return target_status(target, measurements=measurements, as_of=as_of)


@pytest.mark.parametrize(
    ("fields", "latest", "expected"),
    [
        ({"comparator": ">=", "value": 93}, "93", TargetStatus.MET),  # exactly on the value
        ({"comparator": ">=", "value": 93}, "92.99", TargetStatus.AT_RISK),  # just under
        ({"comparator": ">=", "value": 93}, "83.7", TargetStatus.AT_RISK),  # 10% under: still at risk
        ({"comparator": ">=", "value": 93}, "83.69", TargetStatus.OFF_TRACK),  # beyond 10%
        ({"comparator": ">", "value": 93}, "93", TargetStatus.AT_RISK),  # strictly above means not on it
        ({"comparator": "<=", "value": "0.30"}, "0.30", TargetStatus.MET),
        ({"comparator": "<=", "value": "0.30"}, "0.31", TargetStatus.AT_RISK),
        ({"comparator": "<=", "value": "0.30"}, "0.40", TargetStatus.OFF_TRACK),
        ({"comparator": "range", "value": 2, "value_max": 3}, "2", TargetStatus.MET),  # lower end
        ({"comparator": "range", "value": 2, "value_max": 3}, "3", TargetStatus.MET),  # upper end
        ({"comparator": "range", "value": 2, "value_max": 3}, "3.2", TargetStatus.AT_RISK),  # just above
        ({"comparator": "range", "value": 2, "value_max": 3}, "1.5", TargetStatus.OFF_TRACK),
        ({"comparator": "=", "value": 100}, "100", TargetStatus.MET),
        ({"comparator": "=", "value": 100}, "99", TargetStatus.AT_RISK),
    ],
)
def test_a_rate_is_judged_by_its_latest_value(fields, latest, expected):
    # given a rate target and an earlier value that would meet anything
    target = build_target(**fields)
    # when the latest value is read
    status = status_of(target, "50", latest)
    # then the latest value alone decides
    assert status == expected


def test_reaching_the_stretch_is_met_and_says_so():
    # given 事故死亡率 ≤ 0.30，力争 < 0.25
    target = build_target(comparator="<=", value=Decimal("0.30"), stretch=Decimal("0.25"))
    # when the value reaches the stretch, and when it only meets the firm value
    reached = target_reading(target, measurements=[month(6, "0.25")], as_of=AS_OF)
    firm = target_reading(target, measurements=[month(6, "0.28")], as_of=AS_OF)
    # then both are met, and only the first reached the stretch
    assert (reached.status, reached.stretch_reached) == (TargetStatus.MET, True)
    assert (firm.status, firm.stretch_reached) == (TargetStatus.MET, False)


def test_a_rate_short_of_the_value_is_on_track_when_it_keeps_pace_from_the_baseline():
    # given a three-year plan to go from 90 to 96, half-way through (18 of 36 months measured)
    target = build_target(years=(2025, 2027), value=96, baseline=90)
    measurements = [month(m, "93", year=2025) for m in range(1, 13)] + [month(m, "93") for m in range(1, 7)]
    # when the latest value is exactly half-way, and just under it
    on_pace = target_status(target, measurements=measurements, as_of=AS_OF)
    measurements[-1] = month(6, "92.99")
    behind = target_status(target, measurements=measurements, as_of=AS_OF)
    # then half-way is on track, under it is at risk (within 10% of 96)
    assert on_pace == TargetStatus.ON_TRACK
    assert behind == TargetStatus.AT_RISK


@pytest.mark.parametrize(
    ("total_by_june", "expected"),
    [
        ("1250", TargetStatus.ON_TRACK),  # exactly half of 2500 after six of twelve months
        ("1249", TargetStatus.AT_RISK),  # just under the pro-rata share
        ("1125", TargetStatus.AT_RISK),  # 90% of the share
        ("1124", TargetStatus.OFF_TRACK),  # below 90% of the share
        ("2500", TargetStatus.MET),  # the whole year's value already reached
    ],
)
def test_a_cumulative_target_is_on_track_by_the_share_of_the_year_elapsed(total_by_june, expected):
    # given 新申请国内注册商标2500件 in 2026, reported as monthly increments
    target = build_target(aggregation="sum", value=2500)
    total = Decimal(total_by_june)
    increments = [total / 6] * 5 + [total - total / 6 * 5]
    # when six months are in
    status = status_of(target, *increments)
    # then the running total is compared with half the value
    assert status == expected


def test_a_cumulative_ceiling_is_off_track_once_passed_and_met_only_when_the_year_is_over():
    # given at most 30 accidents in 2026
    target = build_target(aggregation="sum", comparator="<=", value=30)
    # when counted at mid-year below pace, above pace, past the ceiling, and after the year
    below = status_of(target, 2, 2, 2, 2, 2, 2)
    above = status_of(target, 4, 4, 4, 4, 4, 4)
    passed = status_of(target, 6, 6, 6, 6, 6, 6)
    year = [month(m, 2) for m in range(1, 13)]
    over = target_status(target, measurements=year, as_of=dt.date(2027, 1, 10))
    # then
    assert (below, above, passed, over) == (
        TargetStatus.ON_TRACK,
        TargetStatus.AT_RISK,
        TargetStatus.OFF_TRACK,
        TargetStatus.MET,
    )


def test_a_target_from_official_statistics_awaits_data_rather_than_falling_behind():
    # given a statistics-fed target and a department-reported one, neither with a value yet
    statistics = build_target(source=Indicator.Source.STATISTICS)
    reported = build_target(source=Indicator.Source.REPORTED)
    # when judged
    # then the statistics wait; the reported one simply has no data
    assert status_of(statistics) == TargetStatus.AWAITING_DATA
    assert status_of(reported) == TargetStatus.NO_DATA


def test_statistics_published_late_are_judged_by_the_months_they_cover():
    # given a cumulative statistics target with only the first quarter published by July
    target = build_target(aggregation="sum", source=Indicator.Source.STATISTICS, value=1200)
    # when the quarter's total is a quarter of the value
    status = status_of(target, 100, 100, 100)
    # then it is on track: the months not yet published do not count against it
    assert status == TargetStatus.ON_TRACK


def test_values_outside_the_plans_years_or_after_the_date_are_ignored():
    # given a 2026 target, a 2025 value that meets it and a value dated after the as-of date
    target = build_target(value=93)
    measurements = [month(12, "99", year=2025), month(8, "99")]
    # when judged on 10 July 2026
    # then nothing counts yet
    assert target_status(target, measurements=measurements, as_of=AS_OF) == TargetStatus.NO_DATA


@pytest.mark.parametrize(
    ("comparator", "values", "expected"),
    [
        ("increase", ("10", "11"), TargetStatus.MET),
        ("increase", ("10", "10"), TargetStatus.AT_RISK),
        ("increase", ("10", "9"), TargetStatus.OFF_TRACK),
        ("decrease", ("10", "9"), TargetStatus.MET),
        ("decrease", ("10", "12"), TargetStatus.OFF_TRACK),
        ("increase", ("10",), TargetStatus.NO_DATA),  # one value and no baseline: no trend yet
    ],
)
def test_a_trend_compares_the_latest_value_with_the_previous(comparator, values, expected):
    # given 逐年增长 / 逐年下降
    target = build_target(comparator=comparator, value=None)
    # when / then
    assert status_of(target, *values) == expected


def test_a_trend_with_one_value_compares_it_with_the_baseline():
    # given 逐年增长 from a baseline of 10
    target = build_target(comparator="increase", value=None, baseline=Decimal("10"))
    # when / then
    assert status_of(target, "10.5") == TargetStatus.MET


def test_elapsed_share_counts_whole_months_measured():
    # given / when / then
    assert elapsed_share(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), data_until=dt.date(2026, 3, 31)
    ) == (Decimal(3) / 12)
    assert (
        elapsed_share(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), data_until=dt.date(2027, 3, 31))
        == 1
    )


def test_statuses_of_many_targets_take_a_constant_number_of_queries(db):
    # given two plans' worth of targets with measurements
    def make(n):
        plan = PlanFactory()
        for i in range(n):
            indicator = IndicatorFactory(jurisdiction=plan.jurisdiction)
            TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, value=10)
            for m in range(1, 4):
                Measurement.objects.create(
                    indicator=indicator,
                    period_start=dt.date(2026, m, 1),
                    period_end=dt.date(2026, m, 28),
                    value=m * i,
                )
        return Target.objects.filter(task__plan=plan)

    small, large = make(2), make(12)
    # when both are judged
    with CaptureQueriesContext(connection) as few:
        target_statuses(small, as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        statuses = target_statuses(large, as_of=AS_OF)
    # then two queries each: the targets with plan, indicator and any earlier commitment still
    # in force at the date; for their one window, the sums per indicator with the two latest
    # values per indicator
    assert len(few) == len(many) == 2
    assert len(statuses) == 12


def test_the_many_targets_path_reads_every_target_as_the_rules_on_the_measurements_do(db):
    # given targets of every kind over a two-year plan, one with a due date, values across years
    plan = PlanFactory(year_start=2025, year_end=2026)
    kinds = [
        {"aggregation": "latest", "comparator": ">=", "value": 93},
        {"aggregation": "sum", "comparator": ">=", "value": 40},
        {"aggregation": "sum", "comparator": "<=", "value": 30},
        {"aggregation": "average", "comparator": "range", "value": 2, "value_max": 3},
        {"aggregation": "latest", "comparator": "increase", "value": None},
        {"aggregation": "latest", "comparator": ">=", "value": 93, "due_date": dt.date(2026, 3, 31)},
        {"aggregation": "latest", "comparator": ">=", "value": 93, "source": "statistics"},
    ]
    for n, kind in enumerate(kinds):
        indicator = IndicatorFactory(
            jurisdiction=plan.jurisdiction,
            aggregation=kind.pop("aggregation"),
            source=kind.pop("source", "reported"),
        )
        TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, **kind)
        if indicator.source == "reported":
            for year, m in [(2024, 12), (2025, 6), (2026, 2), (2026, 5), (2026, 9)]:
                Measurement.objects.create(
                    indicator=indicator,
                    period_start=dt.date(year, m, 1),
                    period_end=dt.date(year, m, 28),
                    value=Decimal(n + m),
                )
    targets = Target.objects.filter(task__plan=plan)
    # when read all at once and by the rules on each target's measurements
    at_once = target_statuses(targets, as_of=AS_OF)
    by_rules = {
        t.pk: target_status(t, measurements=list(t.indicator.measurements.all()), as_of=AS_OF)
        for t in targets
    }
    # then they agree
    assert at_once == by_rules


# The submit check reads a reported value as the status does -----------------------------------


def reading_after(
    target: Target, history: list[Measurement], value: Decimal, period: Measurement
) -> TargetStatus:
    """The target's status once the value is measured for the period."""
    measured = [
        *history,
        Measurement(period_start=period.period_start, period_end=period.period_end, value=value),
    ]
    return target_status(target, measurements=measured, as_of=period.period_end)


@pytest.mark.parametrize(
    ("total_before", "value", "misses"),
    [
        ("1100", "100", False),  # 1,200 after 12 of 36 months: exactly a third of 3,600
        ("1100", "99", True),  # one short of the third
        ("0", "1199", True),
    ],
)
def test_a_multi_year_cumulative_target_is_checked_over_its_window_not_the_calendar_year(
    total_before, value, misses
):
    # given 新增商标 3600 件 over 2024–2026, and a year of increments reported through November 2024
    target = build_target(aggregation="sum", value=3600, years=(2024, 2026))
    december = month(12, 0, year=2024)
    # when December 2024's increment is submitted
    missed = reported_value_misses(
        target,
        value=Decimal(value),
        total_before=Decimal(total_before),
        period_start=december.period_start,
        period_end=december.period_end,
    )
    # then it is judged against a third of the value (twelve of thirty-six months), not all of it
    assert missed is misses


# A value needs an explanation when the status it makes is behind: under the pro-rata share of
# a floor (at risk or off track); over a ceiling only once the ceiling is passed (off track),
# since running ahead of a ceiling's pace is a warning, not yet a miss.
BEHIND = {
    ">=": (TargetStatus.AT_RISK, TargetStatus.OFF_TRACK),
    "<=": (TargetStatus.OFF_TRACK,),
}


@pytest.mark.parametrize("comparator", [">=", "<="])
@pytest.mark.parametrize("months_in", [1, 6, 12, 18, 30, 36])
@pytest.mark.parametrize("pace", ["0.5", "0.899", "0.9", "0.99", "1", "1.2", "1.5", "3"])
def test_a_value_misses_exactly_when_the_status_it_makes_is_behind(comparator, months_in, pace):
    # given a cumulative target over 2024–2026 and a steady monthly increment at some pace
    target = build_target(aggregation="sum", comparator=comparator, value=3600, years=(2024, 2026))
    step = Decimal(100) * Decimal(pace)
    periods = [month((i % 12) + 1, step, year=2024 + i // 12) for i in range(months_in)]
    history, current = periods[:-1], periods[-1]
    total_before = sum((m.value for m in history), Decimal(0))
    # when the last month's value is checked at submission
    missed = reported_value_misses(
        target,
        value=step,
        total_before=total_before,
        period_start=current.period_start,
        period_end=current.period_end,
    )
    # then the check and the status agree
    status = reading_after(target, history, step, current)
    assert missed is (status in BEHIND[comparator]), status


def test_a_period_outside_the_targets_window_misses_nothing():
    # given a target due at the end of June 2025 in a plan running to 2026
    target = build_target(aggregation="latest", value=93, years=(2024, 2026), due_date=dt.date(2025, 6, 30))
    january = month(1, 0, year=2026)
    # when a low value is reported for January 2026
    missed = reported_value_misses(
        target,
        value=Decimal(50),
        total_before=Decimal(0),
        period_start=january.period_start,
        period_end=january.period_end,
    )
    # then it is not held against the finished target
    assert missed is False


def test_window_totals_sum_each_indicators_measurements_from_its_targets_window_start(db):
    # given a 2024–2026 target and measurements from 2023 (before the window) to 2025
    plan = PlanFactory(year_start=2024, year_end=2026)
    indicator = IndicatorFactory(aggregation="sum")
    target = TargetFactory(task=TaskFactory(plan=plan), indicator=indicator, value=3600)
    for year, m, value in ((2023, 12, 500), (2024, 1, 100), (2024, 12, 200), (2025, 3, 300)):
        measurement = month(m, value, year=year)
        measurement.indicator = indicator
        measurement.save()
    # when summed before March 2025
    totals = window_totals_before([target], before=dt.date(2025, 3, 1))
    # then 2023 and March 2025 are left out
    assert totals == {(dt.date(2024, 1, 1), indicator.pk): Decimal(300)}
