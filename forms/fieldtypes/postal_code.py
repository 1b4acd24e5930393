"""郵便番号 → ``NNN-NNNN``. The 〒 is dropped, and so is its usual misreading テ (or T, 干)."""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import DIGIT_LOOKALIKES, FieldType, Reason, nfkc, squash_spaces, unify_hyphens


class PostalCode(FieldType):
    name: ClassVar[str] = "postal_code"
    unparsable_ja: ClassVar[str] = "郵便番号として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("prefixes",)

    def significant(self, raw: str) -> list[bool]:
        """The 〒 (or its misreadings) and spaces before the digits do not count."""
        lead = re.match(r"^[\s〒テT干〶]*", raw)
        n = len(lead[0]) if lead else 0
        return [i >= n for i in range(len(raw))]

    def normalise(self, raw: str) -> str | None:
        text = squash_spaces(raw)
        text = re.sub(r"^[〒テT干〶]+", "", text)
        text = unify_hyphens(nfkc(text)).translate(DIGIT_LOOKALIKES)
        text = re.sub(r"(?<=^\d{3})[:;.~=_]", "-", text)  # the hyphen comes back as : . ~ = too
        m = re.fullmatch(r"(\d{3})-?(\d{4})", text)
        return f"{m[1]}-{m[2]}" if m else None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not re.fullmatch(r"\d{3}-\d{4}", value):
            return False, "郵便番号は7桁です"
        prefixes = self.rules.get("prefixes")
        if prefixes and not value.startswith(tuple(str(p) for p in prefixes)):
            return False, f"想定外の地域の郵便番号です（{'・'.join(map(str, prefixes))}で始まるはず）"
        return True, None
