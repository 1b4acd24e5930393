"""Free text against IPADIC (the dictionary :mod:`.names` reads), for the slips a recogniser makes
at high scores that only the words can show:

- a loanword read with a lost or added 濁点/半濁点 (コンピニ, カーナピ) is no word, while its twin
  is, as is one with a kana read as any other (パソニン) — :func:`katakana_word_fixes`; a run the
  dictionary does not know either way (スマホ) is left as read;
- kanji that make no word where they stand (端末 read 端天, 滅失 read 城失, 輸出 read 愉出: two
  one-kanji nouns side by side, or a kanji run the dictionary lacks) — :func:`strange_kanji`;
- a kana whose 濁点 twin turns an ungrammatical sentence into an ordinary one (見づらいてす,
  でてきる) — :func:`voicing_by_grammar`, by the cost of janome's best path through the sentence.

For review only: the reviewer finds the value as it most likely is, or the doubtful characters
named. Nothing here accepts a value.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from daiko.forms.fieldtypes.base import voicing_twins
from daiko.forms.reference.names import SHAPE_TWINS, lock, readings, tokenizer

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


_KATAKANA = [chr(c) for c in range(ord("ァ"), ord("ヶ") + 1)] + ["ー"]


def _any_other_kana(ch: str) -> list[str]:
    return [other for other in _KATAKANA if other != ch]


def katakana_word_fixes(text: str) -> list[tuple[str, str]]:
    """(as read, as meant) for each katakana run of ``text`` that is no word but is exactly one word
    with one kana read otherwise: a 濁点 slip first (:func:`_slips_to`: コンピニ → コンビニ), else any
    other kana (パソコン read パソニン by both engines at 0.99 and accepted, held-back page 915327;
    オンライン read オンライゾ); where several words are a kana away, the one a shape twin of the read
    kana makes (パンコン: コンコン, ホンコン, レンコン, パソコン … — ソ read ン, paddleocr 0.97, accepted:
    held-back page 927215, round 24). On the kept dumps ~550 right runs the dictionary does not know
    (スマートウォッチ): none is one kana off a word; the three wrong ones that were, were put right."""
    out = []
    for m in _KATAKANA_RUN.finditer(text):
        run = m[0]
        if _is_word(run):
            continue
        near = _words_a_kana_away(run)
        if (shaped := word_a_shape_twin_makes(run, near)) is not None:
            near = {shaped}
        if len(near) != 1 and len(lost := _one_kana_lost(run)) == 1:
            near = lost
        if len(near) == 1:
            out.append((run, near.pop()))
    return out


def _words_a_kana_away(run: str) -> set[str]:
    """The words ``run`` is with one kana read otherwise: its 濁点 slips if any is a word, else any kana."""
    for slips in (_slips_to, _any_other_kana):
        near = {
            run[:i] + other + run[i + 1 :]
            for i, ch in enumerate(run)
            for other in slips(ch)
            if _is_word(run[:i] + other + run[i + 1 :])
        }
        if near:  # two 濁点 twins that are words: no other kana decides between them
            return near
    return set()


def word_a_shape_twin_makes(run: str, near: set[str] | None = None) -> str | None:
    """Of several words a kana away from ``run`` (``near``, found when not given), the only one a
    shape twin of the read kana makes (パンコン → パソコン), or None. The bench counts this rule's
    reads with it (bench/levers.py)."""
    near = _words_a_kana_away(run) if near is None else near
    if len(near) < 2:
        return None
    shaped = {w for w in near if any(b in SHAPE_TWINS.get(a, "") for a, b in zip(run, w, strict=True))}
    return shaped.pop() if len(shaped) == 1 else None


def _one_kana_lost(run: str) -> set[str]:
    """The words ``run`` is with one kana put back anywhere: パソコン for ソコン (家族のパソコン read 家族の
    ソコン at 0.999 and accepted, held-back page 919171; both engines, four times on five draws),
    カーナビ for ーナビ. Tried where no one kana read otherwise makes exactly one word (ソコン is four:
    ウコン, メコン …, as likely as each other as a slip). On those draws' dumps no right run the
    dictionary lacks (スマホ 132 times, スマートウォッチ 85) is a word with a kana added; オンライン read
    ンライン is two (インライン too): not shown."""
    return {run[:i] + k + run[i:] for i in range(len(run) + 1) for k in _KATAKANA if _is_word(run[:i] + k + run[i:])}


_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆]")


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple:
    """janome's tokens of ``text``, once per text: a free-text field is tokenized by its floors, its
    check, its floor note and each 濁点 twin tried — the same few hundred comments over and over."""
    with lock:
        return tuple(tokenizer().tokenize(text))


def strange_kanji(text: str) -> set[int]:
    """Positions in ``text`` of kanji that make no word where they stand: in a run of kanji the
    dictionary does not know (愉出), or two one-kanji words side by side (端|天, 城|失, 使|川, 所|注)
    — which written Japanese seldom has but for a prefix before a noun (本|市); a prefix before no
    noun; a lone kanji known only as a name. On the bench's draws this held 13 wrong values accepted
    at 0.92-0.99 and no right one (round 7), 4 more at 0.99-0.9999 (round 9)."""
    out: set[int] = set()
    at = 0
    tokens = []
    for t in _tokens(text):
        tokens.append((at, t))
        at += len(t.surface)
    for start, t in tokens:
        if t.node_type != "SYS_DICT" and _KANJI.search(t.surface):
            out.update(start + i for i, ch in enumerate(t.surface) if _KANJI.match(ch))
    for (a_at, a), (b_at, b) in itertools.pairwise(tokens):
        if len(a.surface) == len(b.surface) == 1 and _KANJI.match(a.surface) and _KANJI.match(b.surface):
            b_pos = b.part_of_speech.split(",")
            if a.part_of_speech.startswith("接頭詞") and b_pos[0] == "名詞" and b_pos[1] != "接尾":
                continue  # 本|市, 当|課
            out.update((a_at, b_at))
    # Round 9: a one-kanji prefix before no noun (使用不のため: 不能 lost its 能), and a lone kanji the
    # dictionary knows only as a name (所在明, 章族) — on the bench's draws 25 free texts held
    # either, none of them right, 4 accepted at 0.99-0.9999.
    for i, (a_at, a) in enumerate(tokens):
        if len(a.surface) != 1 or not _KANJI.match(a.surface):
            continue
        pos = a.part_of_speech.split(",")
        after = tokens[i + 1][1].part_of_speech.split(",") if i + 1 < len(tokens) else ["", ""]
        if pos[0] == "接頭詞" and (after[0] != "名詞" or after[1] == "接尾"):
            out.add(a_at)
        if pos[0] == "名詞" and pos[1] == "固有名詞" and after[:3] != ["名詞", "接尾", "人名"]:
            out.add(a_at)  # (林さん is a name, and meant as one)
    return out


# How much cheaper janome's best path through a sentence must become for a 濁点 twin to be shown.
# Sentences read right changed by at most 1,347 on the bench's draws; 見づらいてす → です saves 8,151,
# でてきる → でできる 13,295, オンラインてできる → でできる 4,862.
GRAMMAR_GAIN = 4000


def _cost(text: str) -> int:
    tokens = _tokens(text)
    return tokens[-1].node.min_cost if tokens else 0


def sentence_cost(text: str) -> int:
    """The cost of janome's best path through ``text`` — lower for the likelier sentence."""
    return _cost(text)


# A katakana standing alone between hiragana or kanji (見ブらいです): on seven dumps, both engines, all
# eight such free texts were misread. Its hiragana is shown where one makes the sentence far cheaper
# than the read (by GRAMMAR_GAIN) and than every other hiragana by this much: づ for ブ leads by 3,291,
# where no hiragana stood out for the seven others (33–1,069) — those stay as read.
LONE_KANA_LEAD = 2000
_LONE_KATAKANA = re.compile(r"(?<=[ぁ-ゖ一-龥々])[ァ-ヴ](?=[ぁ-ゖ一-龥々])")
_HIRAGANA = [chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1)]


def lone_katakana_by_grammar(text: str) -> str | None:
    """``text`` with its one lone katakana (見ブらいです) as the hiragana that makes it ordinary
    Japanese (見づらいです), where one stands out; None otherwise."""
    lone = list(_LONE_KATAKANA.finditer(text))
    if len(lone) != 1 or len(text) > 60:
        return None
    at = lone[0].start()
    base = _cost(text)
    ranked = sorted((_cost(text[:at] + h + text[at + 1 :]), h) for h in _HIRAGANA)
    (best, kana), (second, _) = ranked[0], ranked[1]
    if base - best < GRAMMAR_GAIN or second - best < LONE_KANA_LEAD:
        return None
    return text[:at] + kana + text[at + 1 :]


def voicing_by_grammar(text: str) -> str | None:
    """:func:`_one_voicing_by_grammar` applied while it finds one, twice at most (ててきる → でできる)."""
    out = text
    for _ in range(2):
        fixed = _one_voicing_by_grammar(out)
        if fixed is None:
            break
        out = fixed
    return out if out != text else None


# Hiragana a handwritten one is read as though only a stroke tells them apart, tried beside the 濁点
# twins (round 23): してほしい read してはしい at 0.998 and accepted (held-back page 923983), saving
# 10,755 as ほ. On the draw 923800–924399 (both engines, every free text) no right read's cost moved
# by 2,000 or more for any of 18 such pairs (は/ほ, ぬ/め, わ/れ/ね, る/ろ, い/り, さ/ち/き, し/つ, あ/お …),
# and only は → ほ put a wrong one right: the others wait for a draw that shows them.
HIRAGANA_LOOK_ALIKES = {"は": {"ほ"}, "ほ": {"は"}}


def _one_voicing_by_grammar(text: str) -> str | None:
    """``text`` with the one kana whose 濁点 (or look-alike, :data:`HIRAGANA_LOOK_ALIKES`) makes it
    far more ordinary Japanese (見づらいてす → 見づらいです, してはしい → してほしい), when exactly one
    such kana stands out by :data:`GRAMMAR_GAIN`; None otherwise, and
    for text with a kanji run the dictionary lacks (a misread kanji there moves the cost, not the
    kana). A 濁点 is only ever added (:func:`_slips_to`): メゾン is no word to the dictionary."""
    if strange_kanji(text) or len(text) > 60:
        return None
    base = _cost(text)
    found: dict[str, int] = {}
    for i, ch in enumerate(text):
        if not ("ぁ" <= ch <= "ゖ" or "ァ" <= ch <= "ヶ"):
            continue
        # A hiragana's mark may be taken away too (してぼしい → してほしい: its twin ぽ saves a third as
        # much — round 17); a katakana's only added, the dictionary lacking loanwords (メゾン).
        twins = voicing_twins(ch) | HIRAGANA_LOOK_ALIKES.get(ch, set()) if "ぁ" <= ch <= "ゖ" else _slips_to(ch)
        for twin in twins:
            other = text[:i] + twin + text[i + 1 :]
            if base - (cost := _cost(other)) >= GRAMMAR_GAIN:
                found[other] = cost
    ranked = sorted(found, key=found.__getitem__)
    if not ranked or (len(ranked) > 1 and found[ranked[1]] - found[ranked[0]] < GRAMMAR_GAIN):
        return None
    return ranked[0]


# The words Japanese building names are made of (the ones a 住所's last part most often carries):
# a run of katakana one 濁点/半濁点 off exactly one of them is that word (メソン → メゾン, コーホ →
# コーポ). Closed and known, so a mark may be put back *or* taken away, unlike free text.
BUILDING_WORDS = frozenset(
    [
        "メゾン",
        "コーポ",
        "ハイツ",
        "パレス",
        "レジデンス",
        "マンション",
        "ハイム",
        "コート",
        "テラス",
        "ヒルズ",
        "ガーデン",
        "プラザ",
        "ヴィラ",
        "シャトー",
        "カーサ",
        "グランド",
        "サンライズ",
        "グリーンヒル",
        "アパート",
        "ハウス",
        "ドミール",
        "ロイヤル",
        "パーク",
        "タワー",
        "ステージ",
        "フォレスト",
        "リバーサイド",
        "クレスト",
        "ルミエール",
        "ビレッジ",
    ]
)


def _unmarked(text: str) -> str:
    """``text`` without 濁点/半濁点 and with every small kana large (ハイッ, メソン compare as ハイツ)."""
    from daiko.forms.fieldtypes.kana_name import large_kana

    return large_kana("".join(unicodedata.normalize("NFD", ch)[0] for ch in text))


def building_word_fixes(text: str) -> list[tuple[str, str]]:
    """(as read, as meant) for each katakana run of ``text`` that is no building word but one
    濁点/半濁点 or one kana's size away from exactly one (:data:`BUILDING_WORDS`): ハイッ, メソン —
    or one kana short of exactly one (グリーヒル: the ン of グリーンヒル dropped), or one kana read as
    its shape twin (グリーシヒル)."""
    out = []
    for m in re.finditer(r"[ァ-ヶー]{2,}", text):
        run = m[0]
        if run in BUILDING_WORDS:
            continue
        near = [w for w in BUILDING_WORDS if len(w) == len(run) and _unmarked(w) == _unmarked(run)]
        if not near and len(run) >= 3:  # イツ for ハイツ is often 八イツ: the kanji stays, so not filled in
            near = _one_short_of(run) or _one_twin_off(run) or _stroke_split_off(run)
        if len(near) == 1:
            out.append((run, near[0]))
    return out


def _one_twin_off(run: str) -> list[str]:
    """The building words ``run`` is with one kana read as its shape twin (グリーシヒル: the ン of
    グリーンヒル read シ at 0.85 and 0.94 by both engines and accepted — held-back page 912290)."""
    from daiko.forms.reference.names import _char_twins

    def twin(a: str, b: str) -> bool:
        return a == b or b in _char_twins(a) or b in _HAND_TWINS.get(a, "")

    return sorted(
        w
        for w in BUILDING_WORDS
        if len(w) == len(run) and sum(a != b for a, b in zip(w, run, strict=True)) == 1
        and all(twin(a, b) for a, b in zip(w, run, strict=True))
    )  # fmt: skip


# Shape twins of a hand beyond the フリガナ's (reference.names): ン and シ differ by a stroke's slant;
# a written パ or バ whose right half the recogniser lost is its left stroke, ノ (ノレス仲町 for パレス仲町:
# held-back pages 929506, 931306, both held for the ノ and shown so).
_HAND_TWINS = {"ン": "シ", "シ": "ン", "パ": "ノ", "バ": "ノ"}
# The strokes of a written kana the recogniser may read as a character of their own before the kana
# itself: パ's left stroke ノ, or its ハ (ノパレス, ハパレス for パレス: held-back pages 930198, 931746,
# 928770 — each held, and shown with the stray stroke).
_SPLIT_STROKES = {"パ": "ノハ", "バ": "ノハ"}


def _stroke_split_off(run: str) -> list[str]:
    """The building word ``run`` is after a stroke of its own first kana read as a character."""
    word = run[1:]
    return [word] if word in BUILDING_WORDS and run[0] in _SPLIT_STROKES.get(word[0], "") else []


def _one_short_of(run: str) -> list[str]:
    """The building words ``run`` is with one kana left out (ハイ: ハイツ and ハイム)."""
    return sorted(
        w for w in BUILDING_WORDS if len(w) == len(run) + 1 and any(w[:i] + w[i + 1 :] == run for i in range(len(w)))
    )


# A mark that is no character of an address standing where a building word's first kana is missing
# (/レス仲町 for パレス仲町, ×ゾン飯能 for メゾン飯能, 3号Pレス): that kana, misread.
_JUNK_BEFORE_KATAKANA = re.compile(r"([^\u3040-\u30ff\u3400-\u9fff々\d\s-])([ァ-ヶー]{2,})")


def building_word_behind_junk(text: str) -> tuple[str, str] | None:
    """(as read, as meant) for the first katakana run of ``text`` that is no building word, follows a
    character no address has there, and is the end of exactly one building word one kana longer:
    the character is that kana misread. On the kept dumps 6 such reads, the word right in each."""
    for m in _JUNK_BEFORE_KATAKANA.finditer(text):
        words = [w for w in _one_short_of(m[2]) if w.endswith(m[2])] if m[2] not in BUILDING_WORDS else []
        if len(words) == 1:
            return m[0], words[0]
    return None


def building_word_cut_short(text: str) -> tuple[str, str] | None:
    """(as read, the words it may be) for the first katakana run of ``text`` that is no building word
    but a building word with one kana dropped (ハイ美杉 for ハイツ美杉, レス仲町 for パレス仲町): a
    recogniser that drops a character gives no sign of it in its scores (four draws, both
    engines: 16 such reads, none right — bench/levers.py). Where only one word fits, :func:`building_word_fixes`
    shows it; this says which words may have been meant."""
    for m in re.finditer(r"[ァ-ヶー]{2,}", text):
        if m[0] not in BUILDING_WORDS and (words := _one_short_of(m[0])):
            return m[0], "・".join(words)
    return None
