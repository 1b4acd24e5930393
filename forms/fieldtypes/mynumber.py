"""個人番号 (マイナンバー): 12 digits whose last is a check digit. Never leaves the reader in clear.

Decision (documented in forms/README.md): the field result keeps only whether a number was
written and whether its check digit holds — ``value`` is the fixed mask ``************`` (no
digits at all, not even the last four: partial numbers in review lists and logs are still
特定個人情報 to an auditor), ``raw`` is always None. A person who must see the number looks at
the paper, inside the マイナンバー利用事務系 segment. The digits exist only in local variables
of :meth:`MyNumber.check` for the time the check digit takes.
"""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import DIGIT_LOOKALIKES, Check, FieldType, Reason, nfkc, squash_spaces

MASKED = "*" * 12


def check_digit(first11: str) -> int:
    """The check digit for the first 11 digits (総務省令「個人番号の検査用数字」の算式).

    Pn is the n-th digit counted from the right of the 11, Qn = n+1 for n ≤ 6 and n-5 for n ≥ 7;
    the check digit is 0 if Σ Pn×Qn mod 11 ≤ 1, else 11 - (that remainder).
    """
    if len(first11) != 11 or not first11.isdigit():
        raise ValueError("11 digits expected")
    total = 0
    for n, ch in enumerate(reversed(first11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid(number: str) -> bool:
    return len(number) == 12 and number.isdigit() and check_digit(number[:11]) == int(number[11])


class MyNumber(FieldType):
    name: ClassVar[str] = "mynumber"
    sensitive: ClassVar[bool] = True
    has_check_digit: ClassVar[bool] = True
    unparsable_ja: ClassVar[str] = "個人番号が12桁の数字として読めません（原本で確認してください）"

    def normalise(self, raw: str) -> str | None:
        """The 12 digits — for the check only; callers must not keep or print the result."""
        text = nfkc(squash_spaces(raw)).translate(DIGIT_LOOKALIKES)
        text = re.sub(r"[-‐－ー]", "", text)
        return text if re.fullmatch(r"\d{12}", text) else None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not is_valid(value):
            return False, "個人番号の検査用数字が一致しません（原本で確認してください）"
        return True, None

    def check(self, raw: str) -> Check:
        """Like the base check, but the value returned is the mask, never the digits."""
        digits = self.normalise(raw)
        if digits is None:
            return Check(MASKED, False, self.unparsable_ja)
        ok, reason = self.validate(digits)
        del digits
        return Check(MASKED, ok, reason)
