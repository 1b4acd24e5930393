"""``daiko report``: pick the period, write the workbook and CSV, print where and the headline.

Exit codes: 0 written; 1 could not write (e.g. last week's file is still open in Excel,
which locks it on Windows); 2 the options do not name a period.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

from rich.console import Console
from rich.text import Text

from daiko.config import DaikoConfig
from daiko.i18n import tr
from daiko.reports.job import weekly_report_job
from daiko.reports.output import write_report_files
from daiko.reports.period import Period

__all__ = ["report_command", "resolve_period", "weekly_report_job"]  # the scheduler imports the job from here

MARK_STYLES = {"○": "bold green", "△": "bold yellow", "×": "bold red"}


def resolve_period(
    cfg: DaikoConfig,
    *,
    week: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    today: dt.date | None = None,
) -> Period:
    """--week, or --from and --to, or by default the last complete Monday–Sunday week (local time)."""
    if week and (date_from or date_to):
        raise ValueError(
            tr(
                "--week か --from/--to のどちらか一方だけを指定してください",
                "give either --week or --from/--to, not both",
            )
        )
    if week:
        return Period.week(week)
    if date_from or date_to:
        if not (date_from and date_to):
            raise ValueError(
                tr(
                    "--from と --to を両方指定してください（例: --from 2026-11-01 --to 2026-11-30）",
                    "give both --from and --to, e.g. --from 2026-11-01 --to 2026-11-30",
                )
            )
        return Period.between(date_from, date_to)
    if today is None:
        today = dt.datetime.now(zoneinfo.ZoneInfo(cfg.defaults.timezone)).date()
    return Period.last_complete_week(today)


def report_command(
    cfg: DaikoConfig,
    *,
    week: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    out: Path | None = None,
    as_json: bool = False,
    today: dt.date | None = None,
) -> int:
    """Write the report; print the paths and the headline (or the figures as JSON). Returns the exit code."""
    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    try:
        period = resolve_period(cfg, week=week, date_from=date_from, date_to=date_to, today=today)
    except ValueError as exc:
        err.print(Text(f"daiko report: {exc}", style="red"))
        return 2
    try:
        files = write_report_files(cfg, period, out=out)
    except PermissionError as exc:
        err.print(
            Text(
                tr(
                    f"daiko report: {exc.filename or out} に書き込めません。Excel で開いていれば閉じて"
                    "（またはフォルダの権限を確認して）もう一度実行してください",
                    f"daiko report: cannot write {exc.filename or out}: close the file in Excel "
                    "(or check the folder's permissions) and run again",
                ),
                style="red",
            )
        )
        return 1
    report = files.report
    if as_json:
        figures = {**report.figures(), "workbook": str(files.workbook), "csv": str(files.csv)}
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    console.print(Text.assemble(("✓ ", "green"), f"削減効果報告（{period.label}）を書き出しました"))
    console.print(Text(f"  {files.workbook}"))
    console.print(Text(f"  {files.csv}"))
    headline = Text(report.headline)
    headline.highlight_words([report.pace.mark], style=MARK_STYLES.get(report.pace.mark, "bold"))
    console.print(headline)
    for note in report.notes:
        console.print(Text(f"  ※ {note}", style="dim"))
    return 0
