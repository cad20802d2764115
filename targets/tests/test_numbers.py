"""Numbers extracted from plan documents are read as people type them, and nothing else."""

from decimal import Decimal

import pytest

from targets.services import InvalidTarget, to_decimal


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("93.5", Decimal("93.5")),
        ("１２３．５", Decimal("123.5")),
        (95, Decimal(95)),
        (0.5, Decimal("0.5")),
        ("", None),
        (None, None),
    ],
)
def test_an_extracted_number_is_read_with_full_width_digits(raw, number):
    assert to_decimal(raw, field="目标值") == number


@pytest.mark.parametrize("raw", ["²", "①", "٣٤", "1_000"])
def test_superscripts_other_scripts_and_underscores_are_no_number(raw):
    with pytest.raises(InvalidTarget, match="不是数字"):
        to_decimal(raw, field="目标值")


@pytest.mark.parametrize("raw", ["NaN", "-Infinity", float("nan"), float("inf")])
def test_nan_and_infinity_are_refused_as_not_finite(raw):
    with pytest.raises(InvalidTarget, match="不是有限的数字"):
        to_decimal(raw, field="目标值")
