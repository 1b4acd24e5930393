"""口座名義（カナ）: the account holder's name as the bank holds it, in full-width katakana.

Like フリガナ (:mod:`daiko.forms.fieldtypes.kana_name`: hiragana, half-width and look-alike kanji
become katakana), plus what account names carry and personal names do not: a company's
（カ）/ カ） marks, ・ ． ー ／ and Latin letters and digits (ＡＢＣショウジ).

Small kana are folded to large ones (マッダ → マツダ, キョウコ → キヨウコ), as the 全銀 transfer
format a bank matches account names in has no small kana. It also takes away the one misreading
the recogniser makes with confidence on handwriting (ッ/ツ, ョ/ヨ): both are the same account name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from daiko.forms.fieldtypes.base import FieldType, Reason
from daiko.forms.fieldtypes.kana_name import _LOOKALIKE, large_kana, normalise_spaces, to_katakana

_ALLOWED = re.compile(r"^[ァ-ヶー・．（）／A-Z0-9]+(?:\u3000[ァ-ヶー・．（）／A-Z0-9]+)*$")


class AccountKana(FieldType):
    """Rules: ``max_len`` (characters, spaces excluded; 30 by default), ``require_space``."""

    name: ClassVar[str] = "account_kana"
    gap_is_space: ClassVar[bool] = True
    unparsable_ja: ClassVar[str] = "口座名義（カナ）として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("max_len", "require_space")

    def normalise(self, raw: str) -> str | None:
        text = unicodedata.normalize("NFKC", raw).upper()
        text = text.replace("(", "（").replace(")", "）").replace(".", "．").replace("/", "／")
        text = large_kana(to_katakana(text.translate(_LOOKALIKE)))
        return normalise_spaces(text) or None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not _ALLOWED.match(value):
            bad = sorted({c for c in value if not _ALLOWED.match(c) and c != "\u3000"})
            return False, f"口座名義に使えない文字があります（{''.join(bad)}）"
        if value.startswith("ー"):
            return False, "長音記号「ー」で始まっています"
        if self.rules.get("require_space") and "\u3000" not in value:
            return False, "姓と名の区切りが読み取れません（確認してください）"
        n = len(value.replace("\u3000", ""))
        if n < 2:
            return False, "口座名義が短すぎます"
        if n > int(self.rules.get("max_len", 30)):
            return False, "口座名義が長すぎます"
        return True, None
