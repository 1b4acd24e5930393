"""The workbook opens in LibreOffice and prints with its charts (tests/office.py: fails, never skips,
where LibreOffice is missing)."""

from __future__ import annotations

from pathlib import Path

from daiko.config import DaikoConfig
from daiko.ledger import Ledger
from daiko.reports import Period, build_report, write_workbook
from tests.office import pdf_pages


def test_workbook_converts_to_pdf_with_charts(cfg: DaikoConfig, ledger: Ledger, week_items, tmp_path: Path):
    book = write_workbook(build_report(cfg, ledger, Period.week("2026-W47")), tmp_path / "report.xlsx")
    pages = pdf_pages(book, tmp_path, timeout=120)
    text = "".join(pages)
    assert "RPA・AI-OCR 削減効果報告" in text
    # one page a sheet (the week's 9 items fit): no page of leftovers
    assert len(pages) == 4, [page[:40] for page in pages]
    # both charts rendered (their titles are text only if LibreOffice drew them), each whole on the
    # page of the 推移 table and on no other page (a chart split over pages repeats a cut title)
    (trend,) = [i for i, page in enumerate(pages) if "週別の推移" in page]
    for title in ("週別の純削減時間", "年度累計と目標ペース"):
        assert [i for i, page in enumerate(pages) if title in page] == [trend], title
    assert "2026-W14" in pages[trend] and "2027-W13" in pages[trend]  # the 年度's first and last weeks
