"""Marks put into right reads: which fields accept a value a mark has changed.

    .venv/bin/python bench/marks.py [--values 3] [--forms keitax_haisha,kouza_furikae,shimin_anketo] [--show]

A speck, a stroke broken off a character or a rule's end is read as a mark (: / | ・ 、 ~), and
often at the recogniser's full score (見づらいです: and 飯能市/八幡町 on held-back draws, 0.999). For
values the bench's own generators write (as the paper has them: fakes, nothing personal), every
text field of each form but free text (a sentence may hold most marks; its rules are measured on
draws) is read with each of ``MARKS`` put in at the start, second place, middle, before the last
character and at the end, every character at 1.0, and decided by the reader's own rules (field
level: the page's reference checks — postal code ↔ 町名, bank code ↔ name, the register — come
after and may still stop it). Printed per form and field: how many such reads were accepted with a
value other than the clean read's, compared as ``bench/ocr.py`` compares (a phone's grouping is
presentation). ``--show`` lists them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARKS = list("/|\\_~^\"()!?#・':;*=<>、。「」〃※+@%&$,.-ー")
FORMS = ("keitax_haisha", "kouza_furikae", "shimin_anketo")


def decide(form, field, text: str):
    """The reader's decision on ``text`` read with every character at 1.0."""
    from daiko.forms.reader import _decide_text
    from daiko.ocr.base import TextLine

    line = TextLine(text, 1.0, char_confidences=tuple(1.0 for _ in text))
    return _decide_text(form, field, line, "rapidocr")


def places(text: str) -> list[int]:
    return sorted({0, 1, len(text) // 2, len(text) - 1, len(text)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=3, help="generated values per field")
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--show", action="store_true", help="list the reads accepted changed (fake values)")
    args = parser.parse_args(argv)
    from bench.ocr import _comparable, same
    from daiko.forms.definition import load_definition
    from daiko.forms.synth.fakes import GENERATORS

    tried: Counter = Counter()
    changed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in args.forms.split(","):
        form = load_definition(name)
        for seed in range(args.values):
            values = GENERATORS[name](random.Random(f"marks:{name}:{seed}"), dt.date(2025, 4, 1))
            for fname, fake in values.items():
                text = fake.written
                field = next((f for f in form.fields if f.name == fname), None)
                if field is None or field.kind != "text" or not isinstance(text, str) or not text:
                    continue
                if field.type == "text" and not field.rules.get("vocabulary"):
                    continue  # free text: a sentence may hold most marks (、。「」?!), and its rules are measured on draws
                clean = decide(form, field, text)
                if clean.decision != "accept":
                    continue  # the clean read is held already: a mark can only hold it too
                for mark in MARKS:
                    for at in places(text):
                        read = text[:at] + mark + text[at:]
                        r = decide(form, field, read)
                        tried[(name, fname)] += 1
                        value, want = (_comparable(field.type, v) for v in (r.value, clean.value))
                        if r.decision == "accept" and not same(field.type, value, want):
                            changed[(name, fname)].append(f"{read!r} → {r.value!r}")
    total = sum(len(v) for v in changed.values())
    print(f"marks put into right reads: {sum(tried.values())} reads, {total} accepted with another value")
    for key in sorted(tried):
        print(f"  {key[0]}/{key[1]}: {len(changed[key])} of {tried[key]}")
        if args.show:
            for line in changed[key]:
                print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
