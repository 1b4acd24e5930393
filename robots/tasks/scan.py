"""Scanned pages → item drafts, the same way for every task that reads a form (no tasks here).

The form reader (:mod:`daiko.forms.reader`) gives each page's fields with their decisions; a task
says which of its fields are keyed (only those can hold an item back for review) and which field
carries the item's 受付番号.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from daiko.robots.tasks.base import ItemDraft

# Field types whose values are personal data: registered with the log filter when read.
PERSONAL_TYPES = {"kanji_name", "kana_name", "address", "phone", "postal_code"}


def field_record(f: Any) -> dict[str, Any]:
    """A read field as the ledger keeps it (what the review screen shows and a person may correct);
    each task adds what it needs besides (``personal``, ``policy``, a survey's ``scores`` …)."""
    return {
        "label": f.label_ja,
        "type": f.type,
        "value": f.value,
        "raw": f.raw,
        "confidence": f.confidence,
        "decision": f.decision,
        "reason": f.reason,
        # What let an accepted value through, or how it was read (a date read from its digits).
        "confirmed_by": f.confirmed_by,
        "box": list(f.box),
    }


def scan_drafts(
    reads, path: Path, image_dir: Path, keyed: frozenset[str], *, reference: str = "reference"
) -> list[ItemDraft]:
    """Pages as read by the form reader → drafts; the aligned page is kept for the review screen.

    Only fields the robot keys can hold an item back: an unsure telephone number costs staff a
    look for nothing when the core system never receives it (it stays marked in the fields).
    """
    from PIL import Image

    from daiko.forms.result import PageError

    drafts = []
    started = time.monotonic()
    for number, read in enumerate(reads, start=1):
        seconds, started = time.monotonic() - started, time.monotonic()
        result = read.result
        part = result.page or number
        if isinstance(result, PageError):
            drafts.append(ItemDraft(part=part, error=result.message_ja, error_code=result.kind, ocr_seconds=seconds))
            continue
        fields, review_fields = page_fields(result, keyed)
        image = None
        if read.alignment is not None and read.image is not None:
            image_dir.mkdir(parents=True, exist_ok=True)
            image = image_dir / f"{path.stem}_p{part}_{time.time_ns()}.png"
            Image.fromarray(read.alignment.warp(read.image)).save(image)
        confidences = [f.confidence for f in result.fields if f.confidence is not None]
        drafts.append(
            ItemDraft(
                part=part,
                fields=fields,
                review_fields=review_fields,
                reference=value(fields, reference),
                form=result.form,
                min_confidence=min(confidences) if confidences else None,
                page_image=str(image) if image else None,
                ocr_seconds=seconds,
            )
        )
    return drafts


def page_fields(result: Any, keyed: frozenset[str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """A read page's fields as the ledger keeps them, and those that hold the item for a person.

    One function for the robot and ``bench/ocr.py``: the bench's straight-through figure "with the
    register" is the register check run on exactly what a scan task would have stored.
    """
    from daiko.forms.definition import load_definition

    definition = load_definition(result.form)
    fields = {
        f.name: {
            **field_record(f),
            "personal": f.type in PERSONAL_TYPES,
            **({"policy": f.policy} if f.policy else {}),
            **({"cause": "low_confidence"} if _unsure_only(definition, f) else {}),
        }
        for f in result.fields
    }
    # A field whose policy is ``always`` holds the page even when the robot does not key it.
    review = [f.name for f in result.fields if f.decision == "review" and (f.name in keyed or f.policy == "always")]
    return fields, review


def _unsure_only(definition: Any, f: Any) -> bool:
    """In review only because the reading's confidence is low: a valid value was read whole.

    Such a value may be confirmed by the register (an exact match); one that failed its check,
    was empty, or may be missing characters (faint or unread ink) never is. The reader says why
    (``doubt``): a score short of the calibrated thresholds, or of a bar the value itself sets (a
    車台番号 beginning with a digit needs 0.99 on it) — the form YAML's hand-set thresholds, once
    compared here, miss both.
    """
    if f.decision != "review" or f.value in (None, "", []) or f.confidence is None or f.raw is None:
        return False
    if f.policy == "always":  # a person must confirm it: the register never stands in for them
        return False
    if not definition.field(f.name).field_type().check(f.raw).ok:
        return False
    if f.doubt is not None:
        return f.doubt in ("threshold", "floor")
    fdef = definition.field(f.name)
    weakest = f.weakest if f.weakest is not None else 1.0
    return f.confidence < definition.threshold(fdef) or weakest < definition.char_threshold(fdef)


def value(fields: dict[str, dict[str, Any]], name: str) -> str | None:
    """A field's value as text (None when empty)."""
    found = (fields.get(name) or {}).get("value")
    return None if found in (None, "") else str(found)
