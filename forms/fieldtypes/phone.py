"""電話番号 → digits joined by '-' as written (042-973-2111, 090-1234-5678), or bare digits.

Japanese numbers have 10 digits (fixed lines, 0AB-CDE-FGHI with a 2-5 digit area code) or 11
(携帯 070/080/090, IP 050). Where the written hyphens give a plausible grouping they are kept —
staff read them that way; otherwise the value is the bare digits (and still valid).
"""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    ALL_DOTS,
    DIGIT_LOOKALIKES,
    FieldType,
    Reason,
    nfkc,
    squash_spaces,
    unify_hyphens,
)


class Phone(FieldType):
    name: ClassVar[str] = "phone"
    specks: ClassVar[str] = ALL_DOTS
    unparsable_ja: ClassVar[str] = "電話番号として読めません"

    def normalise(self, raw: str) -> str | None:
        text = unify_hyphens(nfkc(squash_spaces(raw))).translate(DIGIT_LOOKALIKES)
        text = re.sub(r"^\((\d+)\)", r"\1-", text).replace("(", "-").replace(")", "-")
        text = re.sub(r"(?<=\d)[:;~=_](?=\d)", "-", text)  # a hyphen read as : ; ~ = _ (never a digit)
        text = re.sub(r"-+", "-", text).strip("-")
        if not re.fullmatch(r"[\d-]+", text):
            return None
        groups = text.split("-")
        digits = "".join(groups)
        mobile = re.fullmatch(r"0[5789]0\d{8}", digits)
        if len(groups) == 3 and groups[0].startswith("0") and len(groups[2]) == 4:
            if len(digits) == 10 and 2 <= len(groups[0]) <= 5:
                return text
            if mobile and [len(g) for g in groups] == [3, 4, 4]:
                return text
        if mobile:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        return digits

    def validate(self, value: str) -> tuple[bool, Reason]:
        digits = value.replace("-", "")
        if not digits.startswith("0"):
            return False, "電話番号が0で始まっていません"
        if digits.startswith(("050", "070", "080", "090")):
            if len(digits) != 11:
                return False, "携帯・IP電話の番号は11桁です"
        elif len(digits) != 10:
            return False, "固定電話の番号は10桁です（市外局番から）"
        return True, None
