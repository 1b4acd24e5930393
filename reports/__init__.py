"""Weekly savings report: hours saved, net of checking time, against the 年度 target.

Public API::

    build_report(cfg, ledger, period) -> Report
    write_workbook(report, path) -> Path        # Excel for managers: 概要 / 業務別 / 推移 / 明細
    write_csv(report, path) -> Path             # the 業務別 table, UTF-8 with BOM
    write_report_files(cfg, period, out=None) -> ReportFiles
    report_command(cfg, week=, date_from=, date_to=, out=, as_json=) -> int   # `daiko report`
    weekly_report_job(config_path) -> Path      # for the scheduler (reports.schedule)

The arithmetic and the counting rules are in :mod:`daiko.reports.savings`.
"""

from daiko.reports.build import build_report
from daiko.reports.command import report_command
from daiko.reports.csv_export import write_csv
from daiko.reports.job import weekly_report_job
from daiko.reports.model import GroupRow, Report, TrendWeek
from daiko.reports.output import ReportFiles, default_workbook_path, write_report_files
from daiko.reports.period import FiscalYear, Period
from daiko.reports.savings import ItemSaving, Pace, Totals
from daiko.reports.workbook import write_workbook

__all__ = [
    "FiscalYear",
    "GroupRow",
    "ItemSaving",
    "Pace",
    "Period",
    "Report",
    "ReportFiles",
    "Totals",
    "TrendWeek",
    "build_report",
    "default_workbook_path",
    "report_command",
    "weekly_report_job",
    "write_csv",
    "write_report_files",
    "write_workbook",
]
