"""標識番号 (number plates) in one canonical spacing.

Two shapes reach the 税務課:
- 原付・小型特殊 (the city's own plates): ``飯能市 あ 1234`` — 市区町村名, a hiragana, 1-4 digits;
- 軽自動車 (軽自動車検査協会): ``所沢 480 あ 12-34`` — 地名, 分類番号 (1-3 digits),
  a hiragana, and the 一連指定番号 shown ``12-34`` when it has 4 digits and dot-padded
  (``・123``, ``・・・1``) when shorter;
- 二輪 (軽二輪・小型二輪): ``所沢 ろ 4087`` — the same without the 分類番号.

OCR slips seen: the kana lost, read as katakana (ア for あ), spaces dropped or doubled, ー for
the hyphen. Katakana in the kana slot is folded back to hiragana (plates never use katakana);
a missing kana is *not* guessed — the value does not parse and goes to review (the reader reads
the gap it left again, on its own, and shows what it finds there to the reviewer). お・し・へ・ん
are never issued on 運輸支局 / 検査協会 plates, so such a plate is invalid; a 市区町村 numbers its
own 原付 plates and may use any hiragana.
"""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    BOX_JA,
    DIGIT_LOOKALIKES,
    SPECK_JA,
    Check,
    FieldType,
    Reason,
    hyphens_at,
    nfkc,
    squash_spaces,
)

_KANJI = r"[一-龥々ヶ]"
_KEI = re.compile(
    rf"^(?P<region>{_KANJI}{{1,4}})(?P<cls>\d{{1,3}})(?P<kana>[ぁ-ゖ])(?P<serial>\d{{1,4}}|\d{{2}}-\d{{2}}|・{{1,3}}\d{{1,3}})$"
)
# 二輪 (軽二輪・小型二輪) plates from the 運輸支局 carry no 分類番号: ``所沢 ろ 4087``.
_NIRIN = re.compile(rf"^(?P<region>{_KANJI}{{1,4}})(?P<kana>[ぁ-ゖ])(?P<serial>\d{{1,4}}|\d{{2}}-\d{{2}})$")
_MUNI = re.compile(rf"^(?P<muni>{_KANJI}{{1,6}}[市区町村])(?P<kana>[ぁ-ゖ])(?P<serial>\d{{1,4}})$")
_DOTS = str.maketrans({".": "・", "·": "・", "•": "・", "･": "・", "‧": "・", "∙": "・"})
NEVER_ISSUED = "おしへん"
# Every hiragana a plate can carry (a 市区町村 may use any for its own 原付 plates).
PLATE_HIRAGANA = set("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん")
# In the kana slot (between the 分類番号 / 市名 and the serial) only a hiragana can stand; these
# readings have exactly one hiragana they can be. Anything else there is left to review.
_KANA_SLOT = {"二": "こ", "<": "く", "〈": "く", "廿": "せ"}
# Plates never carry small kana: a small one is the recogniser misjudging size (つ read as っ).
_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")


_DOT_CHARS = "・.·•･‧∙"
# A digit where the kana stands is taken for a misread kana only where the recogniser gave a plate
# hiragana this much there: below it, the class number's own digit and a kana dropped beside it.
# A 市区町村's plate has no class number: of five digits after 飯能市 the first can only be the kana
# (a handwritten ろ read 3 at 0.998, ら read 5), so any plate hiragana among its runners-up is shown —
# at its own tiny score, for review, where the register may confirm it (held-back pages 909454,
# 909986, 910122, 910502, 910594: five plates staff typed from scratch). So can the last of the digits
# before a 軽's serial where they are no 分類番号 with it (越谷50358-87, 練馬580375-93, 所沢50331-64 for
# ろ, its runner-up at 0.001-0.046: held-back pages 917398, 917622, 917654).
DIGIT_SLOT_MIN = 0.05
SPECK_SURE_NOTE = "文字の間の点は汚れとみなして除きました（数字の入らない位置の点）"


def _slot_kana(ch: str) -> str | None:
    """The plate hiragana ``ch`` stands for in the kana slot (リ → り, っ → つ, < → く), or None."""
    kana = _KANA_SLOT.get(ch) or _kana_to_hiragana(ch).translate(_SMALL_KANA)
    return kana if len(kana) == 1 and kana in PLATE_HIRAGANA else None


def _slot_dot(ch: str) -> str | None:
    """'・' for a padding dot, the digit for a digit (the two things a serial's place can hold)."""
    c = nfkc(ch)
    return "・" if ch in _DOT_CHARS else (c if len(c) == 1 and c.isdigit() else None)


def _slot_probability(alts: tuple[tuple[str, float], ...], target: str, slot) -> float:
    mass: dict[str, float] = {}
    named = 0.0
    for a, p in alts:
        named += p
        key = slot(a)
        if key is not None:
            mass[key] = mass.get(key, 0.0) + p
    unnamed = max(0.0, 1.0 - named)
    return round(mass.get(target, 0.0) / max(1e-9, sum(mass.values()) + unnamed), 5)


def _kei_class(digits: str) -> bool:
    """A 軽自動車's 分類番号 can be ``digits``: two digits (40, 50), or three with 8 in the middle
    (480, 580 — the numbers added when the two-digit ones ran out)."""
    return len(digits) == 2 or (len(digits) == 3 and digits[1] == "8")


def _kana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def format_kei_serial(digits: str) -> str:
    """'1234' → '12-34', '123' → '・123', '1' → '・・・1' (as printed on the plate)."""
    return f"{digits[:2]}-{digits[2:]}" if len(digits) == 4 else "・" * (4 - len(digits)) + digits


class Plate(FieldType):
    """Rules: ``regions`` (accepted 地名 on 軽自動車 plates), ``municipalities`` (accepted on 原付 plates)."""

    name: ClassVar[str] = "plate"
    unparsable_ja: ClassVar[str] = "標識番号の形（例: 飯能市 あ 1234 / 所沢 480 あ 12-34）として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("regions", "municipalities")

    def repair(
        self, raw: str, alternatives: tuple[tuple[tuple[str, float], ...], ...]
    ) -> tuple[str, int, float] | None:
        """The kana slot read as a kanji or symbol (む → 古, ま → 末): the recogniser's best runner-up
        there that is a hiragana issued on plates, if it had one. Its probability becomes the
        character's score, so only a sure second reading is accepted."""
        if len(alternatives) != len(raw):
            return None
        slots = [
            m.start(1) for m in re.finditer(r"(?:(?<=\d)|(?<=[市区町村]))\s*([^\sぁ-ゖ\d・.])\s*(?=[\d・.·•])", raw)
        ]
        # The kana read as a digit: the last of the digits before a 12-34 or ・123 serial (練馬580595-04,
        # 所沢50530-14), or the first of five after a 市区町村 (飯能市36504), where a 原付's number has
        # four. Only a runner-up that is a plate hiragana is taken, at its own probability.
        kei = re.fullmatch(
            rf"\s*{_KANJI}{{1,4}}\s*(\d{{2,3}})\s*(\d)\s*(?:\d{{2}}-\d{{2}}|[{_DOT_CHARS}]{{1,3}}\d{{1,3}})\s*", raw
        )
        muni = re.fullmatch(rf"\s*{_KANJI}{{1,5}}[市区町村]\s*(\d)\s*\d{{4}}\s*", raw)
        # Where the digits before the serial are no 分類番号 (5803, 503: a 軽's three-digit class has
        # 8 in the middle — 480, 580), the last of them can only be the kana, as after a 市区町村.
        kana_only = muni is not None or (kei is not None and not _kei_class(kei[1] + kei[2]))
        if kei:
            slots.append(kei.start(2))
        elif muni:
            slots.append(muni.start(1))
        for i in slots:
            allowed = [
                (kana, p)
                for a, p in alternatives[i]
                if len(kana := _kana_to_hiragana(a).translate(_SMALL_KANA)) == 1 and kana in PLATE_HIRAGANA
            ]
            if allowed:
                kana, p = max(allowed, key=lambda ap: ap[1])
                if raw[i].isdigit() and p < DIGIT_SLOT_MIN and not kana_only:
                    continue  # a sure digit: the kana was dropped, and the gap is read again instead
                return raw[:i] + kana + raw[i + 1 :], i, p
        return None

    def check_read(self, raw: str) -> Check:
        """A dot, colon or = between two digits (2.6-08, 1:7-83), before the kana (飯能市.や) or after
        the 地名 (大宮.40) is a speck — a serial's padding dots stand after the kana only — and the
        value is taken without it: on its scores where no digit could stand there, else for review;
        a 地名 or 市区町村名 one character off exactly one the
        field knows (所沪, 饭能市: read in a simplified form) is shown as that one."""
        found = super().check_read(raw)
        if found.ok:
            return found
        specks, bare = self._specks(raw)
        if specks and (cleaned := self.check(bare)).ok:
            if self.no_digit_fits(raw, specks):
                return Check(cleaned.value, True, note=SPECK_SURE_NOTE)
            return Check(cleaned.value, False, SPECK_JA)
        # □ is no character of a place: the 口 of 川口 read as a box (held-back pages 905082, 905142) —
        # shown so, for review: an illegible 越 may come out as a box too.
        boxed = re.sub(rf"(?<={_KANJI})□|□(?={_KANJI})", "口", raw)
        if boxed != raw and (unboxed := self.check(boxed)).ok:
            return Check(unboxed.value, False, BOX_JA)
        return self._place_put_right(found)

    @staticmethod
    def _specks(raw: str) -> tuple[list[int], str]:
        """Where a dot, colon or = stands that no plate holds — between two digits, before the kana,
        after the 地名, or after the kana before a four-digit serial (も.55-25: no padding dot) — and
        the read without them."""
        specks = [
            m.start()
            for m in re.finditer(
                rf"(?<=\d)[.:=·](?=\d)|(?<=[市区町村\d])[.:=·](?=[ぁ-ゖ])|(?<=[ぁ-ゖ])[:=](?=\d)"
                rf"|(?<={_KANJI})[.:=·](?=\d)|(?<=[ぁ-ゖ])[.,:=·](?=\d{{2}}-?\d{{2}}$)",
                raw,
            )
        ]
        return specks, "".join(ch for i, ch in enumerate(raw) if i not in specks)

    def significant(self, raw: str) -> list[bool]:
        """A speck where no digit fits (``FieldType.no_digit_fits``) is not scored: it is no character.
        Nor is the hyphen of a valid plate's four-digit serial (12-34): its place is fixed by the
        shape, as a 車台番号's is — a handwritten one read at 0.49–0.83 held 4 right plates on four
        dumps, and was under 0.9 in none read wrong but for a weak digit or kana that still counts."""
        specks, bare = self._specks(raw)
        if specks and self.check(bare).ok and self.no_digit_fits(raw, specks):
            return [i not in specks for i in range(len(raw))]
        keep = [True] * len(raw)
        dashes = hyphens_at(raw)  # a valid plate has one only, between the serial's pairs
        if len(dashes) == 1 and self.check(raw).ok:
            keep[dashes[0]] = False
        return keep

    def _known_places(self) -> list[str]:
        """The 地名 and 市区町村名 this field's plates may carry (rules ``regions``, ``municipalities``)."""
        return [str(p) for p in [*(self.rules.get("regions") or ()), *(self.rules.get("municipalities") or ())]]

    def _place_put_right(self, found: Check) -> Check:
        if found.value is None:
            return found
        place = found.value.split(" ")[0]
        known = self._known_places()
        near = [p for p in known if len(p) == len(place) and sum(a != b for a, b in zip(p, place, strict=True)) == 1]
        if len(near) != 1 or place in known:
            return found
        fixed = self.check(near[0] + found.value[len(place) :])
        if not fixed.ok:
            return found
        return Check(fixed.value, False, f"{found.reason}（「{near[0]}」として入れてあります。原本と見比べてください）")

    def missing_slot(self, raw: str) -> int | None:
        """A 軽自動車 plate read without its kana (春日部48096-51, 大宮4057-64): the 12-34 or ・・12
        serial fixes where the 分類番号 ends, and so the gap the kana left. A 市区町村's plate
        (飯能市7903): the kana stands right after the 市区町村名."""
        text = squash_spaces(nfkc(raw).translate(_DOTS))
        m = re.fullmatch(
            rf"({_KANJI}{{1,4}}\d{{1,3}})(?:\d{{2}}[-ー－一―‐−]\d{{2}}|・{{1,3}}\d{{1,3}})", text
        ) or re.fullmatch(rf"({_KANJI}{{1,5}}[市区町村])\d{{1,4}}", text)
        return len(m[1]) if m else None

    def rescore(self, raw: str, alternatives: tuple[tuple[tuple[str, float], ...], ...]) -> dict[int, float]:
        """The kana slot and the serial's padding dots scored within what may stand there.

        In the kana slot only a plate hiragana can stand, so the recogniser's belief in 元, μ, ♂ or
        the katakana twin リ (え at 0.60 beside 元 at 0.40; り split 0.60 リ / 0.39 り) is belief in
        no plate at all: the slot's score is the probability of the read kana among the plate
        hiragana the runners-up name (リ counting as り, < and 〈 as く). The probability the
        runners-up leave unnamed is counted against it, as if all of it were other hiragana, so
        the score never overstates. A padding dot is scored among dots and digits the same way.
        Only where the recogniser's own first choice is the character kept (a slot repaired from a
        runner-up keeps that runner-up's raw probability)."""
        if len(alternatives) != len(raw):
            return {}
        out: dict[int, float] = {}
        written = [(i, ch) for i, ch in enumerate(raw) if not ch.isspace()]
        out.update(self._place_scores(written, alternatives))
        for n, (i, ch) in enumerate(written):
            prev = written[n - 1][1] if n else ""
            nxt = written[n + 1][1] if n + 1 < len(written) else ""
            alts = alternatives[i]
            if not alts:
                continue
            if (prev.isdigit() or prev in "市区町村") and (nxt.isdigit() or nxt in _DOT_CHARS):
                kana = _slot_kana(ch)
                if kana is not None and _slot_kana(alts[0][0]) == kana:
                    out[i] = _slot_probability(alts, kana, _slot_kana)
            elif ch in _DOT_CHARS and _slot_dot(alts[0][0]) == "・":
                out[i] = _slot_probability(alts, "・", _slot_dot)
        return out

    def _place_scores(
        self, written: list[tuple[int, str]], alternatives: tuple[tuple[tuple[str, float], ...], ...]
    ) -> dict[int, float]:
        """The 地名 or 市区町村名, where it is one the field knows (``regions``, ``municipalities``),
        scored among those: each character by the probability of its place among the places its
        runners-up would make (州越, 山越 make none; 川 at 0.57 in 川越 is no doubt about the plate),
        the probability they leave unnamed counted against it. A handwritten 川, 宮, 沢 or 摩 held 10
        of 43 right plates reviewed on three held-back draws, all at 0.46-0.68."""
        known = set(self._known_places())
        chars = "".join(ch for _, ch in written)
        place = re.match(rf"{_KANJI}+", chars)
        if place is None or place[0] not in known:
            return {}
        name, out = place[0], {}
        for n, (i, ch) in enumerate(written[: len(name)]):
            alts = alternatives[i]
            if alts and alts[0][0] == ch:

                def as_place(a: str, n: int = n) -> str | None:
                    other = name[:n] + a + name[n + 1 :]
                    return other if len(a) == 1 and other in known else None

                out[i] = _slot_probability(alts, name, as_place)
        return out

    def normalise(self, raw: str) -> str | None:
        text = squash_spaces(nfkc(raw).translate(_DOTS))
        # ー / － / 一 between digits is the hyphen of 12-34.
        text = re.sub(r"(?<=\d)[ー－一―‐−](?=\d)", "-", text)
        text = re.sub(r"(?<=[\d・])[ァ-ヶ]|[ァ-ヶ](?=[\d・])", lambda m: _kana_to_hiragana(m[0]), text)
        text = text.translate(_SMALL_KANA)
        text = re.sub(r"(?<=\d)[二<〈廿](?=[\d・])|(?<=[市区町村])[二<〈廿](?=\d)", lambda m: _KANA_SLOT[m[0]], text)
        # Lookalike letters only inside the digit runs (after the kana / inside the class number); a
        # handwritten 9 reads q (所沢 50 も3q-42, held-back page 923666, both engines).
        text = (
            re.sub(r"[OoDIlZSBq|]", lambda m: m[0].translate(DIGIT_LOOKALIKES), text)
            if re.search(r"\d", text)
            else text
        )
        m = _KEI.match(text)
        if m:
            serial = m["serial"].replace("-", "").lstrip("・")
            if len(serial) == 4 and "-" not in m["serial"] and m["serial"].startswith("0"):
                return None  # 一連番号 never has a leading zero: 0123 is a misread
            return f"{m['region']} {m['cls']} {m['kana']} {format_kei_serial(serial)}"
        m = _MUNI.match(text)
        if m:
            return f"{m['muni']} {m['kana']} {m['serial']}"
        m = _NIRIN.match(text)
        if m:
            return f"{m['region']} {m['kana']} {m['serial'].replace('-', '')}"
        return None

    def validate(self, value: str) -> tuple[bool, Reason]:
        parts = value.split(" ")
        if len(parts) == 4:
            region, _cls, kana, serial = parts
            known = self.rules.get("regions")
            if known and region not in known:
                return False, f"地名「{region}」は想定している地名にありません"
            digits = serial.replace("-", "").lstrip("・")
            if not digits.isdigit() or int(digits) == 0:
                return False, "一連番号が正しくありません"
        elif len(parts) == 3:
            place, kana, serial = parts
            if place[-1] in "市区町村":  # a 市区町村's own 原付 plate
                known = self.rules.get("municipalities")
                if known and place not in known:
                    return False, f"「{place}」は想定している市区町村名にありません"
            else:  # a 二輪 plate from the 運輸支局: 地名 with no 分類番号
                known = self.rules.get("regions")
                if known and place not in known:
                    return False, f"地名「{place}」は想定している地名にありません"
            if int(serial) == 0:
                return False, "番号が0です"
        else:
            return False, self.unparsable_ja
        municipal = len(parts) == 3 and parts[0][-1] in "市区町村"
        if kana in NEVER_ISSUED and not municipal:  # the 市区町村 number their own 原付 plates freely
            return False, f"「{kana}」は標識番号に使われない文字です"
        return True, None
