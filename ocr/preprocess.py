"""Page clean-up before OCR: orientation, deskew, contrast, denoise — each a separate step.

Each step is a plain function (image in, image out) so the form layer can apply it where it
helps — a whole page before registration, or a single field crop — and so it can be measured
alone. ``python -m daiko.ocr.measure_preprocess`` runs the measurement on synthetic scans; the
verdicts are recorded in ``PAGE_STEPS_ON`` and the ``prepare_page`` defaults follow them: a
step stays on only where it made recognition better, not because it sounds useful.
"""

from __future__ import annotations

import cv2
import numpy as np

from daiko.ocr.arrays import check_image, to_grey
from daiko.ocr.base import Image, OcrEngine

__all__ = [
    "FIELD_STEPS_ON",
    "PAGE_STEPS_ON",
    "denoise",
    "deskew",
    "detect_orientation",
    "estimate_skew",
    "fix_orientation",
    "normalize_contrast",
    "prepare_page",
    "rotate",
    "rotate_right_angle",
]

# Verdicts from measure_preprocess (its docstring holds the figures). On whole pages, before
# zones are cut: orientation and deskew. On single field crops: nothing (crop padding, which
# did help, happens inside the engine).
PAGE_STEPS_ON = {"orientation": True, "deskew": True, "contrast": False, "denoise": False}
FIELD_STEPS_ON = {"deskew": False, "contrast": False, "denoise": False}


def _paper_colour(img: np.ndarray) -> tuple[int, ...]:
    """The page's background colour (bright 90th percentile), to fill corners exposed by rotation."""
    flat = img.reshape(-1, img.shape[2]) if img.ndim == 3 else img.reshape(-1, 1)
    step = max(1, flat.shape[0] // 200_000)
    p = np.percentile(flat[::step], 90, axis=0)
    return tuple(int(v) for v in p)


# ---- right-angle orientation ------------------------------------------------------------------


def rotate_right_angle(img: Image, degrees: int) -> np.ndarray:
    """Rotate clockwise by 0/90/180/270 degrees, losslessly."""
    img = check_image(img)
    k = (degrees // 90) % 4
    if degrees % 90:
        raise ValueError(f"degrees must be a multiple of 90, got {degrees}")
    if k == 0:
        return img
    code = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}[k]
    return cv2.rotate(img, code)


def detect_orientation(img: Image, engine: OcrEngine | None = None, *, sample: int = 8, work_side: int = 1200) -> int:
    """How far clockwise (0/90/180/270) the page content is turned; ``fix_orientation`` undoes it.

    A scanner fed a sheet sideways or upside-down gives text that the recogniser reads as
    confident-looking garbage, so this must run before anything else. Method: detect text lines
    once; their boxes say whether lines run across (0/180) or down (90/270) the image; then read
    the ``sample`` longest lines under both remaining hypotheses and keep the one the recogniser
    is more confident about (upside-down Japanese scores far lower). Costs one detection pass
    plus ~2×``sample`` line recognitions. Vertical writing (縦書き) on an upright page would be
    taken for a sideways page: daiko's forms are written across.
    """
    engine = engine or _default_engine()
    page = check_image(img)
    # Detect on a copy no longer than ``work_side``: line boxes survive halving, and it halves the cost.
    f = min(1.0, work_side / max(page.shape[:2]))
    small = cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1.0 else page
    boxes = [
        (int(x0 / f), int(y0 / f), int(np.ceil(x1 / f)), int(np.ceil(y1 / f)))
        for x0, y0, x1, y1 in engine.detect(small)
        if (x1 - x0) * 1.0 / f >= 4 and (y1 - y0) * 1.0 / f >= 4
    ]
    if not boxes:
        return 0
    across = [b for b in boxes if (b[2] - b[0]) >= 1.5 * (b[3] - b[1])]
    down = [b for b in boxes if (b[3] - b[1]) >= 1.5 * (b[2] - b[0])]
    if len(down) > len(across):
        chosen, hypotheses = down, (90, 270)
    else:
        chosen, hypotheses = across or boxes, (0, 180)
    chosen = sorted(chosen, key=lambda b: max(b[2] - b[0], b[3] - b[1]), reverse=True)[:sample]
    crops = [page[y0:y1, x0:x1] for x0, y0, x1, y1 in chosen]
    best, best_score = 0, -1.0
    for rot in hypotheses:
        upright = [rotate_right_angle(c, -rot) for c in crops]
        lines = engine.recognize(upright)
        # Weight by length so a long, confidently read line outvotes a one-character fluke.
        num = sum(line.confidence * max(1, len(line.text)) for line in lines)
        den = sum(max(1, len(line.text)) for line in lines)
        score = num / den if den else 0.0
        if score > best_score:
            best, best_score = rot, score
    return best


def fix_orientation(img: Image, engine: OcrEngine | None = None) -> np.ndarray:
    """The page turned upright (see ``detect_orientation``)."""
    rot = detect_orientation(img, engine)
    return rotate_right_angle(img, -rot) if rot else check_image(img)


# ---- small-angle skew --------------------------------------------------------------------------


def _ink_mask(grey: np.ndarray, work_side: int) -> np.ndarray:
    if max(grey.shape) > work_side:
        f = work_side / max(grey.shape)
        grey = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _profile_sharpness(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rot.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def estimate_skew(img: Image, *, max_angle: float = 5.0, work_side: int = 1000) -> float:
    """Degrees the text lines are tilted counter-clockwise (within ±``max_angle``); 0.0 if no text.

    Projection profile: the row sums of the ink are sharpest when lines are horizontal. A coarse
    0.5° search is refined to 0.05°. Ruling lines on forms help — they are horizontal too.
    """
    ink = _ink_mask(to_grey(img), work_side)
    if ink.max() == 0 or np.count_nonzero(ink) < 50:
        return 0.0
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [_profile_sharpness(ink, -a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    scores = [_profile_sharpness(ink, -a) for a in fine]
    best = float(fine[int(np.argmax(scores))])
    return round(max(-max_angle, min(max_angle, best)), 2)


def rotate(img: Image, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by any angle about the centre, keeping the size; corners get paper colour."""
    img = check_image(img)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    fill = _paper_colour(img)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def deskew(img: Image, angle: float | None = None, *, max_angle: float = 5.0, min_angle: float = 0.15) -> np.ndarray:
    """Straighten a page tilted by up to ±``max_angle``°; tilts below ``min_angle`` are left alone.

    Pass ``angle`` (from ``estimate_skew``) to reuse an estimate, e.g. to log it.
    """
    img = check_image(img)
    a = estimate_skew(img, max_angle=max_angle) if angle is None else float(angle)
    if abs(a) < min_angle or abs(a) > max_angle:
        return img
    return rotate(img, -a)


# ---- contrast and noise ------------------------------------------------------------------------


def normalize_contrast(img: Image, *, low_pct: float = 1.0, high_pct: float = 99.0) -> np.ndarray:
    """Stretch grey levels so the darkest ink is black and the paper white (grey or faded scans).

    A global percentile stretch, not CLAHE: local equalisation lifts paper texture into specks.
    Colour images are stretched on all channels with the same mapping, keeping hue.
    """
    img = check_image(img)
    grey = to_grey(img)
    step = max(1, grey.size // 200_000)
    lo, hi = np.percentile(grey.reshape(-1)[::step], [low_pct, high_pct])
    if hi - lo < 10:
        return img
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return cv2.LUT(img, lut)


def denoise(img: Image, *, strength: int = 3) -> np.ndarray:
    """Remove salt-and-pepper specks (fax lines, dusty glass) with a median filter of size ``strength``."""
    img = check_image(img)
    k = max(3, strength | 1)
    return cv2.medianBlur(img, k)


# ---- pipeline ------------------------------------------------------------------------------------


def prepare_page(
    img: Image,
    engine: OcrEngine | None = None,
    *,
    orientation: bool = PAGE_STEPS_ON["orientation"],
    straighten: bool = PAGE_STEPS_ON["deskew"],
    contrast: bool = PAGE_STEPS_ON["contrast"],
    clean: bool = PAGE_STEPS_ON["denoise"],
) -> np.ndarray:
    """The measured-useful steps in order: orientation → deskew → contrast → denoise."""
    out = check_image(img)
    if orientation:
        out = fix_orientation(out, engine)
    if straighten:
        out = deskew(out)
    if contrast:
        out = normalize_contrast(out)
    if clean:
        out = denoise(out)
    return out


def _default_engine() -> OcrEngine:
    from daiko.ocr.engines import get_engine

    return get_engine()
