"""Scanned survey pages → one work item per response.

A booklet's pages usually arrive together (one PDF, page 1 then page 2); consecutive pages of a
file that are different pages of the same survey and carry the same 整理番号 become ONE item, so
the console shows the whole booklet (pages stacked in one image) and the weekly report counts one
questionnaire. A page on its own (its other page scanned another day) is an item too; the ledger
joins the pages of a response by 整理番号 when it tallies.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from daiko.forms.survey import SurveyDefinition
from daiko.robots.survey.rules import check_response
from daiko.robots.tasks.base import ItemDraft
from daiko.robots.tasks.scan import field_record


@dataclass
class _Page:
    number: int  # page of the file
    survey_page: int  # page of the questionnaire (1 = 表)
    form: str
    fields: dict[str, dict[str, Any]]
    image: np.ndarray | None
    seconds: float


@dataclass
class _Booklet:
    pages: list[_Page] = field(default_factory=list)

    def sheet(self, sheet_field: str) -> dict[str, Any] | None:
        for p in self.pages:
            spec = p.fields.get(sheet_field)
            if spec and spec.get("decision") == "accept" and spec.get("value"):
                return spec
        return None


def field_specs(result: Any, survey: SurveyDefinition, text_fields: set[str]) -> dict[str, dict[str, Any]]:
    """The reader's fields as the ledger keeps them, with the form they belong to (a booklet
    item holds fields of several forms) and the scores the survey rules need."""
    form = result.form
    return {
        f.name: {
            **field_record(f),
            "scores": f.scores,
            "form": form,
            "page": survey.page_of_form(form),
            "personal": f.name in text_fields,  # free text may name people: masked in every log line
        }
        for f in result.fields
    }


def _joins(booklet: _Booklet, page: _Page, sheet_field: str) -> bool:
    """A page joins the booklet before it when it is another page of it and the 整理番号 agree
    (or one of them could not be read: consecutive pages of a booklet, a person confirms the number)."""
    if any(p.survey_page == page.survey_page for p in booklet.pages):
        return False
    mine = page.fields.get(sheet_field) or {}
    theirs = booklet.sheet(sheet_field)
    if mine.get("decision") != "accept" or not mine.get("value") or theirs is None:
        return True
    return mine.get("value") == theirs.get("value")


def scan_drafts(survey: SurveyDefinition, reads: Iterable[Any], path: Path, image_dir: Path) -> list[ItemDraft]:
    from daiko.forms.result import PageError

    text_fields = {q.field for q in survey.questions if q.type == "text" and q.field}
    text_fields |= {q.other_text for q in survey.questions if q.other_text}
    drafts: list[ItemDraft] = []
    booklets: list[_Booklet] = []
    started = time.monotonic()
    for number, read in enumerate(reads, start=1):
        seconds, started = time.monotonic() - started, time.monotonic()
        result = read.result
        part = result.page or number
        if isinstance(result, PageError):
            drafts.append(ItemDraft(part=part, error=result.message_ja, ocr_seconds=seconds))
            continue
        image = read.alignment.warp(read.image) if read.alignment is not None and read.image is not None else None
        page = _Page(
            part,
            survey.page_of_form(result.form),
            result.form,
            field_specs(result, survey, text_fields),
            image,
            seconds,
        )
        if booklets and _joins(booklets[-1], page, survey.sheet_no_field):
            booklets[-1].pages.append(page)
        else:
            booklets.append(_Booklet([page]))
    for booklet in booklets:
        drafts.append(_draft(survey, booklet, path, image_dir))
    return sorted(drafts, key=lambda d: d.part)


def _draft(survey: SurveyDefinition, booklet: _Booklet, path: Path, image_dir: Path) -> ItemDraft:
    pages = sorted(booklet.pages, key=lambda p: p.survey_page)
    sheet_field = survey.sheet_no_field
    fields: dict[str, dict[str, Any]] = {}
    for p, top in zip(pages, _tops(pages), strict=True):
        for name, spec in p.fields.items():
            if name != sheet_field:
                fields[name] = _shifted(spec, top)
    fields[sheet_field] = _sheet_spec(booklet, pages, sheet_field)
    checked = check_response(survey, fields)
    image_path = _save_image(pages, path, image_dir, booklet.pages[0].number)
    confidences = [s["confidence"] for s in checked.fields.values() if s.get("confidence") is not None]
    sheet = checked.fields[sheet_field]
    return ItemDraft(
        part=min(p.number for p in booklet.pages),
        fields=checked.fields,
        review_fields=checked.review,
        reference=sheet.get("value") if sheet.get("decision") == "accept" else None,
        form=pages[0].form,
        min_confidence=min(confidences) if confidences else None,
        page_image=image_path,
        ocr_seconds=sum(p.seconds for p in booklet.pages),
    )


def _sheet_spec(booklet: _Booklet, pages: list[_Page], sheet_field: str) -> dict[str, Any]:
    """The booklet's 整理番号: the one read with confidence; under review when pages disagree or
    none was read surely (the crop shown is the first page's, the reason names both readings)."""
    specs = [(p, _shifted(p.fields.get(sheet_field) or {}, top)) for p, top in zip(pages, _tops(pages), strict=True)]
    chosen = booklet.sheet(sheet_field)
    first = specs[0][1]
    if chosen is None:
        return first
    readings = {str(s.get("value") or s.get("raw") or "") for _, s in specs}
    if len(specs) > 1 and len(readings) > 1:
        shown = "、".join(f"{p.survey_page}枚目: {s.get('value') or s.get('raw') or '読めず'}" for p, s in specs)
        return {**first, "decision": "review", "reason": f"ページの整理番号を確認してください（{shown}）"}
    return next(s for _, s in specs if s.get("value") == chosen.get("value"))


def _tops(pages: list[_Page]) -> list[int]:
    """Where each page starts in the stacked image :func:`_save_image` makes (px from the top)."""
    tops, y = [], 0
    for p in pages:
        tops.append(y)
        if p.image is not None:
            y += p.image.shape[0]
    return tops


def _shifted(spec: dict[str, Any], dy: int) -> dict[str, Any]:
    """A field's record with its box moved down ``dy`` px: where it is in the stacked image."""
    box = spec.get("box")
    return {**spec, "box": [box[0], box[1] + dy, box[2], box[3] + dy]} if box else dict(spec)


def _save_image(pages: list[_Page], path: Path, image_dir: Path, first: int) -> str | None:
    """The pages as aligned, stacked top to bottom (boxes were shifted to match)."""
    from PIL import Image

    images = [p.image for p in pages if p.image is not None]
    if not images:
        return None
    width = max(i.shape[1] for i in images)
    stacked = np.full((sum(i.shape[0] for i in images), width, 3), 255, np.uint8)
    y = 0
    for img in images:
        rgb = img if img.ndim == 3 else np.repeat(img[:, :, None], 3, axis=2)
        stacked[y : y + img.shape[0], : img.shape[1]] = rgb[:, :, :3]
        y += img.shape[0]
    image_dir.mkdir(parents=True, exist_ok=True)
    out = image_dir / f"{path.stem}_p{first}_{time.time_ns()}.png"
    Image.fromarray(stacked).save(out, compress_level=1)
    return str(out)
