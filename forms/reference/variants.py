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


def same_char(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one character in two forms (増/增, ケ/ヶ, 1/１)."""
    if a == b:
        return True
    a2 = unicodedata.normalize("NFKC", a).translate(_KANA_FOLD)
    b2 = unicodedata.normalize("NFKC", b).translate(_KANA_FOLD)
    if a2 == b2:
        return True
    fam = _families()
    return b2 in fam.get(a2, ()) or a2 in fam.get(b2, ())


def same_text(a: str, b: str) -> bool:
    """Equal character by character up to 異体字, width and ヶ/ケ."""
    if a == b:
        return True
    a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    return len(a) == len(b) and all(same_char(x, y) for x, y in zip(a, b, strict=True))


def starts_with(text: str, prefix: str) -> bool:
    """``text`` begins with ``prefix`` up to 異体字, width and ヶ/ケ."""
    return len(text) >= len(prefix) and same_text(text[: len(prefix)], prefix)
