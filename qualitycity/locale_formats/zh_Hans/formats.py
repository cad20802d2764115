"""Dates as written in Chinese: 2026年11月29日, 11月29日, 2026年11月, 11月29日 14:05.
Anything not named here falls back to Django's own zh_Hans formats."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
MONTH_DAY_FORMAT = "n月j日"  # Django's own is m月j日 (09月5日)
YEAR_MONTH_FORMAT = "Y年n月"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
# The portal's own names, read with qualitycity.locale_formats.named_format.
MONTH_DAY_TIME_FORMAT = "n月j日 H:i"
DATETIME_SECONDS_FORMAT = "Y年n月j日 H:i:s"
