"""Free text (車名, その他の内容, ご意見): width-normalised, optionally limited to a vocabulary.

A value outside ``vocabulary`` is not snapped to the nearest entry — a guess there would be
silently wrong — it is sent to review.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from daiko.forms.fieldtypes.base import FieldType, Reason, katakana_long_vowels


class Text(FieldType):
    """Rules: ``max_len``, ``vocabulary`` (list of accepted values), ``pattern``."""

    name: ClassVar[str] = "text"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("max_len", "vocabulary", "pattern")

    def normalise(self, raw: str) -> str | None:
        text = "".join(
            unicodedata.normalize("NFKC", c) if ord(c) < 0x3000 or 0xFF00 <= ord(c) <= 0xFFEF else c for c in raw
        )
        text = katakana_long_vowels(" ".join(text.split()))
        return text or None

    def validate(self, value: str) -> tuple[bool, Reason]:
        vocabulary = self.rules.get("vocabulary")
        if vocabulary and value not in vocabulary:
            return False, f"「{value}」は一覧にない値です"
        pattern = self.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False, "形が正しくありません"
        if len(value) > int(self.rules.get("max_len", 200)):
            return False, "長すぎます"
        return True, None
