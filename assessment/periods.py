"""Assessment periods: a month, a quarter or a year of an assessment year that may start in any
month (the national quality-work assessment runs July to June)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from qualitycity.errors import ApplicationError


class PeriodKind(models.TextChoices):
    """How long an assessment period is (the model fields' choices, kept here with the rules)."""

    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


# A quarter as each language names it: 2026年第三季度, Q3 2026.
_QUARTERS = (
    _("%(year)s年第一季度"),
    _("%(year)s年第二季度"),
    _("%(year)s年第三季度"),
    _("%(year)s年第四季度"),
)


@dataclass(frozen=True)
class AssessmentPeriod:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """2026年3月 / 2025年度第3季度 / 2026年度 / 2025—2026年度 (a July–June year). Stored with
        the assessment and printed in its 考核通报, so Chinese whatever the language."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        year = self.start.year if self.start.year == self.end.year else f"{self.start.year}—{self.end.year}"
        if self.kind == PeriodKind.YEAR:
            return f"{year}年度"
        if self.start.year == self.end.year and self.start.month in (1, 4, 7, 10):
            return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年{self.start.month}月至{self.end.year}年{self.end.month}月"

    @property
    def display_label(self) -> str:
        """The period as the reader's language writes it on a page; the same as label in Chinese
        (2026年3月, 2025年第三季度…), March 2026, Q3 2025, 2026, March 2025 – June 2026 in English."""
        if self.kind == PeriodKind.MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        year = self.start.year if self.start.year == self.end.year else f"{self.start.year}—{self.end.year}"
        if self.kind == PeriodKind.YEAR:
            return _("%(year)s年度") % {"year": year}
        if self.start.year == self.end.year and self.start.month in (1, 4, 7, 10):
            return _QUARTERS[(self.start.month - 1) // 3] % {"year": self.start.year}
        return _("%(start)s至%(end)s") % {
            "start": date_format(self.start, "YEAR_MONTH_FORMAT"),
            "end": date_format(self.end, "YEAR_MONTH_FORMAT"),
        }

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def assessment_period(
    *, kind: str, year: int, number: int = 1, year_start_month: int = 1
) -> AssessmentPeriod:
    """The period `number` (month 1–12 or quarter 1–4 of the assessment year, 1 for the year)
    of the assessment year that starts in `year_start_month` of `year`."""
    first = dt.date(year, year_start_month, 1)
    if kind == PeriodKind.YEAR:
        return AssessmentPeriod(kind, first, _month_end(_add_months(first, 11)))
    if kind == PeriodKind.QUARTER:
        if not 1 <= number <= 4:
            raise ApplicationError(_("季度应为1到4"), field="number")
        start = _add_months(first, 3 * (number - 1))
        return AssessmentPeriod(kind, start, _month_end(_add_months(start, 2)))
    if kind == PeriodKind.MONTH:
        if not 1 <= number <= 12:
            raise ApplicationError(_("月份应为1到12"), field="number")
        start = dt.date(year, number, 1)
        return AssessmentPeriod(kind, start, _month_end(start))
    raise ApplicationError(_("未知的考核周期：%(kind)s") % {"kind": kind}, field="kind")


def last_closed_periods(*, today: dt.date, year_start_month: int) -> list[AssessmentPeriod]:
    """The assessment periods that ended with last month: always last month, and the quarter and
    the assessment year when last month closed them. The schedule compiles these."""
    last_month = _add_months(today.replace(day=1), -1)
    periods = [AssessmentPeriod(PeriodKind.MONTH, last_month, _month_end(last_month))]
    offset = (last_month.month - year_start_month) % 12  # 0..11 within the assessment year
    year_first = _add_months(last_month, -offset)
    if offset % 3 == 2:
        periods.append(
            AssessmentPeriod(PeriodKind.QUARTER, _add_months(last_month, -2), _month_end(last_month))
        )
    if offset == 11:
        periods.append(AssessmentPeriod(PeriodKind.YEAR, year_first, _month_end(last_month)))
    return periods
