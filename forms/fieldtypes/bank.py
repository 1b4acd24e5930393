"""口座振替 codes: 金融機関コード (4 digits), 支店コード (3), 口座番号 (7), written in one-character boxes.

The 金融機関コード must exist in the 全銀 master (:mod:`daiko.forms.zengin`). A 支店コード can only
be checked together with its bank, and both against the names written beside them: that is the
form's ``checks`` (:mod:`daiko.forms.checks`), not a single field's job. 口座番号 has no check
digit: a misread digit is caught only by the recogniser's confidence, so its threshold is high.
"""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import DIGIT_LOOKALIKES, FieldType, Reason, nfkc, squash_spaces


class _Digits(FieldType):
    digits: ClassVar[int] = 0
    what: ClassVar[str] = ""

    def normalise(self, raw: str) -> str | None:
        # One digit per box: a dot or dash between two boxes is a speck of the divider, not writing.
        text = re.sub(r"[-.,・･]", "", nfkc(squash_spaces(raw)).translate(DIGIT_LOOKALIKES))
        return text if re.fullmatch(r"\d+", text) else None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if len(value) != self.digits:
            return False, f"{self.what}が{self.digits}桁ではありません（{len(value)}桁）"
        return True, None


class BankCode(_Digits):
    """金融機関コード: 4 digits, an institution of the 全銀 master."""

    name: ClassVar[str] = "bank_code"
    unparsable_ja: ClassVar[str] = "金融機関コードとして読めません"
    digits, what = 4, "金融機関コード"

    def validate(self, value: str) -> tuple[bool, Reason]:
        from daiko.forms import zengin

        ok, reason = super().validate(value)
        if ok and zengin.bank(value) is None:
            return False, f"金融機関コード {value} は存在しません"
        return ok, reason


class BranchCode(_Digits):
    """支店コード: 3 digits (checked against its bank by the form's ``bank_branch`` check)."""

    name: ClassVar[str] = "branch_code"
    unparsable_ja: ClassVar[str] = "支店コードとして読めません"
    digits, what = 3, "支店コード"


class AccountNumber(_Digits):
    """口座番号: 7 digits. Fewer is not padded with zeros here: a dropped digit would be accepted
    wrong; the form asks for 右詰め and a short number goes to a person."""

    name: ClassVar[str] = "account_number"
    unparsable_ja: ClassVar[str] = "口座番号として読めません"
    digits, what = 7, "口座番号"
