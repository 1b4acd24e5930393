"""フリガナ: full-width katakana, whatever width or script the person (or the recogniser) used.

Hiragana becomes katakana (people often write ふりがな in a フリガナ box), half-width becomes
full-width, and the long-vowel mark comes back from OCR as -, ｰ, 一 or － and is restored to ー.
Kanji that look like katakana (力/カ, 口/ロ, 工/エ, 二/ニ, 夕/タ, 卜/ト, 八/ハ) are mapped too: in
a katakana-only box they can only be katakana. Width and script go through ``jaconv``.

Small and large kana: where a small kana cannot stand (ケィコ, ッ at the start or before ン,
ャ after ア段) it is the large one the recogniser misjudged for size, and is made large. Where
both are words (シュンスケ / シユンスケ, キヨシ / キョシ), and for ツ/リ and a lost 濁点, the
text alone cannot say: the character thresholds for those kana (``CharClass.KANA_TWIN``) and a
second reading send them to a person instead.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

import jaconv

from daiko.forms.fieldtypes.base import SPECK_DOTS, Check, FieldType, Reason, double_long_vowel, words_put_right

_LOOKALIKE = str.maketrans(
    {
        "力": "カ", "口": "ロ", "工": "エ", "二": "ニ", "夕": "タ", "卜": "ト", "八": "ハ", "才": "オ",
        "千": "チ", "三": "ミ", "へ": "ヘ", "ぺ": "ペ", "べ": "ベ", "-": "ー", "－": "ー", "ｰ": "ー",
        "—": "ー", "―": "ー", "‐": "ー", "−": "ー", "一": "ー", "~": "ー", "〜": "ー",
    }
)  # fmt: skip
KATAKANA_NAME = re.compile(r"^[ァ-ヶー・]+(?:\u3000[ァ-ヶー・]+)*$")
_DOT_IN_PART = re.compile(r"(?<=[ァ-ヶー])・(?=[ァ-ヶー])")
DOT_IN_PART_JA = "フリガナの途中の「・」は汚れとみなして除きました。原本と見比べてください"
# One dot between two runs of a name read without its gap: the gap, read as a mark (カトウ.カズヤ,
# 斎藤.蓮, タカハシ・ユウト). On the kept dumps of rounds 9–17, 17 such reads: every one so written.
# A 。 or 、 there is the same speck read as a sentence's mark (ささき。ゆうこ, 松本、結衣: held-back pages
# 928926 and 931980, the one by paddleocr; no name holds either).
DOT_AS_GAP = re.compile(r"^([^\s.・。、]+)[.・。、]([^\s.・。、]+)$")
DOT_AS_GAP_JA = "姓と名の間の「{}」を区切りと読みました。原本と見比べてください"


def dot_as_gap(found: Check, rules: dict, check) -> Check:
    """``found`` — invalid, with no gap where ``rules`` require one — shown with its one dot as the
    gap (``check`` is the type's), for review; else ``found``."""
    value = found.value or ""
    if found.ok or not rules.get("require_space") or not (m := DOT_AS_GAP.match(value)):
        return found
    fixed = check(f"{m[1]}\u3000{m[2]}")
    if not fixed.ok:
        return found
    return Check(fixed.value, False, DOT_AS_GAP_JA.format(value[len(m[1])]))


THREE_PARTS_JA = "姓と名の区切りが2か所以上あります（文字の間のすき間を区切りと読んだ可能性）。原本と見比べてください"


def voicing_fixes(value: str) -> list[tuple[str, str]]:
    """(as read, as meant) for each kana part of ``value`` (姓　名) that is no name but one 濁点 from
    one IPADIC knows (:func:`~daiko.forms.reference.names.voiced_name`: みとり → みどり)."""
    from daiko.forms.reference.names import voiced_name

    parts = value.split("\u3000")
    if len(parts) != 2:
        return []
    return [(p, twin) for p, role in zip(parts, ("姓", "名"), strict=True) if (twin := voiced_name(p, role))]


def voicing_put_right(found: Check) -> Check:
    """``found`` with its :func:`voicing_fixes` put right, for review."""
    return words_put_right(found, voicing_fixes(found.value or ""), "辞書：濁点の読み落とし")


def to_katakana(text: str) -> str:
    return jaconv.hira2kata(text)


_SMALL_TO_LARGE = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
_ALL_LARGE = str.maketrans(_SMALL_TO_LARGE)
# Kana a small ャュョ may follow (イ段), and those a small ァィゥェォ may follow in names and loanwords.
_BEFORE_YOON = set("キシチニヒミリギジヂビピ")
_BEFORE_SMALL_VOWEL = set("ウヴクグシジチヂツテデトドフイキギニヒビピミリ")
# After ッ comes a consonant: never a vowel, ン, ー, a small kana or the end of a name.
_NOT_AFTER_SOKUON = set("アイウエオンーッャュョァィゥェォ")


def large_kana(text: str) -> str:
    """Every small katakana made large (マッダ → マツダ, キョウコ → キヨウコ): for names compared or
    matched where size is not told apart (a bank's account names, a register's readings)."""
    return text.translate(_ALL_LARGE)


def repair_small_kana(text: str) -> str:
    """Small kana where no small kana can stand made large again (ケィコ → ケイコ); the rest untouched."""
    out = list(text)
    for i, ch in enumerate(out):
        large = _SMALL_TO_LARGE.get(ch)
        if large is None:
            continue
        prev = out[i - 1] if i > 0 and out[i - 1] != "\u3000" else ""
        nxt = out[i + 1] if i + 1 < len(out) and out[i + 1] != "\u3000" else ""
        if ch in "ャュョ":
            ok = prev in _BEFORE_YOON
        elif ch in "ァィゥェォ":
            ok = prev in _BEFORE_SMALL_VOWEL
        elif ch == "ッ":
            ok = bool(prev) and prev not in "ッン" and bool(nxt) and nxt not in _NOT_AFTER_SOKUON
        elif ch == "ヮ":
            ok = prev in "クグ"
        else:  # ヵ ヶ are not written in a reading
            ok = False
        if not ok:
            out[i] = large
    return "".join(out)


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
    specks: ClassVar[str] = SPECK_DOTS
    gap_is_space: ClassVar[bool] = True
    unparsable_ja: ClassVar[str] = "フリガナとして読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("min_len", "max_len", "require_space")

    def normalise(self, raw: str) -> str | None:
        # Half-width kana (ｶﾀｶﾅ, ﾞ) → full-width, full-width letters → ASCII; our own space handling.
        text = jaconv.h2z(raw, kana=True, ascii=False, digit=False)
        text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKE)
        text = normalise_spaces(to_katakana(text))
        return repair_small_kana(text) or None

    def check_read(self, raw: str) -> Check:
        """As every type, and a 中黒 read inside the 姓 or the 名 of a フリガナ that has its gap shown
        without it, for review: ハセガワ　トモコ was read ハセガワ　トモ・コ at 0.94 and accepted
        (paddleocr, held-back page 911110). A 中黒 between the parts of a name written without the
        gap (ジョン・スミス) is how such names are written, and stands."""
        found = dot_as_gap(super().check_read(raw), self.rules, self.check)
        value = found.value or ""
        if found.ok and "\u3000" in value and _DOT_IN_PART.search(value):
            bare = self.check(_DOT_IN_PART.sub("", value))
            if bare.ok:
                return Check(bare.value, False, DOT_IN_PART_JA)
        if found.ok and value.count("\u3000") > 1:
            # イノウエ　ススム read イノウエ　ス　スム (paddleocr, held-back page 911914): a gap read
            # inside the 名. A name has two parts; which gap is the real one is for a person.
            return Check(found.value, False, THREE_PARTS_JA)
        return voicing_put_right(double_long_vowel(found))

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not KATAKANA_NAME.match(value):
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
