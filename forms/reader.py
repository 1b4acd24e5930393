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
import itertools
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from daiko.forms.acceptance import char_class, review_policy, thresholds
from daiko.forms.align import Alignment, align_candidates
from daiko.forms.crops import (
    PageInk,
    blank_printed,
    cut,
    cut_to,
    erase_long_lines,
    faint_strokes,
    ink_box,
    pale_beyond,
    split_at_gap,
    stitch,
    stretch,
    tighten,
)
from daiko.forms.definition import TEMPLATE_DPI, Box, FieldDef, FormDefinition, load_all, load_definition
from daiko.forms.errors import AlignmentError, BlankPageError, FormError, UnknownFormError
from daiko.forms.fieldtypes.base import (
    SPECK_JA,
    UPRIGHT_STROKES,
    FieldType,
    one_character_off,
    plus_for_four,
    voicing_twins,
)
from daiko.forms.fieldtypes.kana_name import KATAKANA_NAME
from daiko.forms.fieldtypes.mynumber import MASKED
from daiko.forms.marks import mark_score
from daiko.forms.render import render_template
from daiko.forms.result import CHECK_ORIGINAL_JA, FieldResult, FormResult, PageError, PageResult, also
from daiko.forms.stamp import StampDate, read_stamp, weigh_against_stamp
from daiko.i18n import tr
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


def _resolve_forms(
    form: FormDefinition | str | Sequence[FormDefinition | str] | None,
) -> tuple[list[FormDefinition], bool]:
    """The candidates, and whether the caller named them (several: the pages of one survey)."""
    if form is None:
        return load_all(), False
    if isinstance(form, str | FormDefinition):
        form = [form]
    return [load_definition(f) if isinstance(f, str) else f for f in form], True


def _default_engine() -> OcrEngine:
    from daiko.ocr.engines import get_engine

    return get_engine()


# Dots the recogniser makes of dust or a pen resting beside the writing (R07-56827. / マユミ.). No
# field value starts or ends with one; a read that is nothing else is an empty field. A backtick is
# such a speck too (`コンビニで証明書が… at 0.78, a printed comment on held-back page 910513).
SPECKS = ".．・•·‧∙,，`｀"


def _is_filler(ch: str) -> bool:
    return ch.isspace() or ch in SPECKS


def _written(text: str) -> str:
    """A read without the spaces and specks at either end: what was written."""
    return text.strip().strip(SPECKS + " \u3000")


# How the writing of a zone was found when not at the page's own threshold: partly PALE (seen at
# :meth:`PageInk.faint`), or only as faint STROKES (:func:`faint_strokes`) in a zone otherwise empty.
PALE, STROKES = "pale", "strokes"


def _text_crops(
    aligned: np.ndarray, template: np.ndarray, f: FieldDef, ink: PageInk
) -> tuple[list[np.ndarray], str | None, str | None]:
    """The writing in a text field, ready for the recogniser (two pieces for 姓/名); [] when empty.

    The second is PALE or STROKES where some of the writing is pale: the zone is then darkened and
    read whole, and the field can only go to review. The last is
    ``ACROSS_THE_RULE`` where the writing runs on past the zone's right-hand rule
    (:func:`_over_the_frame`), else None.
    """
    assert f.zone is not None
    if f.cells:
        pieces = []
        for cell in f.zone.split(f.cells):
            crop, _ = cut(aligned, cell, CELL_INSET_MM)
            tpl, _ = cut(template, cell, CELL_INSET_MM)
            crop = erase_long_lines(blank_printed(crop, tpl, ink), ink, tpl)
            piece = tighten(crop, ink, pad_frac=0.05)
            if piece is not None:
                pieces.append(piece)
        return ([stitch(pieces, ink.paper, gap_frac=CELL_GAP)] if pieces else []), None, None
    crop, _ = cut(aligned, f.zone)
    tpl, _ = cut(template, f.zone)
    cleaned = blank_printed(crop, tpl, ink)
    normal = erase_long_lines(cleaned, ink, tpl)
    box = ink_box(normal, ink)
    pale_ink = ink.faint()
    pale = erase_long_lines(cleaned, pale_ink, tpl)
    # Beside writing of known height, pale ink counts only in blobs a third of that height: at the
    # pale threshold, JPEG blocks and scanner noise form blobs too (a printed AF68-1744933 read at
    # 1.00 went to review as "pale writing" on a quality-60 scan).
    # Blobs thinner than PALE_MIN_THICKNESS_PX are the pale fringe of the cell's border the template
    # erasure left at the crop's edge (1-2 px high, along the top): 19 right reads on 160 tune pages,
    # among them 5 of the 21 plates reviewed, went to review as "pale writing" for them.
    pale_box = ink_box(pale, pale_ink, (box[3] - box[1]) / 3 if box is not None else None, PALE_MIN_THICKNESS_PX)
    if pale_beyond(box, pale_box):
        assert pale_box is not None
        line, faint = stretch(cut_to(pale, pale_box), ink), PALE
        # Nothing at the page's threshold and the pale ink a part of the strokes: the strokes are
        # the writing (海外へ輸出 whose pale ink was one blob, read 外: held-back page 909918).
        if box is None and (strokes := faint_strokes(cleaned)) is not None and pale_beyond(pale_box, strokes):
            line, faint = stretch(cut_to(cleaned, strokes), ink), STROKES
    elif box is not None:
        line, faint = cut_to(normal, box), None
    elif (strokes := faint_strokes(cleaned)) is not None:
        line, faint = stretch(cut_to(cleaned, strokes), ink), STROKES
    else:
        return [], None, None
    pieces = split_at_gap(line, ink) if f.field_type().gap_is_space else [line]
    over = _over_the_frame(aligned, template, f.zone, box, normal.shape[1], ink)
    return pieces, faint, ACROSS_THE_RULE if over else None


# Writing that runs on across the right-hand rule, out of room: a 104 whose 4 the writer put across
# it was read 10 at 0.9997 (tune page 20326) — the rule and the band round it are painted out, so the
# 4's stem ended 8 px short of the crop's edge, no further from it than writing that stops close to
# the rule (0.7 mm inset + 1.3 mm). What tells them apart is past the rule: a strip beyond it holds
# ink (the template's own painted out) only where the writing crossed it. The strip starts 0.7 mm
# out: a scan's rule lying 1-2 px off the template's leaves a line of it nearer (35 fields of a tune
# draw); the crossing 4 reached 1.5 mm out. Only the right-hand side: writing begins inside its box,
# and on the left a label cell's print off the template's by a pixel or two looked like writing.
BEYOND_MM = (0.7, 2.5)  # from the rule outwards
ACROSS_THE_RULE = "枠外"
FRAME_NEAR_PX = 12  # the writing inside reaches this close to the crop's edge


def _over_the_frame(
    aligned: np.ndarray,
    template: np.ndarray,
    zone: Box,
    box: tuple[int, int, int, int] | None,
    width: int,
    ink: PageInk,
) -> bool:
    """Whether the writing inside reaches the zone's right-hand edge and goes on past the rule."""
    if box is None or box[2] < width - FRAME_NEAR_PX:
        return False
    near, far = BEYOND_MM
    strip = Box(x=zone.x + zone.w + near, y=zone.y, w=far - near, h=zone.h)
    crop, _ = cut(aligned, strip, 0.0)
    tpl, _ = cut(template, strip, 0.0)
    if crop.size == 0 or crop.shape != tpl.shape:
        return False
    height = max(1, box[3] - box[1])
    beyond = int(ink.mask(erase_long_lines(blank_printed(crop, tpl, ink), ink, tpl)).sum())
    return beyond >= UNREAD_MIN_AREA * height * height / 2


# Ink reaching further than this (× the writing's height) past the centre of the first or last
# character read is a character the recogniser dropped (図書館 read as 書館 at 0.999). A read
# character's own half-width is ~0.5 for 漢字/かな and ~0.3 for letters and digits; the CTC
# column a character is placed at is ~0.3 × height wide, so a first letter lands at 0.35 or 0.65
# (M of MH55S in a proportional 明朝 was flagged at 0.65 with a 0.6 limit), while a dropped
# narrow character leaves ≥ 0.9 (its own width plus the read one's half).
PALE_MIN_THICKNESS_PX = 3
UNREAD_INK = 1.0
UNREAD_INK_NARROW = 0.8
# ...and only where that ink is a character's worth: at least this × the writing's height² of ink
# pixels. A speck beside the first character (a 受付番号 stamp read right at 1.00, 0.01 h²) held
# keyed fields; the characters dropped on held-back pages left 0.05-0.10 h².
UNREAD_MIN_AREA = 0.04


# Writing this many heights wide per character read (less one) is more than was read: 図書館の端末
# read i (0.96) and 海外へ輸出 read 外 (0.995) on held-back pages 909913 and 909918. Handwriting
# spaced wide runs 1.2-1.5 heights a character, digits less; it needs no engine's character
# positions, which paddleocr does not give.
FEW_PITCH = 1.6
TOO_FEW = "一部"
UNREAD_JA = {
    TOO_FEW: "記入の一部しか読み取れていません。読み落とした文字がないか原本で確かめてください",
    "全体": "記入がありますが文字を読み取れません",
    ACROSS_THE_RULE: "枠の外まで書かれています。枠の外の文字を読み落とした可能性があるため原本で確かめてください",
}


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
        written = [ch for ch in line.text if not ch.isspace()]
        if len(written) < (x1 - x0) / (FEW_PITCH * height) - 1:
            return TOO_FEW
        if not line.char_x:
            continue
        if len(written) != len(line.char_x):
            continue
        first, last = line.char_x[0] * width, line.char_x[-1] * width
        ahead = first - x0 > _unread_limit(written[0]) * height
        behind = x1 - last > _unread_limit(written[-1]) * height
        mask, least = ink.mask(crop), UNREAD_MIN_AREA * height * height
        if ahead and mask[:, x0 : int(first - height / 2)].sum() >= least:
            return "先頭"
        if behind and mask[:, int(last + height / 2) : x1].sum() >= least:
            return "末尾"
        xs = [x * width for x in line.char_x]
        if _skipped_between(xs, _spaced(line.text), mask, height):
            return "途中"
        for end, side in ((len(written) - 1, "末尾"), (0, "先頭")):
            if written[end] in SPECKS and len(written) > 1 and _speck_is_writing(xs, end, mask, height):
                return side
    return None


# A dot read at either end of a line is dropped as a speck (``_written``); where the ink there stands
# this many × the writing's height it was a character: R7.3.31 read R7.3.3. with its 1 a '.' at 0.79
# (held-back page 914431; 912519 the same) and accepted as 3月3日. A written full stop or a speck of
# the scan stands under a third of the writing's height.
SPECK_TALL = 0.6


def _speck_is_writing(xs: list[float], end: int, mask: np.ndarray, height: int) -> bool:
    """Whether the ink under the dot read at ``xs[end]`` (the first or last character) is as tall as
    writing. A blob reaching past its neighbour's centre is the neighbour's (a full stop touching the
    day's digit), so it does not count."""
    neighbour = xs[end - 1] if end else xs[1]
    near = 0.2 * height
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    for x0, _y0, w, h, _area in stats[1:]:
        if not x0 - near <= xs[end] <= x0 + w + near:
            continue
        if (x0 <= neighbour) if end else (x0 + w >= neighbour):
            continue
        if h >= SPECK_TALL * height:
            return True
    return False


# A character the recogniser skipped between two it read (スマートウォッチ read スマーウォッチ at 0.997,
# tune page 20311: centres 96 px apart where the line's pitch is 39, writing 39 px high) leaves a gap
# of this many × the line's usual pitch and × the writing's height between their centres (a printed
# 川口 beside narrow digits is 1.5 heights apart), with a character's worth of ink
# (UNREAD_MIN_AREA × height²) clear of both neighbours' half-widths.
SKIPPED_PITCH = 1.7
SKIPPED_HEIGHTS = 1.8
SKIPPED_CLEAR = 0.55  # × height either side of a gap's ink: the two read characters' own half-widths


def _spaced(text: str) -> set[int]:
    """Indices i (among the written characters) with a space read between character i and i + 1."""
    out, i = set(), -1
    for ch in text:
        if ch.isspace():
            out.add(i)
        else:
            i += 1
    return out


def _skipped_between(xs: list[float], spaced: set[int], mask: np.ndarray, height: int) -> bool:
    """A gap the recogniser read as a space accounted for is not one: 川口 480 れ 21-84."""
    if len(xs) < 3:
        return False
    pitches = np.diff(xs)
    usual = float(np.median(pitches))
    least = UNREAD_MIN_AREA * height * height
    for i, pitch in enumerate(pitches):
        if i in spaced or pitch < max(SKIPPED_PITCH * usual, SKIPPED_HEIGHTS * height):
            continue
        lo, hi = int(xs[i] + SKIPPED_CLEAR * height), int(xs[i + 1] - SKIPPED_CLEAR * height)
        if hi > lo and mask[:, lo:hi].sum() >= least:
            return True
    return False


def _join(parts: list[TextLine]) -> TextLine | None:
    """Pieces of one field (姓 and 名) as one line: texts joined by a 全角スペース, the lowest confidence."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    texts, scores, alts = [], [], []
    for p in parts:
        runners = p.alternatives if len(p.alternatives) == len(p.text) else ((),) * len(p.text)
        pairs = (
            list(zip(p.text, p.char_confidences, runners, strict=True))
            if len(p.text) == len(p.char_confidences)
            else []
        )
        while pairs and _is_filler(pairs[0][0]):
            pairs.pop(0)
        while pairs and _is_filler(pairs[-1][0]):
            pairs.pop()
        texts.append(_written(p.text))
        scores.append([c for _, c, _ in pairs])
        alts.append([a for _, _, a in pairs])
    text = "\u3000".join(texts)
    confs: tuple[float, ...] = ()
    runners_up: tuple[tuple[tuple[str, float], ...], ...] = ()
    if all(len(t) == len(sc) for t, sc in zip(texts, scores, strict=True)):
        confs = tuple(c for i, sc in enumerate(scores) for c in ([1.0] if i else []) + sc)  # 1.0: the joining space
        # The runners-up go with them (a 名's 千 beside 干: _runner_up_shown); the space has none.
        runners_up = tuple(a for i, part in enumerate(alts) for a in ([()] if i else []) + part)
    return TextLine(text, min(p.ink_confidence for p in parts), char_confidences=confs, alternatives=runners_up)


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


def _written_start(text: str) -> int:
    """Where the written part of a read begins (the specks and spaces before it left out)."""
    return len(text) - len(text.lstrip(SPECKS + " \u3000"))


def _written_scores(line: TextLine) -> list[tuple[str, float]]:
    """(character, score) for the written part of a read (specks and spaces at either end left out).

    Where the engine gives no per-character scores every character carries the line's score.
    """
    text = line.text
    start = _written_start(text)
    raw = _written(text)
    scores = (
        list(line.char_confidences[start : start + len(raw)])
        if len(line.char_confidences) == len(text)
        else [float(line.confidence)] * len(raw)
    )
    return list(zip(raw, scores, strict=True))


def _repaired(ftype, line: TextLine) -> TextLine:
    """The read with a slot the type can re-read from the recogniser's runners-up (a plate's kana),
    and the characters of slots with a small alphabet scored within it (``FieldType.rescore``)."""
    if not line.alternatives or len(line.alternatives) != len(line.text):
        return line
    if not ftype.check(_written(line.text)).ok:
        fixed = ftype.repair(line.text, line.alternatives)
        if fixed is not None:
            text, i, p = fixed
            confs = list(line.char_confidences)
            if len(confs) == len(line.text):
                confs[i] = p
            line = TextLine(text, line.confidence, line.box, tuple(confs), line.char_x, line.alternatives)
    rescored = ftype.rescore(line.text, line.alternatives) if "rescore" not in levers_off() else {}
    if "same_value" not in levers_off():
        for i, p in _same_value_scores(ftype, line).items():
            rescored[i] = max(rescored.get(i, 0.0), p)
    if not rescored or len(line.char_confidences) != len(line.text):
        return line
    confs = list(line.char_confidences)
    for i, p in rescored.items():
        confs[i] = max(confs[i], p)
    return TextLine(line.text, line.confidence, line.box, tuple(confs), line.char_x, line.alternatives)


# A character this sure is left as scored: the runners-up of the others are worth reading.
SAME_VALUE_BELOW = 0.95


def _same_value_scores(ftype, line: TextLine) -> dict[int, float]:
    """{index: the probability of every class at that character that leaves the value as read} for the
    characters scored under SAME_VALUE_BELOW: the recogniser split its belief between look-alikes
    the type's normaliser makes one (コ一ポ and コーポ in an address are both コーポ; round 15: 一 at
    0.44-0.59 held correct addresses), so the value is as sure as their sum. Only the value's
    characters count and the value cannot change: what is summed gives the same one.
    So does a + or ± beside digits as the runner-up of a 4 (``plus_for_four``), the shape a printed 4
    takes in some faces (round 26: a 4 at 0.40-0.88, + or ± the rest, held right printed dates and
    phones)."""
    text, confs = line.text, line.char_confidences
    if len(confs) != len(text):
        return {}
    value = ftype.normalise(_written(text))
    if value is None:
        return {}
    out: dict[int, float] = {}
    for i, (ch, score, alts) in enumerate(zip(text, confs, line.alternatives, strict=True)):
        if score >= SAME_VALUE_BELOW or ch.isspace():
            continue
        same = [
            p
            for alt, p in alts
            if alt != ch
            and (_gives(ftype, _written(text[:i] + alt + text[i + 1 :]), value) or plus_for_four(text, i, alt))
        ]
        if same:
            out[i] = min(1.0, score + sum(same))
    return out


def _gives(ftype, written: str, value: object) -> bool:
    """Whether the read ``written`` (non-empty) normalises to ``value``."""
    return bool(written) and ftype.normalise(written) == value


def _scored(ftype: FieldType, line: TextLine) -> tuple[list[tuple[str, float, bool]], float, float]:
    """A read's written characters with their scores and whether each counts, its line score and its
    least sure counted character. Only the characters that carry the value count (not the 〒 before a
    postal code, not a 車台番号's hyphen — ``FieldType.significant``); spaces are left out."""
    scored = [
        (ch, sc, keep)
        for (ch, sc), keep in zip(_written_scores(line), ftype.significant(_written(line.text)), strict=True)
        if not ch.isspace()
    ]
    counted = [(ch, sc) for ch, sc, keep in scored if keep] or [(ch, sc) for ch, sc, _ in scored]
    conf = round(sum(sc for _, sc in counted) / len(counted), 4) if counted else 0.0
    return scored, conf, round(min(sc for _, sc in counted), 4) if counted else 0.0


RUNNER_UP_JA = "「{}」を2番目の候補の「{}」として入れてあります（辞書にある言葉になります）。原本と見比べてください"


def _runner_up_shown(ftype: FieldType, raw: str | None, held: list[int], line: TextLine) -> tuple[str, str] | None:
    """The value a runner-up of a character the type's dictionary held makes known (``FieldType.
    runner_up_word``), with the words saying so: filled in for review, never accepted. Round 14's
    fresh draw: 西村　干尋 (千 0.35) and 災害により減失 (滅 0.29), each typed by staff before."""
    if not raw or not line.alternatives or len(line.alternatives) != len(line.text):
        return None
    start = _written_start(line.text)
    written = [alts for ch, alts in zip(line.text[start:], line.alternatives[start:], strict=True) if not ch.isspace()]
    alternatives = written[: len("".join(raw.split()))]
    fixed = ftype.runner_up_word(raw, held, alternatives)
    value = ftype.check_read(fixed).value if fixed is not None and len(fixed) == len(raw) else None
    if not isinstance(value, str):
        return None
    was, now = next((a, b) for a, b in zip(raw, fixed, strict=True) if a != b)
    return value, RUNNER_UP_JA.format(was, now)


def _likelier_shown(ftype: FieldType, raw: str, held: list[int]) -> tuple[str, str] | None:
    """The value with its held characters as the type finds them likelier (``FieldType.
    likelier_read``: a 旧字体 in its everyday form) and the words saying so; for review, never accepted."""
    fixed = ftype.likelier_read(raw, held)
    value = ftype.check_read(fixed).value if fixed is not None else None
    if not isinstance(value, str):
        return None
    pairs = [(a, b) for a, b in zip("".join(raw.split()), "".join(fixed.split()), strict=False) if a != b]
    return value, ftype.likelier_ja.format("".join(a for a, _ in pairs), "".join(b for _, b in pairs))


def _as_counted(scored: list[tuple[str, float, bool]], floors: list[float]) -> list[tuple[str, float]]:
    """Each character's score as the thresholds see it: one that does not count (``FieldType.
    significant``) passes, unless it is under a floor its type sets for it even so (a date's era
    where a lost digit would still leave a date — ``WarekiDate.floors``)."""
    bars = floors if len(floors) == len(scored) else [0.0] * len(scored)
    return [(ch, sc if keep or sc < bar else 1.0) for (ch, sc, keep), bar in zip(scored, bars, strict=True)]


def _rounded(scored: list[tuple[str, float, bool]]) -> list[tuple[str, float, bool]]:
    return [(ch, round(float(sc), 4), keep) for ch, sc, keep in scored]


def _decide_text(form: FormDefinition, f: FieldDef, line: TextLine | None, engine: str | None = None) -> FieldResult:
    ftype = f.field_type()
    base = dict(name=f.name, label_ja=f.label_ja, type=f.type, box=_box_px(f))
    if line is not None:
        line = _repaired(ftype, line)
    raw = _written(line.text) if line is not None else ""
    if not raw:  # no ink in the zone, or nothing but specks
        if f.required:
            return FieldResult(
                **base, value=None, raw=None, confidence=None, decision="review", reason="記入がありません（必須項目）",
                doubt="empty",
            )  # fmt: skip
        return FieldResult(**base, value=None, raw=None, confidence=None, decision="accept", reason=None)
    assert line is not None
    scored, conf, base["weakest"] = _scored(ftype, line)
    keep_raw = None if ftype.sensitive else raw
    check = ftype.check_read(raw)
    value = MASKED if ftype.sensitive else check.value
    letters = any(unicodedata.category(ch)[0] in "LN" for ch in raw)
    del raw  # the 個人番号's digits must not outlive this function

    def result(decision: str, reason: str | None, doubt: str | None = None) -> FieldResult:
        out = FieldResult(
            **base, value=value, raw=keep_raw, confidence=conf, decision=decision, reason=reason, doubt=doubt
        )
        if not ftype.sensitive:
            out.char_scores = _rounded(scored)
        return out

    if conf < UNREADABLE_LINE or not letters:
        # Specks or a stamp's edge in an empty box read as ★ or 警 at 0.06-0.6: shown as nothing
        # written, for a person to confirm, rather than as a value nobody wrote.
        value = None
        return result("review", UNREADABLE_JA, "unread")
    if not check.ok:
        return result("review", check.reason, "invalid")
    noted = f"{check.note}。" if check.note else ""  # a frame put right: said first, whatever the decision
    need = thresholds(form, f, engine)
    floors = ftype.floors(keep_raw or "") if not ftype.sensitive else []
    if len(floors) != len(scored):
        floors = [0.0] * len(scored)
    short = need.short(_as_counted(scored, floors), floors)
    # Held by a rule of the type (a 旧字体, a kanji that makes no word): a second recogniser agreeing
    # is no evidence against it — both read 端末 as 端天 at 0.99, and 恵 as 惠 (0.84 in a line of 0.89,
    # accepted as the two agreed: held-back page 920858, paddleocr). So too where the line is short.
    held = [
        i for i in short
        if scored[i][1] < floors[i] and (floors[i] > need.for_char(scored[i][0]) or not scored[i][2])
    ]  # fmt: skip
    if conf < need.line:
        return result("review", f"{noted}{BLURRED_JA}", "floor" if held else "threshold")
    weak = [(i + 1, scored[i][0]) for i in short] or _too_many_unsure(ftype, scored)
    if weak:
        why = ftype.floor_note(keep_raw or "", held) if held else None
        said = noted + (f"{why}。" if why else "") + weak_characters_reason(weak, sensitive=ftype.sensitive)
        shown = _runner_up_shown(ftype, keep_raw, held, line) if held else None
        if shown is None and held and (likelier := _likelier_shown(ftype, keep_raw or "", held)):
            shown = likelier
        if shown is not None:
            value, said = shown[0], f"{said.removesuffix('。' + CHECK_ORIGINAL_JA)}。{shown[1]}"
        return result("review", said, "floor" if held else "threshold")
    accepted = result("accept", None)
    accepted.confirmed_by, accepted.repaired = check.note, check.note is not None
    return accepted


BLURRED_JA = "全体がかすれているか崩れていて読み取りにくいため、原本と見比べてください"

# What "unsure" means for ``FieldType.unsure_allowed``: under this, a character is a coin the value
# may have lost (a code's digits are read at 0.98-1.00 when written plainly).
UNSURE = 0.9


def _too_many_unsure(ftype: FieldType, scored: list[tuple[str, float, bool]]) -> list[tuple[int, str]]:
    """The counted characters under ``UNSURE`` (position, character) where there are more of them
    than the type allows; [] otherwise."""
    if ftype.unsure_allowed is None:
        return []
    unsure = [(i + 1, ch) for i, (ch, sc, counted) in enumerate(scored) if counted and sc < UNSURE]
    return unsure if len(unsure) > ftype.unsure_allowed else []


# A read scored under this as a whole, or with no letter or digit in it, is no reading of anything
# (bench draws: 33 such reads, none of them right; 17 in boxes nobody wrote in).
UNREADABLE_LINE = 0.45
UNREADABLE_JA = "文字として読み取れません（汚れや記号の可能性があります）。記入の有無と内容を原本で確かめてください"


def weak_characters_reason(weak: list[tuple[int, str]], *, sensitive: bool = False) -> str:
    """Which characters to compare with the paper, in words a clerk acts on — never two scores that
    print alike: 「3文字目「郎」が読みにくい文字です」. A 個人番号 is named by digit position only."""
    unit = "桁目" if sensitive else "文字目"
    named = [f"{position}{unit}" if sensitive else f"{position}{unit}「{ch}」" for position, ch in weak[:3]]
    more = f"ほか{len(weak) - 3}文字" if len(weak) > 3 else ""
    return (
        f"読み取りに自信のない文字があります: {'、'.join(named)}{'、' + more if more else ''}。原本と見比べてください"
    )


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


# ---- reference data ------------------------------------------------------------------------------

# A postal code whose 町名 is the address's (Japan Post's data) is accepted down to this line score:
# a misread digit would have to land on another code of the very same 町名.
CONFIRMED_POSTAL_FLOOR = 0.5
POSTAL_CONFIRMED_JA = "住所と一致（日本郵便のデータ）"
ADDRESS_CONFIRMED_JA = "市区町村・町名が郵便番号と一致（日本郵便のデータ）"


def _confirmed_address(form: FormDefinition, f: FieldDef, r: FieldResult, engine: str | None) -> bool:
    """True when the only doubtful characters of an address lie in its 市区町村/町名, which match the data."""
    from daiko.forms.reference import postal

    if r.char_scores is None or not isinstance(r.value, str):
        return False
    parsed = postal.parse(r.value)
    if parsed is None or parsed.town is None:
        return False
    body = r.value.replace(" ", "")
    named = len(body) - len(parsed.rest)  # characters of 都道府県・市区町村・大字・町名, written 1:1
    need = thresholds(form, f, engine)
    scores = [(ch, sc) for ch, sc, keep in r.char_scores if keep]
    if r.confidence is None or r.confidence < need.line or len(scores) != len(body):
        return False
    return not need.short(scores[named:])


def _apply_agreements(form: FormDefinition, results: list[FieldResult], engine: str | None) -> None:
    """Postal code ↔ address against Japan Post's data: a contradiction sends both to review, a
    町名-level agreement lets a valid but doubtful postal code (and an address doubtful only in its
    place names) through."""
    from daiko.forms.definition import NameReading
    from daiko.forms.reference import postal

    by_name = {r.name: r for r in results}
    for a in form.agreements:
        if isinstance(a, NameReading):
            if "names" not in levers_off():
                _apply_reading(form, by_name[a.name], by_name[a.kana], engine)
            continue
        if "reference" in levers_off():
            continue
        pc, ad = by_name[a.postal_code], by_name[a.address]
        if _postal_code_from_town(pc, ad):
            continue  # filled from the address: no evidence for it
        speck = pc.doubt == "invalid" and pc.reason == SPECK_JA  # 357-0.046: shown without its dot
        if not isinstance(pc.value, str) or not isinstance(ad.value, str) or ad.doubt == "invalid":
            continue
        if pc.doubt == "invalid" and not speck:
            continue
        found = postal.agreement(pc.value, ad.value)
        if found.status == "disagree":
            for r in (pc, ad):
                if r.decision == "accept" or r.doubt == "threshold":
                    r.decision, r.doubt, r.reason = "review", "disagree", found.reason_ja
            town = postal.town_code(ad.value)
            if pc.decision == "review" and town and len(town) == len(pc.value) and one_character_off(pc.value, town):
                # 357-0082 beside an address in 357-0032's 町名: the digit is the likelier slip (on
                # the kept dumps of rounds 9–17, 17 such codes, the 町名's right in each).
                pc.value, pc.reason = town, also(pc.reason, CODE_ONE_OFF_JA)
        elif found.status == "agree" and found.level == "town":
            # A dot among its digits is a speck where the seven digits left are the address's 町名's
            # code (round 23: 357-0.046, 357-003.7 — 7 such codes on three fresh draws, every one right).
            if (pc.doubt == "threshold" or speck) and (pc.confidence or 0) >= CONFIRMED_POSTAL_FLOOR:
                pc.decision, pc.doubt, pc.reason = "accept", None, None
            if pc.decision == "accept":
                _confirmed_also(pc, POSTAL_CONFIRMED_JA)
            if ad.doubt == "threshold" and _confirmed_address(form, form.field(a.address), ad, engine):
                ad.decision, ad.doubt, ad.reason = "accept", None, None
            if ad.decision == "accept":
                _confirmed_also(ad, ADDRESS_CONFIRMED_JA)


def _confirmed_also(r: FieldResult, why: str) -> None:
    """``why`` added to what already vouched for ``r``: an address the second recogniser accepted
    keeps saying so beside the postal code's agreement (page 931150 showed only the agreement, which
    had not been what accepted it)."""
    if r.confirmed_by and why not in r.confirmed_by:
        r.confirmed_by = also(r.confirmed_by, why)
    else:
        r.confirmed_by = why


CODE_ONE_OFF_JA = (
    "住所の町名の郵便番号（日本郵便のデータ）と1桁違うため、その番号を入れてあります。原本と見比べてください"
)
CODE_FROM_TOWN_JA = "住所の町名の郵便番号（日本郵便のデータ）を入れてあります。原本と見比べてください"


def _postal_code_from_town(pc: FieldResult, ad: FieldResult) -> bool:
    """A 郵便番号 held with no value, or unreadable, beside an address whose 町名 has one code: that
    code is filled in for the person who must look anyway (on the kept dumps of rounds 9–17, 69
    postal codes so shown right, none wrong). A code written and read, right or not, is left to the
    agreement check; one left blank on paper was accepted empty and stays so. An address held for its
    building or 番地 (コーボ shown コーポ, + shown 4: held-back pages 917356, 917764) names its 町名 as
    well as an accepted one; one whose 市区町村 or 町名 was itself put right from Japan Post's data
    (``address.READ_FROM_POSTAL_DATA``) is a guess already, and no code is drawn from it. Nor is one
    filled where the box held only pale specks ("faint"): on four draws' dumps (916600–918999, both
    engines) each of the 5 so filled had been left blank on paper, against 20 of 20 right where the
    box's writing read as no code."""
    from daiko.forms.fieldtypes.address import READ_FROM_POSTAL_DATA
    from daiko.forms.reference import postal

    if pc.value is not None or pc.decision != "review" or not isinstance(ad.value, str) or pc.doubt == "faint":
        return False
    if ad.doubt == "invalid" and READ_FROM_POSTAL_DATA in (ad.reason or ""):
        return False
    if code := postal.town_code(ad.value):
        pc.value, pc.reason = code, also(pc.reason, CODE_FROM_TOWN_JA)
    return code is not None


def _one_kanji_surname_held(name: FieldResult) -> bool:
    from daiko.forms.fieldtypes.kanji_name import ONE_KANJI_SURNAME_JA

    return (name.reason or "").startswith(ONE_KANJI_SURNAME_JA.split("「")[0]) and name.doubt == "invalid"


# A フリガナ that reads its 氏名 (IPADIC) is accepted down to this line score, every kana to KANA_FLOOR:
# a slip would have to land on another reading of the same kanji that is no twin of this one.
CONFIRMED_KANA_FLOOR = 0.8
CONFIRMED_KANA_CHAR_FLOOR = 0.5
KANA_CONFIRMED_JA = "氏名の読みと一致（辞書）"


SUGGESTED_KANA_JA = "氏名の読み（辞書）に近い値を入れてあります"
USUAL_KANA_JA = "氏名のよくある読み（辞書）を入れてあります"
NAME_FROM_KANA_JA = "フリガナの読みで辞書にある名前を入れてあります。原本と見比べてください"
GAP_FROM_NAME_JA = "姓と名の区切りを氏名の読みから補いました（辞書）"


NAME_KANA_JA = (
    "氏名の「{}」とフリガナの「{}」が一致しません。どちらかの読み違いの可能性があります。原本と見比べてください"
)
NAME_SHORT_JA = "フリガナに比べて「{}」の字が足りない可能性があります（読み落とし）。原本と見比べてください"
NAME_UNKNOWN_JA = (
    "「{0}」は辞書にない名前で、フリガナ「{1}」の読みの名前と1文字違います（読み違いの可能性）。原本と見比べてください"
)
KANA_EMPTY_JA = (
    "氏名は記入がありますが、フリガナが読み取れません（薄い記入が写っていない可能性があります）。原本で確かめてください"
)
NAME_VOICING_JA = "フリガナの濁点が読み取れていません。氏名のかなの濁点も原本で確かめてください"


def _has_voicing_twin(name: str) -> bool:
    """A kana in a 氏名 that a lost 濁点 could have made (み と り: と may be ど)."""
    return any(("ぁ" <= ch <= "ヺ") and voicing_twins(ch) for ch in name)


def _sure(form: FormDefinition, r: FieldResult, engine: str | None) -> bool:
    """Every character that counts, and the line, at or over the field's thresholds and its type's floors."""
    f = form.field(r.name)
    need = thresholds(form, f, engine)
    scored = [(ch, sc, keep) for ch, sc, keep in (r.char_scores or []) if not ch.isspace()]
    floors = f.field_type().floors(r.raw or "")
    written = _as_counted(scored, floors)
    return bool(written) and (r.confidence or 0) >= need.line and not need.short(written, floors)


def _confirm_split_name(form: FormDefinition, name: FieldResult, kana: FieldResult, engine: str | None) -> None:
    """A 氏名 read without its gap and split where the dictionary knows its 姓 (清水浩二 → 清水　浩二)
    is accepted where the フリガナ beside it — accepted, with its own gap — reads it part by part
    (シミズ　コウジ) and every character of the name is sure: two zones then agree on the split.
    The held-back draw 902800–903399 had 2 handwritten pages held by such a name alone, both right."""
    from daiko.forms.reference import names

    assert isinstance(name.value, str) and isinstance(kana.value, str)
    split_by_us = "\u3000" in name.value and not re.search(r"\s", (name.raw or "").strip())
    if not split_by_us or kana.decision != "accept" or "\u3000" not in kana.value:
        return
    if names.reading_check(name.value, kana.value).status == "agree" and _sure(form, name, engine):
        name.decision, name.doubt, name.reason, name.confirmed_by = "accept", None, None, SPLIT_BY_KANA_JA


SPLIT_BY_KANA_JA = "姓と名の区切りをフリガナの読みで確認（辞書）"


def _apply_reading(form: FormDefinition, name: FieldResult, kana: FieldResult, engine: str | None) -> None:
    """フリガナ ↔ 氏名 against the dictionary's readings (:mod:`daiko.forms.reference.names`): a フリガナ
    one slip away from a reading of the 氏名 goes to review however sure the read (a lost 濁点 read at
    0.97: イノウエ → イノウェ); one that is a reading, and not ambiguous, is accepted down to a floor.

    A フリガナ sent to a person is shown as the reading it most likely is (イノウェ → イノウエ, 7サミ →
    アサミ): round 5's held-back pages had 8 printed フリガナ in review read one 濁点 or one kana off
    the name's only reading. One read right but without its gap (オカダマユミ) is split where the
    readings of 姓 and 名 meet, and accepted when it then reads the 氏名 and every character is sure."""
    from daiko.forms.reference import names

    if isinstance(name.value, str) and kana.value is None and kana.decision == "accept":
        # The フリガナ is the palest, smallest writing of the page: a thin pen leaves the 氏名 and
        # nothing of it (round 9: 8 written フリガナ accepted as empty on ~4,200 held-back pages; of
        # the 103 left blank on paper, each now costs a look — it is not keyed on the 廃車申告書).
        kana.decision, kana.doubt, kana.reason = "review", "empty", KANA_EMPTY_JA
        return
    if isinstance(name.value, str) and kana.value is None and kana.doubt in ("unread", "faint"):
        # Ink in the box that read as nothing (a pale pen, a smudged hand): the 氏名's usual reading
        # is filled in for the person who must look anyway. On the kept dumps of rounds 9–17 (both
        # engines) 61 such フリガナ were so shown right, 4 wrong — in place of an empty box.
        if name.doubt != "invalid" and (usual := names.usual_reading(name.value)):
            kana.value, kana.reason = usual, also(kana.reason, USUAL_KANA_JA)
        return
    if not isinstance(name.value, str) or not isinstance(kana.value, str):
        return
    if name.doubt == "invalid":
        _confirm_split_name(form, name, kana, engine)
        if "\u3000" not in name.value:
            return  # no parts to hold the フリガナ against
    # Before a garbled フリガナ is put right from the 氏名: its one clean part may still tell the 氏名
    # is short (山本　涼 beside ヤ7マモト　リョウコ, 涼 at 0.86, accepted).
    short = names.kanji_short_of(name.value, kana.value)
    if short is not None and (name.decision == "accept" or _one_kanji_surname_held(name)):
        # Said beside its フリガナ, a 姓 held for its one kanji is the more plainly a kanji short.
        name.decision, name.doubt, name.reason = "review", "disagree", NAME_SHORT_JA.format(short)
    unknown = names.unknown_beside_a_name(name.value, kana.value)
    if unknown is not None and name.decision == "accept":
        name.decision, name.doubt, name.reason = "review", "disagree", NAME_UNKNOWN_JA.format(*unknown)
    if kana.doubt == "invalid":
        fixed = names.suggested_reading(name.value, kana.value)
        if fixed is None:
            # Marks and letters where kana should be (1111, ー7　0カ): what was read says nothing of
            # the name, the 氏名 does. On the kept dumps of rounds 9–17, 217 such フリガナ shown right
            # by the usual reading, 3 wrong (each wrong as read too).
            usual = names.usual_reading(name.value) if name.doubt != "invalid" else None
            if usual and not KATAKANA_NAME.match(kana.value):
                kana.value, kana.reason = usual, also(kana.reason, USUAL_KANA_JA)
            return
        split_only = fixed.replace("\u3000", "") == kana.value.replace("\u3000", "")
        if split_only and names.reading_check(name.value, fixed).status == "agree" and _sure(form, kana, engine):
            kana.value, kana.decision, kana.doubt, kana.reason = fixed, "accept", None, None
            kana.confirmed_by = GAP_FROM_NAME_JA
        else:
            kana.value, kana.reason = fixed, also(kana.reason, SUGGESTED_KANA_JA)
        return
    # The 氏名 as read, too: one put right by the dictionary (みとり → みどり) is no evidence for a
    # フリガナ that says what the rule put in.
    as_read = form.field(name.name).field_type().normalise(name.raw) if name.raw else None
    apart = names.kana_part_mismatch(name.value, kana.value) or (
        names.kana_part_mismatch(as_read, kana.value) if as_read else None
    )
    if apart is not None:
        for r in (name, kana):
            if r.decision == "accept":
                r.decision, r.doubt, r.reason = "review", "disagree", NAME_KANA_JA.format(*apart)
    if name.decision == "review" and (from_kana := names.name_from_reading(name.value, kana.value)):
        # 閱根 beside セキネ: the one 姓 IPADIC files under セキネ a character off what was read. On the
        # kept dumps of rounds 9–17, 21 names so shown right, none that was right changed.
        name.value, name.reason = from_kana, also(name.reason, NAME_FROM_KANA_JA)
        short = names.kanji_short_of(name.value, kana.value)
    if kana.decision == "accept" and short is not None:
        # The 氏名 is the one cut short beside a フリガナ read sure (浅　智子 beside アサミ　トモコ,
        # held-back page 930494): its reading says nothing against the フリガナ, which was shown as
        # アサ　トモコ before. A フリガナ held itself (タカ三 beside 隆: pages 932990, 933370) is still put
        # right from the 氏名.
        return
    found = names.reading_check(name.value, kana.value)
    if found.status == "disagree":
        if kana.decision == "accept" or kana.doubt == "threshold":
            kana.decision, kana.doubt, kana.reason = "review", "disagree", found.reason_ja
        fixed = names.suggested_reading(name.value, kana.value)
        if fixed is not None and kana.decision == "review":
            if names.lost_voicing(kana.value, fixed) and name.decision == "accept" and _has_voicing_twin(name.value):
                name.decision, name.doubt, name.reason = "review", "disagree", NAME_VOICING_JA
            kana.value, kana.reason = fixed, also(kana.reason, SUGGESTED_KANA_JA)
    elif found.status == "agree" and apart is None:  # no agreement with a 氏名 the dictionary put right
        scores = [sc for ch, sc, keep in (kana.char_scores or []) if keep and not ch.isspace()]
        if (
            kana.doubt == "threshold"
            and (kana.confidence or 0) >= CONFIRMED_KANA_FLOOR
            and scores
            and min(scores) >= CONFIRMED_KANA_CHAR_FLOOR
        ):
            kana.decision, kana.doubt, kana.reason = "accept", None, None
        if kana.decision == "accept":
            kana.confirmed_by = kana.confirmed_by or KANA_CONFIRMED_JA


# ---- second opinion ------------------------------------------------------------------------------

# A valid read that missed a threshold is read again by a second recogniser of another model
# generation when its line score is at least this; the two agreeing on the value accepts it — but
# only where the second is sure of every character on its own (SECOND_SURE): the two PP-OCR
# generations share training data and some slips (八 → ハ, ダ → タ in a hand) are made by both, at
# middling scores (calibration split: 3 such agreements in ~90 pages before this rule).
SECOND_OPINION_FROM = 0.6
SECOND_SURE = 0.95
# An earlier version also re-read accepted values with a character under 0.98 and sent them to review
# where the second read another value (a "veto"): on the held-back split it sent 19 values to review
# to catch 1 wrong one, on 160 tune pages 6 right ones and no wrong one — it cost more than it caught,
# and the フリガナ slips it was for are caught by the 氏名's readings instead (reference.names).
SECOND_CONFIRMED_JA = "2つ目の読み取り（別の認識モデル）と一致"
_SECOND_FOR = {"rapidocr": "ppocrv5", "paddleocr": "rapidocr"}


def levers_off() -> set[str]:
    """Levers switched off for measuring what each contributes (bench only):
    ``DAIKO_READER_OFF=second,reference,names,rescore,same_value,calibration,stamp``."""
    return {x.strip() for x in os.environ.get("DAIKO_READER_OFF", "").split(",") if x.strip()}


def _second_engine(engine: OcrEngine) -> OcrEngine | None:
    name = _SECOND_FOR.get(engine.name)
    if name is None or "second" in levers_off():
        return None
    from daiko.ocr.engines import get_engine

    return get_engine(name)


def _weak_voicing_slip(form: FormDefinition, r: FieldResult, engine: str | None) -> bool:
    """A kana under its threshold whose 濁点 twin would make a valid value too (でき/てき, 見づらいです/
    見づらいてす). Both recognisers miss a faint 濁点 alike, so their agreeing on such a read is no
    evidence (round 4: 見づらいてす accepted on agreement, both sure). A plate's kana is exempt: the
    twin of its た cannot stand on a plate, so the value itself rules the slip out."""
    if not r.raw or not r.char_scores:
        return False
    f = form.field(r.name)
    ftype, need = f.field_type(), thresholds(form, f, engine)
    at = [i for i, ch in enumerate(r.raw) if not ch.isspace()]
    if len(at) != len(r.char_scores):
        return False
    return any(
        ftype.check(r.raw[:i] + twin + r.raw[i + 1 :]).ok
        for i, (ch, sc, keep) in zip(at, r.char_scores, strict=True)
        if keep and sc < need.for_char(ch) and char_class(ch) == "voiced"
        for twin in voicing_twins(ch)
    )


def _second_opinion(
    form: FormDefinition, results: list[FieldResult], crops: list[np.ndarray], index: dict[str, list[int]],
    skip: set[str], engine: OcrEngine,
) -> None:  # fmt: skip
    """Re-read with a second recogniser valid fields that missed a threshold with a middling score, or
    were written pale; accepted where the second is sure of the same value."""
    rescue = [
        r for r in results
        if r.doubt in ("threshold", "faint") and r.name not in skip and (r.confidence or 0) >= SECOND_OPINION_FROM
        and not form.field(r.name).field_type().sensitive and r.name in index
        and not _weak_voicing_slip(form, r, engine.name)
    ]  # fmt: skip
    for r, line in _read_again(form, rescue, crops, index, engine):
        other = form.field(r.name).field_type().check(_written(line.text))
        scores = [sc for ch, sc in _written_scores(line) if not ch.isspace()]
        if other.ok and other.value == r.value and all(sc >= SECOND_SURE for sc in scores):
            r.decision, r.doubt, r.reason, r.confirmed_by = "accept", None, None, SECOND_CONFIRMED_JA


UNCONFIRMED_JA = "2つ目の読み取り（別の認識モデル）と一致しません。"


def _confirm_unvouched(
    form: FormDefinition, results: list[FieldResult], crops: list[np.ndarray], index: dict[str, list[int]],
    engine: OcrEngine,
) -> None:  # fmt: skip
    """An accepted value of a type nothing vouches for (``FieldType.confirm_under``) with a character
    under that bar: kept where the second recogniser reads the same value, sure of each character the
    first was not (:func:`_sure_where_first_was_not`); else held, naming the characters to compare.
    With no second recogniser the thresholds decide."""
    todo = []
    for r in results:
        bar = form.field(r.name).field_type().confirm_under if r.name in index else None
        if bar is None or r.decision != "accept" or r.confirmed_by is not None or not r.char_scores:
            continue
        weak = [(i + 1, ch) for i, (ch, sc, counted) in enumerate(r.char_scores) if counted and sc < bar]
        if weak:
            todo.append((r, weak, bar))
    if not todo or _second_engine(engine) is None:
        return
    bars = {id(r): bar for r, _, bar in todo}
    agreed = set()
    for r, line in _read_again(form, [r for r, _, _ in todo], crops, index, engine):
        other = form.field(r.name).field_type().check(_written(line.text))
        first = [sc for ch, sc, _ in r.char_scores if not ch.isspace()]
        second = [sc for ch, sc in _written_scores(line) if not ch.isspace()]
        if other.ok and other.value == r.value and _sure_where_first_was_not(first, second, bars[id(r)]):
            agreed.add(id(r))
    for r, weak, _ in todo:  # a second read of nothing is no agreement either
        if id(r) in agreed:
            r.confirmed_by = SECOND_CONFIRMED_JA
        else:
            r.decision, r.doubt, r.reason = "review", "disagree", UNCONFIRMED_JA + weak_characters_reason(weak)


def _sure_where_first_was_not(first: list[float], second: list[float], bar: float) -> bool:
    """Every character read sure by one of the two recognisers (the first at ``bar``, the second at
    SECOND_SURE), both giving the same value: the second need not be sure where the first already was.
    受付番号 R07-45571, its 5 at 0.97, beside a second read sure of that 5 (1.0) but not of the 4 before
    it (0.60, where the first read 1.0) was held while the second had to be sure of all (page 930196,
    round 25); 1750 for 1758, its 0 at 0.97 and the second's at 0.53, is still held. Characters that
    do not line up one to one: the second must be sure of all."""
    if len(first) != len(second):
        return all(sc >= SECOND_SURE for sc in second)
    return all(b >= SECOND_SURE for a, b in zip(first, second, strict=True) if a < bar)


def _read_again(
    form: FormDefinition, todo: list[FieldResult], crops: list[np.ndarray], index: dict[str, list[int]],
    engine: OcrEngine,
) -> Iterator[tuple[FieldResult, TextLine]]:  # fmt: skip
    """Each field of ``todo`` with the second recogniser's read of its crops (frame put right), in one
    call; nothing where the engine has no second or a field's crops read as nothing."""
    second = _second_engine(engine) if todo else None
    if second is None:
        return
    wanted = [i for r in todo for i in index[r.name]]
    lines = dict(zip(wanted, second.recognize([crops[i] for i in wanted]), strict=True))
    for r in todo:
        line = _join([lines[i] for i in index[r.name]])
        if line is not None:
            yield r, _repaired(form.field(r.name).field_type(), line)


# A read that makes no value is read again by the second recogniser, and a valid value it gives is
# shown for the person who decides anyway (never accepted: the two disagree), where its least sure
# character reaches this — a value it is less than even on is no help (tune 10000–10599: 6 such
# values, the one wrong with a character at 0.49, the right ones at 0.34 and 0.69–1.0).
SECOND_SHOWN_FROM = 0.5
SECOND_SHOWN_JA = "1つ目の読み取りでは値になりませんでした。2つ目の読み取り（別の認識モデル）の値を入れてあります。原本と見比べてください"


def _second_read_unparsed(
    form: FormDefinition, results: list[FieldResult], crops: list[np.ndarray], index: dict[str, list[int]],
    skip: set[str], engine: OcrEngine,
) -> None:  # fmt: skip
    """Fields whose read makes no value at all (a date read 五和7年月日1) are read again by the second
    recogniser; where it reads a valid value, that is shown for review — staff then confirm rather
    than type. A value the first read's type put right for review (a speck, a 町名) stands; a
    character put in a gap from the glyph alone (``_reread_missing``) does not: the second reads the
    whole line, the kana among its neighbours (越谷 50 ぬ 72-12, held-back page 932490: the gap
    alone read め, the second recogniser the line with its ぬ)."""
    todo = [
        r for r in results
        if r.decision == "review" and r.doubt == "invalid" and (r.value is None or _gap_reread(r))
        and r.name in index and r.name not in skip and not form.field(r.name).field_type().sensitive
    ]  # fmt: skip
    for r, line in _read_again(form, todo, crops, index, engine):
        ftype = form.field(r.name).field_type()
        other = ftype.check_read(_written(line.text))
        scores = [sc for ch, sc in _written_scores(line) if not ch.isspace()]
        if other.ok and other.value is not None and scores and min(scores) >= SECOND_SHOWN_FROM:
            # The read shown is the second's: its characters and scores go with its value (the
            # evidence a reviewer and bench/levers.py see), not the first read's that made none.
            r.value, r.reason, r.raw = other.value, SECOND_SHOWN_JA, _written(line.text)
            scored, r.confidence, r.weakest = _scored(ftype, line)
            r.char_scores = _rounded(scored)


# A gap between two read characters is taken for a dropped one only where it is this many times the
# line's usual distance between character centres (a dropped character leaves about two).
MISSING_GAP_PITCHES = 1.6
REREAD_MIN = 0.01  # a runner-up of the gap read again is considered down to this probability
REREAD_JA = "読み落とした文字を読み直して「{}」を補いました。原本と見比べてください"


def _gap_reread(r: FieldResult) -> bool:
    """Whether ``r``'s value is its read with a character put in a gap from the glyph alone."""
    return bool(r.reason) and r.reason.startswith(REREAD_JA.split("「")[0])


def _glyph_cuts(gap: np.ndarray, paper: float) -> list[np.ndarray]:
    """The gap cut down to the rows its ink spans, a little paper round it, and that cut down to its
    inkiest columns too: a lone glyph small in a tall crop can read as no character at all — a
    handwritten ぬ on a plate (held-back page 932694: nothing read in the gap, ぬ at 0.7–0.8 so cut).
    On seven draws 11 of 37 handwritten plates with ぬ were read wrong, 48 of 1,013 with another kana
    (``bench/levers.py``). [] where no ink is found."""
    grey = cv2.cvtColor(gap, cv2.COLOR_RGB2GRAY) if gap.ndim == 3 else gap
    ink = grey < paper - 40
    side = gap.shape[1] // 6  # a neighbour's stroke at the gap's edges is not the glyph
    rows = np.flatnonzero(ink[:, side : gap.shape[1] - side].any(axis=1))
    if rows.size == 0 or rows[-1] - rows[0] < 8 or rows[-1] - rows[0] > 0.85 * gap.shape[0]:
        return []
    pad = max(4, (rows[-1] - rows[0]) // 8)
    top, bottom = max(0, rows[0] - pad), rows[-1] + pad + 1
    # The columns of the inkiest run, strokes apart by less than a quarter of the glyph's height joined:
    # a neighbour's edge (the 9 after 大宮 480 ぬ, page 930434) stands apart from it.
    column_ink = ink[top:bottom].sum(axis=0)
    runs: list[list[int]] = []
    for x in np.flatnonzero(column_ink):
        if runs and x - runs[-1][1] <= max(2, (bottom - top) // 4):
            runs[-1][1] = x
        else:
            runs.append([x, x])
    left, right = max(runs, key=lambda run: column_ink[run[0] : run[1] + 1].sum())
    margin = (bottom - top) // 2
    return [
        cv2.copyMakeBorder(cut, 0, 0, margin, margin, cv2.BORDER_CONSTANT, value=(paper,) * 3)
        for cut in (gap[top:bottom], gap[top:bottom, max(0, left - pad) : right + pad + 1])
    ]


def _reread_missing(
    form: FormDefinition, results: list[FieldResult], crops: list[np.ndarray], lines: list[TextLine],
    index: dict[str, list[int]], engine: OcrEngine,
) -> None:  # fmt: skip
    """A read that is no value because one character was dropped where its type knows one stands
    (``FieldType.missing_slot``: a plate's kana): the gap is read again on its own and, where that
    gives one character that makes the value valid, the value is shown with it — for review only.
    Round 5's held-back pages held 7 plates read without their kana, most at 0.99."""
    todo = []
    for r in results:
        if r.decision != "review" or r.value is not None or not r.raw or len(index.get(r.name, ())) != 1:
            continue
        ftype = form.field(r.name).field_type()
        line, crop = lines[index[r.name][0]], crops[index[r.name][0]]
        at = ftype.missing_slot(line.text)
        written = [ch for ch in line.text if not ch.isspace()]
        if at is None or not 0 < at < len(written) or len(line.char_x) != len(written) or len(written) < 3:
            continue
        xs = [x * crop.shape[1] for x in line.char_x]
        pitches = sorted(b - a for a, b in itertools.pairwise(xs) if b > a)
        pitch = pitches[len(pitches) // 2] if pitches else 0.0
        if pitch <= 0 or xs[at] - xs[at - 1] < MISSING_GAP_PITCHES * pitch:
            continue
        x0, x1 = int(xs[at - 1] + 0.3 * pitch), int(xs[at] - 0.3 * pitch) + 1
        if x1 - x0 < pitch / 2:
            continue
        gap = crop[:, max(0, x0) : x1]
        margin = crop.shape[0] // 2  # the recogniser reads a lone glyph better with paper around it
        paper = float(np.percentile(gap, 95))
        padded = cv2.copyMakeBorder(gap, 0, 0, margin, margin, cv2.BORDER_CONSTANT, value=(paper,) * 3)
        todo.append((r, ftype, written, at, [padded, *_glyph_cuts(gap, paper)]))
    if not todo:
        return
    reads = iter(engine.recognize([c for t in todo for c in t[4]]))
    for r, ftype, written, at, gaps in todo:
        # Every character read in the gap (a neighbour's stroke at its edge reads as 1 or !) and its
        # runners-up, likeliest first: the first that makes the value valid (ひ at 0.56 beside a at
        # 0.25: a plate's kana slot holds no Latin letter) — of either crop, each at its likeliest.
        best: dict[str, float] = {}
        for line in itertools.islice(reads, len(gaps)):
            alternatives = line.alternatives if len(line.alternatives) == len(line.text) else ((),) * len(line.text)
            for ch, alts in zip(line.text, alternatives, strict=True):
                for a, p in alts or ((ch, 1.0),):
                    if p >= REREAD_MIN and not a.isspace():
                        best[a] = max(best.get(a, 0.0), p)
        options = sorted(best.items(), key=lambda ap: -ap[1])
        for ch, _p in options:
            check = ftype.check_read("".join(written[:at]) + ch + "".join(written[at:]))
            if check.value is not None and check.ok:
                r.value, r.reason = check.value, REREAD_JA.format(ch)
                break


LOST_WRITING_DOUBTS = ("invalid", "unread", "faint", "empty")
LOST_WRITING_FIELDS = 3
EMPTY_REQUIRED_LOST_JA = "記入が読み取れません（必須項目も空欄か読み取れないため、記入が写っていない可能性があります）"
EMPTY_PAGE_LOST_JA = (
    "記入が読み取れません（このページは読み取れない項目が多く、薄い記入が写っていない可能性があります。"
    "原本で確かめてください。スキャナーの濃度を上げて読み直すこともできます）"
)


def _hold_beside_lost_writing(form: FormDefinition, results: list[FieldResult]) -> None:
    """On a page where a required field reads as empty (or as nothing: ink that no character could be
    read from), an empty optional field is not trusted either.

    Writing lost as a whole (blue ballpoint faxed in 1 bit, a pale pen scanned in grey) leaves every
    field empty: the required ones went to review, the optional ones were accepted as "nothing
    written" (held-back split: 4 of 8 wrong acceptances on one such page). On a page whose writing
    was lost in part, reads short of sure are held as well (:func:`_sure_only`).
    """
    # (A required field's doubt only: a フリガナ read as empty beside its 氏名 is held as "empty" too.)
    required_lost = any(form.field(r.name).required and _lost(r, form.field(r.name).field_type()) for r in results)
    # Writing lost in part (a pale pen in JPEG, a fax's 1 bit) leaves no required field empty but
    # several unreadable — and the palest of its fields read as nothing at all (round 8: 8 of the 11
    # written fields accepted as empty in 2,400 held-back pages were on pages with 3 or more such
    # fields). Such a page is held anyway, so its empty fields cost staff one look, not a page.
    partly_lost = _writing_partly_lost(results)
    if not required_lost and not partly_lost:
        return
    reason = EMPTY_REQUIRED_LOST_JA if required_lost else EMPTY_PAGE_LOST_JA
    for r in results:
        f = form.field(r.name)
        if f.kind == "text" and r.value is None and r.decision == "accept":
            r.decision, r.doubt, r.reason = "review", "empty", reason
    if partly_lost:
        _sure_only(form, results)


# A read that is no value, its least sure character under this, is writing the scan lost as much as
# one read as nothing: a アンケート whose 整理番号 came out I0)1 (0.32) had its written 記入日 accepted
# as empty beside it (tune page 20135) — a survey has too few text fields for the 3-field rule.
GARBLED_WEAKEST = 0.5


def _lost(r: FieldResult, ftype: FieldType) -> bool:
    """Read as nothing, as no character, as a garble that is no value, or as one character that is
    none (a 整理番号 1866 read 1 beside its 記入日 accepted as empty by both engines: held-back page 918035)."""
    return r.doubt in ("empty", "unread") or (_garbled(r) and not _one_slip(r, ftype)) or _read_as_strokes(r)


def _garbled(r: FieldResult) -> bool:
    """Held as no valid value, its least sure character under ``GARBLED_WEAKEST``."""
    return r.doubt == "invalid" and r.weakest is not None and r.weakest < GARBLED_WEAKEST


def _one_slip(r: FieldResult, ftype: FieldType) -> bool:
    """A read the type's own rules make a valid value of, held for staff (番地 read 香地 at 0.29, a date
    read from its digits, 堵玉県 for 埼玉県): characters misread in writing the scan kept, no sign its
    pen was lost. On the kept dumps of rounds 13–21 such a read was the only sign beside 134 empty
    fields held (62 pages, both engines), every one empty on the paper (bench/levers.py, round 22)."""
    found = ftype.check_read(r.raw) if r.raw else None
    return found is not None and found.value is not None and ftype.validate(found.value)[0]


def _read_as_strokes(r: FieldResult) -> bool:
    """A value that is none read as a single character, or as nothing but upright strokes (a 整理番号
    0240 read 11111, its 記入日 accepted as empty beside it: held-back page 919519; on seven dumps
    every such read, 12, was of writing the scan had all but lost): what the scan kept is strokes."""
    if r.doubt != "invalid" or r.raw is None:
        return False
    written = "".join(r.raw.split())
    return len(written) == 1 or (written != "" and set(written) <= UPRIGHT_STROKES)


def _writing_partly_lost(results: list[FieldResult]) -> bool:
    return sum(r.decision == "review" and r.doubt in LOST_WRITING_DOUBTS for r in results) >= LOST_WRITING_FIELDS


# On a page whose pen the scan partly lost, a read this sure or surer still stands.
LOST_WRITING_SURE = 0.995
LOST_WRITING_UNSURE_JA = (
    "このページは読み取れない項目が多く、かすれて欠けた文字を別の字と読んだ可能性があります。原本と見比べてください"
)


LOST_WRITING_UNCHECKED_JA = (
    "このページは読み取れない項目が多く、住所と照らし合わせて確かめられなかったため、原本と見比べてください"
)


def _sure_only(form: FormDefinition, results: list[FieldResult]) -> None:
    """A page whose writing was partly lost keeps only its sure reads: a stroke the scan lost turns
    a character into another that the recogniser is quite sure of (平沼 京子 read 平召 京 at 0.994,
    木村 勇気 as 大村 勇气 at 0.71). Round 9, on ~3,600 held-back pages: on such pages 4 of 82 handwritten values
    accepted below 0.995 were wrong, against 0 of 335 at or above it. The page is held anyway, almost
    always, so this costs staff a look at a field, not a page. Values reference data confirmed stand;
    a frame the reader put right is no such confirmation (a 廃車年月日 令和7年1月13日 whose pale 3日 the
    scan lost was read 二和7年1月1 and accepted as 1月1日 on its repaired era)."""
    from daiko.forms.definition import PostalAgreement

    checkable = {a.postal_code for a in form.agreements if isinstance(a, PostalAgreement)}
    for r in results:
        if form.field(r.name).kind != "text" or r.decision != "accept" or r.value is None:
            continue
        if (r.confirmed_by is None or r.repaired) and r.weakest is not None and r.weakest < LOST_WRITING_SURE:
            r.decision, r.doubt, r.reason = "review", "faint", LOST_WRITING_UNSURE_JA
        elif r.name in checkable and r.confirmed_by is None:
            # A postal code has no check digit; its address is what vouches for it, and on such a
            # page that was unreadable: 357-0049 read 357-0019 at 0.995+ on a 1-bit page (held-back
            # 911736). On seven dumps 15 postal codes so accepted alone, 1 wrong; 65 confirmed.
            r.decision, r.doubt, r.reason = "review", "faint", LOST_WRITING_UNCHECKED_JA


# On a page with a read blurred as a whole, an unconfirmed read whose least sure character is under
# this is held too: what blurred one field (a pale or smudged print, a shaken scan) blurs its
# neighbours into other characters the recogniser is fairly sure of.
BESIDE_BLURRED_WEAKEST = 0.9
BESIDE_BLURRED_JA = (
    "このページには全体がかすれて読み取りにくい項目があり、この項目にも自信のない文字があります。原本と見比べてください"
)


def _hold_beside_blurred(form: FormDefinition, results: list[FieldResult]) -> None:
    """A アンケート's 整理番号 1636 read 1030 (least sure 0.77) and 1647 read 1047 (0.73) were accepted
    beside a 記入日 held as blurred (held-back pages 917633, 916895); on those two draws no other read
    so placed was accepted under 0.9 without reference data confirming it. A survey has too few text
    fields for the lost-writing rules, which need three held. A value read as one character that is
    none is its writing blurred past reading too (0665 read 0005 at 0.85 beside a 記入日 read H: page
    917847; on three draws' dumps no right read was so placed)."""
    if not any((r.decision == "review" and BLURRED_JA in (r.reason or "")) or _read_as_strokes(r) for r in results):
        return
    for r in results:
        if form.field(r.name).kind != "text" or r.decision != "accept" or r.value is None:
            continue
        if r.confirmed_by is None and r.weakest is not None and r.weakest < BESIDE_BLURRED_WEAKEST:
            r.decision, r.doubt, r.reason = "review", "faint", BESIDE_BLURRED_JA


def _weigh_against_stamp(
    form: FormDefinition, results: list[FieldResult], stamp_of: Callable[[], StampDate | None]
) -> None:
    """The date the form's 受付印 vouches for, weighed against the stamp's (:mod:`daiko.forms.stamp`);
    the stamp is read (``stamp_of``) only where that date has a value to weigh or is held for want
    of one."""
    if form.stamp_confirms is None or "stamp" in levers_off():
        return
    r = next(r for r in results if r.name == form.stamp_confirms)
    if (r.value is not None or r.decision == "review") and (stamp := stamp_of()) is not None:
        days = form.field(r.name).field_type().era_dates(stamp.year, stamp.month, stamp.day)
        weigh_against_stamp(r, stamp, days[0] if len(days) == 1 else None)


def _stamp_of(form: FormDefinition, alignment: Alignment, page: np.ndarray, engine: OcrEngine) -> StampDate | None:
    return None if form.stamp_zone is None else read_stamp(page, alignment.homography, form.stamp_zone, engine)


def _decide_page(
    form: FormDefinition, results: list[FieldResult], engine: str | None, stamp_of: Callable[[], StampDate | None]
) -> None:
    """The page's fields weighed against each other, reference data and the 受付印, in this order."""
    _apply_agreements(form, results, engine)
    _hold_beside_lost_writing(form, results)
    _hold_beside_blurred(form, results)
    # After the page's pen is judged from its reads: the stamp vouches for its date, not for the ink
    # (a garbled 申告日 it confirms still tells of a page whose writing was lost — paddleocr on
    # held-back page 919172 would otherwise have accepted the empties beside it).
    _weigh_against_stamp(form, results, stamp_of)
    _run_checks(form, results)
    _apply_review_policy(form, results)


def _run_checks(form: FormDefinition, results: list[FieldResult]) -> None:
    """The form's checks across fields: a finding sends its fields to review (values untouched).

    Values under review already still count (a bank name read at low confidence is still the
    best evidence that the code beside it is wrong); empty and unreadable ones are None.
    """
    from daiko.forms.checks import get_check

    by_name = {r.name: r for r in results}
    for check_def in form.checks:
        check = get_check(check_def.kind)(check_def.fields, check_def.params)
        values = {role: by_name[name].value for role, name in check_def.fields.items()}
        flat = {k: ",".join(v) if isinstance(v, list) else v if isinstance(v, str) else None for k, v in values.items()}
        for finding in check.run(flat):  # a many-choice's keys comma-joined, as the checks read them
            for name in finding.fields:
                field_result = by_name[name]
                if field_result.decision == "accept":  # "disagree": never confirmable by a score alone
                    field_result.decision, field_result.reason = "review", finding.reason
                    field_result.doubt = "disagree"


POLICY_ALWAYS_JA = "この項目は必ず職員が確認します（確認方針: always）"


def _apply_review_policy(form: FormDefinition, results: list[FieldResult]) -> None:
    """The field's review policy (form YAML ``review:``, robots.yaml overriding it) has the last word:
    ``always`` holds even a sure value for a person; ``never`` (a field not keyed) never holds the
    page — its doubt, if any, stays recorded."""
    for r in results:
        policy = review_policy(form.field(r.name))
        if policy == "always" and r.decision == "accept":
            r.decision, r.reason, r.policy = "review", POLICY_ALWAYS_JA, "always"
            r.doubt = r.doubt or "policy"
        elif policy == "never" and r.decision == "review":
            r.decision, r.reason, r.policy = "accept", None, "never"


# ---- reading -------------------------------------------------------------------------------------


def _read_aligned(
    alignment: Alignment, form: FormDefinition, engine: OcrEngine, page: np.ndarray
) -> tuple[FormResult, float, str]:
    """Read every field of an aligned page (``page``: the scan as it came, for the 受付印's colour);
    also returns the title's similarity and the title read."""
    aligned = alignment.image
    template = render_template(form, TEMPLATE_DPI)
    ink = PageInk.measure(aligned)
    title_crop, _ = cut(aligned, form.identity.zone, 0.0)
    title_line = tighten(title_crop, ink)
    crops: list[np.ndarray] = [title_line if title_line is not None else title_crop]
    index: dict[str, list[int]] = {}
    faint: set[str] = set()
    barely: set[str] = set()  # found only as STROKES: no second recogniser releases them
    over: dict[str, str] = {}
    for f in form.fields:
        if f.kind == "text":
            pieces, pale, edge = _text_crops(aligned, template, f, ink)
            if pale:
                faint.add(f.name)
            if pale == STROKES:
                barely.add(f.name)
            if edge:
                over[f.name] = edge
            if pieces:
                index[f.name] = list(range(len(crops), len(crops) + len(pieces)))
                crops.extend(pieces)
    lines = engine.recognize(crops)  # ONE call: title + every written text field
    for f in form.fields:
        if f.cells:
            for i in index.get(f.name, []):
                lines[i] = _without_specks(lines[i])
    unread = {name: side for name, idx in index.items() if (side := _unread_ink(crops, lines, idx, ink))}
    unread = over | unread
    title_read = lines[0].text
    similarity = title_similarity(form.identity.title, title_read)
    if similarity < form.identity.min_similarity and (second := _second_engine(engine)) is not None:
        # A page that registered to the form but whose title the first recogniser read short is read
        # again by the second before it fails as another form: paddleocr read this form's title
        # 飯能市市民調査票 (アンケート dropped, 0.50) on held-back pages 924435 and 924715, which rapidocr
        # reads whole (round 23). Another form's title matches neither, and still fails.
        again = second.recognize([crops[0]])[0].text
        if (better := title_similarity(form.identity.title, again)) > similarity:
            similarity, title_read = better, again
    results: list[FieldResult] = []
    for f in form.fields:
        if f.kind == "text":
            decided = _decide_text(form, f, _join([lines[i] for i in index.get(f.name, [])]), engine.name)
            if f.name in faint and decided.decision == "accept":
                # Accepting would mean trusting a read the page's own contrast calls empty.
                decided.decision, decided.doubt, decided.reason = (
                    "review",
                    "faint",
                    "薄い記入があるため確認してください（一部が読み落とされている可能性）",
                )
            elif (
                f.name in unread
                and decided.decision == "accept"
                and not (unread[f.name] == "先頭" and decided.raw and f.field_type().frame_before(decided.raw))
                and not (
                    unread[f.name] in ("末尾", ACROSS_THE_RULE)
                    and decided.raw
                    and f.field_type().frame_after(decided.raw)
                )
            ):
                decided.decision, decided.doubt = "review", "unread"
                decided.reason = UNREAD_JA.get(unread[f.name], f"{unread[f.name]}の文字を読み落とした可能性があります")
            results.append(decided)
        else:
            inset = 0.5 if f.style == "box" else 0.0
            scores = {o.key: mark_score(aligned, template, f.mark_box(o), ink, inset_mm=inset) for o in f.options}
            results.append(_decide_marks(form, f, scores))
    _reread_missing(form, results, crops, lines, index, engine)
    # Pale writing is read from the darkened zone, whole; a second recogniser sure of the same value
    # on that crop may accept it (it had gone to review always: 5 of 16 plates reviewed on the
    # calibration split were pale and read right at 0.999).
    # Not writing seen only as faint strokes: they are some of its strokes, the rest under any
    # threshold — 海外へ輸出 read 外 from the one character found, the second recogniser agreeing
    # (held-back page 909918).
    _second_opinion(form, results, crops, index, set(unread) | barely, engine)
    _confirm_unvouched(form, results, crops, index, engine)
    _second_read_unparsed(form, results, crops, index, barely, engine)
    del lines, crops
    _decide_page(form, results, engine.name, lambda: _stamp_of(form, alignment, page, engine))
    result = FormResult(
        form=form.name, title_ja=form.title_ja, fields=results, identity_score=round(similarity, 3),
        alignment=alignment.info(),
    )  # fmt: skip
    return result, similarity, title_read


def read_page(
    page_img: np.ndarray,
    form_def: FormDefinition | str | Sequence[FormDefinition | str] | None = None,
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
            others = [f for f in load_all() if f.name not in {g.name for g in forms}]
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
        result, similarity, title_read = _read_aligned(alignment, form, engine, page_img)
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
    form_def: FormDefinition | str | Sequence[FormDefinition | str] | None = None,
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
    form: FormDefinition | str | Sequence[FormDefinition | str] | None = None,
    engine: OcrEngine | None = None,
) -> Iterator[PageRead]:
    """Read a file page by page; every failure becomes a PageError, nothing raises."""
    from daiko.ocr.images import load_pages_tolerant

    path = Path(path)
    try:
        forms_arg: FormDefinition | list[FormDefinition] | None = (
            load_definition(form)
            if isinstance(form, str)
            else (form if form is None or isinstance(form, FormDefinition) else _resolve_forms(form)[0])
        )
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
            logger.exception(
                tr("{} の {} ページ目の読み取りで予期しないエラー", "unexpected error reading {} p.{}"),
                path.name,
                page.number,
            )
            message = "このページの読み取り中に予期しないエラーが発生しました（システム担当者に連絡してください）"
            yield PageRead(PageError("internal", message, page.number, path.name, f"{type(exc).__name__}: {exc}"))


def read_file(
    path: str | Path,
    form: FormDefinition | str | Sequence[FormDefinition | str] | None = None,
    engine: OcrEngine | None = None,
) -> list[PageResult]:
    """Every page of a scanned file: a FormResult per readable page, a PageError per bad one, in page order.

    Never raises for a bad page or a bad file: the batch goes on and the errors say why in Japanese.
    """
    out = [read.result for read in iter_file(path, form, engine)]
    out.sort(key=lambda r: (r.page is None, r.page or 0))
    return out
