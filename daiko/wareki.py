"""Japanese era (和暦) labels for dates people read: reports, the survey workbook, the console.

City-hall documents are dated in 令和, and staff compare what daiko shows with papers that are;
a Western date would be rewritten by hand before every meeting. One table of eras for all of
daiko — the forms read dates with it too (``forms/fieldtypes/wareki_date``); the mock systems
keep their own on purpose: they stand in for other vendors' code.
"""

from __future__ import annotations

import datetime as dt

from daiko.localtime import local_time

# (first day, name, the letter forms abbreviate it to), newest first. Back to 明治: a 生年月日 or
# a register's 登録日 on paper may be 昭和 or older.
ERAS: tuple[tuple[dt.date, str, str], ...] = (
    (dt.date(2019, 5, 1), "令和", "R"),
    (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"),
    (dt.date(1912, 7, 30), "大正", "T"),
    (dt.date(1868, 1, 25), "明治", "M"),
)
WEEKDAYS = "月火水木金土日"


def era_year(day: dt.date) -> tuple[str, int]:
    """('令和', 8) for a day in 2026."""
    for first, name, _letter in ERAS:
        if day >= first:
            return name, day.year - first.year + 1
    raise ValueError(f"{day} is before 明治; daiko has no era label for it")


def _year_text(era: str, year: int) -> str:
    return f"{era}{'元' if year == 1 else year}年"


def wareki_year(day: dt.date) -> str:
    """'令和8年' (and '令和元年' for the first year)."""
    return _year_text(*era_year(day))


def wareki_date(day: dt.date, *, weekday: bool = True) -> str:
    """'令和8年11月16日（月）'."""
    text = f"{wareki_year(day)}{day.month}月{day.day}日"
    return f"{text}（{WEEKDAYS[day.weekday()]}）" if weekday else text


def wareki_range(first: dt.date, last: dt.date, *, weekday: bool = True) -> str:
    """'令和8年11月16日（月）〜11月22日（日）'; the year is repeated only when it changes."""
    if first == last:
        return wareki_date(first, weekday=weekday)
    day = f"（{WEEKDAYS[last.weekday()]}）" if weekday else ""
    end = (
        f"{last.month}月{last.day}日{day}" if era_year(first) == era_year(last) else wareki_date(last, weekday=weekday)
    )
    return f"{wareki_date(first, weekday=weekday)}〜{end}"


def fiscal_year_label(start: dt.date) -> str:
    """'令和8年度' for the 年度 that starts on ``start``."""
    return f"{wareki_year(start)}度"


def with_seireki(day: dt.date, *, weekday: bool = False) -> str:
    """'令和8年11月30日（2026年）': the paper's date, with the Western year beside it for the systems that use it."""
    return f"{wareki_date(day, weekday=weekday)}（{day.year}年）"


def wareki_datetime(moment: dt.datetime, zone: str | dt.tzinfo, *, seconds: bool = False, weekday: bool = True) -> str:
    """'令和8年11月30日（月）15:20' in the configured zone (never the host clock's): naive means UTC."""
    local = local_time(moment, zone)
    day = wareki_date(local.date(), weekday=weekday)
    return f"{day} {local:%H:%M:%S}" if seconds else f"{day} {local:%H:%M}"


def wareki_text(value: object) -> str:
    """A stored date as people read it: ISO '2026-11-30' → '令和8年11月30日', '2026-11' → '令和8年11月'.

    Anything else (a reading that did not parse, a date before 明治) comes back as text, unchanged:
    this formats, it never guesses.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return wareki_date(value, weekday=False)
    text = "" if value is None else str(value)
    try:
        if len(text) == 10:
            return wareki_date(dt.date.fromisoformat(text), weekday=False)
        if len(text) == 7 and text[4] == "-":
            day = dt.date(int(text[:4]), int(text[5:]), 1)
            return f"{wareki_year(day)}{day.month}月"
    except ValueError:
        pass
    return text
