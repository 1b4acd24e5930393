"""Cut field zones out of an aligned page so the recogniser sees only the writing.

Pitfall 6 of the OCR survey: a crop that includes the cell's ruling reads the lines as 1, l or
ー. So a zone is cut *inside* its border (``INSET_MM``), whatever printed ink the template has
there is blanked out, leftover long lines (a border that moved a pixel or two) are erased, and
the crop is tightened to the ink — the recogniser works best on a tight line with a little margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from daiko.forms.definition import TEMPLATE_DPI, Box

INSET_MM = 0.7
MIN_MARK_MM = 1.0  # an ink blob smaller than this (both ways) is a speck, not writing
# Ink less than MIN_MARK_MM tall and this many times as wide is a rule's remnant the erasure left (a
# 4 × 918 px sliver in an empty その他の内容, held-back page 919946): no writing is that flat. Read, it
# sent a blank field to review as "unreadable" and gave the recogniser a 230:1 line that grew the
# process by 250 MB.
SLIVER_RATIO = 8
_PX_PER_MM = TEMPLATE_DPI / 25.4


PALE_NOISE_SIGMAS = 3.5


@dataclass(frozen=True)
class PageInk:
    """Grey levels of this page's paper and ink, and two thresholds between them.

    ``threshold`` is sensitive — just clear of the paper's own noise — because a light stroke
    or a 濁点 lost from a crop is a wrong character; ``mark_threshold`` sits midway, for counting
    ink in check boxes, where blur round the printed □ must not look like a tick.
    """

    paper: float
    ink: float
    threshold: float
    mark_threshold: float
    noise: float = 0.0  # std of the paper's grey level (scanner noise, JPEG blocks)

    @classmethod
    def measure(cls, aligned: np.ndarray) -> PageInk:
        sample = aligned[::4, ::4]
        paper = float(np.percentile(sample, 90))
        ink = float(np.percentile(sample, 0.5))
        near_paper = sample[sample > paper - 25]
        noise = float(near_paper.std()) if near_paper.size else 5.0
        threshold = paper - max(25.0, 4.0 * noise, 0.15 * (paper - ink))
        mark_threshold = paper - max(35.0, 0.38 * (paper - ink))
        return cls(paper, ink, threshold, mark_threshold, noise)

    def mask(self, grey: np.ndarray) -> np.ndarray:
        return (grey < self.threshold).astype(np.uint8)

    def faint(self) -> PageInk:
        """Thresholds for pale writing (light pencil, a worn pen): a third as far from the paper,
        but never within 3.5 × the paper's noise of it — on a noisy grey scan the noise itself
        joined into "pale writing" round every field (tune split: a page whose plate, phone and
        受付番号, all read right, went to review as pale).

        Used only on a zone the normal threshold found empty, so that "nothing written" is not
        accepted for a field that holds writing too pale to see at the page's contrast.
        """
        gap = max(10.0, (self.paper - self.threshold) / 3, PALE_NOISE_SIGMAS * self.noise)
        return PageInk(self.paper, self.ink, self.paper - gap, self.mark_threshold, self.noise)

    def mark_mask(self, grey: np.ndarray) -> np.ndarray:
        return (grey < self.mark_threshold).astype(np.uint8)


def stretch(crop: np.ndarray, ink: PageInk) -> np.ndarray:
    """Pale writing darkened: the crop's darkest grey → black, the paper → white."""
    lo = float(np.percentile(crop, 0.5))
    span = max(1.0, ink.paper - lo)
    return np.clip((crop.astype(np.float32) - lo) * (255.0 / span), 0, 255).astype(np.uint8)


def cut(aligned: np.ndarray, box: Box, inset_mm: float = INSET_MM) -> tuple[np.ndarray, tuple[int, int]]:
    """(crop, (x0, y0)) of ``box`` shrunk by ``inset_mm`` on every side, in template pixels."""
    x0, y0, x1, y1 = box.inset(inset_mm).px(TEMPLATE_DPI)
    h, w = aligned.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    return aligned[y0:y1, x0:x1].copy(), (x0, y0)


def blank_printed(crop: np.ndarray, template_crop: np.ndarray, ink: PageInk) -> np.ndarray:
    """Paint the template's own ink (dilated by 2 px) as paper: rules and printed characters vanish."""
    printed = (template_crop < 160).astype(np.uint8)
    if printed.any():
        printed = cv2.dilate(printed, np.ones((5, 5), np.uint8))
        crop = crop.copy()
        crop[printed > 0] = int(ink.paper)
    return crop


# A rule that slipped into a crop lies along its edge (the scan a pixel or few off the template) or
# beside a rule of the template's own that ``blank_printed`` missed by more than its 2 px; a long
# stroke anywhere else is writing. A bold 8 of big writing spans 85 % of the zone's height: erased as
# a "line", 令和7年3月28日 was read 3月2日 and accepted at 0.997 (held-back page 922415).
LINE_NEAR_PX = 8


def erase_long_lines(crop: np.ndarray, ink: PageInk, template_crop: np.ndarray | None = None) -> np.ndarray:
    """Erase horizontal/vertical strokes spanning most of the crop (cell borders that slipped in):
    those along the crop's edge or, given ``template_crop``, beside a rule the template has there."""
    lines, _left = long_runs(crop, ink, template_crop)
    if lines.any():
        crop = crop.copy()
        crop[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = int(ink.paper)
    return crop


def long_runs(crop: np.ndarray, ink: PageInk, template_crop: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """(the mask of the long runs taken for rules, how many long runs were left as writing): what
    ``erase_long_lines`` erases, and — for ``bench/rules.py`` — what it no longer does."""
    mask = ink.mask(crop)
    h, w = mask.shape
    if h < 3 or w < 3:
        return np.zeros_like(mask), 0
    h_lines, h_left = _ruled(mask, template_crop, ink, _kernel(w, 0.6, 0), across=0)
    v_lines, v_left = _ruled(mask, template_crop, ink, _kernel(h, 0.85, 1), across=1)
    return h_lines | v_lines, h_left + v_left


def _kernel(side: int, share: float, across: int) -> np.ndarray:
    """A one-pixel-thick line ``share`` of ``side`` long: horizontal (``across`` 0) or vertical (1)."""
    length = max(3, int(side * share))
    return cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if across == 0 else (1, length))


def _ruled(
    mask: np.ndarray, template_crop: np.ndarray | None, ink: PageInk, kernel: np.ndarray, across: int
) -> tuple[np.ndarray, int]:
    """The long runs (``kernel``'s length) in ``mask`` that can be rules — along the crop's edge, or
    beside one of the template's own (``across``: 0 for horizontal runs, 1 for vertical ones) — and
    how many runs were not. The template's rules are looked for only when a run lies inside: most
    crops have no long run at all."""
    found = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    if not found.any():
        return found, 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(found, connectivity=8)
    size = found.shape[0 if across == 0 else 1]
    keep = np.zeros(n, bool)
    rules = None
    for i, (x0, y0, w, h, _area) in enumerate(stats[1:], start=1):
        start, extent = (y0, h) if across == 0 else (x0, w)
        if min(start, size - start - extent) <= LINE_NEAR_PX:
            keep[i] = True
        elif template_crop is not None:
            if rules is None:  # (the template's ink is black: any threshold finds it)
                rules = cv2.morphologyEx(ink.mask(template_crop), cv2.MORPH_OPEN, kernel)
            lo, hi = max(0, start - LINE_NEAR_PX), start + extent + LINE_NEAR_PX
            keep[i] = bool((rules[lo:hi, :] if across == 0 else rules[:, lo:hi]).any())
    return (keep[labels] & (labels > 0)).astype(found.dtype), int(n - 1 - keep[1:].sum())


def ink_box(
    crop: np.ndarray, ink: PageInk, min_side_px: float | None = None, min_thickness_px: float = 0.0
) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1) of the writing in ``crop``, ignoring specks; None if empty.

    Writing is any blob at least ``MIN_MARK_MM`` across; small pieces (a 濁点, a light stroke
    broken up by the threshold) count only when they lie next to writing, so dust far away
    does not stretch the box and a page of dust is still empty. ``min_side_px`` raises the size a
    blob needs to count as writing (pale ink beside writing of known height: see the reader);
    ``min_thickness_px`` is the least its *shorter* side may be: the 1-2 px remnant of a cell's
    border left at the crop's edge is no stroke of writing.
    """
    mask = ink.mask(crop)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_side = max(MIN_MARK_MM * _PX_PER_MM, min_side_px or 0.0)
    big, small = [], []
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if min(w, h) < min_thickness_px:
            continue
        if max(w, h) >= min_side and area >= 10:
            big.append((x, y, x + w, y + h))
        elif area >= 4:
            small.append((x, y, x + w, y + h))
    if not big:
        return None
    b = np.array(big)
    x0, y0, x1, y1 = int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())
    if _sliver((x0, y0, x1, y1)):
        return None
    reach = max(4, (y1 - y0) // 2)
    for sx0, sy0, sx1, sy1 in small:
        if sx1 >= x0 - reach and sx0 <= x1 + reach and sy1 >= y0 - reach and sy0 <= y1 + reach:
            x0, y0, x1, y1 = min(x0, sx0), min(y0, sy0), max(x1, sx1), max(y1, sy1)
    return x0, y0, x1, y1


def tighten(crop: np.ndarray, ink: PageInk, pad_frac: float = 0.2) -> np.ndarray | None:
    """The crop cut down to its writing plus a margin; None if there is no writing."""
    box = ink_box(crop, ink)
    return None if box is None else cut_to(crop, box, pad_frac)


def cut_to(crop: np.ndarray, box: tuple[int, int, int, int], pad_frac: float = 0.2) -> np.ndarray:
    """``crop`` cut to ``box`` (x0, y0, x1, y1) plus a margin of ``pad_frac`` × its height."""
    x0, y0, x1, y1 = box
    pad = max(3, round((y1 - y0) * pad_frac))
    h, w = crop.shape[:2]
    return crop[max(0, y0 - pad) : min(h, y1 + pad), max(0, x0 - pad) : min(w, x1 + pad)]


# Strokes fainter than the pale threshold (a worn pen on a noisy JPEG: 所在不明 written 15-30 grey
# levels under paper whose noise is 7.5) are found on the zone smoothed first: the blur averages
# the noise away and keeps a stroke. Darker than the zone's own paper by this many robust sigmas
# of the smoothed zone (and at least FAINT_MIN_GREY), ≥ 1.5 mm long and ≥ 3 px thick (the cell
# border's 1-2 px fringe is no stroke). 1 of 636 empty zones of three held-back draws had one.
FAINT_SIGMAS = 5.0
FAINT_MIN_GREY = 6.0
FAINT_MIN_LENGTH_MM = 1.5


def faint_strokes(crop: np.ndarray) -> tuple[int, int, int, int] | None:
    """Box of strokes too faint for :meth:`PageInk.faint` in an otherwise empty ``crop``; None if none.

    Only asked of a zone in which nothing was found: 'nothing written' must not be accepted for
    a field whose writing a person can still make out on the scan.
    """
    g = cv2.GaussianBlur(crop.astype(np.float32), (0, 0), 1.5)
    paper = float(np.median(g))
    sigma = float(np.median(np.abs(g - paper))) * 1.4826 + 0.5
    mask = (g < paper - max(FAINT_MIN_GREY, FAINT_SIGMAS * sigma)).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    strokes = [
        (x, y, x + w, y + h)
        for x, y, w, h, area in stats[1:]
        if max(w, h) >= FAINT_MIN_LENGTH_MM * _PX_PER_MM and min(w, h) >= 3 and area >= 20
    ]
    if not strokes:
        return None
    b = np.array(strokes)
    box = int(b[:, 0].min()), int(b[:, 1].min()), int(b[:, 2].max()), int(b[:, 3].max())
    return None if _sliver(box) else box


def _sliver(box: tuple[int, int, int, int]) -> bool:
    """Ink too flat to be writing: a rule's remnant along the crop (``SLIVER_RATIO``)."""
    x0, y0, x1, y1 = box
    return y1 - y0 < MIN_MARK_MM * _PX_PER_MM and x1 - x0 >= SLIVER_RATIO * max(1, y1 - y0)


def pale_beyond(box: tuple[int, int, int, int] | None, pale: tuple[int, int, int, int] | None) -> bool:
    """Whether pale writing reaches clearly past the writing found at the page's normal threshold.

    A lightly written first character (ヤマグチ with ヤマ pressed softly) would otherwise be cut
    off and the rest read with full confidence: グチ, accepted.
    """
    if pale is None:
        return False
    if box is None:
        return True
    slack = max(4, (box[3] - box[1]) // 2)
    return pale[0] < box[0] - slack or pale[2] > box[2] + slack


def stitch(pieces: list[np.ndarray], paper: float, gap_frac: float = 0.35) -> np.ndarray:
    """One line image from per-cell crops (個人番号の12マス), each centred vertically, evenly spaced."""
    height = max(p.shape[0] for p in pieces)
    gap = max(4, round(height * gap_frac))
    width = sum(p.shape[1] for p in pieces) + gap * (len(pieces) + 1)
    line = np.full((height + 2 * gap, width), int(paper), np.uint8)
    x = gap
    for p in pieces:
        y = gap + (height - p.shape[0]) // 2
        line[y : y + p.shape[0], x : x + p.shape[1]] = p
        x += p.shape[1] + gap
    return line


def split_at_gap(crop: np.ndarray, ink: PageInk, min_gap: float = 0.5, margin: float = 1.3) -> list[np.ndarray]:
    """Split a tightened line at its one clearly widest blank gap (the space between 姓 and 名).

    The recogniser often drops a written space, and a name without it cannot be told from a
    name with its parts run together. A gap counts when it is at least ``min_gap`` × the ink
    height and ``margin`` × wider than every other gap (katakana such as リ・ハ have wide gaps
    inside them; measured on handwriting-style names the space is ≥ 1.48 × the next widest);
    otherwise the line stays whole and the name type's rules decide.
    """
    mask = ink.mask(crop)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= 4
    cols = keep[labels].any(axis=0)
    xs = np.flatnonzero(cols)
    if len(xs) < 2:
        return [crop]
    rows = np.flatnonzero(keep[labels].any(axis=1))
    height = rows.max() - rows.min() + 1
    gaps = []  # (width, start, end) of blank column runs between ink
    run_start = None
    for x in range(xs.min(), xs.max() + 1):
        if not cols[x] and run_start is None:
            run_start = x
        elif cols[x] and run_start is not None:
            gaps.append((x - run_start, run_start, x))
            run_start = None
    if not gaps:
        return [crop]
    gaps.sort(reverse=True)
    widest = gaps[0]
    second = gaps[1][0] if len(gaps) > 1 else 0
    if widest[0] < min_gap * height or widest[0] < margin * second:
        return [crop]
    cut_at = (widest[1] + widest[2]) // 2
    left, right = crop[:, :cut_at], crop[:, cut_at:]
    parts = [tighten(left, ink), tighten(right, ink)]
    return [p for p in parts if p is not None] or [crop]
