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
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from daiko.forms.definition import FieldDef, FormDefinition

CALIBRATION_DIR = Path(__file__).parent / "calibration"
CHAR_CLASSES = ("digit", "latin", "kana", "kanji", "symbol")


def char_class(ch: str) -> str:
    """digit | latin | kana | kanji | symbol — after NFKC, so １ is a digit like 1."""
    c = unicodedata.normalize("NFKC", ch)[:1] or ch
    if c.isdigit():
        return "digit"
    if c.isascii() and c.isalpha():
        return "latin"
    if "\u3041" <= c <= "\u30ff" and c not in "・":
        return "kana"
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
        return self.chars.get(char_class(ch), self.char_default)


@functools.cache
def calibration(engine: str) -> dict[str, Any]:
    """The calibration file of ``engine`` as a dict ({} when there is none)."""
    path = CALIBRATION_DIR / f"{engine}.yaml"
    if not path.is_file():
        return {}
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def thresholds(form: FormDefinition, f: FieldDef, engine: str | None) -> Thresholds:
    """The thresholds ``f`` of ``form`` must meet when read by ``engine`` (see the module docstring)."""
    import os

    char_default = form.char_threshold(f)
    off = "calibration" in os.environ.get("DAIKO_READER_OFF", "")  # bench: measuring what calibration adds
    fitted = (calibration(engine).get("types") or {}).get(f.type) if engine and not off else None
    if fitted:
        chars = {k: float(v) for k, v in (fitted.get("chars") or {}).items()}
        line = float(fitted.get("line", form.threshold(f)))
        source = f"calibration:{engine}"
        if f.threshold is not None:
            line, source = f.threshold, "field"
        return Thresholds(line, float(fitted.get("char_default", char_default)), chars, source)
    return Thresholds(form.threshold(f), char_default, {}, "field" if f.threshold is not None else "form")


def clear_cache() -> None:
    """Forget loaded calibration files (after ``bench/calibrate.py`` wrote new ones)."""
    calibration.cache_clear()
