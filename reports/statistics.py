"""Official statistics uploaded by the office: the rules for reading the sheet, checking every
row, and saving it in one transaction.

The statistics bureau publishes its figures months after a period; a target fed by them is
awaiting data until then (targets.status). The office uploads an Excel sheet of indicator
values, many indicators and periods at once. Each row is checked and every problem is listed
(row, column, why); if any row is wrong nothing is saved. A saved upload writes one
StatisticsValue per row (with the value it replaced) and upserts the indicators' measurements
with source “统计部门发布”, which a department's report does not overwrite afterwards
(reports.services.measurements_record): the official figure wins.

How cells are read (what the template's subtitle tells the office):
- 期间: 2026年10月, 2026-10, 2026.10, 2026/10, 202610, 2026年第三季度, 2026年三季度, 2026Q3,
  2026年上半年 / 下半年, 2026年1-9月 (a cumulative span), 2026年 or 2026 (a year), or a real
  Excel date (that date's month). A number typed as 2026.10 is stored by Excel as 2026.1, which
  cannot tell October from January: refused, asking for text.
- 数值: a number cell as it is; text holding a number as written (1,234.5, full-width digits,
  the indicator's unit after it: 2500件). A percentage (a cell formatted as %, or text 93.5%)
  is read in percentage points (93.5), as indicators measured in % are, and only for such an
  indicator. More than four decimals are rounded half up to four (the column keeps four).
  Anything else (—, 暂无, a date) is refused.
- 行政区或部门: empty or the jurisdiction's own name: the indicator's reporting department; a
  department of the jurisdiction by its name or an alias (with or without the 市/县/区 prefix).
- 备注 and any column the portal does not know are ignored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from qualitycity.errors import ApplicationError
from qualitycity.exporters import Column, ListExporter, Row
from qualitycity.params import form_decimal
from qualitycity.uploads import MIB, upload_check
from responsibilities.models import Department, Jurisdiction
from responsibilities.scope import user_scope
from responsibilities.selectors import department_name_index, department_resolve, normalise_name
from responsibilities.services import audit_record
from targets.models import Indicator, Measurement

from .models import StatisticsUpload, StatisticsValue

# Limits -----------------------------------------------------------------------------------------

# The same ceiling as every other upload of the portal (evidence, plan imports): 20 MB, about
# 400,000 rows of a sheet like the template.
STATISTICS_MAX_BYTES = 20 * MIB
STATISTICS_KINDS = frozenset({"xlsx"})
MAX_ROWS = 50_000
# The header may sit under a title (the portal's own template has one), but not further down.
HEADER_SEARCH_ROWS = 10
# The page lists this many problems; the rest are counted.
PROBLEMS_SHOWN = 1000
MAX_VALUE = Decimal("1e13")  # as reports.services: a figure no indicator reaches
FOUR_PLACES = Decimal("0.0001")
SOURCE_MAX = 200
BATCH = 2000

OFFICE_UPLOADS = gettext_lazy("只有本行政区的质强办可以上传统计数据")

# Columns ----------------------------------------------------------------------------------------

INDICATOR, PLACE, PERIOD, VALUE, SOURCE, NOTE = "indicator", "place", "period", "value", "source", "note"
# The names a header may give each column, compared without spaces, punctuation, width, a
# bracketed note (数值（%）) or a required-field star.
COLUMN_NAMES = {
    INDICATOR: ("指标", "指标名称", "统计指标", "指标项", "指标名"),
    PLACE: (
        "行政区或部门",
        "行政区部门",
        "行政区或单位",
        "行政区",
        "部门",
        "单位",
        "地区",
        "区域",
        "部门名称",
        "单位名称",
        "报送部门",
        "报送单位",
        "责任单位",
        "责任部门",
    ),
    PERIOD: (
        "期间",
        "统计期",
        "统计期间",
        "时期",
        "期别",
        "报告期",
        "统计时间",
        "时间",
        "月份",
        "年月",
        "期次",
    ),
    VALUE: ("数值", "值", "数据", "指标值", "统计值", "本期值", "实际值", "完成值", "数"),
    SOURCE: ("数据来源", "来源", "统计来源", "发布单位", "发布机构"),
    NOTE: ("备注", "说明"),
}
LABELS = {
    INDICATOR: gettext_lazy("指标"),
    PLACE: gettext_lazy("行政区或部门"),
    PERIOD: gettext_lazy("期间"),
    VALUE: gettext_lazy("数值"),
    SOURCE: gettext_lazy("数据来源"),
    NOTE: gettext_lazy("备注"),
}
REQUIRED = (INDICATOR, PERIOD, VALUE)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def header_key(text) -> str:
    """A header compares without spaces, punctuation, width, a bracketed note or a star."""
    text = _BRACKETED.sub("", unicodedata.normalize("NFKC", str(text or "")))
    return normalise_name(text.replace("*", "").replace("※", ""))


_COLUMN_BY_KEY = {header_key(name): column for column, names in COLUMN_NAMES.items() for name in names}


# Problems ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the upload: the sheet's row number and column header, and why
    (row None: the file as a whole)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("第%(row)s行「%(column)s」：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class StatisticsRefused(ApplicationError):
    """The sheet was refused and nothing saved; `problems` lists every row and column at fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        if len(problems) == 1:
            message = str(problems[0])
        else:
            message = _("统计数据有%(count)s处问题，未保存任何数据") % {"count": len(problems)}
        super().__init__(message, field="file")


# Periods ----------------------------------------------------------------------------------------

_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Each quarter whole, so that English reads "Q3 2026" where Chinese reads 2026年第三季度.
_QUARTER_LABELS = {
    1: gettext_lazy("%(year)s年第一季度"),
    2: gettext_lazy("%(year)s年第二季度"),
    3: gettext_lazy("%(year)s年第三季度"),
    4: gettext_lazy("%(year)s年第四季度"),
}
_MONTH = re.compile(r"(\d{4})(?:年|[-./])(\d{1,2})(?:月份?)?")
_MONTH_COMPACT = re.compile(r"(\d{4})(\d{2})")
_DAY = re.compile(r"(\d{4})(?:年|[-./])(\d{1,2})(?:月|[-./])(\d{1,2})日?")
_QUARTER = re.compile(r"(\d{4})年?(?:第?([一二三四1-4])季度?|-?Q([1-4]))")
_HALF = re.compile(r"(\d{4})年?(上|下)半年")
_SPAN = re.compile(r"(\d{4})年(\d{1,2})(?:月)?[-—–~～至到](\d{1,2})月")
_YEAR = re.compile(r"(\d{4})(?:年度?|年全年|全年)?")
YEAR_MIN, YEAR_MAX = 1949, 2100


class PeriodUnreadable(ValueError):
    """A 期间 cell the rules cannot read; the message says why."""


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=4096)  # a sheet names a few dozen periods over thousands of rows
def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodUnreadable(
            _("年份%(year)s不在%(min)s至%(max)s之间") % {"year": year, "min": YEAR_MIN, "max": YEAR_MAX}
        )
    if not (1 <= first <= 12 and 1 <= last <= 12) or last < first:
        raise PeriodUnreadable(_("月份不正确"))
    return dt.date(year, first, 1), month_end(year, last)


def statistics_period(value) -> tuple[dt.date, dt.date]:
    """A 期间 cell is a month, a quarter, a half year, a span of months or a year (see the
    module's docstring), or a real date (its month); else PeriodUnreadable saying why."""
    if value is None:
        raise PeriodUnreadable(_("未填写"))
    if isinstance(value, dt.datetime | dt.date):
        return _months(value.year, value.month, value.month)
    if isinstance(value, bool):
        raise PeriodUnreadable(_("不是期间"))
    if isinstance(value, int):
        return _months(value, 1, 12)
    if isinstance(value, float):
        if value.is_integer():
            return _months(int(value), 1, 12)
        year, digits = f"{value:.2f}".split(".")
        if round(value, 2) != value:
            raise PeriodUnreadable(_("无法识别“%(value)s”") % {"value": f"{value:g}"})
        if digits == "10":
            # 2026.10 typed into a number cell is stored as 2026.1, the same as January.
            raise PeriodUnreadable(
                _("“%(value)s”是数字格式，分不清是1月还是10月：请把单元格设为文本，或写成“2026年10月”")
                % {"value": f"{value:g}"}
            )
        month = int(digits[0]) if digits.endswith("0") else int(digits)  # 2026.2 is February
        return _months(int(year), month, month)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()
    if not text:
        raise PeriodUnreadable(_("未填写"))
    for pattern, read in (
        (_DAY, lambda m: _months(int(m[1]), int(m[2]), int(m[2])) if _real_day(m) else None),
        (_SPAN, lambda m: _months(int(m[1]), int(m[2]), int(m[3]))),
        (_QUARTER, lambda m: _quarter(int(m[1]), _CN_NUMBERS[m[2] or m[3]])),
        (_HALF, lambda m: _months(int(m[1]), 1, 6) if m[2] == "上" else _months(int(m[1]), 7, 12)),
        (_MONTH, lambda m: _months(int(m[1]), int(m[2]), int(m[2]))),
        (_MONTH_COMPACT, lambda m: _months(int(m[1]), int(m[2]), int(m[2]))),
        (_YEAR, lambda m: _months(int(m[1]), 1, 12)),
    ):
        match = pattern.fullmatch(text)
        if match:
            period = read(match)
            if period is not None:
                return period
    raise PeriodUnreadable(
        _("无法识别“%(value)s”：请写成2026年10月、2026年第三季度、2026年上半年或2026年")
        % {"value": str(value)[:40]}
    )


def _real_day(match) -> bool:
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise PeriodUnreadable(_("日期不存在")) from exc
    return True


def _quarter(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    return _months(year, quarter * 3 - 2, quarter * 3)


def period_label(start: dt.date, end: dt.date) -> str:
    """A period as the reader's language writes it: 2026年10月 / October 2026, 2026年第三季度 /
    Q3 2026, 2026年上半年 / 2026 H1, 2026年 / 2026, 2026年1—9月; other spans from day to day."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.year != end.year or start.day != 1 or end != month_end(end.year, end.month):
        return f"{date_format(start, 'DATE_FORMAT')}—{date_format(end, 'DATE_FORMAT')}"
    if months == 1:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if months == 12:
        return _("%(year)s年") % {"year": start.year}
    if months == 3 and start.month % 3 == 1:
        return str(_QUARTER_LABELS[(start.month + 2) // 3]) % {"year": start.year}
    if months == 6 and start.month in (1, 7):
        if start.month == 1:
            return _("%(year)s年上半年") % {"year": start.year}
        return _("%(year)s年下半年") % {"year": start.year}
    return _("%(year)s年%(first)s—%(last)s月") % {"year": start.year, "first": start.month, "last": end.month}


# Values -----------------------------------------------------------------------------------------


class ValueUnreadable(ValueError):
    """A 数值 cell that is not a number the rules take; the message says why."""


def statistics_value(value, *, number_format: str = "", unit: str = "") -> Decimal:
    """A 数值 cell is a number: a number cell, or text holding one as written (see the module's
    docstring); a percentage reads in points and only for an indicator in %; else
    ValueUnreadable saying why."""
    percent = False
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueUnreadable(_("未填写数值（没有数据的行请删除）"))
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        raise ValueUnreadable(_("“%(value)s”不是数值") % {"value": value})
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueUnreadable(_("不是有效的数值"))
        number = Decimal(str(value))
        percent = "%" in (number_format or "")
        if percent:
            number *= 100
    else:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        if text.endswith("%"):
            percent, text = True, text[:-1]
        elif unit and unit != "%" and text.endswith(unicodedata.normalize("NFKC", unit)):
            text = text[: -len(unicodedata.normalize("NFKC", unit))]
        try:
            number = form_decimal(text)
        except ValueError:
            number = None
        if number is None or not number.is_finite():
            raise ValueUnreadable(_("“%(value)s”不是数值") % {"value": str(value)[:40]})
    if percent and unit != "%":
        raise ValueUnreadable(
            _("数值是百分比，但该指标的单位是“%(unit)s”：请填写不带%%的数值") % {"unit": unit or _("无")}
        )
    if abs(number) >= MAX_VALUE:
        raise ValueUnreadable(_("数值过大"))
    try:
        return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - bounded above
        raise ValueUnreadable(_("不是有效的数值")) from exc


# Reading the sheet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsRow:
    """A checked row: what it will write."""

    row: int
    indicator: Indicator
    department: Department | None  # as the sheet names it; None: the jurisdiction as a whole
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    source: str

    @property
    def measurement_department_id(self) -> int | None:
        """The measurement's department: the row's, else the indicator's reporting department."""
        return self.department.pk if self.department else self.indicator.reporting_department_id


@dataclass(frozen=True)
class _Header:
    row: int
    columns: dict[str, int]  # our column → its index in the sheet
    names: dict[str, str]  # our column → the header as the sheet prints it


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_of(cells, row: int) -> _Header | None:
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, cell in enumerate(cells):
        column = _COLUMN_BY_KEY.get(header_key(cell.value)) if isinstance(cell.value, str) else None
        if column and column not in columns:
            columns[column] = index
            names[column] = _cell_text(cell.value)
    if len(columns) < 2:
        return None
    return _Header(row, columns, names)


UNREADABLE = gettext_lazy("无法读取这个文件：它已损坏，或不是 Excel（.xlsx）表格")


def _open_workbook(file):
    file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, ValueError and openpyxl's own types
        raise StatisticsRefused([Problem(None, "", str(UNREADABLE))]) from exc


def _header_find(workbook) -> tuple[_Header, Iterator]:
    """The first worksheet whose header is found in its first rows, and the rows after it;
    StatisticsRefused for a workbook with none."""
    anything = False
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows()
        for number, cells in enumerate(rows, start=1):
            anything = anything or any(_cell_text(c.value) for c in cells)
            header = _header_of(cells, number)
            if header is not None:
                return header, rows
            if number >= HEADER_SEARCH_ROWS:
                break
    if not anything:
        raise StatisticsRefused([Problem(None, "", _("表格是空的：没有表头，也没有数据"))])
    raise StatisticsRefused(
        [
            Problem(
                None,
                "",
                _("找不到表头：前%(n)s行中没有“指标”“期间”“数值”等列名（请用下载的模板填写）")
                % {"n": HEADER_SEARCH_ROWS},
            )
        ]
    )


@dataclass
class StatisticsRawRow:
    """A row as given, before any check: a sheet's cells, or a value sent to the API (which may
    name its indicator by id instead of by name)."""

    row: int
    indicator: str
    place: str
    period: object
    value: object
    value_format: str
    source: str
    indicator_id: int | None = None

    def is_empty(self) -> bool:
        return not (
            self.indicator
            or self.indicator_id is not None
            or self.place
            or _cell_text(self.period)
            or _cell_text(self.value)
            or self.source
        )


def _raw_rows(file) -> tuple[_Header, list[StatisticsRawRow]]:
    """The header and the non-empty rows under it, at most MAX_ROWS: one more and the sheet
    is refused at once, before the rest is read."""
    workbook = _open_workbook(file)
    try:
        header, rows = _header_find(workbook)
        missing = [c for c in REQUIRED if c not in header.columns]
        if missing:
            raise StatisticsRefused(
                [
                    Problem(
                        None,
                        "",
                        _(
                            "缺少必填列「%(column)s」：表头应有“指标”“期间”“数值”三列（行政区或部门、数据来源可选）"
                        )
                        % {"column": LABELS[column]},
                    )
                    for column in missing
                ]
            )
        at = header.columns

        def get(cells, column):
            index = at.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        found: list[StatisticsRawRow] = []
        for number, cells in enumerate(rows, start=header.row + 1):
            value_cell = get(cells, VALUE)
            raw = StatisticsRawRow(
                row=number,
                indicator=_cell_text(getattr(get(cells, INDICATOR), "value", None)),
                place=_cell_text(getattr(get(cells, PLACE), "value", None)),
                period=getattr(get(cells, PERIOD), "value", None),
                value=getattr(value_cell, "value", None),
                value_format=getattr(value_cell, "number_format", "") or "",
                source=_cell_text(getattr(get(cells, SOURCE), "value", None)),
            )
            if raw.is_empty():
                continue
            if len(found) == MAX_ROWS:
                raise StatisticsRefused(
                    [
                        Problem(
                            None,
                            "",
                            _(
                                "数据超过%(max)s行（第%(row)s行已是第%(count)s条数据）：请拆分成多个文件分别上传"
                            )
                            % {"max": MAX_ROWS, "row": number, "count": MAX_ROWS + 1},
                        )
                    ]
                )
            found.append(raw)
    finally:
        workbook.close()
    if not found:
        raise StatisticsRefused([Problem(None, "", _("没有数据行：表头下面没有填写任何数据"))])
    return header, found


class _IndicatorIndex:
    """The jurisdiction's indicators by normalised name, and by 名称（单位） for a name two
    indicators share with different units."""

    def __init__(self, jurisdiction: Jurisdiction):
        self.by_name: dict[str, list[Indicator]] = {}
        self.by_full_name: dict[str, Indicator] = {}
        self.by_id: dict[int, Indicator] = {}
        for indicator in Indicator.objects.filter(jurisdiction=jurisdiction).only(
            "pk", "name", "unit", "reporting_department_id", "jurisdiction_id"
        ):
            self.by_id[indicator.pk] = indicator
            self.by_name.setdefault(normalise_name(indicator.name), []).append(indicator)
            if indicator.unit:
                self.by_full_name[normalise_name(f"{indicator.name}（{indicator.unit}）")] = indicator

    def find_id(self, pk: int) -> Indicator:
        if pk in self.by_id:
            return self.by_id[pk]
        raise LookupError(_("本行政区没有编号为%(id)s的指标") % {"id": pk})

    def find(self, name: str) -> Indicator:
        key = normalise_name(name)
        if key in self.by_full_name:
            return self.by_full_name[key]
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            units = "、".join(i.unit or _("无单位") for i in matches)
            raise LookupError(
                _("“%(name)s”对应多个指标（单位分别为%(units)s）：请写成“指标名称（单位）”")
                % {"name": name, "units": units}
            )
        raise LookupError(_("本行政区没有名为“%(name)s”的指标") % {"name": name})


def _foreign_places(names: set[str], jurisdiction: Jurisdiction) -> dict[str, str]:
    """Of the names no department of the jurisdiction answers to, those of another
    jurisdiction or its department, mapped to that jurisdiction's name (one query each)."""
    if not names:
        return {}
    found: dict[str, str] = {}
    for name in (
        Jurisdiction.objects.exclude(pk=jurisdiction.pk).filter(name__in=names).values_list("name", flat=True)
    ):
        found[name] = name
    departments = (
        Department.objects.exclude(jurisdiction=jurisdiction)
        .filter(Q(name__in=names) | Q(aliases__name__in=names))
        .values_list("name", "aliases__name", "jurisdiction__name")
    )
    for name, alias, place in departments:
        for printed in (name, alias):
            if printed in names:
                found.setdefault(printed, place)
    return found


def statistics_rows_read(
    file, *, jurisdiction: Jurisdiction, today: dt.date | None = None
) -> list[StatisticsRow]:
    """Every row of the sheet checked against the jurisdiction's indicators and departments,
    the calendar and the other rows; StatisticsRefused listing every problem if any row is
    wrong, so that nothing is saved."""
    header, raws = _raw_rows(file)
    names = {column: header.names.get(column) or str(LABELS[column]) for column in LABELS}
    return statistics_rows_check(raws, jurisdiction=jurisdiction, today=today, names=names)


def statistics_rows_check(
    raws: list[StatisticsRawRow],
    *,
    jurisdiction: Jurisdiction,
    today: dt.date | None = None,
    names: dict[str, str] | None = None,
) -> list[StatisticsRow]:
    """Rows as given (a sheet's, or the API's) checked by the sheet's rules (see
    statistics_rows_read); `names` are the columns as the problems name them."""
    today = today or timezone.localdate()
    names = {column: (names or {}).get(column) or str(LABELS[column]) for column in LABELS}
    indicators = _IndicatorIndex(jurisdiction)
    own_name = normalise_name(jurisdiction.name)
    department_index = None
    problems: list[Problem] = []
    unknown_places: dict[str, list[int]] = {}
    checked: list[
        tuple[StatisticsRawRow, Indicator | None, Department | None, tuple | None, Decimal | None]
    ] = []

    for raw in raws:

        def refuse(column: str, message: str, raw=raw) -> None:
            problems.append(Problem(raw.row, names[column], message))

        indicator = None
        if raw.indicator_id is not None:
            try:
                indicator = indicators.find_id(raw.indicator_id)
            except LookupError as exc:
                refuse(INDICATOR, str(exc))
        elif not raw.indicator:
            refuse(INDICATOR, _("未填写指标名称"))
        else:
            try:
                indicator = indicators.find(raw.indicator)
            except LookupError as exc:
                refuse(INDICATOR, str(exc))

        department = None
        if raw.place and normalise_name(raw.place) != own_name:
            if department_index is None:
                department_index = department_name_index(jurisdiction)
            department = department_resolve(jurisdiction=jurisdiction, name=raw.place, index=department_index)
            if department is None:
                unknown_places.setdefault(raw.place, []).append(raw.row)

        period = None
        try:
            period = statistics_period(raw.period)
        except PeriodUnreadable as exc:
            refuse(PERIOD, str(exc))
        else:
            if period[1] > today:
                refuse(
                    PERIOD,
                    _("%(period)s尚未结束（%(end)s截止），不能上传未来期间的数据")
                    % {"period": period_label(*period), "end": date_format(period[1], "DATE_FORMAT")},
                )
                period = None

        value = None
        try:
            value = statistics_value(
                raw.value, number_format=raw.value_format, unit=indicator.unit if indicator else ""
            )
        except ValueUnreadable as exc:
            refuse(VALUE, str(exc))

        if len(raw.source) > SOURCE_MAX:
            refuse(SOURCE, _("不超过%(max)s字") % {"max": SOURCE_MAX})
        checked.append((raw, indicator, department, period, value))

    foreign = _foreign_places(set(unknown_places), jurisdiction)
    for place, rows in unknown_places.items():
        if place in foreign:
            message = _("“%(name)s”属于其他行政区（%(place)s），不能上传到%(own)s") % {
                "name": place,
                "place": foreign[place],
                "own": jurisdiction.name,
            }
        else:
            message = _("本行政区没有名为“%(name)s”的部门") % {"name": place}
        problems.extend(Problem(row, names[PLACE], message) for row in rows)

    rows: list[StatisticsRow] = []
    first_of_period: dict[tuple[int, dt.date, dt.date], int] = {}
    first_of_end: dict[tuple[int, dt.date], tuple[int, dt.date]] = {}
    for raw, indicator, department, period, value in checked:
        if indicator is None or period is None:
            continue
        start, end = period
        earlier = first_of_period.get((indicator.pk, start, end))
        if earlier is not None:
            problems.append(
                Problem(
                    raw.row,
                    names[PERIOD],
                    _("与第%(first)s行重复：“%(indicator)s”%(period)s出现两次")
                    % {
                        "first": earlier,
                        "indicator": indicator.name,
                        "period": period_label(start, end),
                    },
                )
            )
            continue
        same_end = first_of_end.get((indicator.pk, end))
        if same_end is not None:
            # One measurement per indicator and closing date (September and the third quarter).
            problems.append(
                Problem(
                    raw.row,
                    names[PERIOD],
                    _(
                        "与第%(first)s行同为%(end)s截止：“%(indicator)s”同一截止日只能有一个数值（如9月与第三季度）"
                    )
                    % {
                        "first": same_end[0],
                        "end": date_format(end, "DATE_FORMAT"),
                        "indicator": indicator.name,
                    },
                )
            )
            continue
        first_of_period[(indicator.pk, start, end)] = raw.row
        first_of_end[(indicator.pk, end)] = (raw.row, start)
        if value is not None:
            rows.append(StatisticsRow(raw.row, indicator, department, start, end, value, raw.source))

    if problems:
        order = {name: k for k, name in enumerate(names.values())}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.column, 0)))
        raise StatisticsRefused(problems)
    return rows


# Saving -----------------------------------------------------------------------------------------


def require_statistics_office(*, user, jurisdiction: Jurisdiction) -> None:
    """Only the office of the jurisdiction uploads its statistics."""
    if not user_scope(user).is_office_of(jurisdiction.pk):
        raise PermissionDenied(OFFICE_UPLOADS)


CSV_NOT_TAKEN = gettext_lazy(
    "“%(name)s”是 CSV 文本文件，不是 Excel 表格：请在 Excel 或 WPS 中另存为 .xlsx 后再上传"
)


def statistics_file_check(file):
    """An upload is an .xlsx (by its content) within the portal's upload limits; a CSV export,
    the likeliest mistake, is told apart (the shared check would call it a damaged file)."""
    name = str(getattr(file, "name", "") or "")
    if name.lower().endswith(".csv") and getattr(file, "size", 0):
        raise ApplicationError(CSV_NOT_TAKEN % {"name": name[-200:]}, field="file")
    return upload_check(file, allowed=STATISTICS_KINDS, max_bytes=STATISTICS_MAX_BYTES, field="file")


@transaction.atomic
def statistics_upload(
    *, jurisdiction: Jurisdiction, actor, file, today: dt.date | None = None
) -> StatisticsUpload:
    """The office's sheet of official figures is saved whole or not at all: one upload row, a
    value per row with the value it replaced, the measurements upserted as confirmed
    statistics (moving their recorded time, so the dashboards renew), and one audit row."""
    require_statistics_office(user=actor, jurisdiction=jurisdiction)
    checked = statistics_file_check(file)
    rows = statistics_rows_read(file, jurisdiction=jurisdiction, today=today)
    file.seek(0)
    upload = StatisticsUpload(
        jurisdiction=jurisdiction,
        file_name=checked.name[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        row_count=len(rows),
    )
    upload.file.save(checked.storage_name, file if isinstance(file, File) else File(file), save=False)
    try:
        return _statistics_save(upload, rows, actor=actor)
    except BaseException:
        # The row goes with the rollback; the stored file must too.
        upload.file.storage.delete(upload.file.name)
        raise


@transaction.atomic
def statistics_values_save(
    *,
    jurisdiction: Jurisdiction,
    actor,
    raws: list[StatisticsRawRow],
    label: str,
    names: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> StatisticsUpload:
    """Values sent without a sheet (the API's statistics feed) are checked and saved by the
    sheet's rules, whole or not at all, as an upload named `label` with no file; the caller has
    checked that the sender may write the jurisdiction's statistics."""
    rows = statistics_rows_check(raws, jurisdiction=jurisdiction, today=today, names=names)
    upload = StatisticsUpload(
        jurisdiction=jurisdiction,
        file_name=label[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        row_count=len(rows),
    )
    return _statistics_save(upload, rows, actor=actor)


def _statistics_save(upload: StatisticsUpload, rows: list[StatisticsRow], *, actor) -> StatisticsUpload:
    indicator_ids = sorted({r.indicator.pk for r in rows})
    ends = sorted({r.period_end for r in rows})
    # Locked, so that a report approved meanwhile cannot slip its value in between.
    previous = {
        (indicator_id, end): value
        for indicator_id, end, value in Measurement.objects.select_for_update()
        .filter(indicator_id__in=indicator_ids, period_end__in=ends)
        .order_by("pk")
        .values_list("indicator_id", "period_end", "value")
    }
    upload.replaced_count = sum((r.indicator.pk, r.period_end) in previous for r in rows)
    upload.save()
    StatisticsValue.objects.bulk_create(
        (
            StatisticsValue(
                upload=upload,
                row=r.row,
                indicator_id=r.indicator.pk,
                department=r.department,
                period_start=r.period_start,
                period_end=r.period_end,
                value=r.value,
                source=r.source,
                previous_value=previous.get((r.indicator.pk, r.period_end)),
            )
            for r in rows
        ),
        batch_size=BATCH,
    )
    Measurement.objects.bulk_create(
        (
            Measurement(
                indicator_id=r.indicator.pk,
                period_start=r.period_start,
                period_end=r.period_end,
                value=r.value,
                department_id=r.measurement_department_id,
                confirmed=True,
                source=Indicator.Source.STATISTICS,
            )
            for r in rows
        ),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["indicator", "period_end"],
        update_fields=["period_start", "value", "department", "confirmed", "source", "recorded_at"],
    )
    audit_record(
        actor=actor,
        action="statistics.upload",
        obj=upload,
        jurisdiction=upload.jurisdiction,
        summary=_("上传统计数据“%(name)s”：%(rows)s行，替换原有数据%(replaced)s行")
        % {"name": upload.file_name, "rows": upload.row_count, "replaced": upload.replaced_count},
        after={"file": upload.file_name, "rows": upload.row_count, "replaced": upload.replaced_count},
    )
    return upload


# The template -----------------------------------------------------------------------------------


class StatisticsTemplateExporter(ListExporter):
    """The sheet to fill in: the header row and one example row (an indicator of the
    jurisdiction, marked as an example so an unchanged template is refused, not imported)."""

    document_name = "统计数据上传模板"
    columns = (
        Column("指标", 32),
        Column("行政区或部门", 18),
        Column("期间", 16, centred=True),
        Column("数值", 14),
        Column("数据来源", 20),
        Column("备注", 24),
    )

    def __init__(self, jurisdiction: Jurisdiction, *, today: dt.date | None = None):
        self.jurisdiction = jurisdiction
        self.today = today or timezone.localdate()

    def title(self) -> str:
        return _("%(name)s统计数据") % {"name": self.jurisdiction.name}

    def subtitle(self) -> tuple[str, ...]:
        return (
            _(
                "期间写作2026年10月、2026年第三季度、2026年上半年或2026年；百分比指标填93.5或93.5%；"
                "行政区或部门可不填；示例行上传前请删除"
            ),
        )

    def iterate_rows(self) -> Iterator[Row]:
        indicator = (
            Indicator.objects.filter(jurisdiction=self.jurisdiction)
            .order_by("-source", "name")  # 统计部门发布 ("statistics") before 部门报送
            .first()
        )
        last_month = self.today.replace(day=1) - dt.timedelta(days=1)
        name = indicator.name if indicator else _("制造业产品质量合格率")
        yield Row(
            "task",
            (
                _("（示例）%(name)s") % {"name": name},
                self.jurisdiction.name,
                _("%(year)s年%(month)s月") % {"year": last_month.year, "month": last_month.month},
                93.5,
                _("市统计局"),
                _("示例行，上传前请删除"),
            ),
        )
