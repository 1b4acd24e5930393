"""``daiko ocr FILE [--form NAME] [--json] [--annotate OUT.png]``: read a scan and show what was read.

For staff checking a scan and for admins tuning a form: a table per page (項目・値・確信度・判定・理由),
or JSON for machines, and optionally an image of the registered page with every zone drawn —
green accepted, orange to review — and the value read. The 個人番号 zone is blacked out in the
image: the annotated file may be shared, the number on it must not be.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from daiko.forms.definition import MM_PER_INCH, TEMPLATE_DPI, load_definition
from daiko.forms.fonts import font
from daiko.forms.reader import PageRead, iter_file
from daiko.forms.result import FieldResult, FormResult, PageError

ACCEPT = (20, 140, 60)
REVIEW = (230, 120, 0)


def _shown(f: FieldResult, labels: dict[str, str] | None = None) -> str:
    """The value as staff read it: option labels for marks, the raw reading when it did not parse."""
    labels = labels or {}
    if f.value is None:
        return f"（読取: {f.raw}）" if f.raw else "（空欄）"
    if isinstance(f.value, bool):
        return "✓" if f.value else "－"
    if isinstance(f.value, list):
        return "・".join(labels.get(v, v) for v in f.value) if f.value else "（なし）"
    return labels.get(str(f.value), str(f.value))


def _labels(form_name: str, field_name: str) -> dict[str, str]:
    fdef = load_definition(form_name).field(field_name)
    return {o.key: (f"{o.number or o.key} {o.label}" if fdef.style == "circle" else o.label) for o in fdef.options}


def annotate(read: PageRead) -> Image.Image | None:
    """The registered page in colour with the zones and values drawn on; None if the page was not read."""
    if not isinstance(read.result, FormResult) or read.image is None or read.alignment is None:
        return None
    result = read.result
    form = load_definition(result.form)
    page = read.alignment.warp(np.ascontiguousarray(read.image))
    img = Image.fromarray(page).convert("RGB")
    draw = ImageDraw.Draw(img, "RGBA")
    small = font("sans", 15)
    px = TEMPLATE_DPI / MM_PER_INCH
    for f in result.fields:
        fdef = form.field(f.name)
        colour = ACCEPT if f.decision == "accept" else REVIEW
        x0, y0, x1, y1 = f.box
        if f.type == "mynumber" and fdef.zone is not None:
            zx0, zy0, zx1, zy1 = fdef.zone.px(TEMPLATE_DPI)
            draw.rectangle([zx0, zy0, zx1, zy1], fill=(0, 0, 0, 255))
        draw.rectangle([x0, y0, x1, y1], outline=(*colour, 255), width=3)
        for key, score in (f.scores or {}).items():
            opt = next(o for o in fdef.options if o.key == key)
            bx0, by0, bx1, by1 = fdef.mark_box(opt).px(TEMPLATE_DPI)
            draw.rectangle([bx0, by0, bx1, by1], outline=(*colour, 200), width=2)
            draw.text((bx0, by1 + 1), f"{score:.2f}", font=font("sans", 11), fill=(*colour, 255))
        label = f"{f.label_ja}: {_shown(f, _labels(result.form, f.name))}"
        if f.confidence is not None:
            label += f" ({f.confidence:.2f})"
        if f.reason:
            label += f" ⚠ {f.reason}"
        tx, ty = x0 + 2, max(0, y0 - 17)
        tw = draw.textlength(label, font=small)
        draw.rectangle([tx - 1, ty, tx + tw + 2, ty + 17], fill=(255, 255, 255, 215))
        draw.text((tx, ty), label, font=small, fill=(*colour, 255))
    head = f"{result.title_ja}  ({result.source or ''} p.{result.page or 1})  要確認 {len(result.review_fields())}件"
    draw.rectangle([0, 0, img.width, 26], fill=(255, 255, 255, 230))
    draw.text((int(4 * px), 4), head, font=font("sans", 17), fill=(0, 0, 0, 255))
    return img


def _table(result: FormResult, console) -> None:
    from rich.table import Table

    title = f"{result.source or ''} p.{result.page or 1} — {result.title_ja}"
    table = Table(title=title, title_justify="left")
    table.add_column("項目")
    table.add_column("値")
    table.add_column("確信度", justify="right")
    table.add_column("判定")
    table.add_column("理由")
    for f in result.fields:
        decision = "[green]OK[/]" if f.decision == "accept" else "[bold yellow]要確認[/]"
        conf = "" if f.confidence is None else f"{f.confidence:.2f}"
        table.add_row(f.label_ja, _shown(f, _labels(result.form, f.name)), conf, decision, f.reason or "")
    console.print(table)


def _annotated_path(out: Path, page: int | None, many: bool) -> Path:
    if not many:
        return out
    return out.with_name(f"{out.stem}_p{page or 0}{out.suffix or '.png'}")


def ocr_command(
    path: str | Path,
    form: str | None = None,
    as_json: bool = False,
    annotate_out: str | Path | None = None,
    *,
    engine=None,
    console=None,
) -> int:
    """Read ``path`` and print the result; returns the exit code (0 every page read, 1 otherwise).

    Pages needing review still count as read (exit 0): review is the normal path for uncertain
    fields. With several pages, ``annotate_out`` OUT.png becomes OUT_p1.png, OUT_p2.png, ….
    """
    from rich.console import Console

    console = console or Console()
    reads = list(iter_file(path, form, engine))
    reads.sort(key=lambda r: (r.result.page is None, r.result.page or 0))
    if as_json:
        console.print_json(json.dumps([r.result.to_dict() for r in reads], ensure_ascii=False))
    else:
        for read in reads:
            if isinstance(read.result, PageError):
                where = f"{read.result.source} p.{read.result.page}" if read.result.page else str(read.result.source)
                console.print(f"[bold red]{where}: {read.result.message_ja}[/]")
            else:
                _table(read.result, console)
    if annotate_out:
        out = Path(annotate_out)
        readable = [r for r in reads if isinstance(r.result, FormResult)]
        for read in readable:
            img = annotate(read)
            if img is not None:
                target = _annotated_path(out, read.result.page, len(reads) > 1)
                target.parent.mkdir(parents=True, exist_ok=True)
                img.save(target)
                if not as_json:
                    console.print(f"注記付き画像: {target}")
    return 0 if reads and all(isinstance(r.result, FormResult) for r in reads) else 1
