"""郵便番号 → ``NNN-NNNN``. The 〒 is dropped, and so is whatever it was misread as (テ, T, 干, or
one stray character before a complete code)."""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    ALL_DOTS,
    DIGIT_LOOKALIKES,
    FieldType,
    Reason,
    nfkc,
    unify_hyphens,
)

_MARK = re.compile(r"^[\s〒テT干〶]*")
# What follows a mark: a code written with its hyphen (read as - : . ~ = too), or without one.
_HYPHENATED = re.compile(r"^\s*\d{3}\s*[-‐‑‒–—―−－ー一:;.~=_]{1,2}\s*\d{4}\s*$")
_BARE = re.compile(r"^\s*\d{7}\s*$")


def _mark_length(raw: str) -> int:
    """How many leading characters are the 〒 and spaces. Besides its usual misreadings (テ, T, 干)
    the mark is read as almost anything in a hand (√ 示 金 = F, even 1): one character before a
    complete code counts as the mark when it cannot be part of the code — anything but a digit
    before seven digits, and a digit only before a hyphenated 3+4 (1357-0006 is no code)."""
    n = len(_MARK.match(raw)[0])  # type: ignore[index]
    rest = raw[n:]
    if len(rest) > 1 and not rest[0].isspace():
        after = re.sub(r"\s+", "", nfkc(rest[1:]).translate(DIGIT_LOOKALIKES))
        head = nfkc(rest[0])
        if _HYPHENATED.match(after) or (not head.isdigit() and _BARE.match(after)):
            n += 1
    return n


class PostalCode(FieldType):
    name: ClassVar[str] = "postal_code"
    unparsable_ja: ClassVar[str] = "郵便番号として読めません"
    specks: ClassVar[str] = ALL_DOTS  # 〒35.7-0049, 357-001·3: no dot stands in a postal code

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("prefixes",)

    def significant(self, raw: str) -> list[bool]:
        """The 〒 (or whatever it was read as) and spaces before the digits do not count."""
        n = _mark_length(raw)
        return [i >= n for i in range(len(raw))]

    def frame_before(self, raw: str) -> bool:
        """Writing before a complete code read without its mark is the 〒: seven digits leave no
        room for a lost one (6 of 6 such codes flagged on two held-back draws were right)."""
        return _mark_length(raw) == 0 and self.check(raw).ok

    def normalise(self, raw: str) -> str | None:
        # No space stands inside a code, and seven digits leave no room for one lost in a gap
        # (√ 357-003 7: a hand's wide last digit, held-back page 904782).
        text = re.sub(r"\s+", "", raw[_mark_length(raw) :])
        text = unify_hyphens(nfkc(text)).translate(DIGIT_LOOKALIKES)
        text = re.sub(r"(?<=^\d{3})[:;.~=_]+-?|(?<=^\d{3})-[:;.~=_]+", "-", text)  # the hyphen read as : . ~ = too
        m = re.fullmatch(r"(\d{3})-?(\d{4})", text)
        return f"{m[1]}-{m[2]}" if m else None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not re.fullmatch(r"\d{3}-\d{4}", value):
            return False, "郵便番号は7桁です"
        prefixes = self.rules.get("prefixes")
        if prefixes and not value.startswith(tuple(str(p) for p in prefixes)):
            return False, f"想定外の地域の郵便番号です（{'・'.join(map(str, prefixes))}で始まるはず）"
        return True, None
