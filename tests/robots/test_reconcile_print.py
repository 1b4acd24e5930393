"""The 突合 list goes on paper: A4 landscape, one page wide, the header on every page, no header cut.

Printed by LibreOffice Calc (installed by ``make test-setup``) once for the module; the PDF is
read back with pypdfium2 for what a 係長 holding the paper would notice.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from daiko.robots.reconcile import MATCHED, MISMATCHED, MISSING, SYSTEM_ONLY, Line, write_workbook
from daiko.robots.tasks.haisha import RECONCILE_LABELS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ROWS = 70  # more than one page: the header must come back on the second


def _lines() -> list[Line]:
    verdicts = [MATCHED, MISMATCHED, MISSING, SYSTEM_ONLY]
    lines = []
    for i in range(ROWS):
        want = {"plate": f"練馬 480 あ {1000 + i}", "deregistered_on": "2026-11-20", "reason": "scrap",
                "declared_on": "2026-11-24"}  # fmt: skip
        verdict = verdicts[i % 4]
        have = dict(want, reason="transfer") if verdict == MISMATCHED else ({} if verdict == MISSING else dict(want))
        lines.append(
            Line(
                verdict,
                f"R08-{9000 + i:05d}",
                {} if verdict == SYSTEM_ONLY else want,
                have,
                ["reason"] if verdict == MISMATCHED else [],
                None if verdict == SYSTEM_ONLY else 100 + i,
            )
        )
    return lines


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[tuple[float, float]]]:
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make test-setup` (scripts/bootstrap.sh --test)")
    folder = tmp_path_factory.mktemp("reconcile-print")
    book = write_workbook(
        _lines(), folder / "突合.xlsx", title="軽自動車 廃車登録ロボット 突合結果", labels=RECONCILE_LABELS
    )
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(book)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = pdfium.PdfDocument(folder / "突合.pdf")
    try:
        texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        sizes = [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()
    return book, texts, sizes


def _flat(text: str) -> str:
    return "".join(text.split())  # a header wrapped onto two lines in its cell reads as one


def test_it_prints_on_a4_landscape_with_every_header_whole_on_every_page(printed):
    _, texts, sizes = printed
    assert len(texts) >= 2
    for width, height in sizes:
        assert width > height  # landscape
        assert abs(width - 842) < 3 and abs(height - 595) < 3  # A4, in points
    for page in texts:
        flat = _flat(page)
        for header in (
            "判定",
            "受付番号",
            "差異のある項目",
            "廃車年月日（システム）",
            "廃車事由（入力）",
            "申告日（システム）",
        ):
            assert header in flat, f"{header} cut or missing on a page"
    last_reference = f"R08-{9000 + ROWS - 1:05d}"
    assert any(last_reference in page for page in texts)  # nothing fell off the end


def test_the_columns_fit_their_values_and_the_page_is_one_wide(printed):
    book, texts, _ = printed
    ws = load_workbook(book).active
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows and "4" in ws.print_title_rows
    headers = {cell.value.replace("\n", ""): cell.column_letter for cell in ws[4]}
    widths = {name: ws.column_dimensions[col].width for name, col in headers.items()}
    assert widths["標識番号（入力）"] >= len("練馬 480 あ 1000") + 4  # full-width あ counts double
    # every row's 受付番号 is on the paper, and each page starts with the header row
    assert sum(page.count("R08-") for page in texts) == ROWS
