"""The 業務別 table as CSV, for anyone who loads the figures into another tool.

UTF-8 with a BOM: Japanese Excel opens a BOM-less UTF-8 CSV as Shift_JIS and shows mojibake.
Numbers are plain (no thousands separators), hours to 2 decimals, rates in percent, so the
file loads cleanly anywhere; the last line is the 合計 (robot id left empty).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from daiko.reports.model import Report
from daiko.reports.tables import GROUP_COLUMNS, total_row

LEAD_HEADERS = ("年度", "期間開始", "期間終了", "ISO週")


def csv_header(header: str, kind: str) -> str:
    """The sheet's header on one line; rates are written in percent and say so."""
    flat = header.replace("\n", "")
    return f"{flat}（%）" if kind == "rate" else flat


def write_csv(report: Report, path: Path) -> Path:
    """Write the per-robot table to ``path`` (folders are created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lead = (
        report.fiscal_year.label,
        report.period.start.isoformat(),
        report.period.end.isoformat(),
        report.period.week_text,
    )
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*LEAD_HEADERS, *(csv_header(c.header, c.kind) for c in GROUP_COLUMNS)])
        for group in [*report.groups, total_row(report)]:
            writer.writerow([*lead, *(_plain(c.value(group), c.kind) for c in GROUP_COLUMNS)])
    return path


def _plain(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "rate":
        return f"{value * 100:.1f}"
    if kind in ("hours", "minutes"):
        return f"{value:.2f}"
    return value
