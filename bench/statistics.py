"""The statistics upload figure: a 10,000-row sheet of the bench jurisdiction's indicators over
past months, read, checked and saved as the office's upload is (the time to build the sheet
left out). The upload is rolled back afterwards, so the bench world is as it was."""

from __future__ import annotations

import datetime as dt
import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from reports.models import statistics_storage
from reports.statistics import statistics_upload
from responsibilities.models import Jurisdiction, Membership, Role
from targets.models import Indicator

ROWS = 10_000


class _RollBack(Exception):
    pass


def statistics_sheet(*, jurisdiction: Jurisdiction, rows: int = ROWS, today: dt.date | None = None) -> bytes:
    """A sheet like the template: every indicator × each past month (the last closed months
    first), written as offices write periods (2026年10月, 2026-09, a date), until `rows` rows."""
    today = today or timezone.localdate()
    names = list(
        Indicator.objects.filter(jurisdiction=jurisdiction).order_by("pk").values_list("name", "unit")
    )
    if not names:
        raise ValueError(f"{jurisdiction} has no indicators: run seed_large first")
    months_needed = -(-rows // len(names))
    month = today.replace(day=1)
    months = []
    for _k in range(months_needed):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    # A regular workbook, as Excel and WPS save one: it names its dimensions at the top, which
    # openpyxl's write-only mode leaves out (and the reader would then parse the sheet twice).
    book = Workbook()
    sheet = book.active
    sheet.title = "统计数据"
    sheet.append(["指标", "行政区或部门", "期间", "数值", "数据来源", "备注"])
    written = 0
    for k, first in enumerate(months):
        for n, (name, unit) in enumerate(names):
            if written == rows:
                break
            period = (f"{first.year}年{first.month}月", f"{first:%Y-%m}", first)[(k + n) % 3]
            value = round(90 + (n * 7 + k * 3) % 100 / 10, 1) if unit == "%" else (n + k) % 500
            sheet.append([name, jurisdiction.name if n % 2 else "", period, value, "市统计局", ""])
            written += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def time_statistics_upload(*, jurisdiction: Jurisdiction, rows: int = ROWS) -> dict:
    """Rows per second of an office's upload of a `rows`-row sheet: check, read, validate and
    save (measurements upserted, each row kept with the value it replaced)."""
    office = (
        Membership.objects.filter(jurisdiction=jurisdiction, role__in=Role.office_roles(), is_active=True)
        .select_related("user")
        .first()
        .user
    )
    data = statistics_sheet(jurisdiction=jurisdiction, rows=rows)
    upload_file = SimpleUploadedFile("基准统计数据.xlsx", data)
    stored = ""
    try:
        with transaction.atomic():
            started = time.perf_counter()
            upload = statistics_upload(jurisdiction=jurisdiction, actor=office, file=upload_file)
            seconds = time.perf_counter() - started
            stored, saved, replaced = upload.file.name, upload.row_count, upload.replaced_count
            raise _RollBack
    except _RollBack:
        pass
    finally:
        if stored:
            statistics_storage().delete(stored)
    return {
        "statistics_upload_rows_per_s": round(saved / seconds),
        "statistics_upload_rows": saved,
        "statistics_upload_s": round(seconds, 2),
        "statistics_upload_replaced": replaced,
    }
