"""SIGTERM in the middle of a run: nothing lost, every file in exactly one place, the next start finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.ledger import FileState, IntakeFile, Run

pytestmark = pytest.mark.both_ledgers

MAIN = Path(__file__).with_name("service_main.py")
NAMES = ["a.csv", "b.csv", "c.csv"]
PLACES = ("", "processing", "review", "done", "failed")  # "" = still waiting in the inbox


def start(harness, markers: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(MAIN), str(harness.config), str(markers)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        cwd=harness.root,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def where(inbox: Path) -> dict[str, list[str]]:
    """Each dropped file → the folders it is found in (should be exactly one)."""
    found: dict[str, list[str]] = {name: [] for name in NAMES}
    for place in PLACES:
        folder = inbox / place
        for name in NAMES:
            if (folder / name).is_file():
                found[name].append(place or "inbox")
    return found


def stop(proc: subprocess.Popen, log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    wait_exit(proc, log)


def wait_exit(proc: subprocess.Popen, log: Path) -> None:
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("service did not stop on SIGTERM:\n" + log.read_text(errors="replace")) from None
    assert rc == 0, log.read_text(errors="replace")


def test_sigterm_mid_run_loses_nothing_and_the_next_start_finishes(harness, tmp_path):
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    for name in NAMES:
        harness.drop(inbox / name, f"{name}\n", age=5)
    markers = tmp_path / "markers"
    markers.mkdir()
    log = tmp_path / "service.log"

    proc = start(harness, markers, log=log)
    try:
        harness.wait_until(lambda: any(markers.iterdir()), timeout=60)  # a file is being "read"
        proc.send_signal(signal.SIGTERM)
        # The service has told the run to stop (the flag is set before this event is written) …
        harness.wait_until(lambda: harness.events("runs_stopping"), timeout=60)
    except AssertionError:
        proc.kill()
        raise AssertionError(log.read_text(errors="replace")) from None
    (markers / "release").write_text("", encoding="utf-8")  # … and only then does the read end
    wait_exit(proc, log)

    places = where(inbox)
    assert all(len(found) == 1 for found in places.values()), places
    assert sorted(p[0] for p in places.values()) == ["processing", "processing", "review"], places
    with harness.ledger().session() as s:
        rows = {r.original_name: r for r in s.scalars(select(IntakeFile))}
        assert set(rows) == set(NAMES)  # every file taken in has its ledger row
        for name, (place,) in places.items():
            assert rows[name].state == place
            assert Path(rows[name].current_path) == inbox / place / name
        assert [r.status for r in s.scalars(select(Run))] == ["interrupted"]

    proc = start(harness, markers, log=log)  # "release" is there: reads end at once
    try:
        harness.wait_until(lambda: harness.files_in(inbox, "review") == NAMES, timeout=60)
        harness.wait_until(lambda: [r.status for r in harness.runs()][-1:] == ["finished"], timeout=60)
    finally:
        stop(proc, log)
    assert all(found == ["review"] for found in where(inbox).values())
    with harness.ledger().session() as s:
        assert {r.state for r in s.scalars(select(IntakeFile))} == {FileState.REVIEW}
        assert len(s.scalars(select(IntakeFile)).all()) == 3
        runs = s.scalars(select(Run).order_by(Run.id)).all()
        assert runs[0].status == "interrupted" and runs[1].trigger == "startup" and runs[1].status == "finished"
