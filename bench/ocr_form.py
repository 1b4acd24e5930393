"""One form's reading figures: synthetic scans of ``--form`` read by the real OCR, scored per field.

    .venv/bin/python bench/ocr_form.py --form kouza_furikae [--pages 40] [--seed 0]

A small, single-process companion of ``bench/ocr.py`` (the full benchmark over the bundled forms,
file formats and engines) for tuning one form's thresholds: half the pages printed, half
handwriting-style, each page generated from its seed (so a bad field can be regenerated alone).
Prints field-exact, wrong-but-accepted (must stay ~0) and review rates, and every field that was
accepted wrong, with its confidence and weakest character, to tune ``thresholds`` and
``char_thresholds`` in the form's YAML.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter


def predicted(field) -> str | None:
    if field.type == "mynumber":
        return None if field.value is None else ("valid" if field.decision == "accept" else "invalid")
    return ",".join(field.value) if isinstance(field.value, list) else field.value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--form", required=True, help="form name, e.g. kouza_furikae")
    parser.add_argument("--pages", type=int, default=40, help="pages (half printed, half handwriting-style)")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    args = parser.parse_args(argv)
    from daiko.forms import read_form
    from daiko.forms.synth import make_page
    from daiko.ocr.engines import get_engine

    engine = get_engine()
    totals: Counter = Counter()
    by_kind: dict[str, Counter] = {"printed": Counter(), "handwriting": Counter()}
    reasons: Counter = Counter()
    wrong = []
    started = time.perf_counter()
    for i in range(args.pages):
        kind = "printed" if i % 2 == 0 else "handwriting"
        seed = args.seed + i // 2
        page = make_page(args.form, seed, kind)
        result = read_form(page.image, None, engine)
        if result.form != args.form:
            totals["misclassified"] += 1
            continue
        for f in result.fields:
            good = predicted(f) == page.truth[f.name]
            for c in (totals, by_kind[kind]):
                c["fields"] += 1
                c["exact"] += good
                c["review"] += f.decision == "review"
                c["wrong_accepted"] += f.decision == "accept" and not good
            if f.decision == "review":
                reasons[f"{f.name}: {(f.reason or '')[:24]}"] += 1
            if f.decision == "accept" and not good:
                wrong.append((seed, kind, f.name, predicted(f), page.truth[f.name], f.confidence, f.weakest))
    seconds = time.perf_counter() - started
    print(f"{args.form}: {args.pages} pages (seeds {args.seed}-{args.seed + (args.pages - 1) // 2}), {seconds:.0f} s")
    for name, c in [("all", totals), *by_kind.items()]:
        if c["fields"]:
            print(f"  {name:12s} field exact {c['exact'] / c['fields']:7.2%}   wrong but accepted "
                  f"{c['wrong_accepted']:3d} ({c['wrong_accepted'] / c['fields']:.3%})   review {c['review'] / c['fields']:6.2%}")  # fmt: skip
    if totals["misclassified"]:
        print(f"  pages read as another form: {totals['misclassified']}")
    for item in wrong:
        print("  ! accepted wrong: seed {} {} {}: {!r} (truth {!r}) conf {} weakest {}".format(*item))
    print("  most frequent review reasons:")
    for reason, n in reasons.most_common(8):
        print(f"    {n:3d}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
