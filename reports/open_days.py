"""開庁日 counting for the pace line.

The pace ("where we should be by now") advances by 開庁日, not calendar days: robots only
work on days the city hall is open, so a calendar pace would show a false × every January
(年末年始) and May (ゴールデンウィーク), when no item could have been processed. The days
follow robots.yaml's defaults.calendar, the same rules the scheduler runs robots by.
"""

from __future__ import annotations

import datetime as dt

from daiko.calendar import BusinessCalendar
from daiko.config import CalendarConfig


def is_open_day(day: dt.date, calendar: CalendarConfig) -> bool:
    """A weekday that is not a 祝日, not in 年末年始 (12/29–1/3) and not an extra closed day."""
    return BusinessCalendar.from_calendar(calendar).is_business_day(day)


def open_days(first: dt.date, last: dt.date, calendar: CalendarConfig) -> list[dt.date]:
    """開庁日 from ``first`` to ``last``, both included, in order (empty when last < first)."""
    business = BusinessCalendar.from_calendar(calendar)
    days = []
    day = first
    while day <= last:
        if business.is_business_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def count_open_days(first: dt.date, last: dt.date, calendar: CalendarConfig) -> int:
    return len(open_days(first, last, calendar))
