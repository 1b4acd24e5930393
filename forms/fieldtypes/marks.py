"""Check boxes and circled options: decided from ink density in the box, not by OCR.

The reader scores each option's zone (ink not belonging to the printed form, as a fraction of
the zone) and turns scores into a raw string of the marked option keys, e.g. ``"scrap"`` or
``"2,5"``; these types check that string against the field's options and limits
("3つまで", exactly one 廃車事由). Scores between ``off`` and ``on`` are "cannot tell" and
reach the types as ``"?"`` so the field goes to review rather than being guessed.
"""

from __future__ import annotations

from typing import ClassVar

from daiko.forms.fieldtypes.base import FieldType, Reason

UNSURE = "?"


class Checkbox(FieldType):
    """A single yes/no box. Value: "1" (checked) or "0"."""

    name: ClassVar[str] = "checkbox"
    kind: ClassVar[str] = "mark"
    unparsable_ja: ClassVar[str] = "チェックの有無を判定できません"

    def normalise(self, raw: str) -> str | None:
        raw = raw.strip().lower()
        if raw in ("1", "true", "checked", "yes", "✓", "レ", "x"):
            return "1"
        if raw in ("", "0", "false", "unchecked", "no"):
            return "0"
        return None


class Choice(FieldType):
    """One or several of a list of options. Value: the marked option keys, comma-joined in form order.

    Rules (filled in from the definition): ``options`` (keys in order), ``select`` ("one"/"many"),
    ``min`` / ``max`` marks (``max: 3`` for 「3つまで」).
    """

    name: ClassVar[str] = "choice"
    kind: ClassVar[str] = "mark"
    unparsable_ja: ClassVar[str] = "どれに印があるか判定できません"

    @classmethod
    def allowed_rules(cls) -> tuple[str, ...]:
        return ("options", "select", "min", "max")

    def normalise(self, raw: str) -> str | None:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
        if UNSURE in keys:
            return None
        options = [str(o) for o in self.rules.get("options", [])]
        if options:
            if any(k not in options for k in keys):
                return None
            keys = [o for o in options if o in keys]
        return ",".join(keys)

    def validate(self, value: str) -> tuple[bool, Reason]:
        keys = [k for k in value.split(",") if k]
        select = self.rules.get("select", "one")
        low = int(self.rules.get("min", 1 if select == "one" else 0))
        high = int(self.rules.get("max", 1 if select == "one" else 10_000))
        if select == "one" and len(keys) > 1:
            return False, f"印が{len(keys)}つあります（1つだけのはず）"
        if len(keys) < low:
            return False, "印がありません" if not keys else f"印が{low}つ未満です"
        if len(keys) > high:
            return False, f"印が{len(keys)}つあります（{high}つまで）"
        return True, None
