"""China's working-day calendar: public holidays move deadlines, make-up days (调休) count.

Backed by the maintained `chinesecalendar` package, which knows each year once the State
Council publishes its holiday notice (usually in November for the next year). For a year it
does not know yet, weekends alone decide, and a warning says so.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

log = logging.getLogger(__name__)


def is_working_day(day: dt.date) -> bool:
    """A working day is a weekday that is not a public holiday, or a make-up Saturday/Sunday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("chinesecalendar 尚无 %s 年的节假日安排，暂按周末判断", day.year)
        return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
