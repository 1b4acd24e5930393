"""The workbook opens in LibreOffice and prints with its charts.

`make test` installs LibreOffice Calc (``scripts/bootstrap.sh --test``), so this runs in CI; where
it is missing the test fails and says how to install it — a render check that skips proves
nothing. Converting to PDF proves the file is sound outside openpyxl and that the charts are
drawn (their titles are text in the PDF only if LibreOffice rendered them).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from daiko.config import DaikoConfig
from daiko.ledger import Ledger
from daiko.reports import Period, build_report, write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_workbook_converts_to_pdf_with_charts(cfg: DaikoConfig, ledger: Ledger, week_items, tmp_path: Path):
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make test-setup` (scripts/bootstrap.sh --test)")
    book = write_workbook(build_report(cfg, ledger, Period.week("2026-W47")), tmp_path / "report.xlsx")
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",  # own profile: no lock with a running office
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = pdfium.PdfDocument(tmp_path / "report.pdf")
    try:
        assert len(pdf) >= 4  # one page or more per sheet
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "RPA・AI-OCR 削減効果報告" in text
    assert "週別の純削減時間" in text and "年度累計と目標ペース" in text  # chart titles: the charts rendered
