"""Dates as written in (British-style) English: 29 Nov 2026, 29 Nov, November 2026, 29 Nov 14:05.
Anything not named here falls back to Django's own en formats."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
# The portal's own names, read with qualitycity.locale_formats.named_format.
MONTH_DAY_TIME_FORMAT = "j M H:i"
DATETIME_SECONDS_FORMAT = "j M Y H:i:s"
