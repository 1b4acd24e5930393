"""Draw a form's blank template from its definition, at any resolution.

The template is never a stored image: it is drawn from the same YAML that holds the zones, so
moving a cell moves both the printed box and the place it is read from. The renderer is used
three times over: to print blank forms, as the reference the scans are registered to and whose
printed ink is ignored when scoring check boxes, and as the paper the synthetic data is written on.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
from PIL import Image, ImageDraw

from daiko.forms.definition import (
    MM_PER_INCH,
    TEMPLATE_DPI,
    BoxItem,
    CircleItem,
    FieldDef,
    FormDefinition,
    LineItem,
    TextItem,
)
from daiko.forms.fonts import font

INK = 0
_ANCHOR = {"left": "lm", "center": "mm", "right": "rm"}


class _Pen:
    """mm/pt → pixels at one dpi, with the few primitives a form needs."""

    def __init__(self, draw: ImageDraw.ImageDraw, dpi: float):
        self.draw = draw
        self.f = dpi / MM_PER_INCH
        self.dpi = dpi

    def p(self, mm: float) -> int:
        return round(mm * self.f)

    def lw(self, mm: float) -> int:
        return max(1, round(mm * self.f))

    def pt(self, size: float) -> int:
        return max(6, round(size / 72 * self.dpi))

    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.25, fill: int | None = None, dashed=False):
        x0, y0, x1, y1 = self.p(x), self.p(y), self.p(x + w), self.p(y + h)
        if fill is not None:
            self.draw.rectangle([x0, y0, x1, y1], fill=fill)
        if dashed:
            for a, b in (
                ((x, y), (x + w, y)),
                ((x + w, y), (x + w, y + h)),
                ((x, y + h), (x + w, y + h)),
                ((x, y), (x, y + h)),
            ):
                self.line(a, b, width, dashed=True)
        else:
            lw = self.lw(width)
            # Lines are centred on the box edge, as a drawing program would print them.
            half = lw // 2
            self.draw.rectangle(
                [x0 - half, y0 - half, x1 + (lw - 1 - half), y1 + (lw - 1 - half)], outline=INK, width=lw
            )

    def line(self, a, b, width: float = 0.25, dashed: bool = False):
        lw = self.lw(width)
        (x0, y0), (x1, y1) = (self.p(a[0]), self.p(a[1])), (self.p(b[0]), self.p(b[1]))
        if not dashed:
            self.draw.line([x0, y0, x1, y1], fill=INK, width=lw)
            return
        length = max(abs(x1 - x0), abs(y1 - y0))
        dash, gap = self.p(1.2), self.p(0.8)
        pos = 0
        while pos < length:
            t0, t1 = pos / length, min(1.0, (pos + dash) / length)
            self.draw.line(
                [x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0, x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1], fill=INK, width=lw
            )
            pos += dash + gap

    def text(self, at, text: str, size: float, face: str = "serif", align: str = "left", vertical: bool = False):
        fnt = font(face, self.pt(size))
        x, y = self.p(at[0]), self.p(at[1])
        if vertical:
            step = self.pt(size) * 1.1
            top = y - step * len(text) / 2 + step / 2
            for i, ch in enumerate(text):
                self.draw.text((x, top + i * step), ch, font=fnt, fill=INK, anchor="mm")
            return
        for i, line in enumerate(text.split("\n")):
            self.draw.text((x, y + i * self.pt(size) * 1.35), line, font=fnt, fill=INK, anchor=_ANCHOR[align])

    def circle(self, c, r: float, width: float = 0.25, dashed: bool = False):
        x, y, rr = self.p(c[0]), self.p(c[1]), self.p(r)
        self.draw.ellipse([x - rr, y - rr, x + rr, y + rr], outline=INK, width=self.lw(width))


def _draw_field(pen: _Pen, f: FieldDef) -> None:
    if f.label:
        z = f.label.zone
        pen.rect(z.x, z.y, z.w, z.h, fill=f.label.fill)
        cy = z.y + z.h / 2
        if f.label.sub:
            pen.text((z.x + z.w / 2, cy - z.h * 0.16), f.label.text, f.label.size, "serif", "center")
            pen.text((z.x + z.w / 2, cy + z.h * 0.24), f.label.sub, f.label.size * 0.62, "serif", "center")
        else:
            pen.text((z.x + z.w / 2, cy), f.label.text, f.label.size, "serif", "center")
    if f.zone is not None and f.border:
        z = f.zone
        pen.rect(z.x, z.y, z.w, z.h)
        if f.cells:
            for cell in z.split(f.cells)[1:]:
                pen.line((cell.x, z.y), (cell.x, z.y + z.h), 0.2, dashed=False)
    for opt in f.options:
        box = f.mark_box(opt)
        if f.style == "box":
            pen.rect(box.x, box.y, box.w, box.h, width=0.22)
            pen.text((box.x + box.w + 1.2, opt.at[1]), opt.label, 10, "serif")
        else:
            pen.text(opt.at, opt.number or opt.key, 10.5, "sans", "center")
            pen.text((opt.at[0] + 2.8, opt.at[1]), opt.label, 10, "serif")


def _draw_marks(pen: _Pen, form: FormDefinition) -> None:
    reg = form.registration
    s = reg.size_mm
    for cx, cy in reg.corners(form.page.width_mm, form.page.height_mm):
        pen.draw.rectangle(
            [pen.p(cx - s / 2), pen.p(cy - s / 2), pen.p(cx + s / 2) - 1, pen.p(cy + s / 2) - 1], fill=INK
        )
    ox, oy = reg.orientation_center()
    o = reg.orientation_mm
    pen.draw.rectangle([pen.p(ox - o / 2), pen.p(oy - o / 2), pen.p(ox + o / 2) - 1, pen.p(oy + o / 2) - 1], fill=INK)


def _render(form: FormDefinition, dpi: float, marks: bool) -> np.ndarray:
    w, h = form.page.px(dpi)
    img = Image.new("L", (w, h), 255)
    pen = _Pen(ImageDraw.Draw(img), dpi)
    # Shaded cells first, so rules and text print over them.
    for item in form.layout:
        if isinstance(item, BoxItem) and item.fill is not None:
            z = item.zone
            pen.draw.rectangle([pen.p(z.x), pen.p(z.y), pen.p(z.x + z.w), pen.p(z.y + z.h)], fill=item.fill)
    for f in form.fields:
        _draw_field(pen, f)
    for item in form.layout:
        if isinstance(item, BoxItem):
            z = item.zone
            pen.rect(z.x, z.y, z.w, z.h, item.width, None, item.dashed)
        elif isinstance(item, LineItem):
            pen.line(item.start, item.end, item.width, item.dashed)
        elif isinstance(item, CircleItem):
            pen.circle(item.center, item.radius, item.width, item.dashed)
        elif isinstance(item, TextItem):
            pen.text(item.at, item.text, item.size, item.font, item.align, item.vertical)
    if marks:
        _draw_marks(pen, form)
    return np.asarray(img)


_cache: dict[tuple[str, float, bool], np.ndarray] = {}
_cache_lock = threading.Lock()


def _key(form: FormDefinition) -> str:
    # Definitions hold lists (unhashable); their JSON identifies them, and a changed file re-renders.
    return hashlib.sha1(form.model_dump_json().encode()).hexdigest()


def render_template(form: FormDefinition, dpi: float = TEMPLATE_DPI, *, marks: bool = True) -> np.ndarray:
    """The blank form as an H×W uint8 greyscale array (white paper, black print). Read-only, cached."""
    key = (_key(form), float(dpi), marks)
    with _cache_lock:
        arr = _cache.get(key)
    if arr is None:
        arr = _render(form, float(dpi), marks)
        arr.setflags(write=False)
        with _cache_lock:
            if len(_cache) > 16:
                _cache.clear()
            _cache[key] = arr
    return arr


def save_template(form: FormDefinition, path: str, dpi: float = 300) -> None:
    """Write the blank form to a PNG or PDF (for printing the paper the city hands out)."""
    img = Image.fromarray(render_template(form, dpi))
    img.save(path, resolution=dpi) if path.lower().endswith(".pdf") else img.save(path, dpi=(dpi, dpi))
