"""Write scanned pages as a 複合機 would: multi-page PDF or TIFF, or one JPEG per page.

The PDF carries each page as a JPEG image at its scan resolution (what scanners produce);
the TIFF is LZW-compressed with its dpi in the header.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def save_pages(pages: list[np.ndarray], path: str | Path, dpi: int = 200, *, quality: int = 85) -> Path:
    """Save RGB ``pages`` to ``path``; the format follows the suffix (.pdf, .tif/.tiff, .jpg, .png)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(p) for p in pages]
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)
    elif suffix in (".tif", ".tiff"):
        images[0].save(path, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=images[1:], compression="tiff_lzw")
    elif suffix in (".jpg", ".jpeg", ".png"):
        if len(images) != 1:
            raise ValueError(f"{suffix} holds one page; use .pdf or .tif for {len(images)} pages")
        kwargs = {"quality": quality} if suffix != ".png" else {}
        images[0].save(path, dpi=(dpi, dpi), **kwargs)
    else:
        raise ValueError(f"unsupported output {suffix}; use .pdf, .tif, .jpg or .png")
    return path
