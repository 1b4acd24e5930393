"""Katakana words in free text against IPADIC (the dictionary :mod:`.names` reads): a loanword
read with a lost or added 濁点/半濁点 (コンピニ, カーナピ) is no word, while its twin is.

For review only: the reviewer finds the word as it most likely is. A run the dictionary does not
know either way (スマホ, マイナンバー) is left as read.
"""

from __future__ import annotations

import re
import unicodedata

from daiko.forms.fieldtypes.base import voicing_twins
from daiko.forms.reference.names import readings

_KATAKANA_RUN = re.compile(r"[ァ-ヶー]{3,}")


def _is_word(run: str) -> bool:
    return bool(readings(run))


def _marks(ch: str) -> int:
    return len(unicodedata.normalize("NFD", ch)) - 1


def _slips_to(ch: str) -> set[str]:
    """What a read ``ch`` may have been: its other mark (ピ for ビ and back) or, read plain, either
    mark (ト for ド). Never the plain kana for a marked read: a recogniser rarely invents a 濁点, and
    loanwords the dictionary lacks would be "corrected" (メゾン → メソン)."""
    return {t for t in voicing_twins(ch) if _marks(t) >= 1}


def voicing_fixes(text: str) -> list[tuple[str, str]]:
    """(as read, as meant) for each katakana run of ``text`` that is no word but exactly one of its
    one-character 濁点 slips (:func:`_slips_to`) is."""
    out = []
    for m in _KATAKANA_RUN.finditer(text):
        run = m[0]
        if _is_word(run):
            continue
        near = {
            run[:i] + twin + run[i + 1 :]
            for i, ch in enumerate(run)
            for twin in _slips_to(ch)
            if _is_word(run[:i] + twin + run[i + 1 :])
        }
        if len(near) == 1:
            out.append((run, near.pop()))
    return out
