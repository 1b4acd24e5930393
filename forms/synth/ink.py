"""Text as ink: printed (a PC-filled or typed form) and handwriting-style (a person with a ballpoint).

Handwriting-*style* means a handwriting font (Klee One, 瀬戸フォント) made less regular, one
character at a time: size, angle, baseline and spacing wobble, the line drifts, and stroke weight
follows the writer's pressure. It is closer to real handwriting than a clean font but kinder than
real writing — the benchmark reports it separately and says so.

Everything returns an ink *coverage* mask (H×W uint8, 255 = full ink) to be composited onto the
page in an ink colour, so the same text can be black, blue-black or faint.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from daiko.forms.fonts import font


@dataclass(frozen=True)
class Hand:
    """One writer: the same person fills the whole page."""

    font: str = "klee"
    slant: float = 0.0  # degrees, whole line
    pressure: int = 0  # -1 light (thin), 0, +1 heavy (thick)
    spacing: float = 1.0  # advance multiplier
    wobble: float = 1.0  # scales per-character jitter

    @classmethod
    def random(cls, rng: random.Random, fonts: list[str]) -> Hand:
        return cls(
            font=rng.choice(fonts),
            slant=rng.uniform(-4, 4),
            pressure=rng.choice([-1, 0, 0, 1]),
            spacing=rng.uniform(0.95, 1.15),
            wobble=rng.uniform(0.6, 1.3),
        )


def printed_mask(text: str, size_px: int, face: str = "sans") -> np.ndarray:
    """Typed text, tightly cropped (plus a 10 % margin)."""
    fnt = font(face, size_px)
    x0, y0, x1, y1 = fnt.getbbox(text)
    pad = max(2, size_px // 10)
    img = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 0)
    ImageDraw.Draw(img).text((pad - x0, pad - y0), text, font=fnt, fill=255)
    return np.asarray(img)


def handwritten_mask(text: str, size_px: int, hand: Hand, rng: random.Random) -> np.ndarray:
    """Handwriting-style text: each character drawn separately with its own size, angle and offset."""
    fnt_cache: dict[int, object] = {}
    glyphs: list[tuple[Image.Image, int, int]] = []  # (mask, x, y-centre)
    x = 0.0
    drift = rng.uniform(-0.03, 0.03) * hand.wobble  # baseline slope, in em per em
    for ch in text:
        if ch.isspace():
            x += size_px * rng.uniform(0.5, 0.9) * (1.0 if ch == "\u3000" else 0.6)
            continue
        scale = rng.uniform(0.88, 1.1) if hand.wobble else 1.0
        if ch in "ゃゅょっぁぃぅぇぉャュョッァィゥェォ":
            scale *= 0.95
        px = max(6, round(size_px * scale))
        fnt = fnt_cache.get(px) or font(hand.font, px)
        fnt_cache[px] = fnt
        bx0, by0, bx1, by1 = fnt.getbbox(ch)
        advance = fnt.getlength(ch)
        pad = px // 3
        g = Image.new("L", (max(1, bx1 - bx0) + 2 * pad, max(1, by1 - by0) + 2 * pad), 0)
        ImageDraw.Draw(g).text((pad - bx0, pad - by0), ch, font=fnt, fill=255)
        angle = rng.uniform(-5, 5) * hand.wobble + hand.slant
        g = g.rotate(angle, resample=Image.BICUBIC, expand=True)
        # Glyph centre: the font's own vertical placement (so ー sits mid-line, 。 low) plus wobble.
        ascent = fnt.getmetrics()[0]
        cy = (by0 + by1) / 2 - ascent * 0.5 + rng.gauss(0, 0.04 * size_px * hand.wobble) + drift * x
        glyphs.append((g, round(x + (bx0 + bx1) / 2 + rng.gauss(0, 0.03 * size_px * hand.wobble)), round(cy)))
        x += advance * hand.spacing * rng.uniform(0.92, 1.06)
    if not glyphs:
        return np.zeros((1, 1), np.uint8)
    xs0 = [gx - g.width // 2 for g, gx, _ in glyphs]
    ys0 = [gy - g.height // 2 for g, _, gy in glyphs]
    left, top = min(xs0), min(ys0)
    right = max(x0 + g.width for x0, (g, _, _) in zip(xs0, glyphs, strict=True))
    bottom = max(y0 + g.height for y0, (g, _, _) in zip(ys0, glyphs, strict=True))
    canvas = np.zeros((bottom - top, right - left), np.uint8)
    for (g, _, _), x0, y0 in zip(glyphs, xs0, ys0, strict=True):
        arr = np.asarray(g)
        sub = canvas[y0 - top : y0 - top + arr.shape[0], x0 - left : x0 - left + arr.shape[1]]
        np.maximum(sub, arr, out=sub)
    mask = Image.fromarray(canvas)
    if hand.pressure > 0:
        mask = mask.filter(ImageFilter.MaxFilter(3))
    elif hand.pressure < 0 and size_px > 40:
        mask = mask.filter(ImageFilter.MinFilter(3))
    return _trim(np.asarray(mask))


def _trim(mask: np.ndarray, pad: int = 2) -> np.ndarray:
    ys, xs = np.nonzero(mask > 20)
    if len(xs) == 0:
        return mask
    y0, y1 = max(0, ys.min() - pad), min(mask.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(mask.shape[1], xs.max() + pad + 1)
    return mask[y0:y1, x0:x1]


def stroke_mask(points: list[tuple[float, float]], width_px: int, size: tuple[int, int]) -> np.ndarray:
    """A pen stroke through ``points`` on a canvas of ``size`` (w, h)."""
    img = Image.new("L", size, 0)
    draw = ImageDraw.Draw(img)
    draw.line(points, fill=255, width=max(1, width_px), joint="curve")
    r = width_px / 2
    for px, py in (points[0], points[-1]):
        draw.ellipse([px - r, py - r, px + r, py + r], fill=255)
    return np.asarray(img)


def composite(page: np.ndarray, mask: np.ndarray, x: int, y: int, colour: tuple[int, int, int], strength: float = 1.0):
    """Lay ``mask`` (coverage) onto the RGB ``page`` at (x, y) in ``colour``, clipped to the page."""
    h, w = mask.shape
    ph, pw = page.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(pw, x + w), min(ph, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    a = mask[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)[..., None] * (strength / 255.0)
    region = page[y0:y1, x0:x1].astype(np.float32)
    ink = np.asarray(colour, np.float32)
    # Inks are translucent: they darken what is below (multiply), they do not paint over it.
    blended = region * (1 - a) + np.minimum(region, ink) * a
    page[y0:y1, x0:x1] = blended.round().astype(np.uint8)
