"""開庁日 counting for the pace line.

The pace ("where we should be by now") advances by 開庁日, not calendar days: robots only
work on days the city hall is open, so a calendar pace would show a false × every January
(年末年始) and May (ゴールデンウィーク), when no item could have been processed. The days
follow robots.yaml's defaults.calendar, the same rules the scheduler runs robots by.
"""

from __future__ import annotations

import datetime as dt

import jpholiday

from daiko.config import CalendarConfig


def is_open_day(day: dt.date, calendar: CalendarConfig) -> bool:
    """A weekday that is not a 祝日, not in 年末年始 (12/29–1/3) and not an extra closed day."""
    if day.weekday() >= 5:
        return False
    if calendar.national_holidays and jpholiday.is_holiday(day):
        return False
    if calendar.year_end_closure and ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)):
        return False
    return day not in calendar.extra_closed_days


def open_days(first: dt.date, last: dt.date, calendar: CalendarConfig) -> list[dt.date]:
    """開庁日 from ``first`` to ``last``, both included, in order (empty when last < first)."""
    days = []
    day = first
    while day <= last:
        if is_open_day(day, calendar):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def count_open_days(first: dt.date, last: dt.date, calendar: CalendarConfig) -> int:
    """How many 開庁日 from ``first`` to ``last``, both included."""
    return len(open_days(first, last, calendar))
