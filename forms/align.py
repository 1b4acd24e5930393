"""Register a scanned page to its form's template so every zone lands on its cell.

Two ways, tried in order:

1. **Registration marks** (every form has them, :class:`~daiko.forms.definition.Registration`):
   four filled squares near the corners plus a small one beside the top-left. They are found as
   solid, square blobs of the expected size nearest the image corners; the small one says which
   corner is the top-left, so a sheet fed upside-down (or sideways) is turned the right way by
   the same homography that removes skew, shift and scale. This needs no knowledge of which
   form the page is.
2. **Feature matching** (ORB + RANSAC homography) against a form's rendered template, when the
   marks are cut off, covered or smudged. ORB is rotation-invariant, so 180° is handled too.

Either way the result is *checked*: the template's ruled lines must be found in the warped scan.
If they are not, :class:`~daiko.forms.errors.AlignmentError` ("テンプレートと位置合わせできません")
is raised rather than reading zones that may hold a neighbouring cell's text.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from daiko.forms.definition import MM_PER_INCH, TEMPLATE_DPI, FormDefinition
from daiko.forms.errors import AlignmentError
from daiko.forms.render import render_template
from daiko.ocr.arrays import to_grey, to_rgb

#: Share of the template's ruled-line pixels that must be found in the warped scan.
MIN_LINE_SCORE = 0.55
GOOD_LINE_SCORE = 0.9  # below this a marks fit is polished with ECC


@dataclass
class Alignment:
    """A scan registered to the template: ``image`` is the page in template pixels (200 dpi)."""

    image: np.ndarray = field(repr=False)  # H×W uint8 grey, red stamps dropped out
    homography: np.ndarray = field(repr=False)  # scan pixels → template pixels
    method: str  # "marks" | "features"
    rotation: float  # degrees the page was turned on the glass (≈180 when upside-down)
    scale: float  # scan pixels per template pixel
    line_score: float  # share of the template's ruling found where expected

    def warp(self, page: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
        """Any image of the same scan (e.g. the colour original) in template pixels."""
        h, w = self.image.shape[:2]
        return cv2.warpPerspective(
            page,
            self.homography,
            size or (w, h),
            flags=cv2.INTER_AREA,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(255, 255, 255),
        )

    def info(self) -> dict:
        return {
            "method": self.method,
            "rotation": round(self.rotation, 2),
            "scale": round(self.scale, 4),
            "line_score": round(self.line_score, 3),
        }


# ---- the grey image used for reading -----------------------------------------------------------


def reading_grey(page: np.ndarray) -> np.ndarray:
    """Grey for reading: from a colour scan, the red channel, which drops red ink out.

    Red 受付印 and red-printed guides vanish in the red channel while black and blue-black ink
    stay dark — the "dropout colour" trick of OCR sheets. Grey-scale scans are returned as they are.
    """
    if page.ndim == 2:
        return page
    rgb = to_rgb(page)
    step = max(1, min(rgb.shape[:2]) // 150)
    small = rgb[::step, ::step].astype(np.int16)
    colourful = (
        np.abs(small[:, :, 0] - small[:, :, 2]).mean() > 2.0 or np.abs(small[:, :, 0] - small[:, :, 1]).mean() > 2.0
    )
    return np.ascontiguousarray(rgb[:, :, 0]) if colourful else to_grey(rgb)


# ---- registration marks --------------------------------------------------------------------------


def _ink_mask(grey: np.ndarray) -> np.ndarray:
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def _fit_affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares affine map src→dst (≥3 points), as a 3×3 homography."""
    a = np.hstack([src, np.ones((len(src), 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return np.vstack([sol.T, [0, 0, 1]])


def _fit_similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    """Least-squares similarity map src→dst (≥2 points; collinear is fine), as a 3×3 homography."""
    m, _ = cv2.estimateAffinePartial2D(src.astype(np.float32), dst.astype(np.float32), method=cv2.LMEDS)
    return None if m is None else np.vstack([m, [0, 0, 1]])


def _mark_candidates(grey: np.ndarray, form: FormDefinition) -> tuple[np.ndarray, np.ndarray, float]:
    """(big square centres, small square centres) in scan pixels, and scan pixels per mm."""
    h, w = grey.shape
    reg, page = form.registration, form.page
    ppm = max(h, w) / max(page.width_mm, page.height_mm)  # assumes the scan is the whole sheet
    work = min(1.0, 4.0 / ppm)  # ~4 px/mm (100 dpi) is plenty for 6 mm squares
    small = cv2.resize(grey, None, fx=work, fy=work, interpolation=cv2.INTER_AREA) if work < 1 else grey
    mask = _ink_mask(small)
    n, _, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    big, tiny = [], []
    side, oside = reg.size_mm * ppm * work, reg.orientation_mm * ppm * work
    for k in range(1, n):
        bw, bh, area = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT], stats[k, cv2.CC_STAT_AREA]
        if not 0.75 < bw / max(bh, 1) < 1.33 or area / (bw * bh) < 0.6:
            continue  # not a solid square (a cut-off mark at the edge fails here too: see below)
        eq = math.sqrt(area)  # side of a square of the same area: rotation-proof
        if 0.75 * side < eq < 1.3 * side:
            big.append(cents[k])
        elif 0.6 * oside < eq < 1.45 * oside:
            tiny.append(cents[k])
    return np.array(big).reshape(-1, 2) / work, np.array(tiny).reshape(-1, 2) / work, ppm


def mark_hypotheses(grey: np.ndarray, form: FormDefinition) -> list[np.ndarray]:
    """Candidate scan→template transforms from the registration marks, most trusted first.

    1. The small square and the corner mark beside it fix the top-left and the page's x axis;
       the other corners are looked for where the template puts them. Three of the four corners
       are enough (one may be cut off by a crooked feed), the fit is a least-squares affine.
    2. Without the small square: the four marks nearest the image corners, in each of the four
       cyclic orders (0°, 90°, 180°, 270°); the caller keeps the one whose ruling matches. Two
       marks left (both top ones run off a sheet fed shifted) fix a similarity in each order.
    """
    big, tiny, ppm = _mark_candidates(grey, form)
    reg = form.registration
    tpl = _template_mark_points(form)
    tpl_mm = tpl * (MM_PER_INCH / TEMPLATE_DPI)
    out: list[np.ndarray] = []
    if len(big) == 0:
        return out
    tol = 10.0 * ppm
    for t in tiny:
        d = np.linalg.norm(big - t, axis=1)
        for i in np.flatnonzero(np.abs(d - reg.orientation_offset_mm * ppm) < 0.35 * reg.orientation_offset_mm * ppm):
            tl = big[i]
            u = (t - tl) / np.linalg.norm(t - tl)
            v = np.array([-u[1], u[0]])  # template y axis: x axis turned 90° clockwise on screen
            src, dst = [tl, t], [tpl[0], tpl[4]]
            for k in (1, 2, 3):
                offset = (tpl_mm[k] - tpl_mm[0]) * ppm
                predicted = tl + u * offset[0] + v * offset[1]
                dist = np.linalg.norm(big - predicted, axis=1)
                j = int(np.argmin(dist))
                if dist[j] < tol:
                    src.append(big[j])
                    dst.append(tpl[k])
            if len(src) >= 4:  # top-left, small square and at least two more corners
                out.append(_fit_affine(np.array(src), np.array(dst)))
            elif len(src) == 3:
                # Two corners cut off by a shifted, crooked feed: the two left fix a similarity
                # (shift, turn, scale — what a scanner does); the ruling check still decides.
                sim = _fit_similarity(np.array(src), np.array(dst))
                if sim is not None:
                    out.append(sim)
    if not out and len(big) >= 2:
        h, w = grey.shape
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
        found: dict[int, np.ndarray] = {}
        for i, c in enumerate(corners):
            dist = np.linalg.norm(big - c, axis=1)
            j = int(np.argmin(dist))
            if dist[j] < 0.12 * math.hypot(w, h):
                found[i] = big[j]
        if len(found) >= 2 and len({tuple(p.round(1)) for p in found.values()}) == len(found):
            for r in range(4):  # image corner i holds template corner (i + r) % 4
                src = np.array(list(found.values()))
                dst = tpl[[(i + r) % 4 for i in found]]
                if len(found) >= 3:
                    out.append(_fit_affine(src, dst))
                elif (sim := _fit_similarity(src, dst)) is not None:
                    # Two marks left (a sheet fed shifted, its top edge and both top marks off the
                    # scan): they fix a similarity; the ruling check still decides.
                    out.append(sim)
    return out


def _template_mark_points(form: FormDefinition) -> np.ndarray:
    f = TEMPLATE_DPI / MM_PER_INCH
    reg = form.registration
    pts = [*reg.corners(form.page.width_mm, form.page.height_mm), reg.orientation_center()]
    return np.array(pts, np.float64) * f


# ---- feature matching --------------------------------------------------------------------------

_orb_lock = threading.Lock()
_orb_cache: dict[str, tuple] = {}
_FEATURE_WIDTH = 1000  # work width for ORB (≈120 dpi on A4)


def _orb_features(grey: np.ndarray):
    orb = cv2.ORB_create(nfeatures=3000, scaleFactor=1.2, nlevels=8, fastThreshold=12)
    return orb.detectAndCompute(grey, None)


def _template_features(form: FormDefinition):
    with _orb_lock:
        cached = _orb_cache.get(form.name)
    if cached is None:
        tpl = render_template(form, TEMPLATE_DPI)
        f = _FEATURE_WIDTH / tpl.shape[1]
        small = cv2.resize(tpl, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        kp, des = _orb_features(small)
        cached = (np.array([k.pt for k in kp], np.float32) / f, des)
        with _orb_lock:
            _orb_cache[form.name] = cached
    return cached


def match_features(grey: np.ndarray, form: FormDefinition) -> tuple[np.ndarray, int] | None:
    """(homography scan→template, inlier count) by ORB + RANSAC, or None."""
    tpl_pts, tpl_des = _template_features(form)
    f = _FEATURE_WIDTH / min(grey.shape[:2])
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    f = min(f, 1.0)
    kp, des = _orb_features(small)
    if des is None or tpl_des is None or len(kp) < 20:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(des, tpl_des, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < 15:
        return None
    src = np.array([kp[m.queryIdx].pt for m in good], np.float32) / f
    dst = tpl_pts[[m.trainIdx for m in good]]
    # A sheet on the glass is rotated, shifted and scaled, not bent: fit a similarity (4 dof), which
    # repeated glyphs cannot pull into a wrong perspective the way a free homography can.
    sim, inliers = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0, maxIters=4000, confidence=0.999
    )
    if sim is None:
        return None
    keep = inliers.ravel().astype(bool)
    count = int(keep.sum())
    if count < 25:
        return None
    # Refine with a full affine on the inliers (feeders stretch a page slightly along the feed).
    return _fit_affine(src[keep], dst[keep]), count


# ---- checks and the public entry point ---------------------------------------------------------


def _rules(form: FormDefinition) -> np.ndarray:
    """The template's long horizontal and vertical ruled lines (a boolean mask, template pixels)."""
    tpl = render_template(form, TEMPLATE_DPI, marks=False)
    ink = (tpl < 128).astype(np.uint8)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (80, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 80)))
    return (horiz | vert).astype(bool)


_rules_cache: dict[str, np.ndarray] = {}


def line_score(aligned: np.ndarray, form: FormDefinition) -> float:
    """Share of the template's ruling that is dark in the aligned scan (±2 px): 1.0 is perfect."""
    rules = _rules_cache.get(form.name)
    if rules is None:
        rules = _rules_cache.setdefault(form.name, _rules(form))
    if not rules.any():
        return 1.0
    ink = _ink_mask(aligned)
    near = cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0
    return float((near & rules).sum() / rules.sum())


def _decompose(hom: np.ndarray) -> tuple[float, float]:
    """(rotation in degrees, scan pixels per template pixel) of a scan→template homography."""
    a, b = hom[0, 0], hom[1, 0]
    rotation = -math.degrees(math.atan2(b, a))
    scale = 1.0 / max(1e-9, math.hypot(a, b))
    return rotation, scale


def _plausible(hom: np.ndarray, grey: np.ndarray, form: FormDefinition) -> bool:
    if hom is None or not np.isfinite(hom).all() or abs(np.linalg.det(hom[:2, :2])) < 1e-9:
        return False
    _, scale = _decompose(hom)
    expected = max(grey.shape) / max(form.page.px(TEMPLATE_DPI))
    if not 0.8 < scale / expected < 1.25:
        return False
    # No strong perspective or shear: a sheet on a glass plate is a similarity transform.
    a = hom[:2, :2] / hom[2, 2]
    sx, sy = np.linalg.norm(a[:, 0]), np.linalg.norm(a[:, 1])
    return 0.93 < sx / sy < 1.07 and abs(hom[2, 0]) < 1e-3 and abs(hom[2, 1]) < 1e-3


def align_candidates(
    page: np.ndarray, forms: list[FormDefinition], *, features: bool = True
) -> list[tuple[FormDefinition, Alignment]]:
    """Every form whose template the page registers to (ruling found), best match first; may be empty.

    The registration marks are shared by all forms, so they are searched once; each form's
    ruling then decides which form the page is laid out as. Feature matching is tried only
    when no form registers by its marks.
    """
    grey_full = to_grey(page)
    reading = reading_grey(page)
    found: list[tuple[FormDefinition, Alignment]] = []
    hyps_by_scheme: dict[str, list[np.ndarray]] = {}
    fits: list[tuple[FormDefinition, Alignment, np.ndarray]] = []
    for form in forms:
        scheme = form.page.model_dump_json() + form.registration.model_dump_json()
        if scheme not in hyps_by_scheme:
            hyps_by_scheme[scheme] = [h for h in mark_hypotheses(grey_full, form) if _plausible(h, grey_full, form)]
        best: Alignment | None = None
        best_hom: np.ndarray | None = None
        for hom in hyps_by_scheme[scheme]:
            result = _finish(reading, hom, "marks", form, form.page.px(TEMPLATE_DPI))
            if best is None or result.line_score > best.line_score:
                best, best_hom = result, hom
        if best is not None and best_hom is not None:
            fits.append((form, best, best_hom))
    # Once one form's ruling is squarely in place the page is that form: ECC on the others (a
    # third of their ruling lines up by chance) took ~60 % of a page's reading time, for nothing.
    settled = any(best.line_score >= GOOD_LINE_SCORE for _, best, _ in fits)
    for form, best, best_hom in fits:
        if not settled and MIN_LINE_SCORE / 2 <= best.line_score < GOOD_LINE_SCORE:
            # Near but not on the ruling (marks fitted from two corners, a warped sheet): let ECC
            # polish it, as for feature matches.
            polished = _finish(reading, refine(reading, best_hom, form), "marks", form, form.page.px(TEMPLATE_DPI))
            if polished.line_score > best.line_score:
                best = polished
        if best.line_score >= MIN_LINE_SCORE:
            found.append((form, best))
    if not found:
        # Before the page fails, two ways back onto the ruling, the better kept per form: a marks fit
        # polished however far off it is, and feature matching. A mark cut off at the sheet's edge and
        # a filled box taken for it left a fit at 0.18 that ECC puts squarely on the ruling (1.00;
        # printed held-back page 928264 was a page error — round 24); where features match, they may
        # do better still (0.95 polished, 1.00 by features: page 928083). Only pages that would fail
        # pay for it; the title read after still has to name the form.
        rescued: dict[str, tuple[FormDefinition, Alignment]] = {}

        def keep(form: FormDefinition, result: Alignment) -> None:
            if result.line_score >= MIN_LINE_SCORE and (
                form.name not in rescued or result.line_score > rescued[form.name][1].line_score
            ):
                rescued[form.name] = (form, result)

        for form, best, best_hom in fits:
            if best.line_score < MIN_LINE_SCORE / 2:
                keep(form, _finish(reading, refine(reading, best_hom, form), "marks", form, form.page.px(TEMPLATE_DPI)))
        for form in forms if features else ():
            matched = match_features(grey_full, form)
            if matched is None or not _plausible(matched[0], grey_full, form):
                continue
            hom = refine(reading, matched[0], form)
            keep(form, _finish(reading, hom, "features", form, form.page.px(TEMPLATE_DPI)))
        found = list(rescued.values())
    found.sort(key=lambda fa: fa[1].line_score, reverse=True)
    return found


def align(page: np.ndarray, form: FormDefinition) -> Alignment:
    """Register ``page`` (RGB or grey scan) to ``form``'s template; AlignmentError if it cannot be trusted."""
    found = align_candidates(page, [form])
    if not found:
        raise AlignmentError(f"no registration of the page to {form.name} had its ruling in place")
    return found[0][1]


def refine(reading: np.ndarray, hom: np.ndarray, form: FormDefinition) -> np.ndarray:
    """Polish a coarse scan→template transform with ECC (OpenCV's findTransformECC) at half resolution.

    ORB keypoints from coarse pyramid levels are off by several pixels; ECC maximises the
    correlation of the whole page with the template and brings the error under a pixel.
    Returns ``hom`` unchanged if ECC does not converge.
    """
    f = 0.5
    tpl = cv2.resize(render_template(form, TEMPLATE_DPI), None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    scale = np.diag([f, f, 1.0])
    coarse = cv2.warpPerspective(
        reading,
        scale @ hom,
        (tpl.shape[1], tpl.shape[0]),
        flags=cv2.INTER_AREA,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        _, warp = cv2.findTransformECC(
            tpl.astype(np.float32), coarse.astype(np.float32), warp, cv2.MOTION_AFFINE, criteria, None, 5
        )
    except cv2.error:
        return hom
    w3 = np.vstack([warp.astype(np.float64), [0, 0, 1]])
    # template x ↔ coarse W·x ↔ scan (S·H)⁻¹·W·x, so scan → template is S⁻¹·W⁻¹·S·H.
    return np.linalg.inv(scale) @ np.linalg.inv(w3) @ scale @ hom


def _finish(reading: np.ndarray, hom: np.ndarray, method: str, form: FormDefinition, size) -> Alignment:
    aligned = cv2.warpPerspective(
        reading, hom, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    rotation, scale = _decompose(hom)
    return Alignment(aligned, hom, method, rotation, scale, line_score(aligned, form))
