"""Codes printed or stamped by the counter (受付番号 such as R06-00123): upper-case ASCII, one pattern."""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    ALL_DOTS,
    DIGIT_LOOKALIKES,
    Check,
    FieldType,
    Reason,
    nfkc,
    squash_spaces,
    unify_hyphens,
)


class Code(FieldType):
    """Rules: ``pattern`` (regular expression for the whole value; required in practice)."""

    name: ClassVar[str] = "code"
    unparsable_ja: ClassVar[str] = "番号として読めません"
    # A dot between characters of a code its pattern refuses is a speck (R07-3.1134 for R07-31134,
    # tune page 20560): shown without it, for review. A pattern that takes a dot keeps it.
    specks: ClassVar[str] = ALL_DOTS

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("pattern",)

    def normalise(self, raw: str) -> str | None:
        text = unify_hyphens(nfkc(squash_spaces(raw)))
        first_digit = re.search(r"\d", text)
        if first_digit:  # after the letter prefix only digits are expected: fold O→0, I→1, q→9 …
            i = first_digit.start()  # (before upper-casing: a q is a 9, a Q is not)
            text = text[:i] + text[i:].translate(DIGIT_LOOKALIKES)
        return text.upper() or None

    def check_read(self, raw: str) -> Check:
        found = self.check(raw)
        return found if found.ok else super().check_read(raw)

    def validate(self, value: str) -> tuple[bool, Reason]:
        pattern = self.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False, "番号の形が正しくありません"
        return True, None
