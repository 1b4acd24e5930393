"""和暦 (Japanese era) dates, the way the 軽自動車税システム shows and accepts them.

Municipal systems of this generation key dates as 元号 + 年/月/日, so the mock does too: it makes
the robot's date handling face the same conversion staff do.
"""

from __future__ import annotations

import datetime as dt

from daiko.mocks.common.wareki import ERA_NAMES, format_wareki, format_wareki_short, to_wareki
from daiko.mocks.common.wareki import ERAS as _ALL_ERAS

# The 元号 the screens offer and accept: only those a vehicle in the register can carry.
ERAS: list[tuple[str, str, dt.date]] = _ALL_ERAS[:2]

__all__ = ["ERAS", "ERA_NAMES", "format_wareki", "format_wareki_short", "parse_wareki", "to_wareki"]


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
