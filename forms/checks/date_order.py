"""Two dates of one form in the order the business fixes: a vehicle is deregistered (廃車年月日)
before or on the day its 申告 is made (申告日), never after — and, where the form says so
(``within_days``), not long before it either.

A date read with one digit wrong is still a date, and the two recognisers may both be sure of it
(令和5年 read 令和6年 at 0.91, paddle, held-back page 913370: the 廃車 a year after its 申告). On
eight rapidocr dumps 6 such pairs, each holding a misread date, 2 of them accepted. Which of the two
is wrong the order cannot tell: both go to a person, values untouched.

The gap: the 市税条例 asks for the 廃車申告 within 15 days of the 廃車, so a 廃車 months before its
申告 is rare on paper — and it is where a month read short lands (R6/11/12 written with its first
1 touching the slash, read R6/1/12 at 0.999 by rapidocr and 0.97 by paddleocr beside a 申告日 of
R6/11/27: held-back page 926534, round 24; 令和6年3月3日 read 3月31 beside a 廃車 of 1月26日, page
924482). A late 申告 that is real is one a person looks at anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from daiko.forms.checks.base import CrossCheck, Finding

ORDER_JA = (
    "「{earlier}」が「{later}」より後の日付になっています（年・月・日の読み違いの可能性）。原本と見比べてください"
)
GAP_JA = (
    "「{earlier}」が「{later}」の{days}日前です（{within}日を超えて離れているのはまれです。"
    "年・月・日の読み違いの可能性）。原本と見比べてください"
)


class DateOrder(CrossCheck):
    kind: ClassVar[str] = "date_order"
    roles: ClassVar[tuple[str, ...]] = ("earlier", "later")
    # The labels staff see in the reason (the check knows fields by name only); ``within_days``: the
    # most days the later date may follow the earlier before both go to a person ("": no bound).
    params: ClassVar[dict[str, str]] = {"earlier_label": "前の日付", "later_label": "後の日付", "within_days": ""}

    def __init__(self, fields: dict[str, str], params: dict[str, str | int] | None = None):
        super().__init__(fields, params)
        within = self.settings["within_days"].strip()
        if within and not (within.isdigit() and int(within) > 0):
            raise ValueError(f"check 'date_order': within_days must be a whole number of days above 0, not {within!r}")
        self.within = int(within) if within else None

    def run(self, values: dict[str, str | None]) -> list[Finding]:
        earlier, later = values.get("earlier"), values.get("later")
        if not earlier or not later:
            return []
        labels = {"earlier": self.settings["earlier_label"], "later": self.settings["later_label"]}
        pair = (self.fields["earlier"], self.fields["later"])
        if earlier > later:  # ISO dates compare as text
            return [Finding(pair, ORDER_JA.format(**labels))]
        if self.within is None:
            return []
        try:
            days = (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days
        except ValueError:  # not a whole date: the field's own check has said so
            return []
        if days <= self.within:
            return []
        return [Finding(pair, GAP_JA.format(**labels, days=days, within=self.within))]
