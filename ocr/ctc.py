"""CTC decoding that counts a character's width variants as one character, and keeps runners-up.

The PP-OCR dictionaries hold both ``1`` and ``１``, ``-`` and ``－``, ``ｶ`` and ``カ``: distinct
classes that every caller folds together anyway (NFKC). On a full-width digit the model splits
its belief between the two (１ at 0.55, 1 at 0.44): the character is certain, but its score says
0.55 and a correct PC-typed address went to review (measured: 飯能市双柳１２３－４ read right
with digits scored 0.53-0.84). Summing the probabilities of the classes that NFKC makes one
character, *before* the best path is taken, gives the score of what the reader will keep.

CJK compatibility ideographs (﨑, 塚 …) are not folded: NFKC would turn a registered name
into a different one. The decoder also keeps, for each character it emits, the few best
classes at that column (``alternatives``) so that a field type that knows which characters may
stand in a slot (the hiragana of a plate) can read the slot again within that set.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

ALTERNATIVES = 8  # classes kept per emitted character (more: less probability left unnamed)


def _is_compat_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F


def fold_groups(characters: Sequence[str]) -> list[tuple[int, np.ndarray]]:
    """(representative, member indices) for every set of classes NFKC makes the same one character.

    Index 0 is CTC's blank and never folded. The representative is the NFKC form itself when
    the dictionary has it (ASCII ``1`` for ``１``), else the first member.
    """
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, ch in enumerate(characters):
        if i == 0 or not ch or len(ch) != 1 or _is_compat_ideograph(ch):
            continue
        key = unicodedata.normalize("NFKC", ch)
        if len(key) == 1:
            by_key[key].append(i)
    index = {ch: i for i, ch in enumerate(characters) if i}
    groups = []
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        rep = index.get(key, members[0])
        if rep not in members:
            rep = members[0]
        groups.append((rep, np.asarray(members, dtype=np.int64)))
    return groups


def fold_probabilities(preds: np.ndarray, groups: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """``preds`` (batch × columns × classes) with each group's probability moved onto its representative."""
    out = np.array(preds, dtype=np.float32, copy=True)
    for rep, members in groups:
        total = preds[..., members].sum(axis=-1)
        out[..., members] = 0.0
        out[..., rep] = total
    return out


def alternatives(
    preds: np.ndarray, characters: Sequence[str], k: int = ALTERNATIVES
) -> list[tuple[tuple[tuple[str, float], ...], ...]]:
    """Per batch item, per emitted character (CTC best path, repeats and blanks removed): the ``k``
    best non-blank classes at the column where the character was emitted, with their probabilities."""
    idx = preds.argmax(axis=2)
    out = []
    for b in range(preds.shape[0]):
        tokens = idx[b]
        keep = np.ones(len(tokens), dtype=bool)
        keep[1:] = tokens[1:] != tokens[:-1]
        keep &= tokens != 0
        per_char = []
        for col in np.nonzero(keep)[0]:
            probs = preds[b, col]
            best = np.argpartition(-probs[1:], k)[:k] + 1
            best = best[np.argsort(-probs[best])]
            per_char.append(tuple((characters[j], round(float(probs[j]), 5)) for j in best))
        out.append(tuple(per_char))
    return out


class FoldingDecoder:
    """Wraps rapidocr's ``CTCLabelDecode``: folds width variants before decoding and attaches the
    runners-up to each line's word info (``alternatives``). Same call signature as the wrapped one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.character = inner.character
        self.groups = fold_groups(self.character)

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any):
        folded = fold_probabilities(preds, self.groups)
        lines, words = self.inner(folded, return_word_box, **kwargs)
        if return_word_box and words:
            for info, alts in zip(words, alternatives(folded, self.character), strict=False):
                info.alternatives = alts
        return lines, words
