"""The `daiko ocr` helper: table, JSON and the annotated image (with the 個人番号 blacked out)."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image
from rich.console import Console

from daiko.forms.cli_view import ocr_command
from daiko.forms.definition import load_definition
from daiko.forms.fieldtypes.mynumber import check_digit
from daiko.forms.synth import ScanParams, make_page, save_pages
from daiko.forms.synth.fakes import Fake


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, color_system=None), buf


def test_table_and_annotated_image(engine, tmp_path):
    first = "48151623420"
    number = first + str(check_digit(first))
    page = make_page("keitax_haisha", 21, "printed", values={"mynumber": Fake(number, "valid")},
                     scan_params=ScanParams(dpi=200))  # fmt: skip
    scan = save_pages([page.image], tmp_path / "scan.jpg", dpi=200)
    console, buf = _console()
    out = tmp_path / "annotated.png"
    code = ocr_command(scan, None, False, out, engine=engine, console=console)
    text = buf.getvalue()
    assert code == 0
    assert "標識番号" in text and "廃車事由" in text and number not in text
    img = np.asarray(Image.open(out).convert("RGB"))
    x0, y0, x1, y1 = load_definition("keitax_haisha").field("mynumber").zone.px()
    inner = img[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4]
    assert inner.max() < 40  # blacked out: the digits cannot be read off the shared image


def test_json_output_and_exit_code_for_bad_pages(engine, tmp_path, page_of):
    good = page_of("shimin_anketo", 0, "printed")
    path = save_pages([good.image, np.full_like(good.image, 245)], tmp_path / "two.pdf", dpi=200)
    console, buf = _console()
    code = ocr_command(path, "shimin_anketo", True, tmp_path / "a.png", engine=engine, console=console)
    data = json.loads(buf.getvalue())
    assert code == 1  # page 2 is blank
    assert data[0]["form"] == "shimin_anketo" and data[1]["error"] and data[1]["kind"] == "blank_page"
    assert (tmp_path / "a_p1.png").exists()
