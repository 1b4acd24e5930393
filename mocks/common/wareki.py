"""和暦 (Japanese era) dates as the mock systems show them: '令和7年4月1日' and 'R07.04.01'.

Municipal systems of this generation show and key dates as 元号 + 年/月/日, so the mocks do too:
a robot's date handling then faces the conversion staff face. Which 元号 a screen *accepts* is
each mock's own business (see ``daiko.mocks.keitax.wareki.parse_wareki``).
"""

from __future__ import annotations

import datetime as dt

# (code, name, first day), newest first: a register's birth dates reach back to 大正.
ERAS: list[tuple[str, str, dt.date]] = [
    ("R", "令和", dt.date(2019, 5, 1)),
    ("H", "平成", dt.date(1989, 1, 8)),
    ("S", "昭和", dt.date(1926, 12, 25)),
    ("T", "大正", dt.date(1912, 7, 30)),
]
ERA_NAMES = {code: name for code, name, _ in ERAS}


def to_wareki(day: dt.date) -> tuple[str, int, int, int]:
    """(era code, era year, month, day) for a date on or after 大正元年."""
    for code, _name, start in ERAS:
        if day >= start:
            return code, day.year - start.year + 1, day.month, day.day
    raise ValueError(f"{day} is before 大正")


def format_wareki(day: dt.date | None) -> str:
    """'令和7年4月1日' — the long form used on screens and on printed slips ('' for no date)."""
    if day is None:
        return ""
    code, year, month, dd = to_wareki(day)
    year_text = "元" if year == 1 else str(year)
    return f"{ERA_NAMES[code]}{year_text}年{month}月{dd}日"


def format_wareki_short(day: dt.date | None) -> str:
    """'R07.04.01' — the short form used in dense tables ('' for no date)."""
    if day is None:
        return ""
    code, year, month, dd = to_wareki(day)
    return f"{code}{year:02d}.{month:02d}.{dd:02d}"
