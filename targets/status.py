"""The rules that compare values with commitments."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Cast, JSONObject, RowNumber
from django.utils.translation import gettext_lazy as _

from .models import Comparator, Indicator, Measurement, Target, TargetHistory


def value_meets(
    *, comparator: str, value: Decimal, target: Decimal | None, target_max: Decimal | None = None
) -> bool | None:
    """A value meets a commitment by its comparator; a trend (increase, decrease) cannot be
    judged from one value, so it answers None."""
    if comparator in (Comparator.INCREASE, Comparator.DECREASE) or target is None:
        return None
    if comparator == Comparator.GTE:
        return value >= target
    if comparator == Comparator.GT:
        return value > target
    if comparator == Comparator.EQ:
        return value == target
    if comparator == Comparator.LTE:
        return value <= target
    if comparator == Comparator.LT:
        return value < target
    if comparator == Comparator.RANGE:
        return target <= value <= target_max if target_max is not None else value >= target
    raise ValueError(f"unknown comparator {comparator}")


def target_met_by(target: Target, value: Decimal) -> bool | None:
    """Whether a reported value meets the target's firm value (the stretch is a hope, not a bar)."""
    return value_meets(
        comparator=target.comparator, value=value, target=target.value, target_max=target.value_max
    )


# The commitment in force at a date ----------------------------------------------------------

# What a mid-year change replaces and TargetHistory keeps (the indicator, due date and text are
# the target's own and do not change with time).
COMMITMENT_FIELDS = ("comparator", "value", "value_max", "stretch", "baseline")


def _commitment_apply(target: Target, earlier: TargetHistory | None) -> None:
    """Put an earlier commitment onto the in-memory target; `commitment_until` says until when
    it held (None: the target's current commitment)."""
    target.commitment_until = None if earlier is None else earlier.valid_until
    if earlier is not None:
        for name in COMMITMENT_FIELDS:
            setattr(target, name, getattr(earlier, name))


def commitment_at(target: Target, day: dt.date) -> Target:
    """The target as it committed on a day: a copy carrying the earliest kept commitment still in
    force then (TargetHistory.valid_until on or after the day), or the target itself when its
    current commitment held. Reads `target.history` (prefetched, or one query)."""
    if target.pk is None:
        return target
    earlier = min(
        (row for row in target.history.all() if row.valid_until >= day),
        key=lambda row: (row.valid_until, row.pk),
        default=None,
    )
    if earlier is None:
        return target
    shown = copy.copy(target)
    _commitment_apply(shown, earlier)
    return shown


def _with_earlier_commitment(targets: QuerySet, *, as_of: dt.date) -> QuerySet:
    """The targets, each annotated in their own query with the earliest kept commitment still in
    force at the date (`earlier_commitment`, JSON, or None when the current one held): one
    correlated subquery on the history's target index, so no query is added. The numbers travel
    as text, so none is rounded through a float."""
    earlier = (
        TargetHistory.objects.filter(target=OuterRef("pk"), valid_until__gte=as_of)
        .order_by("valid_until", "pk")
        .values(
            row=JSONObject(
                valid_until=Cast("valid_until", models.CharField()),
                comparator="comparator",
                **{name: Cast(name, models.CharField()) for name in COMMITMENT_FIELDS[1:]},
            )
        )[:1]
    )
    return targets.annotate(earlier_commitment=Subquery(earlier, output_field=models.JSONField()))


def _earlier_of(row) -> TargetHistory | None:
    """The kept commitment an annotated row carries (see _with_earlier_commitment)."""
    if not row:
        return None
    if isinstance(row, str):
        row = json.loads(row)
    return TargetHistory(
        valid_until=dt.date.fromisoformat(row["valid_until"]),
        comparator=row["comparator"],
        **{name: None if row[name] is None else Decimal(str(row[name])) for name in COMMITMENT_FIELDS[1:]},
    )


# Status at a date ------------------------------------------------------------------------------

# A miss by at most this share of the bar (or of the pro-rata share of a cumulative target) is
# "at risk"; a bigger miss is "off track". One margin for every kind of target keeps the rule
# explainable in one sentence to a department.
AT_RISK_TOLERANCE = Decimal("0.10")


class TargetStatus(models.TextChoices):
    MET = "met", _("已达标")
    ON_TRACK = "on_track", _("进度正常")
    AT_RISK = "at_risk", _("存在风险")
    OFF_TRACK = "off_track", _("明显滞后")
    AWAITING_DATA = "awaiting_data", _("待统计数据")
    NO_DATA = "no_data", _("暂无数据")


@dataclass(frozen=True)
class TargetReading:
    """What a target's measurements say at a date: the status and the figures behind it."""

    status: TargetStatus
    current: Decimal | None = None  # the value read by the indicator's aggregation
    expected: Decimal | None = None  # what the elapsed share calls for (pro-rata or trajectory)
    elapsed_share: Decimal | None = None
    stretch_reached: bool = False


def target_window(target: Target) -> tuple[dt.date, dt.date]:
    """A target runs from 1 January of its plan's first year to its due date or the end of the
    plan's last year, whichever comes first."""
    plan = target.task.plan
    end = dt.date(plan.year_end, 12, 31)
    return dt.date(plan.year_start, 1, 1), min(target.due_date, end) if target.due_date else end


@dataclass(frozen=True)
class Series:
    """The measurements a target counts, summed up: enough for every rule."""

    count: int
    total: Decimal
    latest: Decimal | None
    previous: Decimal | None
    last_end: dt.date | None

    @classmethod
    def of(cls, measurements: list[Measurement]) -> Series:
        ordered = sorted(measurements, key=lambda m: m.period_end)
        return cls(
            count=len(ordered),
            total=sum((m.value for m in ordered), Decimal(0)),
            latest=ordered[-1].value if ordered else None,
            previous=ordered[-2].value if len(ordered) > 1 else None,
            last_end=ordered[-1].period_end if ordered else None,
        )


def months_spanned(start: dt.date, end: dt.date) -> int:
    """The calendar months from start's month to end's, both counted (Jan–Dec is 12)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def elapsed_share(*, start: dt.date, end: dt.date, data_until: dt.date) -> Decimal:
    """The share of a target's window elapsed, counted in whole months up to the end of the last
    period measured, so statistics published late do not make a target look behind."""
    total = max(months_spanned(start, end), 1)
    done = min(max(months_spanned(start, data_until), 0), total)
    return Decimal(done) / Decimal(total)


def reported_value_misses(
    target: Target, *, value: Decimal, total_before: Decimal, period_start: dt.date, period_end: dt.date
) -> bool:
    """A value reported for a period misses a target when, read as the target's status reads
    it, it falls short of the firm value: a rate or a stock by the value itself, a sum of
    increments by its running total over the target's window (total_before: the window's
    measurements before the period) against the share of the value that the elapsed share of
    the window calls for. A period outside the target's window misses nothing."""
    if target.comparator in (Comparator.INCREASE, Comparator.DECREASE) or target.value is None:
        return False
    start, end = target_window(target)
    if period_end < start or period_start > end:
        return False
    if target.indicator.aggregation == Indicator.Aggregation.SUM:
        cumulative = total_before + value
        if target.comparator in (Comparator.LTE, Comparator.LT):
            return not value_meets(comparator=target.comparator, value=cumulative, target=target.value)
        return cumulative < target.value * elapsed_share(start=start, end=end, data_until=period_end)
    return target_met_by(target, value) is False


def window_totals_before(targets: Iterable[Target], *, before: dt.date) -> dict[tuple[dt.date, int], Decimal]:
    """Each target's indicator's measurements summed from the start of the target's window up
    to a date (not included), keyed by (window start, indicator): one query per distinct start."""
    starts: dict[dt.date, set[int]] = defaultdict(set)
    for target in targets:
        starts[target_window(target)[0]].add(target.indicator_id)
    totals = {}
    for start, indicator_ids in starts.items():
        rows = (
            Measurement.objects.filter(
                indicator_id__in=sorted(indicator_ids), period_end__gte=start, period_end__lt=before
            )
            .order_by()
            .values("indicator_id")
            .annotate(total=Sum("value"))
            .values_list("indicator_id", "total")
        )
        totals.update({(start, indicator_id): total for indicator_id, total in rows})
    return totals


def _miss_status(value: Decimal, bar: Decimal) -> TargetStatus:
    """A miss within AT_RISK_TOLERANCE of the bar is at risk, a bigger one off track."""
    return (
        TargetStatus.AT_RISK if abs(value - bar) <= abs(bar) * AT_RISK_TOLERANCE else TargetStatus.OFF_TRACK
    )


def _upward(comparator: str) -> bool:
    return comparator in (Comparator.GTE, Comparator.GT, Comparator.RANGE, Comparator.EQ)


def target_reading(target: Target, *, measurements: list[Measurement], as_of: dt.date) -> TargetReading:
    """A target's status at a date from the commitment in force at that date (comparator, value,
    range, stretch; see commitment_at) and the indicator's measurements within the target's
    window up to that date."""
    target = commitment_at(target, as_of)
    start, end = target_window(target)
    counted = [m for m in measurements if start <= m.period_end <= min(end, as_of)]
    return reading_of_series(target, series=Series.of(counted), as_of=as_of)


def reading_of_series(target: Target, *, series: Series, as_of: dt.date) -> TargetReading:
    """The rules, applied to the target's measurements summed up (see target_reading)."""
    start, end = target_window(target)
    indicator = target.indicator
    if not series.count:
        # Statistics come out months after the period: no figure yet is not a failure.
        if indicator.source == Indicator.Source.STATISTICS:
            return TargetReading(TargetStatus.AWAITING_DATA)
        return TargetReading(TargetStatus.NO_DATA)
    share = elapsed_share(start=start, end=end, data_until=series.last_end)
    if target.comparator in (Comparator.INCREASE, Comparator.DECREASE):
        return _trend_reading(target, series, share)
    if indicator.aggregation == Indicator.Aggregation.SUM:
        return _cumulative_reading(target, series.total, share, as_of >= end)
    if indicator.aggregation == Indicator.Aggregation.LATEST:
        return _level_reading(target, series.latest, share)
    return _level_reading(target, series.total / series.count, share)


def _stretch_reached(target: Target, current: Decimal) -> bool:
    """The stretch (力争) is reached when the value meets it in the comparator's direction."""
    if target.stretch is None:
        return False
    if target.comparator in (Comparator.LTE, Comparator.LT):
        return current <= target.stretch
    return current >= target.stretch


def _trend_reading(target: Target, series: Series, share: Decimal) -> TargetReading:
    """逐年增长 / 逐年下降 compares the latest value with the previous one (or the baseline when
    only one value is in): the trend holding is met, standing still at risk, reversing off track."""
    latest = series.latest
    previous = series.previous if series.previous is not None else target.baseline
    if previous is None:
        if target.indicator.source == Indicator.Source.STATISTICS:
            return TargetReading(TargetStatus.AWAITING_DATA, current=latest, elapsed_share=share)
        return TargetReading(TargetStatus.NO_DATA, current=latest, elapsed_share=share)
    delta = latest - previous if target.comparator == Comparator.INCREASE else previous - latest
    status = TargetStatus.MET if delta > 0 else TargetStatus.AT_RISK if delta == 0 else TargetStatus.OFF_TRACK
    return TargetReading(status, current=latest, expected=previous, elapsed_share=share)


def _cumulative_reading(target: Target, total: Decimal, share: Decimal, ended: bool) -> TargetReading:
    """A sum of increments is met when the running total meets the value; before that it is on
    track at or above the pro-rata share (value × elapsed share), at risk within 10% below it,
    off track further below. A ceiling (≤, <) is off track once passed, at risk when running
    above the pro-rata share, and met only when the window has ended within it."""
    comparator = target.comparator
    expected = target.value * share
    meets = value_meets(comparator=comparator, value=total, target=target.value, target_max=target.value_max)
    stretch = _stretch_reached(target, total)
    if comparator in (Comparator.LTE, Comparator.LT):
        if not meets:
            status = TargetStatus.OFF_TRACK
        elif ended:
            status = TargetStatus.MET
        else:
            status = TargetStatus.ON_TRACK if total <= expected else TargetStatus.AT_RISK
        return TargetReading(status, total, expected, share, stretch and ended and bool(meets))
    if meets:
        status = TargetStatus.MET
    elif comparator == Comparator.RANGE and total > target.value_max:
        status = _miss_status(total, target.value_max)
    elif total >= expected:
        status = TargetStatus.ON_TRACK
    elif total >= expected * (1 - AT_RISK_TOLERANCE):
        status = TargetStatus.AT_RISK
    else:
        status = TargetStatus.OFF_TRACK
    return TargetReading(status, total, expected, share, stretch)


def _level_reading(target: Target, current: Decimal, share: Decimal) -> TargetReading:
    """A rate or a stock (latest value, or the average) is met when it meets the firm value;
    short of it, it is on track when a baseline is set and the value has come at least the
    elapsed share of the way from the baseline, else at risk within 10% of the bar, off track
    beyond."""
    comparator = target.comparator
    meets = value_meets(
        comparator=comparator, value=current, target=target.value, target_max=target.value_max
    )
    stretch = _stretch_reached(target, current)
    if meets:
        return TargetReading(TargetStatus.MET, current, target.value, share, stretch)
    if comparator == Comparator.RANGE:
        bar = target.value if current < target.value else target.value_max
        return TargetReading(_miss_status(current, bar), current, bar, share)
    expected = None
    if target.baseline is not None and comparator != Comparator.EQ:
        expected = target.baseline + (target.value - target.baseline) * share
        ahead = current >= expected if _upward(comparator) else current <= expected
        if ahead and share < 1:
            return TargetReading(TargetStatus.ON_TRACK, current, expected, share)
    return TargetReading(
        _miss_status(current, target.value), current, target.value if expected is None else expected, share
    )


def target_status(target: Target, *, measurements: list[Measurement], as_of: dt.date) -> TargetStatus:
    """A target's status at a date (see target_reading for the rules)."""
    return target_reading(target, measurements=measurements, as_of=as_of).status


def target_readings(targets: Iterable[Target], *, as_of: dt.date) -> dict[int, TargetReading]:
    """Every target's reading at a date, in a number of queries that does not grow with the
    targets or the months (see targets_with_series)."""
    if not isinstance(targets, QuerySet):
        targets = Target.objects.filter(pk__in=[t.pk for t in targets])
    rows = targets_with_series(targets, as_of=as_of)
    return {t.pk: reading_of_series(t, series=t.series, as_of=as_of) for t in rows}


def targets_with_series(targets: QuerySet, *, as_of: dt.date) -> list[Target]:
    """The targets, each with `.series`: its measurements in its window up to the date, summed
    up in SQL, and the commitment in force at the date (an earlier one where the target was
    changed after it; `.commitment_until` says until when it held). One query for the targets
    with their earlier commitments, then one per distinct window (targets of one plan share
    one): each indicator's count, sum and last date, on its two latest values; never a query
    per target, nor a row per month."""
    loaded = list(_with_earlier_commitment(targets.select_related("task__plan", "indicator"), as_of=as_of))
    for target in loaded:
        _commitment_apply(target, _earlier_of(target.earlier_commitment))
    windows: dict[tuple[dt.date, dt.date], set[int]] = defaultdict(set)
    for target in loaded:
        start, end = target_window(target)
        target.window = (start, min(end, as_of))
        windows[target.window].add(target.indicator_id)
    summed: dict[tuple, tuple] = {}
    newest: dict[tuple, list[Decimal]] = defaultdict(list)
    for (start, stop), indicator_ids in windows.items():
        if stop < start:
            continue
        scope = Measurement.objects.filter(
            indicator_id__in=sorted(indicator_ids), period_end__gte=start, period_end__lte=stop
        ).order_by()
        # One read of the window's values: each indicator's count, sum and latest date over the
        # whole partition, kept on its newest two rows (Count of value keeps it in the index).
        whole = {"partition_by": [F("indicator_id")]}
        ranked = scope.annotate(
            rank=Window(RowNumber(), order_by=F("period_end").desc(), **whole),
            n=Window(Count("value"), **whole),
            total=Window(Sum("value"), **whole),
            last=Window(Max("period_end"), **whole),
        ).filter(rank__lte=2)
        for indicator_id, _rank, value, count, total, last_end in ranked.values_list(
            "indicator_id", "rank", "value", "n", "total", "last"
        ).order_by("indicator_id", "rank"):
            summed[(start, stop, indicator_id)] = (count, total, last_end)
            newest[(start, stop, indicator_id)].append(value)
    for target in loaded:
        key = (*target.window, target.indicator_id)
        count, total, last_end = summed.get(key, (0, None, None))
        values = newest.get(key, [])
        target.series = Series(
            count=count,
            total=Decimal(total or 0),
            latest=values[0] if values else None,
            previous=values[1] if len(values) > 1 else None,
            last_end=last_end,
        )
    return loaded


def target_statuses(targets: Iterable[Target], *, as_of: dt.date) -> dict[int, TargetStatus]:
    """Every target's status at a date, keyed by target id, in a constant number of queries."""
    return {pk: reading.status for pk, reading in target_readings(targets, as_of=as_of).items()}
