"""`make report-pdf`: the weekly savings report as a PDF, printed by LibreOffice Calc.

Which data it reports, in this order:

1. ``CONFIG=`` / ``WEEK=`` when given (``make report-pdf CONFIG=robots.yaml WEEK=2026-W47``);
2. right after ``make demo``, the demo's own config and week, which the demo records in
   ``demo-data/demo.json`` — a manager trying the product must see the demo's figures, not an
   empty report of ./robots.yaml's last week;
3. otherwise ./robots.yaml (or ``DAIKO_CONFIG``) and the last complete week.

It always says which config and which period it used, so nobody mistakes the demo's report for
the real one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from daiko.paths import DEFAULT_CONFIG

DEMO_DIR = Path("demo-data")
DEMO_RECORD = "demo.json"


def record_demo(workdir: Path, config: Path, start: dt.date, end: dt.date, iso_week: tuple[int, int] | None) -> Path:
    """What the demo leaves for `make report-pdf`: its robots.yaml and the period it reported."""
    path = workdir / DEMO_RECORD
    data = {
        "config": str(config.resolve()),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "iso_week": list(iso_week) if iso_week else None,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Choice:
    config: Path
    period: object  # daiko.reports.period.Period (imported lazily)
    why: str  # one Japanese line: which data and how to choose other data


def choose(config: str | None, week: str | None, demo_dir: Path = DEMO_DIR, today: dt.date | None = None) -> Choice:
    """The config and period to report (see the module's docstring for the order)."""
    from daiko.reports.command import resolve_period
    from daiko.reports.period import Period
    from daiko.robots.config import load_runtime_config

    record = demo_dir / DEMO_RECORD
    if not config and not week and record.is_file():
        data = json.loads(record.read_text(encoding="utf-8"))
        iso = tuple(data["iso_week"]) if data.get("iso_week") else None
        period = Period(dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]), iso)  # type: ignore[arg-type]
        path = Path(data["config"])
        why = (
            f"make demo のデータ（{path}）の {period.label} を使います。"
            "実際の運用のレポートは make report-pdf CONFIG=robots.yaml（WEEK=2026-W47 で週の指定）"
        )
        return Choice(path, period, why)
    path = Path(config or os.environ.get("DAIKO_CONFIG", DEFAULT_CONFIG))
    cfg = load_runtime_config(path, setup_logs=False)
    period = resolve_period(cfg, week=week, today=today)
    which = f"{week} の週" if week else "先週"
    return Choice(path, period, f"{path} の{which}（{period.label}）を使います")


def to_pdf(workbook: Path, soffice: str) -> Path:
    """Convert with LibreOffice, on a profile of our own (no lock with an office already open)."""
    with tempfile.TemporaryDirectory(prefix="daiko-soffice-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(workbook.parent),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return workbook.with_suffix(".pdf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make report-pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.environ.get("CONFIG") or None)
    parser.add_argument("--week", default=os.environ.get("WEEK") or None)
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice（soffice）がありません: make test-setup で入れてください", file=sys.stderr)
        return 1
    from daiko.config import ConfigError
    from daiko.reports.output import write_report_files
    from daiko.robots.config import load_runtime_config

    try:
        choice = choose(args.config, args.week)
        cfg = load_runtime_config(choice.config, setup_logs=False)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"make report-pdf: {exc}", file=sys.stderr)
        return 2
    print(choice.why)
    files = write_report_files(cfg, choice.period)  # type: ignore[arg-type]
    pdf = to_pdf(files.workbook, soffice)
    print(files.report.headline)
    print(f"PDF: {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
