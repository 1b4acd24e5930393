"""Page image → validated fields, each accepted or sent to review with a reason.

The steps, and why they are in this order:

1. **Blank?** The backs of duplex scans are common; they get their own error, not "unknown form".
2. **Align** (:mod:`daiko.forms.align`): registration marks (or features) give the homography,
   and the template's ruling must be found where expected — which also tells the forms apart by
   layout before any OCR runs.
3. **Crop** each text zone inside its cell, without the printed ink (:mod:`daiko.forms.crops`).
4. **Recognise** the form's printed title and all non-empty text zones in ONE
   ``engine.recognize`` call (recognition only: the zones are known, so detection — the main
   source of errors on forms — is never run). The title confirms the form.
5. **Marks** (check boxes, circled numbers) are scored from ink, not OCR (:mod:`daiko.forms.marks`).
6. **Normalise and validate** per field type, then decide: ``accept`` only when the value is
   valid *and* the recogniser's confidence reaches the threshold stated in the form's YAML;
   otherwise ``review`` with the reason. Never silently wrong.

``read_file`` does this for every page of a file and turns any page's failure into a
:class:`~daiko.forms.result.PageError`, so one bad page never stops a batch.
"""

from __future__ import annotations

import difflib
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from daiko.forms.align import Alignment, align_candidates
from daiko.forms.crops import (
    PageInk,
    blank_printed,
    cut,
    cut_to,
    erase_long_lines,
    ink_box,
    pale_beyond,
    split_at_gap,
    stitch,
    stretch,
    tighten,
)
from daiko.forms.definition import TEMPLATE_DPI, FieldDef, FormDefinition, load_all, load_definition
from daiko.forms.errors import AlignmentError, BlankPageError, FormError, UnknownFormError
from daiko.forms.fieldtypes.mynumber import MASKED
from daiko.forms.marks import mark_score
from daiko.forms.render import render_template
from daiko.forms.result import FieldResult, FormResult, PageError, PageResult
from daiko.log import logger
from daiko.ocr.base import OcrEngine, TextLine

CELL_INSET_MM = 1.0  # one-character cells are small: keep well clear of their dividers
CELL_GAP = 0.15  # cells stitched closer read surer (measured: 個人番号 mean score 0.991 → 0.999)


# ---- helpers -------------------------------------------------------------------------------------


def title_similarity(expected: str, read: str) -> float:
    """Share of the expected title's characters found, in order, in what was read (0-1)."""
    a = "".join(unicodedata.normalize("NFKC", expected).split())
    b = "".join(unicodedata.normalize("NFKC", read).split())
    if not a:
        return 1.0
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(a)


def _resolve_forms(form: FormDefinition | str | None) -> tuple[list[FormDefinition], bool]:
    if form is None:
        return load_all(), False
    return [load_definition(form) if isinstance(form, str) else form], True


def _default_engine() -> OcrEngine:
    from daiko.ocr.engines import get_engine

    return get_engine()


# Dots the recogniser makes of dust or a pen resting beside the writing (R07-56827. / マユミ.). No
# field value starts or ends with one; a read that is nothing else is an empty field.
SPECKS = ".．・•·‧∙,，"


def _is_filler(ch: str) -> bool:
    return ch.isspace() or ch in SPECKS


def _written(text: str) -> str:
    """A read without the spaces and specks at either end: what was written."""
    return text.strip().strip(SPECKS + " \u3000")


def _text_crops(aligned: np.ndarray, template: np.ndarray, f: FieldDef, ink: PageInk) -> tuple[list[np.ndarray], bool]:
    """The writing in a text field, ready for the recogniser (two pieces for 姓/名); [] when empty.

    The flag is True when some of the writing is pale (seen only at :meth:`PageInk.faint`): the
    zone is then darkened and read whole, and the field can only go to review.
    """
    assert f.zone is not None
    if f.cells:
        pieces = []
        for cell in f.zone.split(f.cells):
            crop, _ = cut(aligned, cell, CELL_INSET_MM)
            tpl, _ = cut(template, cell, CELL_INSET_MM)
            crop = erase_long_lines(blank_printed(crop, tpl, ink), ink)
            piece = tighten(crop, ink, pad_frac=0.05)
            if piece is not None:
                pieces.append(piece)
        return ([stitch(pieces, ink.paper, gap_frac=CELL_GAP)] if pieces else []), False
    crop, _ = cut(aligned, f.zone)
    tpl, _ = cut(template, f.zone)
    cleaned = blank_printed(crop, tpl, ink)
    normal = erase_long_lines(cleaned, ink)
    box = ink_box(normal, ink)
    pale_ink = ink.faint()
    pale = erase_long_lines(cleaned, pale_ink)
    pale_box = ink_box(pale, pale_ink)
    if pale_beyond(box, pale_box):
        assert pale_box is not None
        line, faint = stretch(cut_to(pale, pale_box), ink), True
    elif box is not None:
        line, faint = cut_to(normal, box), False
    else:
        return [], False
    return (split_at_gap(line, ink) if f.field_type().gap_is_space else [line]), faint


# Ink reaching further than this (× the writing's height) past the centre of the first or last
# character read is a character the recogniser dropped (図書館 read as 書館 at 0.999). A read
# character's own half-width is ~0.5 for 漢字/かな and ~0.3 for letters and digits.
UNREAD_INK = 1.0
UNREAD_INK_NARROW = 0.6


def _unread_limit(ch: str) -> float:
    return UNREAD_INK_NARROW if ord(ch) < 0x2E80 or "\uff61" <= ch <= "\uff9f" else UNREAD_INK


def _unread_ink(crops: list[np.ndarray], lines: list[TextLine], idx: list[int], ink: PageInk) -> str | None:
    """'先頭' / '末尾' when a piece of a field has writing before its first / after its last read character.

    A piece whose writing spans a few characters but reads as nothing (writing too faint for the
    recogniser) counts too: 'nothing written' must not be accepted for it.
    """
    for i in idx:
        line, crop = lines[i], crops[i]
        box = ink_box(crop, ink)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        height, width = max(1, y1 - y0), crop.shape[1]
        if not _written(line.text):
            if x1 - x0 > 2 * height:
                return "全体"
            continue
        if not line.char_x:
            continue
        written = [ch for ch in line.text if not ch.isspace()]
        if len(written) != len(line.char_x):
            continue
        if line.char_x[0] * width - x0 > _unread_limit(written[0]) * height:
            return "先頭"
        if x1 - line.char_x[-1] * width > _unread_limit(written[-1]) * height:
            return "末尾"
    return None


def _join(parts: list[TextLine]) -> TextLine | None:
    """Pieces of one field (姓 and 名) as one line: texts joined by a 全角スペース, the lowest confidence."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    texts, scores = [], []
    for p in parts:
        pairs = list(zip(p.text, p.char_confidences, strict=True)) if len(p.text) == len(p.char_confidences) else []
        while pairs and _is_filler(pairs[0][0]):
            pairs.pop(0)
        while pairs and _is_filler(pairs[-1][0]):
            pairs.pop()
        texts.append(_written(p.text))
        scores.append([c for _, c in pairs])
    text = "\u3000".join(texts)
    confs: tuple[float, ...] = ()
    if all(len(t) == len(sc) for t, sc in zip(texts, scores, strict=True)):
        confs = tuple(c for i, sc in enumerate(scores) for c in ([1.0] if i else []) + sc)  # 1.0: the joining space
    return TextLine(text, min(p.ink_confidence for p in parts), char_confidences=confs)


def _without_specks(line: TextLine) -> TextLine:
    """A field written one character per box: a dot read between two boxes is a speck of the
    printed divider, never writing (5512.906 → 5512906). Its score and position go with it."""
    keep = [i for i, ch in enumerate(line.text) if ch not in SPECKS]
    if len(keep) == len(line.text):
        return line
    text = "".join(line.text[i] for i in keep)
    confs = tuple(line.char_confidences[i] for i in keep) if len(line.char_confidences) == len(line.text) else ()
    written = [i for i, ch in enumerate(line.text) if not ch.isspace()]
    char_x: tuple[float, ...] = ()
    if len(line.char_x) == len(written):
        char_x = tuple(x for i, x in zip(written, line.char_x, strict=True) if line.text[i] not in SPECKS)
    return replace(line, text=text, char_confidences=confs, char_x=char_x)


def _box_px(f: FieldDef) -> tuple[int, int, int, int]:
    return f.extent().px(TEMPLATE_DPI)


# ---- decisions -----------------------------------------------------------------------------------


def _decide_text(form: FormDefinition, f: FieldDef, line: TextLine | None) -> FieldResult:
    ftype = f.field_type()
    base = dict(name=f.name, label_ja=f.label_ja, type=f.type, box=_box_px(f))
    raw = _written(line.text) if line is not None else ""
    if not raw:  # no ink in the zone, or nothing but specks
        if f.required:
            return FieldResult(
                **base, value=None, raw=None, confidence=None, decision="review", reason="記入がありません（必須項目）"
            )
        return FieldResult(**base, value=None, raw=None, confidence=None, decision="accept", reason=None)
    assert line is not None
    conf = round(float(line.ink_confidence), 4)
    base["weakest"] = round(float(line.weakest), 4)
    keep_raw = None if ftype.sensitive else raw
    check = ftype.check(raw)
    value = MASKED if ftype.sensitive else check.value
    del raw  # the 個人番号's digits must not outlive this function
    if not check.ok:
        return FieldResult(**base, value=value, raw=keep_raw, confidence=conf, decision="review", reason=check.reason)
    threshold = form.threshold(f)
    if conf < threshold:
        return FieldResult(
            **base, value=value, raw=keep_raw, confidence=conf, decision="review",
            reason=f"読み取りの確信度が低いため確認してください（{conf:.2f} < {threshold:.2f}）",
        )  # fmt: skip
    char_threshold = form.char_threshold(f)
    if base["weakest"] < char_threshold:
        return FieldResult(
            **base, value=value, raw=keep_raw, confidence=conf, decision="review",
            reason=f"読み取りに自信のない文字があります（{base['weakest']:.2f} < {char_threshold:.2f}）",
        )  # fmt: skip
    return FieldResult(**base, value=value, raw=keep_raw, confidence=conf, decision="accept", reason=None)


def _decide_marks(form: FormDefinition, f: FieldDef, scores: dict[str, float]) -> FieldResult:
    on, off = form.marks.on, form.marks.off
    mid, band = (on + off) / 2, on - off
    marked = [k for k, s in scores.items() if s >= on]
    unsure = [k for k, s in scores.items() if off < s < on]
    certainty = round(min(min(1.0, abs(s - mid) / band) for s in scores.values()), 4) if scores else None
    base = dict(
        name=f.name,
        label_ja=f.label_ja,
        type=f.type,
        box=_box_px(f),
        raw=None,
        confidence=certainty,
        scores={k: round(v, 4) for k, v in scores.items()},
    )

    def shape(keys: list[str]):
        if f.type == "checkbox":
            return bool(keys)
        if f.select == "many":
            return keys or None
        return keys[0] if len(keys) == 1 else (keys if keys else None)

    if unsure:
        labels = "・".join(o.label for o in f.options if o.key in unsure)
        return FieldResult(
            **base, value=shape(marked), decision="review", reason=f"印があるか判定できません（{labels}）"
        )
    raw = "1" if (f.type == "checkbox" and marked) else ("0" if f.type == "checkbox" else ",".join(marked))
    check = f.field_type().check(raw)
    if not check.ok:
        return FieldResult(**base, value=shape(marked), decision="review", reason=check.reason)
    return FieldResult(**base, value=shape(marked), decision="accept", reason=None)


def _run_checks(form: FormDefinition, results: list[FieldResult]) -> None:
    """The form's checks across fields: a finding sends its fields to review (values untouched).

    Values under review already still count (a bank name read at low confidence is still the
    best evidence that the code beside it is wrong); empty and unreadable ones are None.
    """
    from daiko.forms.checks import get_check

    by_name = {r.name: r for r in results}
    for check_def in form.checks:
        check = get_check(check_def.kind)(check_def.fields)
        values = {role: by_name[name].value for role, name in check_def.fields.items()}
        for finding in check.run({k: v if isinstance(v, str) else None for k, v in values.items()}):
            for name in finding.fields:
                field_result = by_name[name]
                if field_result.decision == "accept":
                    field_result.decision, field_result.reason = "review", finding.reason


# ---- reading -------------------------------------------------------------------------------------


def _read_aligned(alignment: Alignment, form: FormDefinition, engine: OcrEngine) -> tuple[FormResult, float, str]:
    """Read every field of an aligned page; also returns the title's similarity and the title read."""
    aligned = alignment.image
    template = render_template(form, TEMPLATE_DPI)
    ink = PageInk.measure(aligned)
    title_crop, _ = cut(aligned, form.identity.zone, 0.0)
    title_line = tighten(title_crop, ink)
    crops: list[np.ndarray] = [title_line if title_line is not None else title_crop]
    index: dict[str, list[int]] = {}
    faint: set[str] = set()
    for f in form.fields:
        if f.kind == "text":
            pieces, pale = _text_crops(aligned, template, f, ink)
            if pale:
                faint.add(f.name)
            if pieces:
                index[f.name] = list(range(len(crops), len(crops) + len(pieces)))
                crops.extend(pieces)
    lines = engine.recognize(crops)  # ONE call: title + every written text field
    for f in form.fields:
        if f.cells:
            for i in index.get(f.name, []):
                lines[i] = _without_specks(lines[i])
    unread = {name: side for name, idx in index.items() if (side := _unread_ink(crops, lines, idx, ink))}
    title_read = lines[0].text
    similarity = title_similarity(form.identity.title, title_read)
    results: list[FieldResult] = []
    for f in form.fields:
        if f.kind == "text":
            decided = _decide_text(form, f, _join([lines[i] for i in index.get(f.name, [])]))
            if f.name in faint and decided.decision == "accept":
                # Accepting would mean trusting a read the page's own contrast calls empty.
                decided.decision, decided.reason = (
                    "review",
                    "薄い記入があるため確認してください（一部が読み落とされている可能性）",
                )
            elif f.name in unread and decided.decision == "accept":
                decided.decision = "review"
                decided.reason = (
                    "記入がありますが文字を読み取れません"
                    if unread[f.name] == "全体"
                    else f"{unread[f.name]}の文字を読み落とした可能性があります"
                )
            results.append(decided)
        else:
            inset = 0.5 if f.style == "box" else 0.0
            scores = {o.key: mark_score(aligned, template, f.mark_box(o), ink, inset_mm=inset) for o in f.options}
            results.append(_decide_marks(form, f, scores))
    del lines, crops
    _run_checks(form, results)
    result = FormResult(
        form=form.name, title_ja=form.title_ja, fields=results, identity_score=round(similarity, 3),
        alignment=alignment.info(),
    )  # fmt: skip
    return result, similarity, title_read


def read_page(
    page_img: np.ndarray,
    form_def: FormDefinition | str | None = None,
    engine: OcrEngine | None = None,
) -> tuple[FormResult, Alignment]:
    """Like :func:`read_form`, also returning the alignment (to draw on the registered page)."""
    from daiko.ocr.images import is_blank

    started = time.perf_counter()
    if page_img is None or not isinstance(page_img, np.ndarray) or page_img.size == 0:
        raise BlankPageError("empty image")
    if is_blank(page_img):
        raise BlankPageError()
    forms, explicit = _resolve_forms(form_def)
    engine = engine or _default_engine()
    candidates = align_candidates(page_img, forms)
    if not candidates:
        if explicit:
            others = [f for f in load_all() if f.name != forms[0].name]
            other = align_candidates(page_img, others, features=False) if others else []
            if other:
                raise UnknownFormError(
                    f"指定された様式「{forms[0].title_ja}」ではなく、「{other[0][0].title_ja}」のようです",
                    f"asked for {forms[0].name}, page registers to {other[0][0].name}",
                )
            raise AlignmentError(f"no registration to {forms[0].name} had its ruling in place")
        names = "・".join(f"「{f.title_ja}」" for f in forms)
        raise UnknownFormError(
            f"登録されている様式として認識できません。別の様式か、傾き・欠けが大きすぎる可能性があります（登録済み: {names}）"
        )
    titles_read = []
    for form, alignment in candidates[:2]:
        result, similarity, title_read = _read_aligned(alignment, form, engine)
        if similarity >= form.identity.min_similarity:
            result.seconds = round(time.perf_counter() - started, 3)
            logger.debug(
                "read {} in {:.2f}s: {} fields, {} to review",
                form.name, result.seconds, len(result.fields), len(result.review_fields()),
            )  # fmt: skip
            return result, alignment
        titles_read.append(f"{form.name}: {title_read!r} ({similarity:.2f})")
    form = candidates[0][0]
    raise UnknownFormError(
        f"用紙の表題が「{form.title_ja}」と一致しません。別の様式の可能性があります", "; ".join(titles_read)
    )


def read_form(
    page_img: np.ndarray,
    form_def: FormDefinition | str | None = None,
    engine: OcrEngine | None = None,
) -> FormResult:
    """Read one page (H×W×3 RGB or H×W grey). ``form_def`` None: classify among all bundled forms.

    Raises BlankPageError, UnknownFormError (not a known form / not the form asked for) or
    AlignmentError (the asked-for form, but it cannot be registered) — all with ``message_ja``.
    """
    return read_page(page_img, form_def, engine)[0]


@dataclass
class PageRead:
    """One page of a file as read: the result (or error), and the image and alignment for drawing."""

    result: PageResult
    image: np.ndarray | None = field(default=None, repr=False)
    alignment: Alignment | None = field(default=None, repr=False)


def iter_file(
    path: str | Path,
    form: FormDefinition | str | None = None,
    engine: OcrEngine | None = None,
) -> Iterator[PageRead]:
    """Read a file page by page; every failure becomes a PageError, nothing raises."""
    from daiko.ocr.images import load_pages_tolerant

    path = Path(path)
    try:
        forms_arg = load_definition(form) if isinstance(form, str) else form
    except FormError as exc:  # a wrong --form is the caller's mistake: one error for the file
        yield PageRead(PageError(exc.kind, exc.message_ja, None, path.name, exc.detail))
        return
    pages, errors = load_pages_tolerant(path)
    for err in errors:
        yield PageRead(PageError(err.kind, err.message_ja, err.page, path.name, err.message_en))
    if pages:
        engine = engine or _default_engine()
    for page in pages:
        try:
            result, alignment = read_page(page.image, forms_arg, engine)
            result.page, result.source = page.number, path.name
            yield PageRead(result, page.image, alignment)
        except FormError as exc:
            yield PageRead(PageError(exc.kind, exc.message_ja, page.number, path.name, exc.detail), page.image)
        except Exception as exc:  # a bug or an odd page must not stop the batch; it is logged in full
            logger.exception("unexpected error reading {} p.{}", path.name, page.number)
            message = "このページの読み取り中に予期しないエラーが発生しました（システム担当者に連絡してください）"
            yield PageRead(PageError("internal", message, page.number, path.name, f"{type(exc).__name__}: {exc}"))


def read_file(
    path: str | Path,
    form: FormDefinition | str | None = None,
    engine: OcrEngine | None = None,
) -> list[PageResult]:
    """Every page of a scanned file: a FormResult per readable page, a PageError per bad one, in page order.

    Never raises for a bad page or a bad file: the batch goes on and the errors say why in Japanese.
    """
    out = [read.result for read in iter_file(path, form, engine)]
    out.sort(key=lambda r: (r.page is None, r.page or 0))
    return out
