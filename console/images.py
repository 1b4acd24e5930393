"""Page images and evidence files: only from under the data dir, crops enlarged, 個人番号 blacked out.

Paths come from the ledger, which robots write; the console still refuses anything outside
the data dir, so a bad row (or a crafted one) cannot make it serve /etc/passwd.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw

Box = tuple[int, int, int, int]
CROP_HEIGHT = 120  # px on screen: handwriting readable without leaning in
CROP_MAX_WIDTH = 1100


def safe_path(data_dir: Path, stored: str | None) -> Path | None:
    """The file for a path stored in the ledger, if it exists under ``data_dir``; else None."""
    if not stored:
        return None
    root = data_dir.resolve()
    path = Path(stored)
    path = (path if path.is_absolute() else root / path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@functools.lru_cache(maxsize=512)
def _size(path: str, mtime_ns: int) -> tuple[int, int]:
    with Image.open(path) as img:
        return img.size


def image_size(path: Path) -> tuple[int, int]:
    return _size(str(path), path.stat().st_mtime_ns)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def clamp_box(box: list | tuple | None, size: tuple[int, int]) -> Box | None:
    """A field's box as ints inside the image, or None when it is missing or empty."""
    if not box or len(box) != 4:
        return None
    w, h = size
    x0, y0, x1, y1 = (round(float(v)) for v in box)
    x0, x1 = sorted((max(0, min(w, x0)), max(0, min(w, x1))))
    y0, y1 = sorted((max(0, min(h, y0)), max(0, min(h, y1))))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def masked_page(path: Path, hidden: list[Box]) -> bytes:
    """The page as PNG with ``hidden`` boxes filled black (個人番号 for roles that may not see it)."""
    with Image.open(path) as img:
        page = img.convert("RGB")
    draw = ImageDraw.Draw(page)
    for box in hidden:
        draw.rectangle(box, fill=(0, 0, 0))
    return _png(page)


def crop(path: Path, box: Box) -> bytes:
    """The field's zone with a margin, scaled to :data:`CROP_HEIGHT` so it reads at a glance."""
    with Image.open(path) as img:
        x0, y0, x1, y1 = box
        margin = max(6, int((y1 - y0) * 0.25))
        w, h = img.size
        area = (max(0, x0 - margin), max(0, y0 - margin), min(w, x1 + margin), min(h, y1 + margin))
        part = img.crop(area).convert("RGB")
    scale = min(CROP_HEIGHT / part.height, CROP_MAX_WIDTH / part.width, 4.0)
    if abs(scale - 1) > 0.05:
        part = part.resize((max(1, round(part.width * scale)), max(1, round(part.height * scale))), Image.LANCZOS)
    return _png(part)
