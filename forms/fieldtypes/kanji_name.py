"""氏名 in kanji (with kana allowed: many given names are kana; 々 and ヶ occur in surnames).

Only structure is checked — no digits, no Latin letters, not too short or long; whether 惠 or 恵
was written cannot be validated, so a 旧字体 read needs a sure score and otherwise goes to review,
as does an unsure kanji in a 姓 or 名 the dictionary does not know (``floors``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    BOX_JA,
    MARK_SPECK_JA,
    Check,
    FieldType,
    Reason,
    held_for,
    runner_up_candidates,
    variant_notes,
    words_put_right,
)
from daiko.forms.fieldtypes.kana_name import THREE_PARTS_JA, dot_as_gap, normalise_spaces, voicing_put_right
from daiko.forms.result import also

# CJK ideographs (+ ext. A and compatibility), 々〆ヶ, hiragana, katakana, ー, ・ and the 全角スペース.
_NAME_CHARS = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶぁ-ゖァ-ヺー・\u3000]+$")


UNKNOWN_NAME_FLOOR = 0.9
# A 姓 of one kanji IPADIC does not file as a 姓 (佐　進 for 佐藤　進 at 0.9993, accepted beside a
# フリガナ read as nothing: held-back page 933314): what is left of a 姓 whose other kanji was lost. On
# nine draws' dumps (both engines) 7 such reads — 石, 浅, 木, 佐, 口, 川, 甜 — none right (``bench/levers.py``
# counts them). One-kanji 姓 IPADIC knows (森, 林, 原, 東) stand.
ONE_KANJI_SURNAME_JA = "姓「{}」は1文字で、辞書に姓としてありません（文字を読み落とした可能性）。原本と見比べてください"


def one_kanji_surname_unknown(value: str) -> str | None:
    """The 姓 of ``value`` (姓　名) where it is one kanji IPADIC does not file as a 姓; else None."""
    from daiko.forms.reference.names import readings

    parts = value.split("\u3000")
    if len(parts) != 2 or len(parts[0]) != 1 or not ("\u3400" <= parts[0] <= "\u9fff"):
        return None
    return None if readings(parts[0], "姓") else parts[0]


# A 旧字体 or 異体字 in a name needs a near-perfect score, higher than in other text (base.VARIANT_FLOOR):
# the recogniser reads a hand's 恵 as 惠 and 気 as 气 at 0.994-0.997 (round 9: 3 accepted on ~7,000
# held-back pages, all wrong), and which form a person is registered with is what the name is for.
NAME_VARIANT_FLOOR = 0.999
# 々 repeats the kanji before it; the recogniser reads a hand's 々 as the 口 it looks like.
_ITERATION_READ_AS_KUCHI = re.compile(r"(?<=[\u3400-\u9fff])口")
# A 姓 of kanji ending in hiragana, before a 名 that starts in hiragana: the gap was read a character
# or two late (新井　さくら read 新井さ　くら at 0.98 and accepted, held-back page 919302).
_SURNAME_WITH_KANA_TAIL = re.compile(r"^([\u3400-\u9fff々]+)([ぁ-ゖ]+)$")
GAP_MOVED_JA = "姓と名の区切りを「{}」の前に読みました（姓がかなで終わっていたため）。原本と見比べてください"


# A 中黒 not between two katakana (山・田　太郎, 山田　太・郎, 渡辺　・みどり): a name is written with one
# only between the katakana of a foreign name (ジョン・スミス, its gap: ``dot_as_gap``). Found by reading a
# name with each mark put in, every character at 1.0: accepted with the dot in the value that would be
# keyed (round 23, bench/marks.py).
_STRAY_DOT = re.compile(r"(?<![ァ-ヺー])・|・(?![ァ-ヺ])")


class KanjiName(FieldType):
    """A person's (or a company's, with ``allow_latin``) name; value keeps one 全角スペース between 姓 and 名.

    Rules: ``min_len``, ``max_len``, ``allow_latin`` (法人名 such as ＡＢＣ商事), ``require_space``
    (a value without the 姓/名 separator goes to review).
    """

    name: ClassVar[str] = "kanji_name"
    gap_is_space: ClassVar[bool] = True
    unparsable_ja: ClassVar[str] = "氏名として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("min_len", "max_len", "allow_latin", "require_space")

    def normalise(self, raw: str) -> str | None:
        # NFKC would also fold 﨑 → 崎-like compatibility kanji (a different registered name), so
        # only the width of kana and ASCII is normalised here.
        text = "".join(
            unicodedata.normalize("NFKC", c) if ord(c) < 0x3000 or 0xFF00 <= ord(c) <= 0xFFEF else c for c in raw
        )
        text = normalise_spaces(text)
        return text or None

    def check(self, raw: str) -> Check:
        """As every type; a name read without its 姓/名 separator gets one where the dictionary
        knows the 姓 (森一郎 → 森　一郎), still *for review*: the split is a guess to confirm."""
        found = super().check(raw)
        if found.ok or found.value is None or "\u3000" in found.value or not self.rules.get("require_space"):
            return found
        from daiko.forms.reference.names import split_name

        parts = split_name(found.value)
        if parts is None:
            return found
        value = "\u3000".join(parts)
        if not self.validate(value)[0]:
            return found
        return Check(
            value,
            False,
            f"姓と名の区切りが読み取れないため「{parts[0]}　{parts[1]}」と区切りました。原本と見比べてください",
        )

    def check_read(self, raw: str) -> Check:
        """As every type, and a 々 read as 口 (佐口木 for 佐々木 at 0.91, accepted: held-back page
        905018) put back where that makes a 姓 or 名 the dictionary knows and the read is none —
        for review. A 中黒 not between katakana is a speck (``_STRAY_DOT``)."""
        if _STRAY_DOT.search(raw) and (bare := self._read(_STRAY_DOT.sub("", raw))).value is not None:
            said = MARK_SPECK_JA.format("・")
            return Check(bare.value, False, also(said, bare.reason) if bare.reason else said)
        found = self._read(raw)
        if found.ok and (short := one_kanji_surname_unknown(found.value or "")):
            return Check(found.value, False, ONE_KANJI_SURNAME_JA.format(short))
        return found

    def _read(self, raw: str) -> Check:
        found = dot_as_gap(super().check_read(raw), self.rules, self.check)
        if not found.ok and "□" in raw and (unboxed := self.check(raw.replace("□", "口"))).value is not None:
            # On the kept dumps every name read with a box (10) was written with 口 (野口, 山口).
            found = held_for(unboxed, BOX_JA)
        parts = (found.value or "").split("\u3000")
        from daiko.forms.reference.names import readings_as

        if found.ok and len(parts) > 2:
            # 岡田　隆 read 岡　田　隆 and accepted at 0.9998 (paddleocr, held-back page 925502 — round 23): a
            # gap read inside a part, as in a フリガナ. Held; shown with the one gap that leaves a 姓 and a
            # 名 the dictionary knows, where exactly one does.
            splits = [
                f"{''.join(parts[:k])}\u3000{''.join(parts[k:])}"
                for k in range(1, len(parts))
                if readings_as("".join(parts[:k]), "姓") and readings_as("".join(parts[k:]), "名")
            ]
            return Check(splits[0] if len(splits) == 1 else found.value, False, THREE_PARTS_JA)
        if len(parts) != 2:
            return found

        tail = _SURNAME_WITH_KANA_TAIL.match(parts[0])
        if tail and re.match("[ぁ-ゖ]", parts[1]) and readings_as(tail[1], "姓"):
            moved = self.check(f"{tail[1]}\u3000{tail[2]}{parts[1]}")
            if moved.value is not None:
                return held_for(found, GAP_MOVED_JA.format(tail[2]), moved.value)

        fixes = [
            (part, twin)
            for part, role in zip(parts, ("姓", "名"), strict=True)
            if (twin := _ITERATION_READ_AS_KUCHI.sub("々", part)) != part
            and readings_as(twin, role) and not readings_as(part, role)
        ]  # fmt: skip
        return voicing_put_right(words_put_right(found, fixes, "辞書"))

    def floors(self, raw: str) -> list[float]:
        """0.999 for a 旧字体 or 異体字 of an everyday kanji (惠 for 恵: the recogniser drifts between the
        two forms, and which one a person is registered with matters); 0.9 for every kanji of a 姓
        or 名 that IPADIC does not know as one, where the reading cannot vouch for it (井上　由手 for
        由美 at 0.77: on ~530 廃車申告書 of the calibration and spent held-back pages this held that one
        wrong value and no right one)."""
        from daiko.forms.reference.names import readings_as
        from daiko.forms.reference.variants import everyday_form

        parts = raw.split()
        roles = ("姓", "名") if len(parts) == 2 else (None,) * len(parts)
        out = []
        for part, role in zip(parts, roles, strict=True):
            unknown = role is not None and not readings_as(part, role)
            for ch in part:
                kanji = "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
                out.append(
                    NAME_VARIANT_FLOOR if everyday_form(ch) else UNKNOWN_NAME_FLOOR if unknown and kanji else 0.0
                )
        return out

    def runner_up_word(
        self, raw: str, held: list[int], alternatives: list[tuple[tuple[str, float], ...]]
    ) -> str | None:
        """A 姓 or 名 the dictionary does not know made one it knows by a runner-up of one of its held
        characters (西村　干尋: 千 at 0.35 beside 干 at 0.65 → 千尋). Only a part unknown as read:
        a known name's 旧字体 stays as written (which form a person is registered with matters)."""
        from daiko.forms.reference.names import readings_as

        def known(text: str) -> bool:
            parts = text.split()
            return len(parts) == 2 and all(readings_as(p, r) for p, r in zip(parts, ("姓", "名"), strict=True))

        parts = raw.split()
        if len(parts) != 2:
            return None
        at, unknown = 0, []
        for part, role in zip(parts, ("姓", "名"), strict=True):
            if not readings_as(part, role):
                unknown += [i for i in held if at <= i < at + len(part)]
            at += len(part)
        return runner_up_candidates(raw, unknown, alternatives, known) if unknown else None

    def likelier_read(self, raw: str, held: list[int]) -> str | None:
        """A 姓 or 名 held for a 旧字体 shown in the everyday form where IPADIC knows that as the same
        part of a name at least as commonly (惠子 7,896 against 恵子 7,659; 凉子 and 涼子 alike; 千寻
        unknown beside 千尋). The recogniser, trained on Chinese as well, reads a hand's 恵 as 惠: on
        the kept dumps of rounds 9–17 (both engines) about 40 names held so, every one written in the
        everyday form. Which form a person is registered with still matters: shown, never accepted."""
        from daiko.forms.reference.names import name_cost
        from daiko.forms.reference.variants import everyday_forms

        parts = raw.split()
        if len(parts) != 2:
            return None
        out, at = [], 0
        for part, role in zip(parts, ("姓", "名"), strict=True):
            best, best_cost = part, name_cost(part, role)
            for k in [i - at for i in held if at <= i < at + len(part)]:
                for form in everyday_forms(part[k]):
                    other = best[:k] + form + best[k + 1 :]
                    cost = name_cost(other, role)
                    if cost is not None and (best_cost is None or cost <= best_cost):
                        best, best_cost = other, cost
            out.append(best)
            at += len(part)
        fixed = "\u3000".join(out)
        return fixed if out != parts else None

    def floor_note(self, raw: str, held: list[int]) -> str | None:
        from daiko.forms.reference.names import readings_as

        written = "".join(raw.split())
        notes = variant_notes(written, held)
        parts = raw.split()
        at = 0
        for part, role in zip(parts, ("姓", "名") if len(parts) == 2 else (None,) * len(parts), strict=True):
            if role and any(at <= i < at + len(part) for i in held) and not readings_as(part, role):
                notes.append(f"「{part}」は{role}として辞書にありません")
            at += len(part)
        return "。".join(notes) or None

    def validate(self, value: str) -> tuple[bool, Reason]:
        pattern = _NAME_CHARS
        if self.rules.get("allow_latin"):
            pattern = re.compile(_NAME_CHARS.pattern[:-3] + r"A-Za-z0-9&.\- ]+$")
        if not pattern.match(value):
            bad = sorted({c for c in value if not pattern.match(c)})
            return False, f"氏名に使えない文字があります（{''.join(bad)}）"
        if self.rules.get("require_space") and "\u3000" not in value:
            return False, "姓と名の区切りが読み取れません（確認してください）"
        # ー lengthens a katakana (ルーシー): after anything else it is a stroke or a speck (村ー上, 拓也ー —
        # round 23, found by reading a name with every mark put in).
        if stray := re.search(r"(?<![ァ-ヺ])ー", value):
            return False, f"氏名に使えない文字があります（{stray[0]}）"
        n = len(value.replace("\u3000", ""))
        if n < int(self.rules.get("min_len", 2)):
            return False, "氏名が短すぎます"
        if n > int(self.rules.get("max_len", 30)):
            return False, "氏名が長すぎます"
        return True, None
