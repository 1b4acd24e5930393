"""The weekly run, for the scheduler (robots.yaml ``reports.schedule``, e.g. Monday 8:00).

It takes the config *path*, not a loaded config, and reads robots.yaml afresh each time:
the service keeps running for months, and a new 年度 target or robot edited in between
must be in the next report without a restart.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from daiko.config import load_config
from daiko.reports.output import write_report_files
from daiko.reports.period import Period


def weekly_report_job(config_path: str | Path, *, today: dt.date | None = None) -> Path:
    """Write last week's report (the last complete Monday–Sunday week); returns the workbook path.

    Errors are raised, not swallowed, so the scheduler records the run as failed.
    """
    cfg = load_config(config_path)
    if today is None:
        today = dt.datetime.now(zoneinfo.ZoneInfo(cfg.defaults.timezone)).date()
    files = write_report_files(cfg, Period.last_complete_week(today))
    return files.workbook
