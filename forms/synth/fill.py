"""Write values onto a blank form, as a person (and the counter's stamps) would.

The page is drawn at print resolution (300 dpi by default) in colour: black or blue-black
ballpoint for the applicant, a black numbering stamp for the 受付番号 and a red 受付印, so that
the scanner simulation has real colour to lose (grey-scale scans turn the red stamp into grey ink).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from daiko.forms.definition import MM_PER_INCH, FieldDef, FormDefinition
from daiko.forms.fonts import available_handwriting_fonts, font
from daiko.forms.render import render_template
from daiko.forms.synth.fakes import Fake
from daiko.forms.synth.ink import Hand, composite, handwritten_mask, printed_mask, stroke_mask

BLACK = (25, 25, 30)
BLUE_BLACK = (30, 40, 95)
BLUE = (35, 75, 175)  # a bright ballpoint blue: greyscale scanners make it pale
STAMP_RED = (205, 45, 50)


@dataclass(frozen=True)
class Style:
    """How the page is filled: ``printed`` (typed by PC) or ``handwriting`` (handwriting-style fonts)."""

    kind: str  # "printed" | "handwriting"
    hand: Hand
    ink: tuple[int, int, int]
    print_face: str = "sans"
    pen: int = 0  # stroke weight: -1 thinner, +1/+2 thicker (printed too: toner, a bold face)
    align: str = "left"  # where the value sits in its box: left | centre | right
    size: float = 1.0  # writing size relative to the usual

    @classmethod
    def random(cls, rng: random.Random, kind: str) -> Style:
        if kind not in ("printed", "handwriting"):
            raise ValueError("kind is 'printed' or 'handwriting'")
        fonts = available_handwriting_fonts()
        if kind == "handwriting" and not fonts:
            from daiko.forms.errors import FormError

            raise FormError("手書き風フォントがありません（apt-get install fonts-klee fonts-seto）")
        return cls(
            kind=kind,
            hand=Hand.random(rng, fonts or ["sans"]),
            ink=BLACK if kind == "printed" or rng.random() < 0.6 else BLUE_BLACK,
            print_face=rng.choice(["sans", "serif", "sans"]),
        )

    @classmethod
    def augmented(cls, rng: random.Random, kind: str, base: Style, template: str) -> Style:
        """``base`` made harder for the bench: pen weight, bright blue ink, jitter; template b also
        centres or right-aligns values and writes bigger. Drawn from its own ``rng``."""
        from dataclasses import replace

        hand = base.hand
        if kind == "handwriting":
            hand = replace(hand, wobble=rng.uniform(0.6, 1.8))
        ink = BLUE if kind == "handwriting" and rng.random() < 0.3 else base.ink
        align, size = "left", 1.0
        if template == "b":
            align = rng.choice(["left", "centre", "centre", "right"])
            size = rng.uniform(1.0, 1.25)
        return replace(base, hand=hand, ink=ink, pen=rng.choice([-1, 0, 0, 1, 2]), align=align, size=size)


class _Page:
    def __init__(self, form: FormDefinition, dpi: float):
        self.form = form
        self.dpi = dpi
        self.f = dpi / MM_PER_INCH
        grey = render_template(form, dpi)
        self.img = np.repeat(grey[:, :, None], 3, axis=2).copy()

    def p(self, mm: float) -> int:
        return round(mm * self.f)


def _text_mask(text: str, size_px: int, style: Style, rng: random.Random) -> np.ndarray:
    if style.kind == "printed":
        mask = printed_mask(text, size_px, style.print_face)
    else:
        mask = handwritten_mask(text, size_px, style.hand, rng)
    return _pen(mask, style.pen, size_px)


def _pen(mask: np.ndarray, pen: int, size_px: int) -> np.ndarray:
    """Thicker (dilate) or thinner (erode) strokes; thinning only where strokes can spare a pixel."""
    if pen == 0:
        return mask
    import cv2

    k = np.ones((2 * abs(pen) + 1 if pen > 0 else 3,) * 2, np.uint8)
    if pen > 0:
        return cv2.dilate(mask, k)
    return cv2.erode(mask, k) if size_px > 40 else mask


def _write_in_zone(page: _Page, f: FieldDef, text: str, style: Style, rng: random.Random) -> None:
    z = f.zone
    assert z is not None
    margin = 1.2 if style.kind == "printed" else rng.uniform(1.2, 3.0)
    avail_w = page.p(z.w - margin - 1.2)
    avail_h = page.p(z.h)
    size = round(avail_h * (rng.uniform(0.5, 0.6) if style.kind == "printed" else rng.uniform(0.52, 0.68)))
    size = min(round(size * style.size), page.p(7.5 * style.size))
    mask = _text_mask(text, size, style, rng)
    if mask.shape[1] > avail_w:  # people write smaller to fit the box
        size = max(8, int(size * avail_w / mask.shape[1] * 0.97))
        mask = _text_mask(text, size, style, rng)
    if mask.shape[0] > avail_h * 0.86:
        size = max(8, int(size * avail_h * 0.86 / mask.shape[0]))
        mask = _text_mask(text, size, style, rng)
    x = page.p(z.x + margin)
    if style.align != "left":
        room = page.p(z.x + z.w - margin) - x - mask.shape[1]
        x += max(0, room // 2 if style.align == "centre" else room)
    jitter = 0.0 if style.kind == "printed" else rng.uniform(-0.1, 0.1)
    y = page.p(z.y + z.h / 2) - mask.shape[0] // 2 + round(jitter * avail_h * 0.5)
    y = min(max(y, page.p(z.y) + 3), page.p(z.y + z.h) - mask.shape[0] - 3)
    composite(page.img, mask, x, y, style.ink, rng.uniform(0.85, 1.0))


def _write_cells(page: _Page, f: FieldDef, text: str, style: Style, rng: random.Random) -> None:
    assert f.zone is not None and f.cells
    for cell, ch in zip(f.zone.split(f.cells), text, strict=False):
        size = round(page.p(cell.h) * rng.uniform(0.55, 0.68))
        mask = _text_mask(ch, size, style, rng)
        cx = page.p(cell.x + cell.w / 2) + (0 if style.kind == "printed" else rng.randint(-3, 3))
        cy = page.p(cell.y + cell.h / 2) + (0 if style.kind == "printed" else rng.randint(-3, 3))
        composite(page.img, mask, cx - mask.shape[1] // 2, cy - mask.shape[0] // 2, style.ink)


def _stamp_number(page: _Page, f: FieldDef, text: str, rng: random.Random) -> None:
    """The counter's numbering stamp (ナンバリング): monospaced, black, a little uneven."""
    z = f.zone
    assert z is not None
    mask = printed_mask(text, page.p(z.h * rng.uniform(0.42, 0.52)), "mono").astype(np.float32)
    mask *= np.clip(np.random.default_rng(rng.randint(0, 2**31)).normal(0.9, 0.12, mask.shape), 0.45, 1.0)
    x = page.p(z.x + rng.uniform(2, 5))
    y = page.p(z.y + z.h / 2) - mask.shape[0] // 2 + rng.randint(-4, 4)
    composite(page.img, mask.astype(np.uint8), x, y, (20, 20, 35), rng.uniform(0.8, 1.0))


def _check_mark(page: _Page, f: FieldDef, key: str, style: Style, rng: random.Random) -> None:
    opt = next(o for o in f.options if o.key == key)
    cx, cy = page.p(opt.at[0]), page.p(opt.at[1])
    s = page.p(f.mark_mm)
    width = max(2, page.p(rng.uniform(0.3, 0.5)))
    pad = 2 * s
    size = (4 * s, 4 * s)
    o = (cx - pad, cy - pad)
    kind = rng.choices(["tick", "cross", "fill"], weights=[80, 15, 5])[0]
    j = lambda: rng.uniform(-0.08, 0.08) * s  # noqa: E731
    if kind == "tick":  # レ: down-stroke then a long up-stroke, often running out of the box
        pts = [(-0.35 * s + j(), -0.05 * s + j()), (-0.05 * s + j(), 0.35 * s + j()), (0.55 * s + j(), -0.6 * s + j())]
        mask = stroke_mask([(pad + x, pad + y) for x, y in pts], width, size)
    elif kind == "cross":
        a = stroke_mask(
            [(pad - 0.35 * s + j(), pad - 0.35 * s + j()), (pad + 0.35 * s + j(), pad + 0.35 * s + j())], width, size
        )
        b = stroke_mask(
            [(pad + 0.35 * s + j(), pad - 0.35 * s + j()), (pad - 0.35 * s + j(), pad + 0.35 * s + j())], width, size
        )
        mask = np.maximum(a, b)
    else:  # filled in (塗りつぶし), roughly
        pts = []
        for i in range(7):
            y = -0.3 * s + i * 0.1 * s
            pts += [(-0.32 * s + j(), y), (0.32 * s + j(), y + 0.05 * s)]
        mask = stroke_mask([(pad + x, pad + y) for x, y in pts], max(width, s // 6), size)
    composite(page.img, mask, o[0], o[1], style.ink)


def _circle_mark(page: _Page, f: FieldDef, key: str, style: Style, rng: random.Random) -> None:
    """A hand-drawn ○ round the option's number: not quite round, not quite closed."""
    opt = next(o for o in f.options if o.key == key)
    cx = page.p(opt.at[0]) + rng.randint(-4, 4)
    cy = page.p(opt.at[1]) + rng.randint(-4, 4)
    r = page.p(rng.uniform(2.4, 3.3))
    rx, ry = r * rng.uniform(0.95, 1.25), r * rng.uniform(0.85, 1.05)
    start = rng.uniform(0, 2 * math.pi)
    sweep = 2 * math.pi * rng.uniform(0.92, 1.12)
    tilt = rng.uniform(-0.3, 0.3)
    pts = []
    n = 48
    for i in range(n + 1):
        t = start + sweep * i / n
        wob = 1 + 0.05 * math.sin(3 * t + tilt) + rng.uniform(-0.015, 0.015)
        x, y = rx * wob * math.cos(t), ry * wob * math.sin(t)
        pts.append((x * math.cos(tilt) - y * math.sin(tilt), x * math.sin(tilt) + y * math.cos(tilt)))
    pad = int(2 * r)
    mask = stroke_mask(
        [(pad * 2 + x, pad * 2 + y) for x, y in pts], max(2, page.p(rng.uniform(0.3, 0.45))), (pad * 4, pad * 4)
    )
    composite(page.img, mask, cx - 2 * pad, cy - 2 * pad, style.ink)


def _red_stamp(page: _Page, box_mm: tuple[float, float, float, float], date_text: str, rng: random.Random) -> None:
    """The red 受付印 (日付印): a ring, the city's name, the date between two bars, the section."""
    from PIL import ImageDraw

    img, r, cx, cy = _stamp_face(page, box_mm, (9.0, 10.5), rng)
    d = ImageDraw.Draw(img)
    c = img.size[0] // 2
    lw = max(2, page.p(0.45))
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=lw)
    d.line([c - r * 0.92, c - r * 0.32, c + r * 0.92, c - r * 0.32], fill=255, width=lw)
    d.line([c - r * 0.92, c + r * 0.32, c + r * 0.92, c + r * 0.32], fill=255, width=lw)
    f_small = font("sans-bold", int(r * 0.38))
    f_date = font("sans-bold", int(r * 0.42))
    d.text((c, c - r * 0.6), "飯能市", font=f_small, fill=255, anchor="mm")
    d.text((c, c), date_text, font=f_date, fill=255, anchor="mm")
    d.text((c, c + r * 0.6), "税務課", font=f_small, fill=255, anchor="mm")
    _press(page, img, cx, cy, 15, rng)


def _personal_seal(page: _Page, box_mm: tuple[float, float, float, float], surname: str, rng: random.Random) -> None:
    """A personal seal (認印, here the 届出印): a red ring with the surname written top to bottom,
    pressed a little off-centre and unevenly, as people press them."""
    from PIL import ImageDraw

    img, r, cx, cy = _stamp_face(page, box_mm, (5.5, 7.0), rng)
    d = ImageDraw.Draw(img)
    c = img.size[0] // 2
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=max(2, page.p(0.5)))
    chars = surname[:3] or "印"
    step = 1.5 * r / len(chars)
    f = font("serif-bold", int(min(step * 0.95, r * 0.95)))
    for i, ch in enumerate(chars):
        d.text((c, c - 0.75 * r + step * (i + 0.5)), ch, font=f, fill=255, anchor="mm")
    _press(page, img, cx, cy, 10, rng)


def _stamp_face(
    page: _Page, box_mm: tuple[float, float, float, float], radius_mm: tuple[float, float], rng: random.Random
):
    """A blank square face for a round stamp of a random radius (px), and where on the page its
    centre lands: somewhere near the middle of ``box_mm``, as a hand puts it."""
    from PIL import Image

    x, y, w, h = box_mm
    r = page.p(rng.uniform(*radius_mm))
    cx = page.p(x + w / 2 + rng.uniform(-3, 3))
    cy = page.p(y + h / 2 + rng.uniform(-3, 3))
    size = 2 * r + 8
    return Image.new("L", (size, size), 0), r, cx, cy


def _press(page: _Page, face, cx: int, cy: int, max_tilt: float, rng: random.Random) -> None:
    """The stamp's ``face`` pressed in red at (cx, cy): turned a little, the ink patchy (uneven
    pressure across the face), never quite full strength."""
    from PIL import Image

    face = face.rotate(rng.uniform(-max_tilt, max_tilt), resample=Image.BICUBIC)
    mask = np.asarray(face).astype(np.float32)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0.85, 0.2, mask.shape)
    mask = (mask * np.clip(noise, 0.3, 1.0)).astype(np.uint8)
    c = face.size[0] // 2
    composite(page.img, mask, cx - c, cy - c, STAMP_RED, rng.uniform(0.7, 0.95))


def fill_page(
    form: FormDefinition, values: dict[str, Fake], style: Style, rng: random.Random, *, dpi: float = 300
) -> np.ndarray:
    """The form with ``values`` written in: H×W×3 uint8 RGB at ``dpi``."""
    page = _Page(form, dpi)
    for f in form.fields:
        fake = values.get(f.name)
        if fake is None or fake.written is None or fake.written == "":
            continue
        if f.kind == "mark":
            for key in fake.written.split(","):
                (_circle_mark if f.style == "circle" else _check_mark)(page, f, key, style, rng)
        elif f.name == "reference":
            _stamp_number(page, f, fake.written, rng)
        elif f.cells:
            _write_cells(page, f, fake.written, style, rng)
        else:
            _write_in_zone(page, f, fake.written, style, rng)
    if form.seal_zone is not None and rng.random() < 0.95:
        names = [values[f.name].written for f in form.fields if f.type == "kanji_name" and f.name in values]
        surname = (names[0] or "").split("\u3000")[0] if names else ""
        z = form.seal_zone
        _personal_seal(page, (z.x, z.y, z.w, z.h), surname, rng)
    if form.stamp_zone is not None and rng.random() < 0.9:
        declared = values.get("declared_on")
        z = form.stamp_zone
        _red_stamp(page, (z.x, z.y, z.w, z.h), _stamp_date(declared.truth if declared else None), rng)
    return page.img


def _stamp_date(iso: str | None) -> str:
    """日付印 style: 6.4.12 for 令和6年4月12日."""
    if not iso:
        return "6.4.1"
    y, m, d = (int(v) for v in iso.split("-"))
    return f"{y - 2018}.{m}.{d}"
