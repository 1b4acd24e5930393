"""When a read value may be accepted without a person: thresholds per field type, engine and character class.

Two gates, both needed (forms/README.md "How a page is read"):

- the **line**: the mean score of the characters that carry the value;
- each **character** against the threshold of its class (digit, latin, kana, kanji, symbol) for
  that field type: a phone number has no check digit, so one doubtful digit in ten must stop it
  (049-307-2606 for 049-507-2606 was accepted with a digit at 0.74), while a doubtful kanji in a
  long address is a different risk from a doubtful digit in its 番地.

Where the numbers come from, in order: a field's own ``threshold`` in the form YAML (a hand
decision, e.g. a maker name checked against a list); the engine's calibration file
``forms/calibration/<engine>.yaml``, written by ``bench/calibrate.py`` from a calibration split
to a stated wrong-accept budget; the form YAML's ``thresholds`` / ``char_thresholds`` (for
engines and forms not calibrated yet). Each engine scores differently (PaddleOCR with the
default engine's thresholds accepted 0.36 % wrong), so calibration is per engine.

On top of these, what production measured (issue 16): a :class:`ReadingPolicy` set by the robot
that reads (:func:`reading_policy`) scales a field type's thresholds when audited samples showed
it accepts too many wrong values (a tightening kept in the ledger, never in these files), and
says per field whether a person checks it always, never, or as the thresholds decide.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from daiko.forms.definition import FieldDef, FormDefinition
from daiko.forms.fieldtypes.base import voicing_twins

CALIBRATION_DIR = Path(__file__).parent / "calibration"
CHAR_CLASSES = ("digit", "latin", "kana", "voiced", "kanji", "symbol")
# A class with no threshold of its own takes its parent's before the default: calibration files
# fitted before "voiced" existed hold a kana threshold that must go on covering た and だ.
_PARENT = {"voiced": "kana"}


@functools.lru_cache(maxsize=8192)
def char_class(ch: str) -> str:
    """digit | latin | kana | voiced | kanji | symbol — after NFKC, so １ is a digit like 1.

    ``voiced`` is a kana with a 濁点 twin (:func:`~daiko.forms.fieldtypes.base.voicing_twins`): the slip thresholds fitted on
    all kana let through most — a 濁点 is a few pixels, and the read without it is another valid
    kana, so the recogniser is sure of it (フクダ read フクタ at 0.96, でき read てき at 0.93)."""
    c = unicodedata.normalize("NFKC", ch)[:1] or ch
    if c.isdigit():
        return "digit"
    if c.isascii() and c.isalpha():
        return "latin"
    if "\u3041" <= c <= "\u30ff" and c not in "・":
        return "voiced" if voicing_twins(c) else "kana"
    if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or c in "々〆ヶ" or ord(c) >= 0x20000:
        return "kanji"
    return "symbol"


@dataclass(frozen=True)
class Thresholds:
    """What one field needs: ``line`` for the mean, ``chars[class]`` (else ``char_default``) per character."""

    line: float
    char_default: float
    chars: dict[str, float] = field(default_factory=dict)
    source: str = "form"  # form | calibration:<engine> | field

    def for_char(self, ch: str) -> float:
        return class_threshold(self.chars, char_class(ch), self.char_default)

    def short(self, scores: Sequence[tuple[str, float]], floors: Sequence[float] = ()) -> list[int]:
        """Indices of the characters scored under their class's threshold — or under their floor
        (``FieldType.floors``, one per character) where that is higher. The one place a field's
        characters are held against what they need."""
        bars = list(floors) if len(floors) == len(scores) else [0.0] * len(scores)
        return [
            i
            for i, ((ch, sc), floor) in enumerate(zip(scores, bars, strict=True))
            if sc < max(self.for_char(ch), floor)
        ]


def class_threshold(chars: Mapping[str, float], cls: str, default: float) -> float:
    """The threshold of character class ``cls`` in ``chars``: its own, else its parent's, else ``default``."""
    if cls in chars:
        return chars[cls]
    return chars.get(_PARENT.get(cls, cls), default)


@dataclass(frozen=True)
class ReadingPolicy:
    """What the robot reading a page adds to the form's own rules.

    ``factors``: field type → multiplier of each threshold's distance to 1 (0.5 tightens 0.90 to
    0.95; 2 loosens it to 0.80), from the ledger's active threshold overrides. ``review``: field
    name → always / never / auto, robots.yaml's override of the form YAML's ``review:``.
    """

    factors: Mapping[str, float] = field(default_factory=dict)
    review: Mapping[str, str] = field(default_factory=dict)


_NO_POLICY = ReadingPolicy()
_POLICY: contextvars.ContextVar[ReadingPolicy | None] = contextvars.ContextVar("daiko_reading_policy", default=None)


@contextlib.contextmanager
def reading_policy(policy: ReadingPolicy) -> Iterator[None]:
    """Read with ``policy`` inside the block (the reader is called by a robot's task, several
    layers down: a context variable saves threading it through every call)."""
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


def current_policy() -> ReadingPolicy:
    return _POLICY.get() or _NO_POLICY


def review_policy(f: FieldDef) -> str:
    """always / never / auto for ``f``: robots.yaml's word for it first, then the form YAML's."""
    return current_policy().review.get(f.name, f.review)


def scaled(value: float, factor: float) -> float:
    """A threshold with its distance to 1 multiplied by ``factor``, kept inside [0, 0.9999]."""
    return round(min(0.9999, max(0.0, 1.0 - (1.0 - value) * factor)), 4)


def _apply_factor(need: Thresholds, field_type: str) -> Thresholds:
    factor = current_policy().factors.get(field_type)
    if not factor or factor == 1.0:
        return need
    return Thresholds(
        scaled(need.line, factor),
        scaled(need.char_default, factor) if need.char_default > 0 else need.char_default,
        {k: scaled(v, factor) for k, v in need.chars.items()},
        f"{need.source}+ledger×{factor:g}",
    )


@functools.cache
def calibration(engine: str) -> dict[str, Any]:
    """The calibration file of ``engine`` as a dict ({} when there is none)."""
    path = CALIBRATION_DIR / f"{engine}.yaml"
    if not path.is_file():
        return {}
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def thresholds(form: FormDefinition, f: FieldDef, engine: str | None) -> Thresholds:
    """The thresholds ``f`` of ``form`` must meet when read by ``engine`` (see the module docstring),
    scaled by the reading policy's factor for its type when there is one."""
    return _apply_factor(_base_thresholds(form, f, engine), f.type)


# Policy, not fitted: values with no check digit and nothing else to vouch for them keep a high bar
# on every digit whatever a calibration set happened to contain (049-307-2606 for 049-507-2606 was
# accepted with a 3 at 0.74). A postal code that agrees with its address is let through anyway;
# the 番地 of an address, never — Japan Post's data names the town, not the numbers (round 10:
# 栗坪14-5 for 154-5 and 久下700番地 for 700番地8 accepted with a digit at 0.75-0.84, the town
# confirmed by the postal code). Nor a date's (round 11: 令和6年1月1日 for 7月1日 with the 1 at 0.88, and
# 3月1日 for 3月21日 — no register holds a 廃車年月日 or a 記入日 to check it against).
# Likewise a kana with a 濁点 twin in free text and フリガナ: the slip leaves another valid kana the
# recogniser is sure of (でき read てき at 0.93, フクダ read フクタ at 0.96), and nothing but the
# paper can tell them apart (a フリガナ's 氏名 can, where the dictionary knows it: reference.names).
# ``bench/calibrate.py`` starts its fit from these; a calibrated engine's thresholds never go under them.
CHAR_POLICY: dict[str, dict[str, float]] = {
    "phone": {"digit": 0.9}, "postal_code": {"digit": 0.9}, "address": {"digit": 0.9}, "wareki_date": {"digit": 0.9},
    "text": {"voiced": 0.95}, "kana_name": {"voiced": 0.95},
}  # fmt: skip


def _base_thresholds(form: FormDefinition, f: FieldDef, engine: str | None) -> Thresholds:
    import os

    char_default = form.char_threshold(f)
    off = "calibration" in os.environ.get("DAIKO_READER_OFF", "")  # bench: measuring what calibration adds
    fitted = (calibration(engine).get("types") or {}).get(f.type) if engine and not off else None
    if fitted:
        chars = {k: float(v) for k, v in (fitted.get("chars") or {}).items()}
        for cls, bar in CHAR_POLICY.get(f.type, {}).items():
            chars[cls] = max(bar, class_threshold(chars, cls, float(fitted.get("char_default", char_default))))
        line = float(fitted.get("line", form.threshold(f)))
        source = f"calibration:{engine}"
        if f.threshold is not None:
            line, source = f.threshold, "field"
        return Thresholds(line, float(fitted.get("char_default", char_default)), chars, source)
    return Thresholds(form.threshold(f), char_default, {}, "field" if f.threshold is not None else "form")


def clear_cache() -> None:
    """Forget loaded calibration files (after ``bench/calibrate.py`` wrote new ones)."""
    calibration.cache_clear()
