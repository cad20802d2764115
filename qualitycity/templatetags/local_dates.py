"""{{ value|local_date:"MONTH_DAY_TIME_FORMAT" }}: the date filter for the portal's own format
names as well as Django's, so that a date reads as people write it in the active language."""

from __future__ import annotations

from django import template
from django.utils import dateformat

from qualitycity.locale_formats import named_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def local_date(value, name: str) -> str:
    """A date or datetime in the active language's format called `name`; "" for no date."""
    if value in (None, ""):
        return ""
    try:
        return dateformat.format(value, named_format(name))
    except AttributeError:
        return ""
