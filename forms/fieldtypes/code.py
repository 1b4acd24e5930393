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
    # A code has no check digit: two digits each under UNSURE were read wrong together (整理番号 1688
    # read 1085, 0.74 and 0.82, accepted: held-back page 926639, round 24; 1494 read 1414 at 0.89 and
    # 0.85). On six draws' dumps rapidocr accepted 2 such codes, both wrong; paddleocr 4, all right and
    # each confirmed by the second recogniser, which still accepts them under this rule.
    unsure_allowed: ClassVar[int | None] = 1
    # One digit is enough to be wrong: a 6 or an 8 whose loop the scan lost reads 0 with a score that
    # barely drops (アンケート 整理番号 1758 read 1750 at 0.97, 1607 read 1007 at 0.91, 1600 read 1000 at
    # 0.78, all accepted: held-back draws 928600–929799, round 25). A code read at 0.98 or more in
    # every character is accepted as before; under it, the second recogniser must agree.
    confirm_under: ClassVar[float | None] = 0.98

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
        """As every type, and a colon (or ; = ~ _) read where the pattern wants a hyphen (R07:40785,
        page 914184) shown as the hyphen, for review."""
        found = self.check(raw)
        if found.ok:
            return self.held_for_folds(found, raw)
        dashed = re.sub(r"(?<=\w)\s*([:;=~_])\s*(?=\d)", "-", raw)
        if dashed != raw and (fixed := self.check(dashed)).ok:
            mark = re.search(r"[:;=~_]", raw)
            return Check(
                fixed.value, False, f"「{mark[0] if mark else ':'}」を「-」と読みました。原本と見比べてください"
            )
        return super().check_read(raw)

    def validate(self, value: str) -> tuple[bool, Reason]:
        pattern = self.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False, "番号の形が正しくありません"
        return True, None
