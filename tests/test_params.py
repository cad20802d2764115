"""The one parser for query parameters, typed numbers and typed dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict

from qualitycity.params import (
    FormDateField,
    FormDecimalField,
    StrictIntegerField,
    form_date,
    form_decimal,
    query_choice,
    query_int,
)

NOT_DIGITS = [
    "²",
    "①",
    "٣٤",
    "１２",
    "1_000",
    "-1",
    "0",
    "99999999999999999999",
    "\x00",
    "<script>",
    "%00",
    "",
    " 1 2",
]


@pytest.mark.parametrize("value", NOT_DIGITS)
def test_a_query_id_is_ascii_digits_within_range_or_nothing(value):
    assert query_int(QueryDict(mutable=True) | {"plan": value}, "plan") is None


def test_a_query_id_in_ascii_digits_is_read():
    params = QueryDict("plan=42&page=2147483647&big=2147483648")
    assert query_int(params, "plan") == 42
    assert query_int(params, "page") == 2**31 - 1
    assert query_int(params, "big") is None
    assert query_int(params, "absent") is None
    assert query_int(QueryDict("n=0"), "n", low=0) == 0


def test_a_query_choice_is_one_of_the_choices():
    assert query_choice(QueryDict("state=late"), "state", ["late", "missing"]) == "late"
    assert query_choice(QueryDict("state=%00"), "state", ["late"]) is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("123.5", Decimal("123.5")),
        ("１２３．５", Decimal("123.5")),  # a Chinese input method's full-width digits and point
        ("－３", Decimal("-3")),
        ("−3", Decimal("-3")),  # the minus sign
        ("1,000,000", Decimal("1000000")),
        ("１，０００", Decimal("1000")),
        ("　93　", Decimal("93")),  # ideographic spaces
        ("1e3", Decimal("1e3")),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_a_typed_number_keeps_what_chinese_keyboards_type(typed, number):
    assert form_decimal(typed) == number


@pytest.mark.parametrize(
    "typed",
    [
        "²",
        "①",
        "٣٤",
        "1_000",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "1e99999",
        "93%",
        "0x1F",
        "一百",
        "1.2.3",
        "\x00",
    ],
)
def test_a_typed_number_refuses_what_is_no_plain_number(typed):
    with pytest.raises(ValueError):
        form_decimal(typed)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-05-01", dt.date(2026, 5, 1)),
        ("2026/5/1", dt.date(2026, 5, 1)),
        ("2026年5月1日", dt.date(2026, 5, 1)),
        ("２０２６－０５－０１", dt.date(2026, 5, 1)),
        ("1949-01-01", dt.date(1949, 1, 1)),
        ("2100-12-31", dt.date(2100, 12, 31)),
        ("", None),
    ],
)
def test_a_typed_date_is_read(typed, day):
    assert form_date(typed) == day


@pytest.mark.parametrize(
    "typed",
    [
        "1948-12-31",
        "2101-01-01",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "²⁰²⁶-05-01",
        "٢٠٢٦-05-01",
        "tomorrow",
    ],
)
def test_a_typed_date_outside_1949_to_2100_or_malformed_is_refused(typed):
    with pytest.raises(ValueError):
        form_date(typed)


def test_the_form_fields_use_the_same_parsers():
    from django import forms

    class F(forms.Form):
        n = StrictIntegerField(required=False, min_value=-5)
        x = FormDecimalField(required=False, max_digits=6, decimal_places=1)
        d = FormDateField(required=False)

    assert F({"n": "-3", "x": "９９．５", "d": "2026-05-01"}).is_valid()
    bad = F({"n": "٣٤", "x": "NaN", "d": "9999-12-31"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"n", "x", "d"}
    assert "1949" in bad.errors["d"][0]
