"""Long strokes in the text zones of scanned pages: how many the reader erases as rules that slipped
in (along a zone's edge, beside the template's own rule) and how many it leaves as writing.

    .venv/bin/python bench/rules.py /tmp/heldout --pages 200
    .venv/bin/python bench/rules.py ~/scans/2026-11 --pages 500     # a city's own scans

Since round 22 a stroke running down 85 % of a zone (or across 60 % of it) is a rule only there: big,
bold writing had its 8s, 1s and brackets painted out before (forms/README.md, "Round 22"). Run on a
city's own scans, "taken for rules" counts the borders a misaligned scan lets in, and the pages listed
under "left as writing" are the ones to look at if a rule ever slips in mid-zone. Registration only, no
OCR: ~0.2 s a page. Prints file names and field names, never what is written.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages_dir", type=Path, help="a folder of scans (a bench/ocr.py --keep folder, or real ones)")
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args(argv)
    from daiko.forms.align import align_candidates
    from daiko.forms.crops import PageInk, blank_printed, cut, long_runs
    from daiko.forms.definition import TEMPLATE_DPI, load_all
    from daiko.forms.render import render_template
    from daiko.ocr.images import load_pages

    forms = load_all()
    templates = {f.name: render_template(f, TEMPLATE_DPI) for f in forms}
    files = sorted(
        p for p in args.pages_dir.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf")
    )
    c: Counter = Counter()
    left: list[str] = []
    for path in files[: args.pages]:
        try:
            candidates = align_candidates(load_pages(path)[0].image, forms)
        except Exception as e:  # a damaged or foreign file is counted, never the end of the run
            c["pages not read"] += 1
            print(f"{path.name}: {type(e).__name__}", file=sys.stderr)
            continue
        if not candidates:
            c["pages not registered"] += 1
            continue
        form, alignment = candidates[0]
        c["pages"] += 1
        ink = PageInk.measure(alignment.image)
        for f in form.fields:
            if f.kind != "text" or f.zone is None or f.cells:
                continue
            crop, _ = cut(alignment.image, f.zone)
            template, _ = cut(templates[form.name], f.zone)
            rules, writing = long_runs(blank_printed(crop, template, ink), ink, template)
            c["zones"] += 1
            c["zones with a run taken for a rule"] += bool(rules.any())
            c["runs left as writing"] += writing
            if writing:
                left.append(f"{path.name} {f.name}: {writing}")
    print(f"{c['pages']} pages registered ({c['pages not registered']} not, {c['pages not read']} unreadable), "
          f"{c['zones']} text zones")  # fmt: skip
    print(f"  zones with a long run taken for a rule (erased): {c['zones with a run taken for a rule']}")
    print(f"  long runs left as writing (inside a zone, beside no rule of the template's): {c['runs left as writing']}")
    for line in left:
        print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
