"""A workbook rendered by LibreOffice, page by page, for the checks that a user's office opens it.

Converting to PDF proves the file is sound outside openpyxl, and a chart's title is text in the PDF
only if LibreOffice drew the chart (no cell holds it). `make test` installs LibreOffice Calc
(``scripts/bootstrap.sh --test``), so where it is missing the check fails and says how to install
it — a render check that skips proves nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def pdf_pages(book: Path, outdir: Path, *, timeout: float = 180) -> list[str]:
    """The text of each page of ``book`` converted to PDF in ``outdir``."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make test-setup` (scripts/bootstrap.sh --test)")
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{outdir / 'lo-profile'}",  # own profile: no lock with a running office
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    pdf = pdfium.PdfDocument(outdir / f"{book.stem}.pdf")
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
