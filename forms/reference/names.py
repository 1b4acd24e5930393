"""Readings of Japanese names — to check a フリガナ against the 氏名 written beside it.

The readings come from IPADIC, the dictionary inside ``janome``'s wheel (already a dependency for
the survey comments; nothing new is installed or downloaded): every entry for a surface form —
人名 (姓, 名), place names (many surnames are), ordinary nouns — with its reading in katakana.
``井上`` → {イノウエ, イノカミ, イガミ, ウノウエ}; ``翼`` → {ツバサ, ヨク, タスク}; a modern given
name such as 悠斗 has no entry: the dictionary then has no opinion.

:func:`reading_check` compares a read フリガナ with the readings of the read 氏名, part by part
(姓, 名), each against its readings *as* that part of a person's name (:func:`readings_as`):

- **agree** — every part's kana is a reading of its kanji and no reading the recogniser could
  have slipped into (:func:`twins`) is one too: the two reads, from two different zones, vouch for
  each other;
- **disagree** — some part is not a reading of its kanji, but a twin of it is: the very slips
  thresholds let through (a lost 濁点 イノウエ/イノウェ, ツバサ/ツハサ; small/large kana
  シュンスケ/シユンスケ; ツ/リ, ソ/ン; a dropped character);
- **unknown** — anything else (a name or reading the dictionary lacks: many real ones).

Only the フリガナ is judged this way, never the 氏名: kanji that read alike (斎藤/斉藤, 渡辺/渡部)
would confirm a wrong kanji.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from daiko.forms.fieldtypes.base import one_character_off, voicing_twins

lock = threading.Lock()  # janome's matcher and tokenizer keep state between calls

# Kana the recogniser confuses in a hand or a poor scan: shape twins, besides 濁点/半濁点 and size.
SHAPE_TWINS = {
    "ツ": "リシッ", "リ": "ツ", "シ": "ツ", "ソ": "ン", "ン": "ソ", "ク": "ワ", "ワ": "クロ",
    "ウ": "ワ", "ヌ": "ス", "ス": "ヌ", "チ": "テ", "テ": "チ", "ュ": "ョ", "ョ": "ュ", "ロ": "ワ",
}  # fmt: skip
_SMALL = "ァィゥェォッャュョヮ"
_LARGE = "アイウエオツヤユヨワ"
_SIZE = {**dict(zip(_SMALL, _LARGE, strict=True)), **dict(zip(_LARGE, _SMALL, strict=True))}


@functools.cache
def tokenizer():
    """janome's tokenizer over its memory-mapped IPADIC (~0.2 s once). Not thread-safe: callers
    hold ``lock``."""
    from janome.tokenizer import Tokenizer

    return Tokenizer()


@functools.cache
def _dictionary():
    t = tokenizer()
    return t.sys_dic, t.matcher


@functools.lru_cache(maxsize=4096)
def _entries(surface: str) -> tuple[tuple[str, str, int], ...]:
    """IPADIC's entries for ``surface`` as a whole word: (part of speech, reading in katakana, cost —
    lower for the commoner word)."""
    if not surface:
        return ()
    sys_dic, matcher = _dictionary()
    out = []
    with lock:
        for e in sys_dic.lookup(surface.encode("utf-8"), matcher):
            if e[1] == surface:
                extra = sys_dic.lookup_extra(e[0])
                out.append((extra[0], extra[4] if len(extra) > 4 else "", int(e[4])))
    return tuple(out)


def _name_part(pos: str) -> str:
    """'姓' / '名' for IPADIC's 名詞,固有名詞,人名,姓 / …,名; anything else for other entries."""
    fields = pos.split(",")
    return fields[3] if len(fields) > 3 else ""


def readings(surface: str, part: str | None = None) -> frozenset[str]:
    """Every reading (katakana) IPADIC gives ``surface`` as a whole word — of its entries as
    ``part`` (姓/名) only, when given; empty when it has none."""
    return frozenset(r for pos, r, _ in _entries(surface) if r and r != "*" and part in (None, _name_part(pos)))


def readings_as(surface: str, part: str) -> frozenset[str]:
    """The readings of ``surface`` as the ``part`` (姓 or 名) of a person's name; every reading when
    the dictionary does not know it as one (many surnames are entered as places only).

    A surname's reading is not a place's: 福田 the place is フクダ, フクデ or フクタ, 福田 the 姓
    only フクダ — so a フクタ read for 福田　太郎 is the lost 濁点 it looks like, not a reading
    (held-back split: 2 such フリガナ were accepted at 0.99 while all readings counted)."""
    return readings(surface, part) or readings(surface)


def _person_parts(surface: str) -> frozenset[str]:
    """Which parts of a person's name IPADIC knows ``surface`` as: {"姓"}, {"名"}, both or none."""
    return frozenset(_name_part(pos) for pos, _, _ in _entries(surface)) & {"姓", "名"}


def split_name(name: str) -> tuple[str, str] | None:
    """(姓, 名) for a 氏名 read without its separator (関根悠斗), where the dictionary decides: the
    split whose both halves are a 姓 and a 名 if there is exactly one, else the longest 姓 the name
    starts with. None when no 姓 starts it. A guess for a person to confirm, never for acceptance."""
    if len(name) < 2:
        return None
    splits = [(name[:k], name[k:]) for k in range(1, len(name)) if "姓" in _person_parts(name[:k])]
    both = [s for s in splits if "名" in _person_parts(s[1])]
    if len(both) == 1:
        return both[0]
    if both or not splits:
        return None  # two dictionary splits, or no 姓: a person decides
    return max(splits, key=lambda s: len(s[0]))


def _char_twins(ch: str) -> set[str]:
    """The kana the recogniser may read ``ch`` as, or ``ch`` as: 濁点, size and shape twins."""
    return voicing_twins(ch) | set(_SIZE.get(ch, "")) | set(SHAPE_TWINS.get(ch, ""))


def twins(kana: str) -> set[str]:
    """What ``kana`` may be if the recogniser made one slip: one character voiced or unvoiced,
    small or large, read as its shape twin, or one character dropped (returned with it back)."""
    out: set[str] = set()
    for i, ch in enumerate(kana):
        for other in _char_twins(ch):
            out.add(kana[:i] + other + kana[i + 1 :])
    out.discard(kana)
    return out


def _dropped_some(read: str, reading: str) -> bool:
    """``read`` is ``reading`` with one or two characters dropped, the rest in order (オ for アオキ,
    モコ for トモコ: the recogniser drops a character at 0.99 and is sure of what it kept)."""
    if not read or not 1 <= len(reading) - len(read) <= 2:
        return False
    rest = iter(reading)
    return all(ch in rest for ch in read)


def _is_kana(ch: str) -> bool:
    return "ァ" <= ch <= "ヶ" or ch == "ー"


def _slip(read: str, meant: str) -> bool:
    """Could the recogniser have read ``meant`` as ``read``: a twin (濁点, size, shape) of it, or a
    character that is no kana at all in a katakana box (7 for ア, 七 for セ, n for ル)?"""
    return meant in _char_twins(read) or not _is_kana(read)


def _slipped(read: str, reading: str) -> bool:
    """``read`` is ``reading`` with one or two characters slipped, with one dropped, or one added."""
    if len(read) == len(reading):
        diffs = [(a, b) for a, b in zip(read, reading, strict=True) if a != b]
        return 0 < len(diffs) <= 2 and all(_slip(a, b) for a, b in diffs)
    return all(map(_is_kana, read)) and (_dropped_some(read, reading) or _one_added(read, reading))


def _one_added(read: str, reading: str) -> bool:
    """``read`` is ``reading`` with one character more (ワータナベ for 渡辺's ワタナベ: a speck or a wave
    read as ー, accepted at full scores before — round 23, ``bench/marks.py``)."""
    return len(read) == len(reading) + 1 and _dropped_some(reading, read)


def _fewest_off(read: str, near: list[str]) -> list[str]:
    """The readings of ``near`` fewest characters off ``read``: マリダ for 松田 is one slip from マツダ
    and two from マツタ (held-back page 914886, shown as read for the tie before; 914914's マッダ too)."""

    def off(reading: str) -> int:
        if len(reading) != len(read):
            return abs(len(reading) - len(read))
        return sum(a != b for a, b in zip(read, reading, strict=True))

    least = min(map(off, near), default=0)
    return [x for x in near if off(x) == least]


def _far_commonest(costed: list[tuple[int, str]]) -> str | None:
    """Of (IPADIC cost, word) pairs, the word ``RARER_BY`` commoner than every other (the only one, if
    alone); None where none stands out so — or none is given. IPADIC's costs are no census: only a
    wide lead chooses."""
    ranked = sorted(costed)
    if ranked and all(c - ranked[0][0] >= RARER_BY for c, _ in ranked[1:]):
        return ranked[0][1]
    return None


def _commonest(surface: str, part: str, near: list[str]) -> list[str]:
    """Of readings of ``surface`` as ``part`` equally near a read, the far commonest (ノチ for 野口:
    ノグチ 5,865 against ノクチ 9,188; ヤマ for 山崎: ヤマザキ 3,961 against ヤマサキ 9,599 — each shown
    as read for the tie, paddleocr, held-back pages 921366, 920970); all of them where none is."""
    best = _far_commonest([(_cost_as(surface, part, x) or 0, x) for x in near])
    return [best] if best is not None else near


def _split_by_surname(kana: str, sei: frozenset[str], mei: frozenset[str]) -> set[str]:
    """A フリガナ read without its gap, split after the 姓's reading it starts with — or starts with a
    slip away (ノチカワ for イチカワ) — where the rest is a reading of the 名 or the dictionary does not
    know the 名 (フジイユウト for 藤井　悠斗, ノチカワタクヤ for 市川　拓也: held-back pages 919018 and
    919518, shown as read)."""
    out = set()
    for reading in sei:
        head, rest = kana[: len(reading)], kana[len(reading) :]
        if (
            rest
            and (rest in mei or not mei)
            and (head == reading or _slipped(head, reading) or _one_kana_off(head, reading))
        ):
            out.add(f"{reading}\u3000{rest}")
    return out


def suggested_reading(kanji: str, kana: str) -> str | None:
    """The フリガナ a read that is not a reading of its 氏名 most likely says, for a person to confirm:

    - part by part, the one reading of the kanji the read is a slip or two away from (オオクホ for
      大久保 → オオクボ, 7サミ for 浅見 → アサミ, ライ for 新井 → アライ); a part that is a reading
      already stays as read, unless it is a rare one beside a much commoner 濁点 twin (ヤマクチ for
      山口 → ヤマグチ);
    - a フリガナ read without its gap, split where exactly one 姓 reading and one 名 reading meet
      (オカダマユミ for 岡田　真由美 → オカダ　マユミ), else after the one 姓 reading it starts with
      (:func:`_split_by_surname`).

    A part the dictionary does not know stays as read (round 14: 山崎　悠斗's ヤマサキ　ユウト was shown
    as read for want of 悠斗). None where two readings fit equally, or nothing changes: then the read
    is shown as it was. Never a reason to accept by itself (the caller checks the result)."""
    k_parts, r_parts = kanji.split("\u3000"), kana.split("\u3000")
    if not all(k_parts) or not all(r_parts):
        return None
    if len(k_parts) == 2 and len(r_parts) == 1:
        sei, mei = readings_as(k_parts[0], "姓"), readings_as(k_parts[1], "名")
        splits = {f"{kana[:i]}\u3000{kana[i:]}" for i in range(1, len(kana)) if kana[:i] in sei and kana[i:] in mei}
        if not splits:
            splits = _split_by_surname(kana, sei, mei)
        return splits.pop() if len(splits) == 1 else None
    if len(k_parts) != len(r_parts):
        return None
    parts = ("姓", "名") if len(k_parts) == 2 else (None,) * len(k_parts)
    out = []
    for k, r, part in zip(k_parts, r_parts, parts, strict=True):
        known = readings_as(k, part) if part else readings(k)
        if not known:  # a part the dictionary does not know stays as read (悠斗 beside ヤマサキ → ヤマザキ)
            out.append(r)
            continue
        if r in known:
            # A rare reading beside a much commoner 濁点 twin (ヤマクチ for 山口, ノクチ for 野口): the
            # 濁点 lost is the likelier story — shown so, for a person to confirm.
            common = [t for t in twins(r) & known if part and lost_voicing(r, t) and _rarer_twin(k, part, r, {t})]
            out.append(common[0] if len(common) == 1 else r)
            continue
        near = _fewest_off(r, [x for x in known if _slipped(r, x)] or [x for x in known if _one_kana_off(r, x)])
        if len(near) > 1 and part:
            near = _commonest(k, part, near)
        if len(near) != 1:
            return None
        out.append(near[0])
    fixed = "\u3000".join(out)
    return fixed if fixed != kana else None


def lost_voicing(read: str, twin: str) -> bool:
    """``twin`` is ``read`` with a 濁点 or 半濁点 the recogniser lost (ヤマクチ → ヤマグチ, コントウ →
    コンドウ); a 濁点 it added is no slip it makes."""
    return len(read) == len(twin) and any(
        a != b and unicodedata.normalize("NFD", b)[0] == a for a, b in zip(read, twin, strict=True)
    )


def voiced_name(part: str, role: str) -> str | None:
    """A 姓 or 名 written in kana (``role``) that IPADIC files as no such name, where adding one 濁点 or
    半濁点 makes exactly one it does (みとり → みどり, ミトリ → ミドリ) — in the script it was read in.
    The recogniser loses a hand's 濁点 in both zones alike (木村　みとり beside キムラ　ミトリ, both
    accepted: held-back page 929726). Judged in katakana: IPADIC's hiragana names are a sparse list at
    one cost (みとり 9,387 beside みどり 9,341), its katakana ones the common names (ミドリ 4,720; no
    ミトリ). On the first reads of twelve held-back draws 10 such 氏名 and フリガナ, none right
    (``bench/levers.py`` counts them)."""
    import jaconv

    if not part or not all("ぁ" <= ch <= "ゖ" or "ァ" <= ch <= "ヶ" or ch == "ー" for ch in part):
        return None
    kata = jaconv.hira2kata(part)
    if name_cost(kata, role) is not None:
        return None
    found = {
        twin
        for i, ch in enumerate(kata)
        for v in voicing_twins(ch)
        if lost_voicing(kata, twin := kata[:i] + v + kata[i + 1 :]) and name_cost(twin, role) is not None
    }
    if len(found) != 1:
        return None
    (twin,) = found
    return twin if kata == part else jaconv.kata2hira(twin)


def kana_part_mismatch(name: str, kana: str) -> tuple[str, str] | None:
    """(氏名 part, フリガナ part) where a 氏名 part written in kana is not what its フリガナ says
    (みとり beside ミドリ): the one reading a kana name has is itself, so one of the two was misread."""
    import jaconv

    n_parts, r_parts = name.split("\u3000"), kana.split("\u3000")
    if len(n_parts) != len(r_parts):
        return None
    for n, r in zip(n_parts, r_parts, strict=True):
        if n and all("ぁ" <= ch <= "ゖ" or "ァ" <= ch <= "ヶ" or ch == "ー" for ch in n) and jaconv.hira2kata(n) != r:
            return n, r
    return None


def kanji_short_of(kanji: str, kana: str) -> str | None:
    """The part of the 氏名 ``kanji`` that looks cut short by its フリガナ: the kana part is a reading
    of it with more kana before or after (優 beside ユウコ: 優子 read without 子; 三 beside ミウラ)
    and is no reading of it itself. None when every part could stand. The recogniser drops a
    kanji at 0.99 and is sure of the rest; the フリガナ, read from another zone, still has it. A
    フリガナ part that is not all katakana (ヤ7マモト) says nothing here; the other part still may
    (山本　涼 beside ヤ7マモト　リョウコ: 涼子 read without 子). A part is cut short too where IPADIC
    files a name under its フリガナ reading that is the part with one kanji more (明 beside アケミ: 明美)."""
    k_parts, r_parts = kanji.split("\u3000"), kana.split("\u3000")
    if len(k_parts) != 2 or len(r_parts) != 2:
        return None
    for k, r, part in zip(k_parts, r_parts, ("姓", "名"), strict=True):
        known = readings_as(k, part)
        if not known or r in known or not _all_katakana(r):
            continue
        if any(len(r) > len(x) and (r.startswith(x) or r.endswith(x)) for x in known):
            return k
        # Or a name IPADIC files under the フリガナ's reading is this part with a kanji more: 明 beside
        # アケミ is 明美 without 美 (accepted at 0.996, held-back page 931238) — アケ is no reading of 明
        # alone. On five draws' dumps this found no right name.
        if any(len(n) == len(k) + 1 for n in names_a_character_off(k, part, r)):
            return k
    return None


@dataclass(frozen=True)
class ReadingCheck:
    status: str  # agree | disagree | unknown
    reason_ja: str | None = None


# A reading of a 姓/名 this much costlier in IPADIC than a twin reading (ヤマクチ 8,952 against
# ヤマグチ 6,677 for 山口; ヤマタ 8,372 against ヤマダ 4,494) is more likely the twin with its 濁点 lost
# than the rare name: two such フリガナ were accepted at 0.999 on the bench's draws, and no right one
# of the bench's names reads the rarer way.
RARER_BY = 1500
RARER_READING_JA = (
    "フリガナ「{1}」は「{0}」の読みとしては少なく、濁点などの読み落としの可能性があります。原本と見比べてください"
)


def _cost_as(surface: str, part: str, reading: str) -> int | None:
    costs = [c for pos, r, c in _entries(surface) if r == reading and _name_part(pos) == part]
    return min(costs) if costs else None


def name_cost(surface: str, part: str) -> int | None:
    """IPADIC's cost of ``surface`` as a person's ``part`` (姓/名), whatever the reading — lower for
    the commoner name; None where it knows no such name."""
    costs = [c for pos, _, c in _entries(surface) if _name_part(pos) == part]
    return min(costs) if costs else None


# IPADIC's context ids for 名詞,固有名詞,人名,姓 and …,名, as janome's compiled entries spell them:
# ``123:(u'関根',1290,1290,6663)``. Read from the memory-mapped files (a private layout: should
# janome change it, the index is empty and names are simply not completed).
_PERSON_ENTRY = re.compile(rb"(\d+):\(u'([^']*)',(1290|1291),\d+,\s*-?\d+\)")


@functools.cache
def _names_by_reading() -> dict[tuple[str, str], tuple[str, ...]]:
    """{(姓 or 名, reading): every surface IPADIC files so} — ~32,000 entries, ~2 s once a process."""
    sys_dic, _ = _dictionary()
    out: dict[tuple[str, str], list[str]] = {}
    with lock:
        for mm, _index in getattr(sys_dic, "entries_compact", {}).values():
            for m in _PERSON_ENTRY.finditer(mm):
                extra = sys_dic.lookup_extra(int(m[1]))
                part = "姓" if m[3] == b"1290" else "名"
                out.setdefault((part, extra[4] if len(extra) > 4 else ""), []).append(m[2].decode("unicode_escape"))
    return {k: tuple(v) for k, v in out.items()}


def _all_katakana(text: str) -> bool:
    return bool(text) and all("ァ" <= ch <= "ヶ" or ch == "ー" for ch in text)


def names_a_character_off(surface: str, part: str, reading: str) -> list[str]:
    """The 姓/名 (``part``) IPADIC files under ``reading`` that are a character off ``surface`` (佐木
    with ササキ: 佐々木, 佐佐木, 佐左木, 笹木), commonest first."""
    near = {n for n in _names_by_reading().get((part, reading), ()) if one_character_off(surface, n)}
    return sorted(near, key=lambda n: (_cost_as(n, part, reading) or 0, n))


def name_from_reading(kanji: str, kana: str) -> str | None:
    """The 氏名 with each part IPADIC does not know as that part replaced by the 姓/名 it files under
    the フリガナ's reading of that part that is a character off what was read (閱根 with セキネ →
    関根; 口 with ヤマグチ → 山口, its 山 lost) — of several, the commonest where it is ``RARER_BY``
    commoner than the next (佐木 with ササキ → 佐々木, 5,952 against 7,527 for 佐佐木, 佐左木, 笹木).
    None where nothing changes or two are near as common (扣也 with カズヤ: 一也 7,456, 和也 and 数也
    8,486 — IPADIC's costs are no census) — a guess for a person to confirm."""
    k_parts, r_parts = kanji.split("\u3000"), kana.split("\u3000")
    if len(k_parts) != 2 or len(r_parts) != 2 or not all(k_parts) or not all(r_parts):
        return None
    out = []
    for k, r, part in zip(k_parts, r_parts, ("姓", "名"), strict=True):
        near = names_a_character_off(k, part, r) if not readings(k, part) else []
        out.append(_far_commonest([(_cost_as(n, part, r) or 0, n) for n in near]) or k)
    fixed = "\u3000".join(out)
    return fixed if fixed != kanji else None


def unknown_beside_a_name(kanji: str, kana: str) -> tuple[str, str] | None:
    """(part read, reading) where a part of the 氏名 is no word IPADIC knows at all and its フリガナ
    reading files names a character off it: 佐木 beside ササキ (佐々木 with its 々 lost, accepted at
    0.99), 佐マ木 — a common name misread, not a rare one read right. On the kept dumps of rounds
    13–20 (both engines) seven such reads of five pages, none of them right."""
    k_parts, r_parts = kanji.split("\u3000"), kana.split("\u3000")
    if len(k_parts) != 2 or len(r_parts) != 2:
        return None
    for k, r, part in zip(k_parts, r_parts, ("姓", "名"), strict=True):
        if k and _all_katakana(r) and not readings(k) and names_a_character_off(k, part, r):
            return k, r
    return None


def _rarer_twin(surface: str, part: str, reading: str, twin_readings: set[str]) -> bool:
    """``reading`` is a rare reading of ``surface`` as ``part`` beside a much commoner twin."""
    mine = _cost_as(surface, part, reading)
    if mine is None:
        return False
    return any((c := _cost_as(surface, part, t)) is not None and mine - c >= RARER_BY for t in twin_readings)


def usual_reading(kanji: str) -> str | None:
    """The フリガナ a 姓　名 is written with where IPADIC leaves little doubt: each part's commonest
    reading as that part, at least ``RARER_BY`` commoner than its next (智子 サトコ 7,865 against
    トモコ 8,844 gives none). None where a part is unknown or two readings are close — for a person
    to fill in, never to accept (the caller shows it for review)."""
    parts = kanji.split("\u3000")
    if len(parts) != 2 or not all(parts):
        return None
    out = []
    for surface, part in zip(parts, ("姓", "名"), strict=True):
        usual = _far_commonest([(_cost_as(surface, part, r) or 0, r) for r in readings(surface, part)])
        if usual is None:
            return None
        out.append(usual)
    return "\u3000".join(out)


DISAGREE_JA = "フリガナが氏名の読み（辞書）と合いません（濁点・小さい文字などの読み違いの可能性）"


def _one_kana_off(read: str, reading: str) -> bool:
    """``read`` is ``reading`` with any one kana read as another, twin or not (タカハラ for 高橋's
    タカハシ, インカワ for 石川's イシカワ — both accepted at 0.86-0.88, paddle, round 14). On eight
    dumps 34 フリガナ were so close to a reading of their known 氏名 without being one: every one
    read wrong. A real rare reading so close costs a look, never a wrong value."""
    return len(read) == len(reading) and sum(a != b for a, b in zip(read, reading, strict=True)) == 1


def reading_check(kanji: str, kana: str) -> ReadingCheck:
    """Does the フリガナ ``kana`` read the 氏名 ``kanji``? (see the module docstring)."""
    k_parts, r_parts = kanji.split("\u3000"), kana.split("\u3000")
    if len(k_parts) != len(r_parts) or not all(k_parts) or not all(r_parts):
        return ReadingCheck("unknown")
    parts = ("姓", "名") if len(k_parts) == 2 else (None,) * len(k_parts)
    agreed = 0
    for k, r, part in zip(k_parts, r_parts, parts, strict=True):
        known = readings_as(k, part) if part else readings(k)
        if not known:
            continue
        near = twins(r)
        if r in known:
            if part and _rarer_twin(k, part, r, near & known):
                return ReadingCheck("disagree", RARER_READING_JA.format(k, r))
            if not near & known:  # 山崎: ヤマサキ and ヤマザキ both — a slip would agree too
                agreed += 1
            continue
        if near & known or any(_dropped_some(r, x) or _one_kana_off(r, x) or _one_added(r, x) for x in known):
            return ReadingCheck("disagree", DISAGREE_JA)
    return ReadingCheck("agree") if agreed == len(k_parts) else ReadingCheck("unknown")
