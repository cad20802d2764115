"""Dates as people write them in each language: Django's *_FORMAT names (FORMAT_MODULE_PATH)
and the portal's own, such as MONTH_DAY_TIME_FORMAT, read with named_format().

A package of its own rather than qualitycity/formats/, which would shadow qualitycity/formats.py."""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import FORMAT_SETTINGS, get_format, get_format_modules
from django.utils.translation import get_language

# The portal's own names, with the Chinese format used when a language has none.
PORTAL_FORMATS = {
    "MONTH_DAY_TIME_FORMAT": "n月j日 H:i",
    "DATETIME_SECONDS_FORMAT": "Y年n月j日 H:i:s",
}


def named_format(name: str) -> str:
    """The active language's format called `name`; a Django name through get_format, the
    portal's own from the language's format module, falling back to Chinese."""
    if name in FORMAT_SETTINGS:
        return get_format(name)
    if name not in PORTAL_FORMATS:
        raise ValueError(f"unknown date format name: {name}")
    for module in get_format_modules(get_language() or settings.LANGUAGE_CODE):
        if hasattr(module, name):
            return getattr(module, name)
    return PORTAL_FORMATS[name]
