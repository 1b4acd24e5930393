"""Free text (車名, その他の内容, ご意見): width-normalised, optionally limited to a vocabulary.

A value outside ``vocabulary`` is never snapped to the nearest entry for acceptance — a guess
there would be silently wrong — it is sent to review; a read one slip from exactly one entry
(スズ, ヤハ, 日產産) is shown to the reviewer as that entry, to confirm. Only an entry read with a
kana's size or a 異体字 of its own (マッダ, 日產) is taken as that entry: those are one word in two
forms, not a guess (its characters' scores still decide).
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    MARK_SPECK_JA,
    SPECK_JA,
    UPRIGHT_STROKES,
    VARIANT_FLOOR,
    Check,
    FieldType,
    Reason,
    double_long_vowel,
    held_for,
    katakana_long_vowels,
    runner_up_candidates,
    runs,
    variant_notes,
    words_put_right,
)
from daiko.forms.fieldtypes.kana_name import repair_small_kana

_KATAKANA_RUN = re.compile(r"[ァ-ヶー]+")


# A Latin dot or comma between two Japanese characters is no Japanese writing (、。 are): a speck
# (図書館.の端末 accepted at 0.96 — round 10). Shown without it, for review; 3.5km and Ver.2 stand.
# So are an apostrophe, colon or semicolon there — a kanji's stroke read apart from it (図書館 read
# 図書食' at 0.73 and accepted, held-back page 920855; 図:信 on 916871); no truth of the kept dumps
# holds one between Japanese characters. Quotation marks (“えるぼし”認定) are writing, and stand.
_JAPANESE = "[\u3040-\u30ff\u3400-\u9fff々]"
_DOT_IN_WORDS = re.compile(rf"(?<={_JAPANESE})[.,'`:;](?={_JAPANESE})")
# And after the last Japanese character, where nothing is written (見づらいです read 見づらいです: by both
# recognisers at 0.999 and accepted, held-back page 924103 — round 23). A dot or comma there is
# left: it may be the 。 or 、 written small.
_MARK_AT_END = re.compile(rf"(?<={_JAPANESE})['`:;]+$")
# An upright or slanting stroke or an underscore between Japanese characters or after the last one is
# no writing of a sentence (図書館|の端末): a piece of a character the scan broke off, or a speck. Found
# by reading every free text of the forms with each mark put in, every character at 1.0: accepted
# before (round 23). Held as read — which it was, a person sees; a slash (平日/休日) and a wave dash
# (月~金) are writing, and stand.
_STROKE_IN_WORDS = re.compile(rf"(?<={_JAPANESE})[|\\_](?={_JAPANESE}|$)")
STROKE_IN_WORDS_JA = "「{}」は文字の一部か汚れの可能性があります。原本と見比べてください"


# A gap read as a space between two Japanese characters (図書館の端末 read 図書 館の端末 by both engines
# at 0.97-0.998 and accepted, held-back page 914811): Japanese is written without spaces, so the gap
# is the pen's, or a character the scan lost. Shown closed up, for review; on the kept dumps no free
# text was written with such a space, and the two read so were both wrong.
_SPACE_IN_WORDS = re.compile(rf"(?<={_JAPANESE})\s+(?={_JAPANESE})")
SPACE_JA = "文字の間の空白を詰めました（文字を読み落とした可能性もあります）。原本と見比べてください"


# ゃゅょ follow only a kana of the い段 (きょう): after another hiragana the size was misjudged
# (できるょうに, paddleocr, held-back page 924967 — round 23), as a katakana's is (``normalise``).
_SMALL_YA_MISPLACED = re.compile(r"(?<=[ぁ-ゖ])(?<![きしちにひみりぎじぢびぴ])[ゃゅょ]")


# A katakana that has a hiragana of the same shape (へ/ヘ, り/リ), standing alone between hiragana or
# kanji, is that hiragana: no word of a sentence is one katakana letter (火災によリ焼失, accepted at 0.89
# on held-back page 918478 — the bench's truth has the hiragana; on four draws' dumps no other such read).
_LONE_KATAKANA_TWIN = re.compile(r"(?<=[ぁ-ゖ一-龥々])[ヘベペリ](?=[ぁ-ゖ一-龥々])")


class Text(FieldType):
    """Rules: ``max_len``, ``vocabulary`` (list of accepted values), ``pattern``."""

    name: ClassVar[str] = "text"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("max_len", "vocabulary", "pattern")

    def normalise(self, raw: str) -> str | None:
        text = "".join(
            unicodedata.normalize("NFKC", c) if ord(c) < 0x3000 or 0xFF00 <= ord(c) <= 0xFFEF else c for c in raw
        )
        text = katakana_long_vowels(" ".join(text.split()))
        # A small kana where none can stand in a katakana word (オンラィン): the size misjudged, as
        # in a フリガナ (kana_name.repair_small_kana); ウィ, ティ, フィ keep theirs.
        text = _KATAKANA_RUN.sub(lambda m: repair_small_kana(m[0]), text)
        # So in hiragana (``_SMALL_YA_MISPLACED``).
        text = _SMALL_YA_MISPLACED.sub(lambda m: chr(ord(m[0]) + 1), text)
        text = _LONE_KATAKANA_TWIN.sub(lambda m: chr(ord(m[0]) - 0x60), text)
        return self._entry_as_written(text) or text or None

    def _entry_as_written(self, text: str) -> str | None:
        """The one vocabulary entry ``text`` is, read with a kana's size or a 異体字 of its own (マッダ,
        日產): no two entries of a list differ only so, and nobody writes マッダ for another maker.
        None when ``text`` is an entry already, or is none of them so."""
        vocabulary = [str(v) for v in self.rules.get("vocabulary") or ()]
        if not vocabulary or not text or text in vocabulary:
            return None
        from daiko.forms.fieldtypes.kana_name import large_kana
        from daiko.forms.reference.variants import same_text

        same = [v for v in vocabulary if same_text(large_kana(text), large_kana(v))]
        return same[0] if len(same) == 1 else None

    def significant(self, raw: str) -> list[bool]:
        """A read that is an entry of its ``vocabulary`` with no other entry a slip away from it
        (ダイハツ: no マイハツ, ダイハシ in the list) is not scored character by character: a misread
        character would have made a value the list does not hold — held as such — so a weak one says
        nothing. Its line score still counts. On seven dumps (both engines) ~2,700 車名 reads were
        an entry: none wrong, and 135 of them held right for a weak character (ツ of ダイハツ at 0.74)."""
        vocabulary = [str(v) for v in self.rules.get("vocabulary") or ()]
        value = self.check(raw).value if vocabulary else None
        if value not in vocabulary or any(_one_slip(value, v) for v in vocabulary if v != value):
            return [True] * len(raw)
        return [False] * len(raw)

    def floors(self, raw: str) -> list[float]:
        """0.95 for a 旧字体 of an everyday kanji: free text is written in everyday forms, and one read
        at less is the recogniser drifting (高齢 read 高齡 at 0.79-0.81 and accepted). ``WORD_FLOOR``
        (a perfect score) for kanji that make no word where they stand (``words.strange_kanji``: 端末
        read 端天 at 0.92-0.995) — outside a list of values, where a vocabulary decides."""
        from daiko.forms.reference.variants import everyday_form

        text = "".join(raw.split())
        if not any(self.significant(raw)):
            return [0.0] * len(text)  # an entry of the list as written (日產 for 日産): the list vouches
        strange = set() if self.rules.get("vocabulary") or not text else _strange_kanji(text)
        twins = {m.start() for m in _SIZE_TWIN.finditer(text)}

        def floor(i: int, ch: str) -> float:
            if i in strange:
                return WORD_FLOOR
            if everyday_form(ch):
                return VARIANT_FLOOR
            return SIZE_TWIN_FLOOR if i in twins else 0.0

        return [floor(i, ch) for i, ch in enumerate(text)]

    def runner_up_word(
        self, raw: str, held: list[int], alternatives: list[tuple[tuple[str, float], ...]]
    ) -> str | None:
        """Kanji that make no word (``words.strange_kanji``) made a word by a runner-up of one held
        character (災害により減失: 滅 at 0.29 beside 減 at 0.62 → 滅失), no other kanji made strange
        by it. Free text only: where a vocabulary decides, it puts a value right itself."""
        if self.rules.get("vocabulary"):
            return None
        strange = _strange_kanji("".join(raw.split()))
        stays = strange - set(held)  # strange kanji the replacement may leave as they are
        return runner_up_candidates(
            raw, sorted(strange & set(held)), alternatives, lambda t: _strange_kanji("".join(t.split())) <= stays
        )

    def likelier_read(self, raw: str, held: list[int]) -> str | None:
        """Free text is written in everyday forms (``floors``): a held 旧字体 is shown in the everyday
        form that makes the likeliest sentence (janome's cost: 図書馆 → 図書館, not 舘; 高齡者 →
        高齢者), unless every form leaves a kanji making no word where none was (ja-itaiji's families
        reach odd pairs: 鲁 → 旅). Free text only: a vocabulary puts its own values right."""
        from daiko.forms.reference.variants import everyday_forms
        from daiko.forms.reference.words import sentence_cost

        if self.rules.get("vocabulary"):
            return None
        strange = _strange_kanji("".join(raw.split()))
        fixed, at = raw, 0
        for i, ch in enumerate(raw):
            if not ch.isspace() and at in held:
                options = [fixed[:i] + form + fixed[i + 1 :] for form in everyday_forms(ch)]
                options = [t for t in options if _strange_kanji("".join(t.split())) <= strange]
                fixed = min(options, key=sentence_cost, default=fixed)
            at += not ch.isspace()
        return fixed if fixed != raw else None

    def floor_note(self, raw: str, held: list[int]) -> str | None:
        written = "".join(raw.split())
        from daiko.forms.reference.variants import everyday_form

        variants = variant_notes(written, held)  # 齡: its everyday form says more than "no word"
        plain = {i for i in held if not everyday_form(written[i])}
        strange = set() if self.rules.get("vocabulary") else _strange_kanji(written)
        words = [w for w, at in runs(written, strange) if plain & set(range(at, at + len(w)))]
        twins = [
            SIZE_TWIN_JA.format(m[0], m[0].translate(_SMALL_VOWEL))
            for m in _SIZE_TWIN.finditer(written)
            if m.start() in held
        ]
        return "。".join([f"「{w}」は辞書にない言葉です" for w in words] + variants + twins) or None

    def check_read(self, raw: str) -> Check:
        found = super().check_read(raw)
        if found.value is not None and set(found.value.replace(" ", "")) <= UPRIGHT_STROKES:
            return Check(found.value, False, STROKES_ONLY_JA)
        if found.value is not None and _DOT_IN_WORDS.search(found.value):
            bare = self.check(_DOT_IN_WORDS.sub("", found.value))
            if bare.value is not None:
                return Check(bare.value, False, SPECK_JA)
        if found.value is not None and (end := _MARK_AT_END.search(found.value)):
            bare = self.check(found.value[: end.start()])
            if bare.value is not None:
                return Check(bare.value, False, MARK_SPECK_JA.format(end[0]))
        vocabulary = self.rules.get("vocabulary")
        if not vocabulary and found.value is not None and (stroke := _STROKE_IN_WORDS.search(found.value)):
            return held_for(found, STROKE_IN_WORDS_JA.format(stroke[0]))
        if not vocabulary and found.value is not None:
            found = _space_closed_up(found)
            return _start_cut_short(_ending_cut_short(double_long_vowel(_grammar_put_right(_words_put_right(found)))))
        if found.ok or found.value is None or not vocabulary or found.value in vocabulary:
            return found
        near = [str(v) for v in vocabulary if _one_slip(found.value, str(v))]
        if len(near) != 1:
            return found
        return Check(near[0], False, f"{found.reason}（一覧の「{near[0]}」を入れてあります。原本と見比べてください）")

    def validate(self, value: str) -> tuple[bool, Reason]:
        vocabulary = self.rules.get("vocabulary")
        if vocabulary and value not in vocabulary:
            return False, f"「{value}」は一覧にない値です"
        pattern = self.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return False, "形が正しくありません"
        if len(value) > int(self.rules.get("max_len", 200)):
            return False, "長すぎます"
        return True, None


def _space_closed_up(found: Check) -> Check:
    if found.value is None or not _SPACE_IN_WORDS.search(found.value):
        return found
    return held_for(found, SPACE_JA, _SPACE_IN_WORDS.sub("", found.value))


def _words_put_right(found: Check) -> Check:
    """Free text with a katakana word read off by a 濁点 (コンピニ) or one kana (パソニン) shown with the
    word, for review: round 5's held-back pages held 5 such comments, all sent to review as misread."""
    from daiko.forms.reference.words import katakana_word_fixes

    return words_put_right(found, katakana_word_fixes(found.value or ""), "辞書")


def _grammar_put_right(found: Check) -> Check:
    """Free text with a kana whose 濁点 twin makes it ordinary Japanese (見づらいてす) shown with the
    twin, for review: three such comments were accepted at 0.96-0.99 on the bench's draws. Likewise a
    lone katakana as the hiragana the sentence wants (見ブらいです → 見づらいです)."""
    from daiko.forms.reference.words import lone_katakana_by_grammar, voicing_by_grammar

    fixed = lone_katakana_by_grammar(found.value or "") or voicing_by_grammar(found.value or "")
    if fixed is None:
        return found
    said = (
        "、".join(GRAMMAR_JA.format(a, b) for a, b in zip(found.value or "", fixed, strict=True) if a != b)
        + GRAMMAR_END_JA
    )
    return Check(fixed, False, f"{found.reason.rstrip('。')}。{said}" if found.reason else said)


GRAMMAR_JA = "「{}」を「{}」"
GRAMMAR_END_JA = "と読みました（前後の言葉から、辞書）。原本と見比べてください"
# Free text read as nothing but upright strokes (家族のパソコン read 1 at 0.997 and accepted, held-back
# page 920191): on eight dumps every text, name or address so read, 17, was writing the scan had all
# but lost — the rest went to review as no value of their type.
STROKES_ONLY_JA = "縦線のような文字しか読み取れません（記入が薄く写っていない可能性があります）。原本で確かめてください"
# A kanji that makes no word where it stands needs this score (Text.floors): only a perfect one.
# Round 7 set 0.99; 図書館の端天 was then accepted at 0.995 (held-back page 906367). On eight
# draws (4,800 pages) 81 free texts held such kanji, every one of them read wrong.
WORD_FLOOR = 1.0
# A large vowel kana after the katakana that take a small one in loanwords (ウォ, ファ, ティ, シェ):
# the small one is the same shape, smaller, and either spelling makes a word (ウオッチ and ウォッチ).
# スマートウォッチ read ウオッチ at 0.75 and accepted (held-back page 917983); on five draws' dumps
# (both engines) every such vowel read right was read at 0.9 or more — 50 of them.
SIZE_TWIN_FLOOR = 0.9
_SIZE_TWIN = re.compile(r"(?<=[ウフテデシジチヴツトド])[アイウエオ]")
_SMALL_VOWEL = str.maketrans("アイウエオ", "ァィゥェォ")
SIZE_TWIN_JA = "「{}」は小さい「{}」の読み違いの可能性があります"


# A request cut short at its last kana (増やしてくださ, してほし: the recogniser dropped the closing い
# at 0.98-0.99; six such comments on the kept dumps, every one wrong, two accepted — round 14). No
# sentence ends so; shown with the い, for review.
# A negative cut short at its ん (特にありませ for 特にありません, read so by both engines at 0.996-0.998
# on held-back page 914511 and accepted): only ください/なさい end a sentence in ませ (くださいませ).
_CUT_ENDINGS = {"い": re.compile(r"(?:くださ|下さ|ほし|欲し)$"), "ん": re.compile(r"(?<!さい)ませ$")}
ENDING_CUT_JA = "文末の「{}」を補いました（読み落としの可能性）。原本と見比べてください"


def _ending_cut_short(found: Check) -> Check:
    for lost, ending in _CUT_ENDINGS.items():
        if found.value is not None and ending.search(found.value):
            return held_for(found, ENDING_CUT_JA.format(lost), found.value + lost)
    return found


# A text whose first word is a particle (のパソコン for 家族のパソコン, により漏失 for 災害により滅失):
# no sentence begins so — its first characters were lost. On the kept dumps 16 such reads, every one
# wrong, 2 accepted by paddle at 0.999.
START_CUT_JA = "先頭の文字を読み落とした可能性があります（助詞で始まっています）。原本と見比べてください"


# An upright stroke before the first Japanese character is what is left of a character the scan
# half lost (家族のパソコン read 1族のパソコン at 0.82 and accepted, held-back page 921631; ı族, |館, īの
# on the draws before): no truth of the kept dumps starts with a digit or letter before Japanese.
# A 1 before a counter (1日に, 1台の) is a number, and stands. So are a slanting stroke, an underscore,
# a wave or a caret there (/防災メール…, ~防災…: accepted at full scores before — round 23, found by
# reading every free text with each mark put in).
_STROKE_FIRST = re.compile(rf"^([{''.join(sorted(UPRIGHT_STROKES))}ıī/\\_~^]){_JAPANESE}")
STROKE_FIRST_JA = "先頭の「{}」は読み落とした文字の一部の可能性があります。原本と見比べてください"


def _start_cut_short(found: Check) -> Check:
    from daiko.forms.reference.words import _tokens

    if not found.value:
        return found
    tokens = _tokens(found.value)
    if stroke := _STROKE_FIRST.match(found.value):
        counted = stroke[1] == "1" and len(tokens) > 1 and tokens[1].part_of_speech.endswith("助数詞,*")
        if not counted:
            return held_for(found, STROKE_FIRST_JA.format(stroke[1]))
    if not tokens[0].part_of_speech.startswith("助詞"):
        return found
    return held_for(found, START_CUT_JA)


def _strange_kanji(text: str) -> set[int]:
    from daiko.forms.reference.words import strange_kanji

    return strange_kanji(text)


def _one_slip(read: str, entry: str) -> bool:
    """``read`` is ``entry`` with one character dropped, added or misread — comparing 異体字, width
    and small/large kana as one (日產 is 日産, ダィハツ is ダイハツ)."""
    from daiko.forms.fieldtypes.kana_name import large_kana
    from daiko.forms.reference.variants import same_char

    a, b = large_kana(read), large_kana(entry)
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1:
        return False
    i = 0
    while i < len(b) and same_char(a[i], b[i]):
        i += 1
    if len(a) == len(b):
        return all(same_char(x, y) for x, y in zip(a[i + 1 :], b[i + 1 :], strict=True))
    return all(same_char(x, y) for x, y in zip(a[i + 1 :], b[i:], strict=True))
