"""Two dates of one form in the order the business fixes: a vehicle is deregistered (廃車年月日)
before or on the day its 申告 is made (申告日), never after.

A date read with one digit wrong is still a date, and the two recognisers may both be sure of it
(令和5年 read 令和6年 at 0.91, paddle, held-back page 913370: the 廃車 a year after its 申告). On
eight rapidocr dumps 6 such pairs, each holding a misread date, 2 of them accepted. Which of the two
is wrong the order cannot tell: both go to a person, values untouched.
"""

from __future__ import annotations

from typing import ClassVar

from daiko.forms.checks.base import CrossCheck, Finding

ORDER_JA = (
    "「{earlier}」が「{later}」より後の日付になっています（年・月・日の読み違いの可能性）。原本と見比べてください"
)


class DateOrder(CrossCheck):
    kind: ClassVar[str] = "date_order"
    roles: ClassVar[tuple[str, ...]] = ("earlier", "later")
    # The labels staff see in the reason (the check knows fields by name only).
    params: ClassVar[dict[str, str]] = {"earlier_label": "前の日付", "later_label": "後の日付"}

    def run(self, values: dict[str, str | None]) -> list[Finding]:
        earlier, later = values.get("earlier"), values.get("later")
        if not earlier or not later or earlier <= later:  # ISO dates compare as text
            return []
        reason = ORDER_JA.format(earlier=self.settings["earlier_label"], later=self.settings["later_label"])
        return [Finding((self.fields["earlier"], self.fields["later"]), reason)]
