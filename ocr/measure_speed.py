"""Rough speed and memory of the OCR layer on this machine, for planning batch sizes. Run:

    .venv/bin/python -m daiko.ocr.measure_speed

Prints engine start-up, seconds per field crop in a batch (recognition only), seconds per A4
page for det+rec, orientation and deskew, PDF rendering per page, and the process's peak RSS.
Numbers on a shared 2-core machine vary by ±50 % with load; the load average is printed too.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image as PILImage


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> dict[str, float]:
    from daiko.ocr import preprocess as pp
    from daiko.ocr.engines import get_engine
    from daiko.ocr.images import load_pages
    from daiko.ocr.synthetic import degrade, random_field_values, render_line, render_page

    fig: dict[str, float] = {}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; RSS before models {_rss_mb():.0f} MB")
    t = time.perf_counter()
    engine = get_engine()
    fig["startup_s"] = time.perf_counter() - t
    print(f"engine start-up           {fig['startup_s']:.2f} s   (RSS {_rss_mb():.0f} MB)")

    values = random_field_values(64, seed=1)
    fonts = ["sans", "seto"]
    crops = [degrade(render_line(v, font=fonts[i % 2], size=32), seed=i) for i, v in enumerate(values)]
    engine.recognize(crops[:4])  # warm-up
    t = time.perf_counter()
    res = engine.recognize(crops)
    fig["s_per_crop"] = (time.perf_counter() - t) / len(crops)
    exact = np.mean(
        [
            "".join(unicodedata.normalize("NFKC", r.text).split()) == "".join(unicodedata.normalize("NFKC", v).split())
            for r, v in zip(res, values, strict=True)
        ]
    )
    print(
        f"recognize, batch of {len(crops)}    {fig['s_per_crop'] * 1000:.1f} ms/crop  (exact {exact:.0%} on scanned-looking crops)"
    )
    t = time.perf_counter()
    for c in crops[:16]:
        engine.recognize([c])
    fig["s_per_single_crop"] = (time.perf_counter() - t) / 16
    print(f"recognize, one at a time  {fig['s_per_single_crop'] * 1000:.1f} ms/crop")

    pages = [
        degrade(
            render_page(
                random_field_values(18, seed=10 + k), font=fonts, font_size=36, line_gap=110, rulings=True
            ).image,
            seed=k,
            angle=1.0,
        )
        for k in range(3)
    ]
    t = time.perf_counter()
    n_lines = sum(len(engine.read_page(p)) for p in pages)
    fig["s_per_page"] = (time.perf_counter() - t) / len(pages)
    print(f"read_page A4 200 dpi      {fig['s_per_page']:.2f} s/page  ({n_lines / len(pages):.0f} lines a page)")
    t = time.perf_counter()
    for p in pages:
        pp.detect_orientation(p, engine)
    fig["s_orientation"] = (time.perf_counter() - t) / len(pages)
    t = time.perf_counter()
    for p in pages:
        pp.deskew(p)
    fig["s_deskew"] = (time.perf_counter() - t) / len(pages)
    print(f"detect_orientation        {fig['s_orientation']:.2f} s/page;  deskew {fig['s_deskew']:.3f} s/page")

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "batch.pdf"
        ims = [PILImage.fromarray(p) for p in pages]
        ims[0].save(pdf, save_all=True, append_images=ims[1:], resolution=200)
        t = time.perf_counter()
        loaded = load_pages(pdf, dpi=200)
        fig["s_pdf_render"] = (time.perf_counter() - t) / len(loaded)
    print(f"load_pages PDF @200 dpi   {fig['s_pdf_render']:.3f} s/page")
    fig["peak_rss_mb"] = _rss_mb()
    print(f"peak RSS                  {fig['peak_rss_mb']:.0f} MB")
    return fig


if __name__ == "__main__":
    main()
