"""異体字・旧字体 and ヶ/ケ: the same place or word written with another form of a character.

For *comparison only* — the value a robot keys stays as it was written. The recogniser often
returns the traditional or a variant form (増 → 增, 穂 → 穗, 号 → 號, 曽 → 曾), and people write
鶴ヶ島 or 鶴ケ島 as they please: against Japan Post's data or a ground truth these must compare
equal. The variant families come from ``ja-itaiji`` (MIT), not a hand table.
"""

from __future__ import annotations

import functools
import unicodedata

# Small ヶ/ヵ in place names are read and written as ケ/カ (and the reverse): one key for both.
_KANA_FOLD = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ケ": "ケ", "ｹ": "ケ"})


@functools.cache
def _families() -> dict[str, list[str]]:
    from ja_itaiji import Itaiji

    return Itaiji.dictionary


def _jis_level_1(ch: str) -> bool:
    """In JIS X 0208's first level (the 2,965 kanji of everyday writing: 恵, 沢, 斎, 高)."""
    try:
        code = ch.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0x889F <= int.from_bytes(code, "big") <= 0x9872


@functools.cache
def everyday_form(ch: str) -> str | None:
    """The everyday form of a kanji that is a 旧字体 or 異体字 of one (惠 → 恵, 澤 → 沢, 齋 → 斎);
    None for a kanji in everyday use itself. Everyday = JIS level 1, so the broad ja-itaiji
    families narrow to the pairs a recogniser drifts between."""
    if _jis_level_1(ch) or not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return None
    common = sorted(x for x in _families().get(ch, ()) if x != ch and _jis_level_1(x))
    return common[0] if common else None


@functools.cache
def everyday_forms(ch: str) -> tuple[str, ...]:
    """Every everyday form a 旧字体 or 異体字 may stand for (馆 → 舘, 館; 圆 → 元, 円): ja-itaiji's
    families are broad, so a caller picks among them by the words they make. () for an everyday kanji."""
    if everyday_form(ch) is None:
        return ()
    return tuple(sorted(x for x in _families().get(ch, ()) if x != ch and _jis_level_1(x)))


def same_char(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one character in two forms (増/增, ケ/ヶ, 1/１)."""
    if a == b:
        return True
    a2 = unicodedata.normalize("NFKC", a).translate(_KANA_FOLD)
    b2 = unicodedata.normalize("NFKC", b).translate(_KANA_FOLD)
    if a2 == b2:
        return True
    fam = _families()
    if b2 in fam.get(a2, ()) or a2 in fam.get(b2, ()):
        return True
    # A rare form whose family reaches the everyday one only through a third member: ja-itaiji puts
    # 鄉 (the recogniser's 郷, held-back page 905074) beside 向 and 乡, and 郷 beside 鄕 and 乡. Two
    # everyday kanji sharing a simplified form (発/髪 via 发) stay two characters.
    if _jis_level_1(a2) and _jis_level_1(b2):
        return False
    return bool(set(fam.get(a2, ())) & set(fam.get(b2, ())) - {a2, b2})


def same_text(a: str, b: str) -> bool:
    """Equal character by character up to 異体字, width and ヶ/ケ."""
    if a == b:
        return True
    a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    return len(a) == len(b) and all(same_char(x, y) for x, y in zip(a, b, strict=True))


def starts_with(text: str, prefix: str) -> bool:
    """``text`` begins with ``prefix`` up to 異体字, width and ヶ/ケ."""
    return len(text) >= len(prefix) and same_text(text[: len(prefix)], prefix)
