"""The rules that compare values with commitments."""

from __future__ import annotations

from decimal import Decimal

from .models import Comparator, Indicator, Target


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


def reported_value_misses(
    target: Target, *, value: Decimal, cumulative: Decimal, elapsed_share: Decimal
) -> bool:
    """A reported value misses a target when, read by the indicator's aggregation, it falls
    short of the firm value: a rate or a stock by the value itself, a sum of increments by its
    running total against the share of the target that the elapsed part of the year calls for."""
    if target.comparator in (Comparator.INCREASE, Comparator.DECREASE) or target.value is None:
        return False
    if target.indicator.aggregation == Indicator.Aggregation.SUM:
        if target.comparator in (Comparator.LTE, Comparator.LT):
            return not value_meets(comparator=target.comparator, value=cumulative, target=target.value)
        return cumulative < target.value * elapsed_share
    return (
        value_meets(
            comparator=target.comparator, value=value, target=target.value, target_max=target.value_max
        )
        is False
    )
