"""Codes printed or stamped by the counter (受付番号 such as R06-00123): upper-case ASCII, one pattern."""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import DIGIT_LOOKALIKES, FieldType, Reason, nfkc, squash_spaces, unify_hyphens


class Code(FieldType):
    """Rules: ``pattern`` (regular expression for the whole value; required in practice)."""

    name: ClassVar[str] = "code"
    unparsable_ja: ClassVar[str] = "番号として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("pattern",)

    def normalise(self, raw: str) -> str | None:
        text = unify_hyphens(nfkc(squash_spaces(raw))).upper()
        first_digit = re.search(r"\d", text)
        if first_digit:  # after the letter prefix only digits are expected: fold O→0, I→1 …
            i = first_digit.start()
            text = text[:i] + text[i:].translate(DIGIT_LOOKALIKES)
        return text or None

    def validate(self, value: str) -> tuple[bool, Reason]:
        pattern = self.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False, "番号の形が正しくありません"
        return True, None
