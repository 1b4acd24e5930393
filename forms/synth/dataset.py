"""Synthetic filled-in, scanned forms with ground truth — for tests, the benchmark and demos.

``make_page(form, seed, kind)`` is deterministic: the same seed gives the same person, values,
handwriting and scan, so a failing case can be regenerated from its seed alone.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from daiko.forms.definition import FormDefinition, load_definition
from daiko.forms.synth.export import save_pages
from daiko.forms.synth.fakes import GENERATORS, Fake
from daiko.forms.synth.fill import Style, fill_page
from daiko.forms.synth.scan import ScanParams, scan

DEFAULT_TODAY = dt.date(2025, 3, 31)


@dataclass
class SyntheticPage:
    form: str
    seed: int
    kind: str  # printed | handwriting
    image: np.ndarray = field(repr=False)  # RGB, as scanned
    dpi: int
    truth: dict[str, str | None]  # canonical value per field (None: empty)
    scan: ScanParams
    written: dict[str, str | None] = field(repr=False, default_factory=dict)

    def truth_json(self) -> dict:
        """Ground truth as stored beside the image (個人番号 only as valid/invalid, never the digits)."""
        return {
            "form": self.form,
            "seed": self.seed,
            "kind": self.kind,
            "dpi": self.dpi,
            "scan": self.scan.to_dict(),
            "fields": self.truth,
        }


def truth_of(form: FormDefinition, values: dict[str, Fake]) -> dict[str, str | None]:
    """The canonical value per field: the generator's, or what the field type makes of the writing."""
    out: dict[str, str | None] = {}
    for f in form.fields:
        fake = values.get(f.name)
        if fake is None or fake.written in (None, ""):
            out[f.name] = None
        elif fake.truth is not None:
            out[f.name] = fake.truth
        else:
            out[f.name] = f.field_type().normalise(fake.written)
    return out


def truth_for(
    form: FormDefinition | str,
    seed: int,
    kind: str = "printed",
    *,
    template: str = "a",
    augment: bool = False,
    today: dt.date = DEFAULT_TODAY,
) -> dict[str, str | None]:
    """The ground truth ``make_page`` gives for these arguments, without drawing the page (cheap)."""
    form = load_definition(form) if isinstance(form, str) else form
    rng = random.Random(f"{form.name}:{seed}:{kind}")
    extra = random.Random(f"{form.name}:{seed}:{kind}:{template}:{augment}")
    generated = GENERATORS[form.name](rng, today)
    if template == "b":
        from daiko.forms.synth.behaviour import restyle

        generated = restyle(form, generated, extra, kind)
    return truth_of(form, generated)


def make_page(
    form: FormDefinition | str,
    seed: int,
    kind: str = "printed",
    *,
    severity: str = "normal",
    today: dt.date = DEFAULT_TODAY,
    scan_params: ScanParams | None = None,
    fill_dpi: float = 300,
    values: dict[str, Fake] | None = None,
    template: str = "a",
    augment: bool = False,
) -> SyntheticPage:
    """One filled and scanned page. ``values`` overrides the generated ones (e.g. a robot's own plates).

    ``template`` "b" writes with other habits (:mod:`daiko.forms.synth.behaviour`); ``augment``
    makes pen, ink and scan harder (fax-like 1-bit, 200 dpi, blur, JPEG 60). Both draw from
    their own random streams: the default page for a seed never changes.
    """
    form = load_definition(form) if isinstance(form, str) else form
    rng = random.Random(f"{form.name}:{seed}:{kind}")
    extra = random.Random(f"{form.name}:{seed}:{kind}:{template}:{augment}")
    # A form without its own generator (a survey page) is filled from ``values`` alone.
    generated = GENERATORS[form.name](rng, today) if form.name in GENERATORS else {}
    if template == "b":
        from daiko.forms.synth.behaviour import restyle

        generated = restyle(form, generated, extra, kind)
    elif template != "a":
        raise ValueError("template is 'a' or 'b'")
    if values:
        generated.update(values)
    style = Style.random(rng, kind)
    if augment or template == "b":
        style = Style.augmented(extra, kind, style, template if augment else "a") if augment else style
        if template == "b" and not augment:
            from dataclasses import replace

            style = replace(style, align=extra.choice(["centre", "right"]), size=extra.uniform(1.0, 1.25))
    clean = fill_page(form, generated, style, rng, dpi=fill_dpi)
    params = scan_params or ScanParams.random(rng, severity=severity)
    if augment and scan_params is None:
        params = ScanParams.augmented(extra, params)
    img = scan(clean, fill_dpi, params, seed=rng.randint(0, 2**31))
    return SyntheticPage(
        form=form.name,
        seed=seed,
        kind=kind,
        image=img,
        dpi=params.dpi,
        truth=truth_of(form, generated),
        scan=params,
        written={k: v.written for k, v in generated.items() if k != "mynumber"},
    )


def write_dataset(
    out_dir: str | Path,
    n: int,
    *,
    forms: tuple[str, ...] = ("keitax_haisha", "shimin_anketo"),
    kinds: tuple[str, ...] = ("printed", "handwriting"),
    start_seed: int = 0,
    severity: str = "normal",
    fmt: str = "jpg",
) -> list[Path]:
    """``n`` pages as image files (jpg/png/tif/pdf, one page each) with a ``.json`` ground truth beside each."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        form = forms[i % len(forms)]
        kind = kinds[(i // len(forms)) % len(kinds)]
        page = make_page(form, start_seed + i, kind, severity=severity)
        stem = f"{form}_{kind}_{start_seed + i:05d}"
        path = save_pages([page.image], out / f"{stem}.{fmt}", dpi=page.dpi)
        (out / f"{stem}.json").write_text(json.dumps(page.truth_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
    return written
