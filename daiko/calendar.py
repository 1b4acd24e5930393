"""The city hall's business calendar: 開庁日 and 開庁時間.

Robots key into core systems that are staffed (and often only switched on) on 開庁日 inside
開庁時間, so a robot whose schedule says ``office_hours_only`` must not fire on 土日, 祝日,
年末年始 (12/29–1/3) or a closed day the admin listed — the cron line alone cannot say "not on
勤労感謝の日". The weekly report counts the same 開庁日 for its pace line, so the rules live
here in the kernel, once, for both.

The calendar is a small frozen value so it pickles into the job store with its trigger: a
job restored after a restart skips the same days it skipped before. 祝日 are looked up in
jpholiday at call time, so a new jpholiday release (a moved 祝日) applies without a reschedule.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import jpholiday

from daiko.config import CalendarConfig, DaikoConfig

WEEKDAYS_JA = "月火水木金土日"
_MAX_DAYS_AHEAD = 400  # longer than any closure; a calendar with no open day at all ends the search


def weekday_ja(day: dt.date) -> str:
    return WEEKDAYS_JA[day.weekday()]


def format_moment(moment: dt.datetime) -> str:
    """``2026-11-24(火) 08:30`` — how staff and admins read a time."""
    return f"{moment:%Y-%m-%d}({weekday_ja(moment.date())}) {moment:%H:%M}"


def _hhmm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class BusinessCalendar:
    """開庁日 (weekdays, not 祝日, not 年末年始, not an extra closed day) and 開庁時間 on them."""

    timezone: str = "Asia/Tokyo"
    national_holidays: bool = True
    year_end_closure: bool = True
    extra_closed_days: frozenset[dt.date] = field(default_factory=frozenset)
    office_start: dt.time = dt.time(8, 30)
    office_end: dt.time = dt.time(17, 15)  # exclusive: a run at 17:15 is after hours

    @classmethod
    def from_config(cls, cfg: DaikoConfig) -> BusinessCalendar:
        return cls.from_calendar(cfg.defaults.calendar, cfg.defaults.timezone)

    @classmethod
    def from_calendar(cls, cal: CalendarConfig, timezone: str = "Asia/Tokyo") -> BusinessCalendar:
        return cls(
            timezone=timezone,
            national_holidays=cal.national_holidays,
            year_end_closure=cal.year_end_closure,
            extra_closed_days=frozenset(cal.extra_closed_days),
            office_start=_hhmm(cal.office_hours.start),
            office_end=_hhmm(cal.office_hours.end),
        )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:  # naive means local to the city hall, never the PC's zone
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    # -- days ---------------------------------------------------------------------------------
    def closed_reason(self, day: dt.date) -> str | None:
        """Why ``day`` is not a 開庁日, in Japanese (``祝日: 勤労感謝の日``), or None when open."""
        if day in self.extra_closed_days:
            return "閉庁日（robots.yaml の extra_closed_days）"
        if self.year_end_closure and ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)):
            return "年末年始"
        if self.national_holidays:
            name = jpholiday.is_holiday_name(day)
            if name:
                return f"祝日: {name}"
        if day.weekday() == 5:
            return "土曜日"
        if day.weekday() == 6:
            return "日曜日"
        return None

    def is_business_day(self, day: dt.date) -> bool:
        return self.closed_reason(day) is None

    # -- moments ------------------------------------------------------------------------------
    def in_office_hours(self, moment: dt.datetime) -> bool:
        """On a 開庁日 and inside 開庁時間 (start inclusive, end exclusive)."""
        local = self.local(moment)
        return self.is_business_day(local.date()) and self.office_start <= local.time() < self.office_end

    def next_open(self, moment: dt.datetime) -> dt.datetime | None:
        """The first moment at or after ``moment`` that is inside 開庁時間 on a 開庁日."""
        local = self.local(moment)
        day = local.date()
        for _ in range(_MAX_DAYS_AHEAD):
            if self.is_business_day(day):
                start = dt.datetime.combine(day, self.office_start, tzinfo=self.tz)
                end = dt.datetime.combine(day, self.office_end, tzinfo=self.tz)
                if local < end:
                    return max(local, start)
            day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, dt.time(0, 0), tzinfo=self.tz)
        return None

    def closed_days_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        """Closed days from ``first`` to ``last`` (both included) with their reasons."""
        found = []
        day = first
        while day <= last:
            reason = self.closed_reason(day)
            if reason:
                found.append((day, reason))
            day += dt.timedelta(days=1)
        return found
