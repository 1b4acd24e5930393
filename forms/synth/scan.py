"""Make a clean page look like it went through the city hall's 複合機.

What a multifunction printer does to paper, in the order it happens: the sheet lies a little
crooked and off-centre on the glass (skew ±3°, shift, slight scale from the feeder), sometimes
upside-down; the optics blur; the paper is not white and the toner is faint or heavy; the
sensor adds noise and specks; grey-scale mode turns the red 受付印 into grey; JPEG compression
adds its blocks. Parameters are drawn from a seeded RNG and returned, so a failure can be
reproduced and the benchmark can break results down by degradation.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ScanParams:
    dpi: int = 200
    angle: float = 0.0  # degrees, counter-clockwise
    shift_mm: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    upside_down: bool = False
    blur: float = 0.0  # Gaussian sigma in output pixels
    paper: int = 250  # paper grey level
    toner: float = 1.0  # <1 faint, >1 heavy
    noise: float = 0.0  # Gaussian sigma
    specks: int = 0
    grey: bool = False
    jpeg_quality: int | None = None
    binary: bool = False  # 1-bit, as a fax or a scanner's "文字" mode: no grey at all
    fax_lines: bool = False  # with binary: fax standard resolution (half the lines, stretched back)

    @classmethod
    def random(cls, rng: random.Random, *, severity: str = "normal") -> ScanParams:
        """Plausible settings; ``severity`` "clean" (a careful scan), "normal", or "rough"."""
        k = {"clean": 0.3, "normal": 1.0, "rough": 1.6}[severity]
        return cls(
            dpi=rng.choice([200, 200, 240, 300]),
            angle=rng.uniform(-3, 3) * min(1.0, k),
            shift_mm=(rng.uniform(-4, 4) * k, rng.uniform(-4, 4) * k),
            scale=1 + rng.uniform(-0.02, 0.02) * k,
            upside_down=rng.random() < 0.08 * min(1.0, k),
            blur=rng.uniform(0.0, 0.9) * k,
            paper=rng.randint(226, 252),
            toner=rng.choice([rng.uniform(0.55, 0.8), rng.uniform(0.85, 1.1), rng.uniform(1.1, 1.5)]),
            noise=rng.uniform(1, 6) * k,
            specks=int(rng.uniform(0, 60) * k),
            grey=rng.random() < 0.35,
            jpeg_quality=rng.choice([None, rng.randint(40, 90), rng.randint(55, 90)]) if k > 0.3 else None,
        )

    @classmethod
    def augmented(cls, rng: random.Random, base: ScanParams) -> ScanParams:
        """``base`` made harder for the bench, from its own ``rng``: 1-bit fax-like pages, 200 dpi,
        more blur, JPEG at quality 60."""
        from dataclasses import replace

        r = rng.random()
        if r < 0.15:  # fax / 1-bit
            return replace(base, dpi=200, binary=True, fax_lines=rng.random() < 0.4, grey=True, jpeg_quality=None)
        if r < 0.35:
            return replace(base, dpi=200, blur=base.blur + rng.uniform(0.3, 0.8), jpeg_quality=60)
        if r < 0.5:
            return replace(base, dpi=200, jpeg_quality=60)
        return base

    def to_dict(self) -> dict:
        return asdict(self)


def scan(page: np.ndarray, page_dpi: float, params: ScanParams, seed: int = 0) -> np.ndarray:
    """``page`` (RGB, clean, at ``page_dpi``) as the scanner returns it at ``params.dpi`` (RGB)."""
    rng = np.random.default_rng(seed)
    img = page.astype(np.float32)
    # Toner: darkness of the ink relative to the paper (applied to the ink amount, not the colour).
    ink = 255.0 - img
    ink = np.clip(ink * params.toner, 0, 255)
    img = params.paper - ink * (params.paper / 255.0)
    h, w = page.shape[:2]
    f = params.dpi / page_dpi
    out_w, out_h = round(w * f), round(h * f)
    # One affine for scale, rotation about the centre, shift (and 180° if fed upside-down).
    angle = params.angle + (180.0 if params.upside_down else 0.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, params.scale)
    m[:, 2] += np.array(params.shift_mm) / 25.4 * page_dpi
    s = np.array([[f, 0, 0], [0, f, 0]], np.float64)
    m = s @ np.vstack([m, [0, 0, 1]])
    img = cv2.warpAffine(
        img,
        m,
        (out_w, out_h),
        flags=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(params.paper - 8,) * 3,
    )
    if params.blur > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), params.blur)
    if params.noise > 0:
        img += rng.normal(0, params.noise, img.shape).astype(np.float32)
    for _ in range(params.specks):
        x, y = int(rng.integers(0, out_w)), int(rng.integers(0, out_h))
        r = int(rng.integers(1, 3))
        cv2.circle(img, (x, y), r, (float(rng.uniform(40, 160)),) * 3, -1)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if params.grey:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        img = np.repeat(g[:, :, None], 3, axis=2)
    if params.binary:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        if params.fax_lines:
            g = cv2.resize(g, (g.shape[1], g.shape[0] // 2), interpolation=cv2.INTER_AREA)
        _t, g = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if params.fax_lines:
            g = cv2.resize(g, (out_w, out_h), interpolation=cv2.INTER_NEAREST)
        img = np.repeat(g[:, :, None], 3, axis=2)
    if params.jpeg_quality:
        _ok, buf = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, params.jpeg_quality])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1].copy()
    return img
