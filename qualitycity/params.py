"""One parser for what people and browsers send: query parameters, typed numbers, typed dates.

`str.isdigit()` and `int()` accept far more than a person types: superscripts (²), circled
digits (①), other scripts' digits (٣٤) and underscores (1_000); `Decimal()` also takes NaN and
Infinity. A query parameter is an id or a small number in ASCII digits, anything else is as if
it were absent; a typed number keeps what a Chinese input method produces (full-width digits,
point, minus and comma: １２３．５) and refuses the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

# A PostgreSQL integer: an id beyond it matches no row and must not reach the database.
INT_MAX = 2**31 - 1
DATE_MIN = dt.date(1949, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

_ASCII_INT = re.compile(r"[0-9]{1,12}")
# Full-width ASCII (U+FF01-U+FF5E) → ASCII, the ideographic space → space, and the minus sign
# some input methods give (U+2212) → "-"; nothing else changes (unlike NFKC, which also turns
# ² and ① into digits).
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")

NOT_A_NUMBER = _("请输入数字")
NOT_A_DATE = _("请输入正确的日期，例如 2026-05-01")
DATE_OUT_OF_RANGE = _("日期应在1949年1月1日至2100年12月31日之间")


def parse_int(value, *, low: int = 1, high: int = INT_MAX) -> int | None:
    """ASCII digits within [low, high] as an int; anything else (², ①, ٣٤, 1_000, -1, too
    large, blank, None) as None."""
    text = str(value if value is not None else "").strip()
    if not _ASCII_INT.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def query_int(params: Mapping, key: str, *, low: int = 1, high: int = INT_MAX) -> int | None:
    """A query parameter as an id or a bounded number; absent or malformed is None (the view
    then shows its default, as for no parameter at all)."""
    return parse_int(params.get(key), low=low, high=high)


def query_choice(params: Mapping, key: str, choices) -> str | None:
    """A query parameter that must be one of the choices, else None."""
    value = params.get(key)
    return value if isinstance(value, str) and value in set(choices) else None


def _half_width(text: str) -> str:
    return text.translate(_WIDTH).strip()


def form_decimal(text) -> Decimal | None:
    """A number as typed: ASCII or full-width digits, point, sign and thousands commas
    (１２３．５ → 123.5, －３ → -3, 1,000 → 1000); blank is None. Superscripts, circled digits,
    other scripts' digits, underscores, NaN and Infinity raise ValueError."""
    cleaned = _half_width(str(text if text is not None else "")).replace(",", "")
    if cleaned == "":
        return None
    if not _DECIMAL.fullmatch(cleaned):
        raise ValueError(cleaned)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(cleaned) from exc


def form_date(text) -> dt.date | None:
    """A date as typed (2026-05-01, 2026/5/1, 2026年5月1日, full-width digits too) within
    1949-01-01..2100-12-31; blank is None; anything else raises ValueError."""
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        day = text
    else:
        cleaned = _half_width(str(text if text is not None else ""))
        if cleaned == "":
            return None
        match = _DATE.fullmatch(cleaned)
        if not match:
            raise ValueError(cleaned)
        day = dt.date(*(int(part) for part in match.groups()))
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(str(day))
    return day


# Form fields: the same parsers where a form reads the value ----------------------------------


class StrictIntegerField(forms.IntegerField):
    """An IntegerField that takes ASCII digits only (Django's takes ٣٤ and 1_000), bounded to a
    database integer unless told otherwise."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        sign = -1 if text.startswith("-") else 1
        number = parse_int(text.removeprefix("-"), low=0, high=INT_MAX)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return sign * number


class FormDecimalField(forms.DecimalField):
    """A DecimalField reading numbers as form_decimal does (full-width yes, ² and NaN no)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return form_decimal(value)
        except ValueError as exc:
            raise ValidationError(NOT_A_NUMBER, code="invalid") from exc


class FormDateField(forms.DateField):
    """A DateField reading dates as form_date does, refusing any before 1949 or after 2100."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return form_date(value)
        except ValueError as exc:
            message = DATE_OUT_OF_RANGE if _DATE.fullmatch(_half_width(str(value))) else NOT_A_DATE
            raise ValidationError(message, code="invalid") from exc


# Paging: django-tables2 reads ?page= and ?per_page= with int(), so -1 or ² reach the paginator.

MAX_PER_PAGE = 500


class QueryRequestConfig(RequestConfig):
    """django-tables2's RequestConfig, reading the page and the page size as query_int does: a
    page or size that is no positive ASCII number (-1, ², 10^20) is ignored, a page beyond the
    last shows the last, and no list is longer than MAX_PER_PAGE rows a page."""

    def configure(self, table):
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        if self.paginate:
            kwargs = dict(self.paginate) if hasattr(self.paginate, "items") else {}
            kwargs.pop("silent", None)
            page = query_int(self.request.GET, table.prefixed_page_field)
            per_page = query_int(self.request.GET, table.prefixed_per_page_field, high=MAX_PER_PAGE)
            if page is not None:
                kwargs["page"] = page
            if per_page is not None:
                kwargs["per_page"] = per_page
            try:
                table.paginate(**kwargs)
            except EmptyPage:
                table.page = table.paginator.page(table.paginator.num_pages)
        return table
