"""Where the report files go, and writing both of them (plus the ledger event) in one step.

The CLI and the weekly scheduler job both call :func:`write_report_files`, so a report made
by hand and one made on Monday morning land in the same place under the same name, and
both leave a ``report_written`` event in the ledger (who produced which figures, when).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from daiko.config import DaikoConfig
from daiko.ledger import Ledger
from daiko.reports.build import build_report
from daiko.reports.csv_export import write_csv
from daiko.reports.model import Report
from daiko.reports.period import Period
from daiko.reports.workbook import write_workbook

FILE_PREFIX = "削減効果"


@dataclass(frozen=True)
class ReportFiles:
    report: Report
    workbook: Path
    csv: Path


def default_workbook_path(cfg: DaikoConfig, period: Period) -> Path:
    """``<reports_dir>/削減効果_2026-W47.xlsx`` (or ``削減効果_2026-11-01_2026-11-30.xlsx``)."""
    return cfg.reports_dir / f"{FILE_PREFIX}_{period.slug}.xlsx"


def workbook_path(cfg: DaikoConfig, period: Period, out: Path | None) -> Path:
    """``out`` as given; a folder gets the default file name inside it."""
    if out is None:
        return default_workbook_path(cfg, period)
    if out.is_dir():
        return out / default_workbook_path(cfg, period).name
    return out


def csv_path_for(workbook: Path) -> Path:
    """The CSV sits beside the workbook, same name, ``.csv``."""
    return workbook.with_suffix(".csv")


def write_report_files(
    cfg: DaikoConfig,
    period: Period,
    *,
    out: Path | None = None,
    ledger: Ledger | None = None,
    now: dt.datetime | None = None,
) -> ReportFiles:
    """Build the report for ``period`` and write the workbook and the CSV."""
    ledger = ledger or Ledger(cfg.ledger_url)
    report = build_report(cfg, ledger, period, now=now)
    workbook = write_workbook(report, workbook_path(cfg, period, out))
    csv_file = write_csv(report, csv_path_for(workbook))
    ledger.event(
        "report_written",
        f"削減効果報告 {period.slug}: {report.headline}",
        workbook=str(workbook),
        csv=str(csv_file),
        net_hours=round(report.totals.net_hours, 2),
        ytd_net_hours=round(report.ytd.net_hours, 2),
        mark=report.pace.mark,
    )
    return ReportFiles(report=report, workbook=workbook, csv=csv_file)
