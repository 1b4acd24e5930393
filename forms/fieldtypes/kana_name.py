"""フリガナ: full-width katakana, whatever width or script the person (or the recogniser) used.

Hiragana becomes katakana (people often write ふりがな in a フリガナ box), half-width becomes
full-width, and the long-vowel mark comes back from OCR as -, ｰ, 一 or － and is restored to ー.
Kanji that look like katakana (力/カ, 口/ロ, 工/エ, 二/ニ, 夕/タ, 卜/ト, 八/ハ) are mapped too: in
a katakana-only box they can only be katakana. Small kana cannot be told from large ones
reliably (ケィコ/ケイコ): the confidence threshold, not this module, sends those to a person.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from daiko.forms.fieldtypes.base import FieldType, Reason

_LOOKALIKE = str.maketrans(
    {
        "力": "カ", "口": "ロ", "工": "エ", "二": "ニ", "夕": "タ", "卜": "ト", "八": "ハ", "才": "オ",
        "千": "チ", "三": "ミ", "へ": "ヘ", "ぺ": "ペ", "べ": "ベ", "-": "ー", "－": "ー", "ｰ": "ー",
        "—": "ー", "―": "ー", "‐": "ー", "−": "ー", "一": "ー", "~": "ー", "〜": "ー",
    }
)  # fmt: skip
_KATAKANA = re.compile(r"^[ァ-ヶー・]+(?:\u3000[ァ-ヶー・]+)*$")


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalise_spaces(text: str) -> str:
    """Runs of any whitespace → one 全角スペース (the separator between 姓 and 名); ends trimmed.

    A middle dot that is not the katakana 中黒 (·, •, ･ after NFKC) is how the recogniser
    sometimes renders the gap, so it counts as a space too.
    """
    text = text.replace("·", " ").replace("•", " ").replace("∙", " ")
    return "\u3000".join(text.split())


class KanaName(FieldType):
    """A name in katakana; value keeps one 全角スペース between 姓 and 名 when one was written.

    Rules: ``min_len``, ``max_len`` (characters, spaces excluded), ``require_space`` (a value
    without the 姓/名 separator goes to review: the split cannot be guessed).
    """

    name: ClassVar[str] = "kana_name"
    gap_is_space: ClassVar[bool] = True
    unparsable_ja: ClassVar[str] = "フリガナとして読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("min_len", "max_len", "require_space")

    def normalise(self, raw: str) -> str | None:
        # NFKC: half-width kana (ｶﾀｶﾅ, ﾞ) → full-width; but keep our own space handling.
        text = unicodedata.normalize("NFKC", raw).translate(_LOOKALIKE)
        text = to_katakana(text)
        text = normalise_spaces(text)
        return text or None

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not _KATAKANA.match(value):
            bad = sorted({c for c in value if not ("ァ" <= c <= "ヶ" or c in "ー・\u3000")})
            return False, f"カタカナ以外の文字があります（{''.join(bad)}）"
        if value.startswith("ー") or "\u3000ー" in value:
            return False, "長音記号「ー」で始まっています"
        if self.rules.get("require_space") and "\u3000" not in value:
            return False, "姓と名の区切りが読み取れません（確認してください）"
        n = len(value.replace("\u3000", ""))
        if n < int(self.rules.get("min_len", 2)):
            return False, "フリガナが短すぎます"
        if n > int(self.rules.get("max_len", 30)):
            return False, "フリガナが長すぎます"
        return True, None
