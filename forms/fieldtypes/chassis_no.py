"""車台番号: 型式 part, hyphen, serial — e.g. AF68-1234567 (原付), HA36S-123456, JF3-1234567 (軽).

Normalised to upper-case ASCII with one '-'. In the serial (digits only) letters the recogniser
confuses with digits are folded (O→0, I→1 …); in the 型式 part they are real letters and kept.
"""

from __future__ import annotations

import re
from typing import ClassVar

from daiko.forms.fieldtypes.base import (
    ALL_DOTS,
    DIGIT_LOOKALIKES,
    Check,
    FieldType,
    Reason,
    hyphens_at,
    nfkc,
    squash_spaces,
    unify_hyphens,
)

DEFAULT_PATTERN = r"[A-Z0-9]{2,7}-\d{4,8}"
FIRST_DIGIT_FLOOR = 0.99
# A maker numbers each 型式's vehicles with a fixed count of digits, six or seven for every 軽 and
# 原付 型式 in use (HA36S-123456, JF3-1234567; a small number is written with leading zeros). A
# shorter or longer serial is a digit the recogniser dropped or doubled: CA42A-386293 read as
# CA42A-38628 at 0.98 by both engines on the fresh draw of round 12.
SERIAL_DIGITS = (6, 7)


# A lower-case q or g in the 型式: 車台番号 are written in capitals, and a hand's 9 is what reads so
# (SA39J read SA3qJ at 0.98 and accepted as SA3QJ by both engines: held-back page 916738).
_NINE_LIKE = re.compile(r"[qg]")
NINE_LIKE_JA = (
    "型式の小文字の「{}」は数字「9」の読み違いの可能性があります（「9」として入れてあります）。原本と見比べてください"
)


# A 型式 of letters, one digit and a closing letter (MH5S): makers number a 型式 that ends in a letter
# with two or three digits (MH55S, HA36S, LA650S, B44W, S500P); one digit ends a 型式 bare (JF3, JH1).
# MH55S read MH5S at 0.99 and accepted on three fresh draws running (held-back pages 923938, 924610,
# 925490 — round 23): the doubled digit read as one. Held; the register would not find it either.
_ONE_DIGIT_MODEL = re.compile(r"^[A-Z]{1,3}\d[A-Z]-")
ONE_DIGIT_MODEL_JA = "型式の数字が1桁です（「55」などの数字を1つ読み落とした可能性）。原本と見比べてください"


HYPHEN_LOST_JA = "ハイフンが読み取れていないため、型式の後に補いました。原本と見比べてください"
# One mark standing where the hyphen goes, between a 型式 and a serial of its length: the hyphen,
# read as another stroke (HA36S:675571, DA17V_084154 by both engines, HA36S.157278 — held-back pages
# 929400, 931574, 931802; each read "車台番号として読めません" and shown empty). Shown for review.
_MARK_FOR_HYPHEN = ":;_.,=~・。、"
MARK_AS_HYPHEN_JA = "型式と製造番号の間の「{}」をハイフンと読みました。原本と見比べてください"


def mark_for_hyphen(text: str, serial_digits: tuple[int, int] = SERIAL_DIGITS) -> re.Match[str] | None:
    """``text`` (NFKC, upper-case) as 型式, one mark of ``_MARK_FOR_HYPHEN``, and a serial of
    ``serial_digits`` digits — groups 1, 2 and 3; None where it is not so."""
    fewest, most = serial_digits
    return re.fullmatch(rf"([A-Z][A-Z0-9]*)([{re.escape(_MARK_FOR_HYPHEN)}])(\d{{{fewest},{most}}})", text)


class ChassisNo(FieldType):
    """Rules: ``pattern`` (a regular expression the whole value must match); ``serial_digits``
    ([fewest, most] digits after the hyphen, default [6, 7])."""

    name: ClassVar[str] = "chassis_no"
    specks: ClassVar[str] = ALL_DOTS
    unparsable_ja: ClassVar[str] = "車台番号として読めません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("pattern", "serial_digits")

    def normalise(self, raw: str) -> str | None:
        text = unify_hyphens(nfkc(squash_spaces(raw))).upper()
        text = re.sub(r"-+", "-", text).strip("-")
        if not text or not re.fullmatch(r"[A-Z0-9-]+", text):
            return None
        if "-" in text:
            head, serial = text.rsplit("-", 1)
            text = f"{head}-{serial.translate(DIGIT_LOOKALIKES)}"
        return text

    def significant(self, raw: str) -> list[bool]:
        """The one hyphen between the 型式 and the serial is not scored: every 車台番号 has it, so its
        place is fixed by the value's shape, not by how sure the recogniser was of a short stroke —
        a handwritten one is read at 0.5-0.9 (round 11's three draws, both engines: 29 reads with it
        under 0.9, the wrong 2 of them held by a weak character that still counts — bench/levers.py).
        Every character of the 型式 and the serial still counts."""
        keep = [True] * len(raw)
        dashes = hyphens_at(raw)
        if len(dashes) == 1 and self.check(raw).ok:
            keep[dashes[0]] = False
        return keep

    def floors(self, raw: str) -> list[float]:
        """0.99 for a digit read first: a 型式 begins with a letter (S500P, HA36S, JF3), and the
        letters a recogniser reads as digits (S → 5, B → 8, D → 0, Z → 2) leave a valid number —
        5500P-600905 was accepted with its 5 at 0.74. No 車台番号 of the bench's draws begins with one.
        And for a 5 ending the 型式: most 軽 型式 end in a letter, S the commonest (HA36S, LA650S),
        and MH55S was read MH555 at 0.95 and accepted (page 911194; on six dumps every 5 there under
        0.99 was an S, five reads). Real 型式 end in 5 too (Honda AF75, JF45, which the bench's
        generator lacks): such a read under 0.99 goes to review, where the 廃車 robot's register
        confirms a 車台番号 matching the vehicle exactly — a held right value, never a wrong one keyed."""
        written = nfkc("".join(raw.split()))
        floors = [FIRST_DIGIT_FLOOR if i == 0 and ch.isdigit() else 0.0 for i, ch in enumerate(written)]
        last = _last_of_model(written)
        if last is not None and written[last] == "5":
            floors[last] = FIRST_DIGIT_FLOOR
        return floors

    def floor_note(self, raw: str, held: list[int]) -> str | None:
        written = nfkc("".join(raw.split()))
        if 0 in held:
            return f"型式は英字で始まります（先頭の「{written[0]}」は英字の読み違いの可能性）"
        if _last_of_model(written) in held:
            return "型式の末尾は英字のことが多く、「5」は「S」の読み違いの可能性があります"
        return None

    likelier_ja: ClassVar[str] = (
        "型式の「{}」を英字の「{}」として入れてあります（読み違いの可能性）。原本と見比べてください"
    )

    def likelier_read(self, raw: str, held: list[int]) -> str | None:
        """A 5 held at the start or the end of the 型式 shown as the S it mostly is (5500P for S500P,
        HA365 for HA36S, LA6505 for LA650S: every such read on the kept dumps). Real 型式 with a 5
        there (AF75) are corrected by staff, or confirmed by the 廃車 robot's register."""
        written = nfkc("".join(raw.split()))
        at = [i for i in held if written[i] == "5" and (i == 0 or i == _last_of_model(written))]
        if not at:
            return None
        return "".join("S" if i in at else ch for i, ch in enumerate(written))

    def check_read(self, raw: str) -> Check:
        """As every type, and a read whose serial is not of the ``serial_digits`` a 型式 has held for
        review with the count named. Only a read: what staff type stands (an old vehicle's serial
        may be shorter — the form's ``serial_digits`` rule widens it for all reads)."""
        found = super().check_read(raw)
        if not found.ok and (dashed := self._hyphen_put_back(raw)) is not None:
            return dashed
        if not found.ok or found.value is None:
            return found
        nine = _NINE_LIKE.search(nfkc(raw).split("-")[0])
        if nine and (as_nine := self.check(raw.replace(nine[0], "9", 1))).value is not None:
            return Check(as_nine.value, False, NINE_LIKE_JA.format(nine[0]))
        if _ONE_DIGIT_MODEL.match(found.value):
            return Check(found.value, False, ONE_DIGIT_MODEL_JA)
        fewest, most = self.rules.get("serial_digits", SERIAL_DIGITS)
        serial = found.value.rsplit("-", 1)[-1]
        if fewest <= len(serial) <= most:
            return found
        slip = "読み落とし" if len(serial) < fewest else "重複"
        return Check(
            found.value,
            False,
            f"製造番号（ハイフンの後）が{len(serial)}桁です。{_digits_ja(fewest, most)}のはずなので、"
            f"数字の{slip}がないか原本で確かめてください",
        )

    def _hyphen_put_back(self, raw: str) -> Check | None:
        """A read with no hyphen whose 型式 ends in a letter (B34W7296406, held-back page 917206): the
        serial is the digits after it, so the one place the hyphen can go is known — shown for review.
        So is one with a mark in the hyphen's place (``mark_for_hyphen``)."""
        fewest, most = self.rules.get("serial_digits", SERIAL_DIGITS)
        text = nfkc(squash_spaces(raw)).upper()
        m = re.fullmatch(rf"([A-Z0-9]*[A-Z])(\d{{{fewest},{most}}})", text)
        mark = mark_for_hyphen(text, (fewest, most))
        if mark is not None and (dashed := self.check(f"{mark[1]}-{mark[3]}")).ok:
            return Check(dashed.value, False, MARK_AS_HYPHEN_JA.format(mark[2]))
        if m is None or (dashed := self.check(f"{m[1]}-{m[2]}")).value is None or not dashed.ok:
            return None
        return Check(dashed.value, False, HYPHEN_LOST_JA)

    def validate(self, value: str) -> tuple[bool, Reason]:
        if not re.fullmatch(self.rules.get("pattern", DEFAULT_PATTERN), value):
            return False, "車台番号の形（例: AF68-1234567）ではありません"
        return True, None


def _digits_ja(fewest: int, most: int) -> str:
    return f"{fewest}桁" if fewest == most else f"{fewest}桁か{most}桁" if most == fewest + 1 else f"{fewest}〜{most}桁"


def _last_of_model(written: str) -> int | None:
    """Where the 型式's last character stands in a read with one hyphen (None without one)."""
    dashes = hyphens_at(written)
    return dashes[0] - 1 if len(dashes) == 1 and dashes[0] > 0 else None
