"""{{ value|iso_date }}: a date of the published results, which keep it as ISO text for the JSON
answer (2026-10-31), as the reader's language writes it (2026年10月31日, 31 Oct 2026)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter(is_safe=False)
def iso_date(value) -> str:
    """The ISO date (or the date of an ISO timestamp) in the active language; "" for none."""
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)
