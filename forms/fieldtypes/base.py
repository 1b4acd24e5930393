"""What every field type offers: turn raw OCR text into a canonical value, and say whether it is valid.

One place per validation: the rules of a 和暦 date or a 標識番号 live in that type's module and
nowhere else, so the reader, the synthetic data and the robot all agree on what "valid" means.
Reasons are in Japanese because they are shown to the member of staff who reviews the field.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

Reason = str | None


@dataclass(frozen=True)
class Check:
    """The outcome of reading one raw string: canonical value (or None), validity and why not;
    ``note``: how a valid value was read where the read itself was not quite it (a date whose
    frame was put right), kept with the field for whoever looks later."""

    value: str | None
    ok: bool
    reason: Reason = None
    note: str | None = None


@dataclass
class FieldType(ABC):
    """A kind of field value. Instances carry the per-field ``rules`` from the form definition."""

    name: ClassVar[str] = "base"
    #: "text": read by OCR; "mark": decided from ink density (check boxes, circled numbers).
    kind: ClassVar[str] = "text"
    #: True for values that must never leave the reader in clear (個人番号).
    sensitive: ClassVar[bool] = False
    #: True where a wide blank gap in the writing is a meaningful space (姓　名): the reader
    #: recognises the parts separately and joins them with a 全角スペース.
    gap_is_space: ClassVar[bool] = False
    #: Shown when ``normalise`` cannot make sense of the text.
    unparsable_ja: ClassVar[str] = "読み取った文字を解釈できません"
    #: The dots a value of this type never holds (電話番号, 車台番号, フリガナ, 住所): one read between
    #: two characters is a speck of the scan or a slip, and the value is shown without it — for a
    #: person to confirm, never accepted (round 5: 7 of 2,712 handwritten fields, e.g. 070-3913-661.5).
    specks: ClassVar[str] = ""
    #: How many characters may be scored under 0.9 (``daiko.forms.reader.UNSURE``) in a value accepted
    #: without a person (None: no such limit, the thresholds decide). For a value no check digit or
    #: register vouches for, two half-sure characters are two chances of a slip.
    unsure_allowed: ClassVar[int | None] = None
    #: A value nothing vouches for (no check digit, no register): accepted with a character under
    #: this only where the second recogniser reads the same value, sure of each character the first
    #: was not; else a person compares it (None: the thresholds decide alone).
    confirm_under: ClassVar[float | None] = None
    #: The value ends in a check digit over all the others (個人番号). A 4 read as + or ± beside digits
    #: is then vouched for by it when the number holds, as any other misread digit is caught by it.
    has_check_digit: ClassVar[bool] = False

    rules: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.rules) - set(self.allowed_rules())
        if unknown:
            raise ValueError(
                f"field type '{self.name}' has no rule(s) {sorted(unknown)}; allowed: {sorted(self.allowed_rules())}"
            )

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        """Rule names a form definition may give this type (typos in YAML must not pass silently)."""
        return ()

    @abstractmethod
    def normalise(self, raw: str) -> str | None:
        """The canonical value for ``raw``, or None if it cannot be one of this type at all."""

    def validate(self, value: str) -> tuple[bool, Reason]:
        """Is the canonical ``value`` acceptable under this field's rules? (ok, reason in Japanese)."""
        return True, None

    def significant(self, raw: str) -> list[bool]:
        """Which characters of ``raw`` carry the value (their scores decide acceptance).

        All of them, except where a type knows a mark that is dropped anyway: the 〒 before a postal
        code is read at 0.5-0.7 (it looks like テ and 干) and would send a right code to review.
        """
        return [True] * len(raw)

    def frame_before(self, raw: str) -> bool:
        """Is writing found before the first character of ``raw`` a mark of the field's frame the
        recogniser dropped (the 〒 before a complete postal code), not a character of the value?
        The reader then does not ask whether a first character was lost."""
        return False

    def frame_after(self, raw: str) -> bool:
        """Is writing found after the last character of ``raw`` (or past the zone's rule) part of a
        mark closing the value that the recogniser read (a date's 日), not a character lost?"""
        return False

    def repair(
        self, raw: str, alternatives: tuple[tuple[tuple[str, float], ...], ...]
    ) -> tuple[str, int, float] | None:
        """For a read that is not valid: the read with one character replaced by one of the
        recogniser's runner-up readings of it that this type allows there, as (text, index,
        probability of the replacement); None when the type knows no such slot. The reader then
        scores the replaced character by that probability, so a doubtful repair goes to review."""
        return None

    def floors(self, raw: str) -> list[float]:
        """A score each written (non-space) character of ``raw`` needs in this type whatever the
        calibration, where the value itself says the recogniser may have drifted (a 旧字体 in a
        氏名); 0.0 for a character left to its class threshold. Round 5 accepted 藤井　惠子 for 恵子
        at 0.74. Rules of the type, not fitted: ``bench/calibrate.py`` leaves the fields they hold
        out of its fit."""
        return [0.0] * len("".join(raw.split()))

    def floor_note(self, raw: str, held: list[int]) -> str | None:
        """What staff should know of the characters ``held`` by ``floors`` (indices among the
        written characters of ``raw``), said before which characters to compare: why they need a
        sure score (「端天」は辞書にない言葉です). None: the character list says enough."""
        return None

    # How staff are told of a value ``likelier_read`` changed: 「{was}」を「{now}」… .
    likelier_ja: ClassVar[str] = (
        "「{}」を「{}」（よく使われる字体）として入れてあります。原本が旧字体なら直してください"
    )

    def likelier_read(self, raw: str, held: list[int]) -> str | None:
        """For a read held by ``floors``: the read with those characters as the type finds them
        likelier — a 旧字体 or 異体字 in its everyday form (恵子 read 惠子, 涼子 read 凉子), a 型式's
        last 5 as the S it mostly is. The reader shows it for review (``likelier_ja`` says so),
        never accepts it. None: keep the read."""
        return None

    def runner_up_word(
        self, raw: str, held: list[int], alternatives: list[tuple[tuple[str, float], ...]]
    ) -> str | None:
        """For a read held by ``floors`` because a word of it is none the type's dictionary knows
        (干尋 as a 名, 減失 in free text): the read with one ``held`` character replaced by one of
        the recogniser's runners-up for it (``alternatives``, one tuple per written character) that
        makes the word known — where exactly one does. The reader shows that value for review,
        never accepts it. None: no such replacement, or the type keeps no dictionary."""
        return None

    def missing_slot(self, raw: str) -> int | None:
        """For a read that is no value because one character was dropped where the type knows a
        character stands (a plate's kana between 分類番号 and serial): the place, as the number of
        written (non-space) characters of ``raw`` before it. The reader then reads that gap of the
        image again on its own, for a person to confirm. None: the type knows no such place."""
        return None

    def rescore(self, raw: str, alternatives: tuple[tuple[tuple[str, float], ...], ...]) -> dict[int, float]:
        """Scores for characters in slots where this type allows only a few characters: {index: the
        probability of the character read *given* the slot's alphabet}, from the recogniser's
        runners-up. Default: none (every character keeps the recogniser's own score)."""
        return {}

    def check(self, raw: str) -> Check:
        """normalise then validate: for a value read or typed."""
        value = self.normalise(raw)
        if value is None:
            return Check(None, False, self.unparsable_ja)
        ok, reason = self.validate(value)
        return Check(value, ok, reason)

    def no_digit_fits(self, read: str, specks: list[int], *, shown_counts: bool = False) -> bool:
        """The read without its ``specks`` (dots, colons where a frame holds none) makes a valid value,
        and no digit read in any speck's place makes another valid one (a plate's 79.31: no fifth
        serial digit; a date's 6.月: no month 60-69). Such a dot was no
        character and is not scored; one where a digit would also make a value (5.0: 50 or 510;
        1.月: 10-12) is for a person. Round 9: 16 of 16 such plates right; round 11: 4 of 4 dates.
        ``shown_counts``: a value the digit makes that is only shown for review counts too — a date's
        normaliser makes dates alone, a plate's makes values of what is no plate."""
        bare = self.check("".join(ch for i, ch in enumerate(read) if i not in specks))
        if not bare.ok:
            return False
        # That one a digit, the others specks still:
        return not any(self.digit_makes_another(read, at, bare.value, shown_counts, dropped=specks) for at in specks)

    def digit_makes_another(
        self, read: str, at: int, value: object, shown_counts: bool, *, dropped: Sequence[int] = ()
    ) -> bool:
        """Whether a digit read in place of ``read[at]`` (the characters at ``dropped`` left out) makes a
        value other than ``value`` — a valid one, or with ``shown_counts`` one only shown for review."""
        for digit in "0123456789":
            other = self.check(
                "".join(digit if i == at else ch for i, ch in enumerate(read) if i not in dropped or i == at)
            )
            if (other.ok or (shown_counts and other.value is not None)) and other.value != value:
                return True
        return False

    def check_read(self, raw: str) -> Check:
        """``check`` for what the recogniser read, with the slips of a scan a type knows of put
        right *for review*: a dot inside a value that holds none (``specks``). Typed values go
        through ``check`` alone: 070.1234.5678 typed is a format, not a speck."""
        found = self.check(raw)
        inner = re.compile(rf"(?<=\S)[{re.escape(self.specks)}](?=\S)") if self.specks else None
        if inner is not None and inner.search(raw):
            bare = self.check(inner.sub("", raw))
            if bare.ok:
                return Check(bare.value, False, SPECK_JA)
        if found.ok:
            return self.held_for_folds(found, raw)
        # The same dot with a gap beside it (042-975 .7846, held-back page 917298), where the read is no
        # value with it: a gap is where a hand lifts its pen, and a speck lands anywhere.
        spaced = rf"(?<=\S)\s+[{re.escape(self.specks)}]\s*(?=\S)|(?<=\S)[{re.escape(self.specks)}]\s+(?=\S)"
        if self.specks and re.search(spaced, raw) and (bare := self.check(re.sub(spaced, "", raw))).ok:
            return Check(bare.value, False, SPECK_JA)
        if _PLUS_BY_DIGIT.search(raw):
            four = self.check(_PLUS_BY_DIGIT.sub("4", raw))
            if four.ok:
                # Printed 個人番号 with a 4 read ± or + (once or twice), each held (four fresh draws: 6 of 6
                # right). Were one such digit not a 4, the check digit would still hold about 1.9 times in
                # 100 (random numbers, any one position).
                if self.has_check_digit:
                    return four
                read_as = "".join(f"「{c}」" for c in dict.fromkeys(m[0] for m in _PLUS_BY_DIGIT.finditer(raw)))
                return Check(four.value, False, PLUS_JA.format(read_as))
        return found

    def held_for_folds(self, found: Check, raw: str) -> Check:
        """``found`` (a valid read of ``raw``) held for a person where the type folded a letter that
        looks like more than one digit into one (``_unsure_folds``), the reason naming both."""
        unsure = self._unsure_folds(raw)
        if not unsure:
            return found
        said = "".join(f"「{ch}」を「{_UNSURE_FOLDS[ch][0]}」" for ch in unsure)
        others = "・".join(f"「{d}」" for ch in unsure for d in _UNSURE_FOLDS[ch][1:])
        return Check(found.value, False, UNSURE_FOLD_JA.format(said, others))

    def _unsure_folds(self, raw: str) -> list[str]:
        """The letters of ``raw`` that look like more than one digit and that this type folds into one
        (an S in a number, not the S of a 型式): whatever its score, the recogniser was sure of an S,
        not of a 5. 1S5S was accepted as 1555 for 1858 (held-back page 914929); on the kept dumps every
        other number read with an S (18) was wrong."""
        written = "".join(raw.split())
        value = self.normalise(written)
        if value is None:
            return []
        found: dict[str, None] = {}  # in reading order, each letter once (Ｓ and S are one)
        for i, ch in enumerate(written):
            letter = nfkc(ch)
            digits = _UNSURE_FOLDS.get(letter)
            if digits and self.normalise(written[:i] + digits[0] + written[i + 1 :]) == value:
                found[letter] = None
        return list(found)


# A 旧字体 of an everyday kanji read at less than this is the recogniser drifting between the two
# forms (FieldType.floors of 氏名 and free text).
VARIANT_FLOOR = 0.95


# ---- text helpers shared by the types ------------------------------------------------------

# Dots and commas the recogniser reads for a speck; the middle dots too where no 中黒 is written
# (a フリガナ's · is its gap, an address's ・ may be a building's: メゾン・ド).
SPECK_DOTS = ".．,，"
ALL_DOTS = SPECK_DOTS + "·•∙"


def variant_notes(written: str, held: list[int]) -> list[str]:
    """「惠」は「恵」の旧字体です, for each held character that is a 旧字体 of an everyday kanji."""
    from daiko.forms.reference.variants import everyday_form

    return [
        f"「{written[i]}」は「{common}」の旧字体・異体字です" for i in held if (common := everyday_form(written[i]))
    ]


def runs(written: str, positions: set[int]) -> list[tuple[str, int]]:
    """The runs of consecutive ``positions`` in ``written``: (text, start) — (端天, 4) for {4, 5} of
    図書館の端天."""
    out: list[tuple[str, int]] = []
    for i in sorted(positions):
        if out and out[-1][1] + len(out[-1][0]) == i:
            out[-1] = (out[-1][0] + written[i], out[-1][1])
        elif 0 <= i < len(written):
            out.append((written[i], i))
    return out


# A runner-up this likely or more may stand for the character read (干 0.65 beside 千 0.35, 減 0.62
# beside 滅 0.29); under it, the recogniser had no second thought worth showing.
RUNNER_UP_MIN = 0.1


def runner_up_candidates(
    raw: str, held: list[int], alternatives: list[tuple[tuple[str, float], ...]], known
) -> str | None:
    """``raw`` with one ``held`` written character replaced by a runner-up (at ``RUNNER_UP_MIN`` or
    more) for which ``known(new_raw)`` holds — the one such read, or None where none or several do.
    The one place a type's dictionary picks among the recogniser's second thoughts."""
    at = [i for i, ch in enumerate(raw) if not ch.isspace()]
    if len(at) != len(alternatives):
        return None
    found = {
        raw[: at[i]] + other + raw[at[i] + 1 :]
        for i in held
        for other, p in alternatives[i]
        if p >= RUNNER_UP_MIN and other != raw[at[i]] and len(other) == 1 and not other.isspace()
    }
    fits = [text for text in sorted(found) if known(text)]
    return fits[0] if len(fits) == 1 else None


def words_put_right(found: Check, fixes: list[tuple[str, str]], source: str) -> Check:
    """``found`` with each (as read, as meant) of ``fixes`` put right, for review: the reason says
    what was read as what, and from what (``source``: 辞書, 建物名によく使われる語)."""
    if not fixes:
        return found
    value = found.value or ""
    for read, meant in fixes:
        value = value.replace(read, meant, 1)
    said = "、".join(f"「{read}」を「{meant}」" for read, meant in fixes) + f"と読みました（{source}）"
    reason = f"{found.reason.rstrip('。')}。{said}" if found.reason else said
    return Check(value, False, f"{reason}。原本と見比べてください")


# A 4 whose top is open reads as + (held-back draws: 7207+11, 080-9319-79+2, R7.3.1+, 07+0, all
# printed), or as ± ((0±2)972-3238, 070-±029-8101, 〒35700±1: nine printed reads on the kept dumps,
# each a 4): where the value is no value with it, it is shown with a 4, for review. Beside a date's
# separator as well (R6/2/+ for R6/2/4, held-back page 917732).
# And between a 番 and a 号, where a 4 is the one digit (13番+号: held-back page 920264, and 920380 by
# both engines). And between a date's 年 and 月, or 月 and 日, where only digits stand (令和7年1月4日 with its
# 4 at 0.68 and + at 0.32: held-back page 930752).
_PLUS_BY_DIGIT = re.compile(r"(?<=[\d/.番年月])[+±]|[+±](?=[\d/.号月日])")
PLUS_JA = "{}を「4」と読みました。原本と見比べてください"


def plus_for_four(text: str, i: int, alt: str) -> bool:
    """Whether ``alt``, in place of the 4 at ``i`` of ``text``, is a + or ± standing where it would be
    read as that 4 (``_PLUS_BY_DIGIT``): the recogniser's belief split between two shapes of one digit."""
    if text[i] != "4" or alt not in "+±":
        return False
    swapped = text[:i] + alt + text[i + 1 :]
    return any(m.start() == i for m in _PLUS_BY_DIGIT.finditer(swapped))


# 口 read as a box: □ is no character of a place or a name (川□, 野□　大輔 — held-back pages 905082, 915382).
BOX_JA = "「□」を「口」と読みました。原本と見比べてください"
SPECK_JA = "文字の間の点は汚れとみなして除きました（文字の読み違いの可能性もあります）。原本と見比べてください"
# A mark that is no writing where it stands (a slash in an address, a colon after a sentence), named.
MARK_SPECK_JA = "「{}」は汚れとみなして外しました（文字の読み違いの可能性もあります）。原本と見比べてください"

_HYPHEN_LIKE = "-‐‑‒–—―−－"
# Characters that are one upright stroke: what a scan that kept only the uprights of writing reads as.
UPRIGHT_STROKES = frozenset("1Il|!i")


def nfkc(text: str) -> str:
    """Full-width digits/letters to ASCII, half-width kana to full-width: one form for everything."""
    return unicodedata.normalize("NFKC", text)


def one_character_off(read: str, meant: str) -> bool:
    """``read`` is ``meant`` with one character misread, or one left out (芦場 for 芦苅場, 吉 for 吉田):
    the slip a recogniser makes in a name it has no word for."""
    if len(meant) == len(read):
        return sum(a != b for a, b in zip(read, meant, strict=True)) == 1
    return len(meant) == len(read) + 1 and any(meant[:i] + meant[i + 1 :] == read for i in range(len(meant)))


def voicing_twins(ch: str) -> set[str]:
    """``ch`` with its 濁点/半濁点 taken away or added (カ ↔ ガ, ハ ↔ バ ↔ パ, ウ ↔ ヴ); empty for
    a character that has none. A 濁点 is a few pixels: the read without it is another valid kana."""
    out = set()
    base = unicodedata.normalize("NFD", ch)[:1]
    for mark in ("", "\u3099", "\u309a"):
        c = unicodedata.normalize("NFC", base + mark)
        if len(c) == 1 and c != ch:
            out.add(c)
    return out


def squash_spaces(text: str) -> str:
    """All whitespace (incl. 全角スペース) removed."""
    return "".join(text.split())


def unify_hyphens(text: str) -> str:
    """Any hyphen-like character (and ー/一/_ between digits) becomes ASCII '-'. An underscore is a
    hand's dash read low (625_6, JH1_2614985): on the kept dumps 9 such reads, every one a hyphen."""
    out = []
    for i, ch in enumerate(text):
        if ch in _HYPHEN_LIKE or (
            ch in "ーｰ一_" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        ):
            out.append("-")
        else:
            out.append(ch)
    return "".join(out)


def hyphens_at(text: str) -> list[int]:
    """Where in a read its hyphens stand, as :func:`unify_hyphens` sees them once spaces are out
    (any dash a recogniser gives; ー/一 between digits). The one place that finds the fixed hyphen
    of a value's shape (a 車台番号's, a plate serial's), which is not scored."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    bare = unify_hyphens("".join(text[i] for i in kept))
    return [kept[j] for j, ch in enumerate(bare) if ch == "-"]


# Letters that look like more than one digit, with the digit they are folded into first.
_UNSURE_FOLDS = {"S": "58", "B": "83", "Z": "27"}
UNSURE_FOLD_JA = "{}と読みました（{}の可能性もあります）。原本と見比べてください"
# Letters the recogniser returns inside digit-only fields; only applied where digits are expected.
# Round 14: a handwritten 9 read q (0q85, 155q, 080-4753-0q62: 7 reads on eight dumps, each a 9),
# a printed 1 read i (〒357-00i3, both engines).
DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "i": "1", "|": "1", "Z": "2", "S": "5", "B": "8", "q": "9"}
)


# (A gap the recogniser read between the katakana and the mark is no gap: コ 一ポ, held-back page 918594.)
_LONG_VOWEL_AFTER_KATAKANA = re.compile(r"(?<=[ァ-ヶー])\s?[一ｰ‐―—−](?![一-龥々])")
# An ASCII or full-width hyphen after katakana is ー unless a number follows (ハイツ-101 keeps it).
_HYPHEN_AFTER_KATAKANA = re.compile(r"(?<=[ァ-ヶー])[-－](?![一-龥々\d０-９])")


# Two long-vowel marks in a row stand in no word: one of them was another character (スマートウォッチ
# read スマーーウォッチ, its ト as ー at 0.92 — held-back page 912311).
# (After katakana only: a comment's よかったーー is emphasis.)
_DOUBLE_LONG_VOWEL = re.compile(r"[ァ-ヶ]ーー")
DOUBLE_LONG_VOWEL_JA = "長音「ー」が2つ続いています（ほかの文字の読み違いの可能性があります）。原本と見比べてください"


def held_for(found: Check, note: str, value: str | None = None) -> Check:
    """``found`` (or ``value`` in its place) held for review with ``note`` said after any reason it
    had already: the one way a read's own rule adds a doubt to what the type found."""
    return Check(found.value if value is None else value, False, note if found.ok else f"{found.reason}。{note}")


def double_long_vowel(found: Check) -> Check:
    """``found`` held for review, as it is, where its value has ーー; else ``found``."""
    if found.value is not None and _DOUBLE_LONG_VOWEL.search(found.value):
        return held_for(found, DOUBLE_LONG_VOWEL_JA)
    return found


def katakana_long_vowels(text: str) -> str:
    """一 (kanji one) or a dash right after katakana, not followed by kanji, is the long vowel ー.

    コ一ポ → コーポ, コ-ポ → コーポ, センタ一 → センター; ハイツ一号棟 keeps its 一 (a kanji
    follows), ハイツ-101 its hyphen (a number follows).
    """
    return _HYPHEN_AFTER_KATAKANA.sub("ー", _LONG_VOWEL_AFTER_KATAKANA.sub("ー", text))
