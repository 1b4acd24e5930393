"""和暦 (Japanese era) dates, the way the 軽自動車税システム shows and accepts them.

Municipal systems of this generation key dates as 元号 + 年/月/日, so the mock does too: it makes
the robot's date handling face the same conversion staff do.
"""

from __future__ import annotations

import datetime as dt

# (code, name, first day). Only the eras a vehicle in the register can carry.
ERAS: list[tuple[str, str, dt.date]] = [
    ("R", "令和", dt.date(2019, 5, 1)),
    ("H", "平成", dt.date(1989, 1, 8)),
]
ERA_NAMES = {code: name for code, name, _ in ERAS}


def to_wareki(day: dt.date) -> tuple[str, int, int, int]:
    """(era code, era year, month, day) for a date on or after 平成元年."""
    for code, _name, start in ERAS:
        if day >= start:
            return code, day.year - start.year + 1, day.month, day.day
    raise ValueError(f"{day} is before 平成")


def format_wareki(day: dt.date | None) -> str:
    """'令和7年4月1日' — the long form used on screens and on the 確認票."""
    if day is None:
        return ""
    code, year, month, dd = to_wareki(day)
    year_text = "元" if year == 1 else str(year)
    return f"{ERA_NAMES[code]}{year_text}年{month}月{dd}日"


def format_wareki_short(day: dt.date | None) -> str:
    """'R07.04.01' — the short form used in dense tables."""
    if day is None:
        return ""
    code, year, month, dd = to_wareki(day)
    return f"{code}{year:02d}.{month:02d}.{dd:02d}"


def parse_wareki(era: str, year: str, month: str, day: str) -> dt.date | None:
    """The date keyed as 元号/年/月/日, or None when it is not a real date of that era.

    A date outside its era (令和1年4月1日, 平成32年) is rejected as staff's software would.
    """
    try:
        y, m, d = int(year), int(month), int(day)
    except (TypeError, ValueError):
        return None
    for index, (code, _name, start) in enumerate(ERAS):
        if code != era:
            continue
        try:
            value = dt.date(start.year + y - 1, m, d)
        except ValueError:
            return None
        if y < 1 or value < start:
            return None
        if index > 0 and value >= ERAS[index - 1][2]:  # past the next era's first day
            return None
        return value
    return None
