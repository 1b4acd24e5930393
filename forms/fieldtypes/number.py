"""A whole number written with full-width digits or thousands commas → plain ASCII digits."""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import DIGIT_LOOKALIKES, FieldType, Reason, nfkc, squash_spaces


class Number(FieldType):
    """Rules: ``min``, ``max``, ``digits`` (exact count, leading zeros kept)."""

    name: ClassVar[str] = "number"
    unparsable_ja: ClassVar[str] = "数字として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("min", "max", "digits")

    def normalise(self, raw: str) -> str | None:
        text = nfkc(squash_spaces(raw)).translate(DIGIT_LOOKALIKES)
        text = re.sub(r"[円台件人個]$", "", text)
        if not re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+|\d+", text):
            return None
        return re.sub(r"[,.]", "", text)

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not value.isdigit():
            return False, "数字ではありません"
        if "digits" in self.rules and len(value) != int(self.rules["digits"]):
            return False, f"{int(self.rules['digits'])}桁ではありません"
        if "min" in self.rules and int(value) < int(self.rules["min"]):
            return False, f"{self.rules['min']}未満です"
        if "max" in self.rules and int(value) > int(self.rules["max"]):
            return False, f"{self.rules['max']}を超えています"
        return True, None
