"""Check boxes and circled numbers: how much new ink is in the box — not OCR.

A recogniser is the wrong tool for "is there a tick in this box": it has no class for ✓ and
would happily read the printed □ or the printed 3. Instead, each option's square is compared
with the blank template: pixels that are ink in the scan but not in the template are counted,
specks removed, and the share of the box they cover is the score. Before comparing, the
template is slid a few pixels to where it best overlaps the scan (local registration error,
and blur that thickens the printed □, would otherwise count as marks). A ✓ in a 4.5 mm box
scores ~0.1-0.3, a ○ round a number ~0.08-0.2, an empty box ~0.00-0.01.
"""

from __future__ import annotations

import cv2
import numpy as np

from daiko.forms.crops import PageInk
from daiko.forms.definition import TEMPLATE_DPI, Box

SPECK_PX = 12  # connected blobs smaller than this are scanner dust
SEARCH_PX = 4  # local slide of the template, each way
_KERNEL = np.ones((9, 9), np.uint8)


def _local_shift(scan: np.ndarray, printed: np.ndarray) -> tuple[int, int]:
    """(dy, dx) that best lays the template's ink onto the scan's ink."""
    best, best_overlap = (0, 0), -1
    s = SEARCH_PX
    core_scan = scan[s:-s, s:-s]
    for dy in range(-s, s + 1):
        for dx in range(-s, s + 1):
            shifted = printed[s + dy : printed.shape[0] - s + dy, s + dx : printed.shape[1] - s + dx]
            overlap = int(np.count_nonzero(core_scan & shifted))
            if overlap > best_overlap or (overlap == best_overlap and abs(dy) + abs(dx) < abs(best[0]) + abs(best[1])):
                best, best_overlap = (dy, dx), overlap
    return best


def mark_score(aligned: np.ndarray, template: np.ndarray, box: Box, ink: PageInk, *, inset_mm: float = 0.0) -> float:
    """Share of ``box`` (shrunk by ``inset_mm``) covered by ink that the blank form does not have there (0-1)."""
    b = box.inset(inset_mm) if inset_mm else box
    x0, y0, x1, y1 = b.px(TEMPLATE_DPI)
    h, w = aligned.shape[:2]
    s = SEARCH_PX
    # Work on the box plus a margin, so the printed □ just outside an inset box can still be matched.
    mx0, my0, mx1, my1 = box.px(TEMPLATE_DPI)
    ox0, oy0 = max(0, min(x0, mx0) - 2 * s), max(0, min(y0, my0) - 2 * s)
    ox1, oy1 = min(w, max(x1, mx1) + 2 * s), min(h, max(y1, my1) + 2 * s)
    if x1 <= x0 or y1 <= y0 or ox1 - ox0 <= 2 * s or oy1 - oy0 <= 2 * s:
        return 0.0
    scan = ink.mark_mask(aligned[oy0:oy1, ox0:ox1])
    printed = (template[oy0:oy1, ox0:ox1] < 170).astype(np.uint8)
    dy, dx = _local_shift(scan, printed) if printed.any() else (0, 0)
    printed = np.roll(printed, (-dy, -dx), axis=(0, 1))  # printed(p + d) lies on scan(p)
    printed = cv2.dilate(printed, _KERNEL)
    fresh = scan & (1 - printed)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fresh, connectivity=8)
    small = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] < SPECK_PX]
    if small:
        fresh[np.isin(labels, small)] = 0
    # Score only inside the (inset) box.
    ix0, iy0 = x0 - ox0, y0 - oy0
    region_fresh = fresh[iy0 : iy0 + (y1 - y0), ix0 : ix0 + (x1 - x0)]
    region_free = 1 - printed[iy0 : iy0 + (y1 - y0), ix0 : ix0 + (x1 - x0)]
    free = int(region_free.sum())
    return float(region_fresh.sum()) / free if free else 0.0
