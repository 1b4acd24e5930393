"""A second way of filling the forms in ("template b"): other people, other habits.

The bench's first template writes values the way the project's own generator always did. An
independent set showed habits it never produced, and each cost review or accuracy: a 〒 before
the postal code, full-width digits typed by PC, a telephone number with its area code in
brackets, dates with spaces (令和 6 年 4 月 1 日) or slashes, ふりがな in hiragana, a 旧字体 or
ヶ in a place name, values centred or pushed right in their box, bigger writing. ``restyle``
rewrites the generated values that way; the truth stays the canonical value, because it is
what a perfect reader must return whatever the habit.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from daiko.forms.definition import FormDefinition
from daiko.forms.synth.fakes import Fake

# Old/variant forms a person may really write in a place name or a 番地 (the truth keeps them:
# the value is keyed as written; comparison folds them, see daiko.forms.reference.variants).
_OLD_FORMS = {"号": "號", "沢": "澤", "県": "縣"}


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _date(iso: str, rng: random.Random) -> str:
    d = dt.date.fromisoformat(iso)
    year = d.year - 2018
    r = rng.random()
    if year >= 1 and d >= dt.date(2019, 5, 1):
        if r < 0.4:
            return f"令和 {year} 年 {d.month} 月 {d.day} 日"
        if r < 0.7:
            return f"R{year}/{d.month}/{d.day}"
        if r < 0.85:
            return f"令和{year:02d}年{d.month:02d}月{d.day:02d}日"
    return f"{d.year}年{d.month}月{d.day}日"


def restyle(form: FormDefinition, values: dict[str, Fake], rng: random.Random, kind: str) -> dict[str, Fake]:
    """The same values written with template b's habits (see the module docstring)."""
    out = dict(values)
    typed = kind == "printed"
    for f in form.fields:
        fake = out.get(f.name)
        if fake is None or not fake.written or f.kind != "text" or f.cells:
            continue
        w = fake.written
        if f.type == "postal_code":
            w = ("〒" if rng.random() < 0.7 else "〒 ") + (_wide(w) if typed and rng.random() < 0.5 else w)
        elif f.type == "phone":
            m = re.fullmatch(r"(0\d{1,4})-(\d{2,4})-(\d{4})", w)
            if m and rng.random() < 0.5:
                w = f"({m[1]}){m[2]}-{m[3]}"
            if typed and rng.random() < 0.5:
                w = _wide(w)
        elif f.type == "address":
            if typed and rng.random() < 0.6:
                w = _wide(w)
            if rng.random() < 0.15:
                w = "".join(_OLD_FORMS.get(c, c) if rng.random() < 0.5 else c for c in w)
        elif f.type == "kana_name" and not typed and rng.random() < 0.3:
            w = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in w)
        elif f.type == "wareki_date" and fake.truth:
            w = _date(fake.truth, rng)
        elif f.type == "chassis_no" and typed and rng.random() < 0.3:
            w = _wide(w)
        if w != fake.written:
            out[f.name] = Fake(w, fake.truth)
    return out
