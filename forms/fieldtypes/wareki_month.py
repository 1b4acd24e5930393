"""A month as people write it (振替開始月: 令和7年6月から) → ISO ``YYYY-MM``.

Accepted: 令和7年6月, 令和元年6月, R7.6, R07/06, 7年6月 (with ``default_era``), 2025年6月, 2025/6,
2025-06; a trailing から or 分 is ignored. A month outside its era (令和1年4月) goes to a person.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import FieldType, Reason, nfkc, squash_spaces
from daiko.forms.fieldtypes.wareki_date import _BY_KEY, _ERA, _FIX, _NUM
from daiko.wareki import wareki_text

_PATTERNS = [
    re.compile(rf"^{_ERA}{_NUM}年(?P<m>\d{{1,2}})月?$"),
    re.compile(rf"^{_ERA}{_NUM}[./\-](?P<m>\d{{1,2}})$"),
    re.compile(r"^(?P<Y>\d{4})年(?P<m>\d{1,2})月?$"),
    re.compile(r"^(?P<Y>\d{4})[./\-](?P<m>\d{1,2})$"),
    re.compile(rf"^{_NUM}年(?P<m>\d{{1,2}})月?$"),
    re.compile(rf"^{_NUM}[./](?P<m>\d{{1,2}})$"),
]


def parse_month(raw: str, default_era: str | None = None) -> tuple[str | None, Reason]:
    text = squash_spaces(nfkc(raw)).translate(_FIX)
    text = re.sub(r"(から|分|より)$", "", text)
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["m"])
        if not 1 <= month <= 12:
            return None, "月が正しくありません"
        if groups.get("Y"):
            return f"{int(groups['Y']):04d}-{month:02d}", None
        era = _BY_KEY.get(groups.get("era") or default_era or "")
        if era is None:
            return None, "元号がありません"
        year = 1 if groups["y"] == "元" else int(groups["y"])
        first = era.to_date(year, month, 1)
        last_day = era.to_date(year, month, 28)
        if year < 1 or (first is None and last_day is None):
            return None, f"{era.name}{year}年{month}月は{era.name}の期間外です"
        return f"{era.start.year + year - 1:04d}-{month:02d}", None
    return None, "年月として読めません（元号・年・月を確認してください）"


class WarekiMonth(FieldType):
    """A calendar month; value ``YYYY-MM``.

    Rules: ``default_era``, ``min`` / ``max`` (``YYYY-MM``), ``not_past`` (not before the month of
    ``today``, which a test may give), ``max_ahead_months`` (a start far in the future is odd).
    """

    name: ClassVar[str] = "wareki_month"
    unparsable_ja: ClassVar[str] = "年月として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("default_era", "min", "max", "not_past", "max_ahead_months", "today")

    def _today(self) -> dt.date:
        today = self.rules.get("today")
        return dt.date.fromisoformat(str(today)) if today else dt.date.today()

    def normalise(self, raw: str) -> str | None:
        return parse_month(raw, self.rules.get("default_era"))[0]

    def check(self, raw: str):
        from daiko.forms.fieldtypes.base import Check

        value, reason = parse_month(raw, self.rules.get("default_era"))
        if value is None:
            return Check(None, False, reason)
        ok, why = self.validate(value)
        return Check(value, ok, why)

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not re.fullmatch(r"\d{4}-\d{2}", value):
            return False, "年月の形式ではありません"
        if "min" in self.rules and value < str(self.rules["min"]):
            return False, f"{wareki_text(str(self.rules['min']))}より前の年月です"
        if "max" in self.rules and value > str(self.rules["max"]):
            return False, f"{wareki_text(str(self.rules['max']))}より後の年月です"
        today = self._today()
        if self.rules.get("not_past") and value < f"{today:%Y-%m}":
            return False, "過ぎた年月です（振替開始月を確認してください）"
        ahead = self.rules.get("max_ahead_months")
        if ahead is not None:
            year, month = (int(v) for v in value.split("-"))
            if (year - today.year) * 12 + month - today.month > int(ahead):
                return False, f"{int(ahead)}か月より先の年月です"
        return True, None
