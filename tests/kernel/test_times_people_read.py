"""Times a person reads — log lines, reason files — are in the configured zone, whatever the host's."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest

from daiko.ledger import Ledger
from daiko.robots import intake
from tests.robots.conftest import make_config

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
LOGGING = """
import sys
from pathlib import Path
from daiko.log import logger, setup_logging
setup_logging(log_dir=Path(sys.argv[1]), console=True)  # the default zone: Asia/Tokyo
logger.info("robot finished")
"""


@pytest.fixture
def host_on_utc(monkeypatch: pytest.MonkeyPatch):
    """The robot PC's own clock in UTC (a server's usual setting)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_log_lines_are_in_the_configured_zone_on_a_utc_host(tmp_path: Path):
    before = dt.datetime.now(JST)
    proc = subprocess.run(
        [sys.executable, "-c", LOGGING, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "UTC"},
    )
    after = dt.datetime.now(JST)
    assert proc.returncode == 0, proc.stderr
    (log_file,) = tmp_path.glob("daiko_*.log")
    line = log_file.read_text(encoding="utf-8").splitlines()[0]
    stamp = dt.datetime.strptime(line[:29], "%Y-%m-%d %H:%M:%S.%f%z")
    assert stamp.utcoffset() == dt.timedelta(hours=9)
    # Written while the program ran (a UTC stamp labelled +09:00 would be 9 hours early), whatever
    # the machine's load; the file is named for that moment's day in Japan.
    assert before - dt.timedelta(seconds=1) <= stamp <= after + dt.timedelta(seconds=1), (before, stamp, after)
    assert log_file.name == f"daiko_{stamp:%Y-%m-%d}.log"
    console = proc.stderr.splitlines()[0]  # "HH:MM:SS INFO …": the same clock as the file
    assert console[:8] == f"{stamp:%H:%M:%S}", (console, line)


def test_a_duplicates_reason_names_the_first_files_time_in_japan(tmp_path: Path, host_on_utc):
    cfg = make_config(tmp_path)
    ledger = Ledger(cfg.ledger_url)
    root = cfg.inbox(cfg.robots[0])
    root.mkdir(parents=True, exist_ok=True)
    old = time.time() - 3600
    for name in ("first.pdf", "again.pdf"):
        (root / name).write_bytes(b"%PDF-1.4 same\n%%EOF\n")
        os.utime(root / name, (old, old))
        intake.take_in(ledger, cfg, cfg.robots[0])
    from daiko.ledger import IntakeFile

    with ledger.session() as s:
        (first,) = s.query(IntakeFile).all()
    reason = (root / "failed" / "again.pdf.reason.txt").read_text(encoding="utf-8")
    in_japan = first.received_at.astimezone(JST)
    in_utc = first.received_at.astimezone(dt.UTC)
    assert f"{in_japan:%H:%M}" in reason
    assert f"{in_utc:%H:%M}" not in reason  # the host's zone (UTC) is 9 hours off
