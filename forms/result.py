"""What reading a page gives back: per-field value, confidence and a decision — JSON-ready.

Every field is either ``accept`` (confident and valid: a robot may key it) or ``review`` with a
Japanese reason a member of staff can act on. There is no third "probably" state: a value that is
not accepted is never keyed without a person looking at it.

The 個人番号 appears only as the mask ``************`` and a decision (see
:mod:`daiko.forms.fieldtypes.mynumber`); ``raw`` is None for it, always.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Decision = Literal["accept", "review"]
FieldValue = str | list[str] | bool | None


@dataclass
class FieldResult:
    name: str
    label_ja: str
    type: str
    value: FieldValue  # canonical: ISO date, plate with normalised spacing, option key(s) …
    raw: str | None  # what the recogniser returned (None for marks, empty fields and 個人番号)
    confidence: float | None  # recogniser score, or certainty of the mark decision; None if empty
    decision: Decision
    reason: str | None  # why review (Japanese); None when accepted
    box: tuple[int, int, int, int]  # zone in template pixels (200 dpi): x0, y0, x1, y1
    scores: dict[str, float] | None = None  # marks: ink share per option key
    weakest: float | None = None  # text: the least sure character's score (None for marks, empty)
    # Independent evidence that let the value through (住所と郵便番号が一致, 2つ目の読み取りと一致 …).
    confirmed_by: str | None = None
    # Why a value went to review, as a stable code: "threshold" (valid, but a score is short),
    # "floor" (short of a bar the value itself sets: a 旧字体, a kanji that makes no word), "invalid",
    # "empty", "faint", "unread", "disagree" (contradicts reference data or another field).
    doubt: str | None = None
    # The form's (or robots.yaml's) review policy when it decided instead of the thresholds:
    # "always" (held for a person whatever the scores) or "never" (not keyed, never holds the page).
    policy: str | None = None

    def __post_init__(self) -> None:
        # Not part of the JSON: (character, score, counts) per written character, for calibration
        # (bench/calibrate.py). Never set for sensitive types.
        self.char_scores: list[tuple[str, float, bool]] | None = None
        # Set when ``confirmed_by`` is the field type's note of a frame it put right (an era's misread
        # first character, a speck between a plate's characters): the reader's own repair, not
        # independent evidence — it does not vouch for the value on a page whose pen the scan lost.
        self.repaired = False

    @property
    def accepted(self) -> bool:
        return self.decision == "accept"


CHECK_ORIGINAL_JA = "原本と見比べてください"


def also(reason: str | None, more: str) -> str:
    """A second sentence after a reason staff already read — asking once, at the end, to compare with
    the original where both would: only where the first asks in a sentence of its own (…ため、原本と
    見比べてください or …いないか原本と見比べてください keep theirs, or they would end mid-sentence)."""
    first = (reason or "").rstrip("。")
    if more.endswith(CHECK_ORIGINAL_JA):
        first = first.removesuffix("。" + CHECK_ORIGINAL_JA)
    return f"{first}。{more}" if first else more


@dataclass
class FormResult:
    form: str
    title_ja: str
    fields: list[FieldResult]
    page: int | None = None  # 1-based page number within the file
    source: str | None = None  # file name
    identity_score: float | None = None  # how well the printed title matched (0-1)
    alignment: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None

    kind = "form"

    @property
    def needs_review(self) -> bool:
        return any(f.decision == "review" for f in self.fields)

    def review_fields(self) -> list[FieldResult]:
        return [f for f in self.fields if f.decision == "review"]

    def field(self, name: str) -> FieldResult:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def values(self, *, accepted_only: bool = False) -> dict[str, FieldValue]:
        """{field name: value}; with ``accepted_only`` the fields under review are left out."""
        return {f.name: f.value for f in self.fields if f.accepted or not accepted_only}

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind
        d["needs_review"] = self.needs_review
        for f in d["fields"]:
            f["box"] = list(f["box"])
        return d

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


@dataclass
class PageError:
    """A page that could not be read at all (blank, unknown form, unreadable file…)."""

    kind: str  # stable code: blank_page, unknown_form, alignment, unreadable, damaged, internal …
    message_ja: str
    page: int | None = None
    source: str | None = None
    detail: str = ""

    needs_review = True

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["error"] = True
        return d

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


PageResult = FormResult | PageError
