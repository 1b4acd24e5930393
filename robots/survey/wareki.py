"""和暦 for the survey's 調査期間 and dates: 令和3年3月10日〜3月24日.

The reports layer has the same helper for the weekly report; robots sit below reports, so the
few lines are repeated here rather than imported upward.
"""

from __future__ import annotations

import datetime as dt

ERAS: tuple[tuple[dt.date, str], ...] = ((dt.date(2019, 5, 1), "令和"), (dt.date(1989, 1, 8), "平成"))


def wareki_year(day: dt.date) -> str:
    for first, name in ERAS:
        if day >= first:
            year = day.year - first.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    raise ValueError(f"{day} is before 平成")


def wareki_date(day: dt.date) -> str:
    return f"{wareki_year(day)}{day.month}月{day.day}日"


def wareki_range(first: dt.date, last: dt.date) -> str:
    """令和3年3月10日〜3月24日 (the year again only when it changes)."""
    if first == last:
        return wareki_date(first)
    end = f"{last.month}月{last.day}日" if wareki_year(first) == wareki_year(last) else wareki_date(last)
    return f"{wareki_date(first)}〜{end}"
