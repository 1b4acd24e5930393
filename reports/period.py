"""The stretch of days a report covers, and the 年度 it belongs to.

Days are local (Asia/Tokyo, from defaults.timezone): a manager's "week of 16 November" is
Monday 00:00 to Sunday 24:00 in Japan, not in UTC, so an item finished at 08:30 on Monday
JST (23:30 Sunday UTC) belongs to Monday's week.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from daiko.i18n import tr
from daiko.wareki import fiscal_year_label, wareki_date, wareki_range

ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """Local dates ``start``..``end``, both included; ``iso_week`` is set for a Monday–Sunday week
    (or, from :meth:`week_to_date`, the part of one that has passed)."""

    start: dt.date
    end: dt.date
    iso_week: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                tr(
                    f"期間の終わり（{self.end}）が始まり（{self.start}）より前です",
                    f"the period ends ({self.end}) before it starts ({self.start})",
                )
            )

    @classmethod
    def week(cls, spec: str) -> Period:
        """Parse '2026-W47' (ISO week: Monday to Sunday)."""
        match = ISO_WEEK.match(spec.strip())
        if not match:
            raise ValueError(
                tr(
                    f"'{spec}' は ISO 週ではありません。2026-W47 のように書いてください",
                    f"'{spec}' is not an ISO week; write it like 2026-W47",
                )
            )
        year, number = int(match[1]), int(match[2])
        try:
            monday = dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(
                tr(
                    f"{year} 年に第 {number} 週はありません（ISO 週は W01〜W52 か W53）",
                    f"{year} has no week {number}; ISO weeks run from W01 to W52 or W53",
                )
            ) from None
        return cls(monday, monday + dt.timedelta(days=6), (year, number))

    @classmethod
    def week_of(cls, day: dt.date) -> Period:
        """The ISO week (Monday–Sunday) that holds ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        year, number, _ = monday.isocalendar()
        return cls(monday, monday + dt.timedelta(days=6), (year, number))

    @classmethod
    def week_to_date(cls, today: dt.date) -> Period:
        """This week so far, Monday to ``today`` (for a dashboard: the pace stops at today too)."""
        week = cls.week_of(today)
        return cls(week.start, today, week.iso_week)

    @classmethod
    def last_complete_week(cls, today: dt.date) -> Period:
        """The Monday–Sunday week before the one holding ``today`` (the default report)."""
        return cls.week_of(today - dt.timedelta(days=7))

    @classmethod
    def between(cls, first: str | dt.date, last: str | dt.date) -> Period:
        """Parse --from/--to (YYYY-MM-DD, both included)."""
        return cls(_parse_day(first, "--from"), _parse_day(last, "--to"))

    @property
    def is_week(self) -> bool:
        return self.iso_week is not None

    @property
    def label(self) -> str:
        """'令和8年11月16日（月）〜11月22日（日）'."""
        return wareki_range(self.start, self.end)

    @property
    def slug(self) -> str:
        """File-name part: '2026-W47', or '2026-11-01_2026-11-30' for a free range."""
        if self.iso_week:
            return f"{self.iso_week[0]}-W{self.iso_week[1]:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def week_text(self) -> str:
        """'2026-W47' for a week, '' otherwise."""
        return self.slug if self.iso_week else ""

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def utc_bounds(self, tz: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """[first local midnight, midnight after the last day) in UTC, for the ledger query."""
        return local_midnight_utc(self.start, tz), local_midnight_utc(self.end + dt.timedelta(days=1), tz)


@dataclass(frozen=True)
class FiscalYear:
    """A 年度: ``start`` (1 April by default) to ``end`` (31 March), both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def containing(cls, day: dt.date, start_mmdd: str = "04-01") -> FiscalYear:
        month, dom = (int(part) for part in start_mmdd.split("-"))
        start = _month_day(day.year, month, dom)
        if day < start:
            start = _month_day(day.year - 1, month, dom)
        following = _month_day(start.year + 1, month, dom)
        return cls(start, following - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        """'令和8年度'."""
        return fiscal_year_label(self.start)

    @property
    def span_label(self) -> str:
        """'令和8年4月1日〜令和9年3月31日'."""
        return f"{wareki_date(self.start, weekday=False)}〜{wareki_date(self.end, weekday=False)}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def local_midnight_utc(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _month_day(year: int, month: int, dom: int) -> dt.date:
    """MM-DD in ``year``; 02-29 falls back to 02-28 in common years."""
    try:
        return dt.date(year, month, dom)
    except ValueError:
        return dt.date(year, month, dom - 1)


def _parse_day(value: str | dt.date, option: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            tr(
                f"{option} '{value}' は日付ではありません。YYYY-MM-DD で書いてください（例: 2026-11-16）",
                f"{option} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-16",
            )
        ) from None
