"""「その他」 marked, and its detail (その他の内容) read as empty.

Nobody marks その他 to write nothing; an empty detail beside the mark is writing the scan lost (a
pale pen, a 1-bit fax) more often than a blank: one such page's スマートウォッチ was accepted as
"nothing written". The detail goes to review; nothing is filled in.
"""

from __future__ import annotations

from typing import ClassVar

from daiko.forms.checks.base import CrossCheck, Finding

EMPTY_DETAIL_JA = "「その他」に印がありますが、その内容が読み取れません（記入が写っていない可能性があります）"


class OtherDetail(CrossCheck):
    kind: ClassVar[str] = "other_detail"
    roles: ClassVar[tuple[str, ...]] = ("choice", "detail")
    params: ClassVar[dict[str, str]] = {"option": "other"}  # the choice's key for その他

    def run(self, values: dict[str, str | None]) -> list[Finding]:
        marked = (values.get("choice") or "").split(",")
        if self.settings["option"] in marked and not values.get("detail"):
            return [Finding((self.fields["detail"],), EMPTY_DETAIL_JA)]
        return []
