"""Watched inboxes with the real runner: drops are processed once, whole, each file in one folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time

import pytest

pytestmark = [pytest.mark.usefixtures("cheap_task"), pytest.mark.both_ledgers]


def test_files_waiting_at_start_and_dropped_while_running_are_processed(harness):
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    harness.drop(inbox / "before.csv", "A-1\nA-2\n", age=5)  # waiting before the service starts
    recorder = harness.Recorder()
    harness.start(run_fn=recorder)
    harness.wait_until(lambda: harness.files_in(inbox, "review") == ["before.csv"])

    harness.drop(inbox / "later.csv", "B-1\n")
    harness.drop(inbox / "memo.txt", "not a scan")  # wrong kind: straight to failed/ with a reason
    harness.drop(inbox / "税務課" / "section.csv", "C-1\n")  # a 課 sub-folder
    harness.wait_until(lambda: "later.csv" in harness.files_in(inbox, "review"))
    harness.wait_until(lambda: harness.files_in(inbox, "failed") == ["memo.txt", "memo.txt.reason.txt"])
    harness.wait_until(lambda: "税務課/section.csv" in harness.files_in(inbox, "review"))

    reason = (inbox / "failed" / "memo.txt.reason.txt").read_text(encoding="utf-8")
    assert "ファイル形式" in reason
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []  # nothing left behind
    assert set(recorder.triggers()) <= {"watch", "startup"} and "watch" in recorder.triggers()
    rows = {r.original_name: r.state for r in harness.intake_rows()}
    assert rows == {"before.csv": "review", "later.csv": "review", "memo.txt": "failed", "section.csv": "review"}


def test_a_file_still_being_written_is_not_taken_until_complete(harness):
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    harness.start(run_fn=harness.Recorder(), settle_seconds=1.0)
    lines = [f"ROW-{n:03d}" for n in range(25)]
    target = inbox / "slow-scanner.csv"
    stop_writing = threading.Event()

    def scanner() -> None:  # a line every 0.08 s: never quiet for the 1 s settle time
        with target.open("w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line + "\n")
                fh.flush()
                time.sleep(0.08)
        stop_writing.set()

    writer = threading.Thread(target=scanner)
    writer.start()
    while not stop_writing.is_set():
        assert harness.files_in(inbox, "processing") == [] and harness.intake_rows() == []
        time.sleep(0.05)
    writer.join()
    harness.wait_until(lambda: harness.files_in(inbox, "review") == ["slow-scanner.csv"])
    taken = (inbox / "review" / "slow-scanner.csv").read_text(encoding="utf-8").splitlines()
    assert taken == lines  # the whole file, not the half seen while it was written
    with harness.ledger().session() as s:
        from sqlalchemy import func, select

        from daiko.ledger import WorkItem

        assert s.scalar(select(func.count()).select_from(WorkItem)) == len(lines)


def test_the_same_scan_dropped_twice_is_processed_once(harness):
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    harness.start(run_fn=harness.Recorder())
    content = "D-1\nD-2\n"
    harness.drop(inbox / "scan.csv", content)
    harness.wait_until(lambda: harness.files_in(inbox, "review") == ["scan.csv"])
    harness.drop(inbox / "scan (2).csv", content)  # the same paper scanned again under another name
    harness.wait_until(lambda: "scan (2).csv" in harness.files_in(inbox, "failed"))

    rows = harness.intake_rows()
    assert [r.original_name for r in rows] == ["scan.csv"]
    assert rows[0].sha256 == hashlib.sha256(content.encode()).hexdigest()
    reason = (inbox / "failed" / "scan (2).csv.reason.txt").read_text(encoding="utf-8")
    assert "受け付け済み" in reason and "scan.csv" in reason
    assert len(harness.events("file_duplicate")) == 1


def test_a_second_service_on_the_same_ledger_and_pc_is_refused(harness):
    from daiko.robots import locks
    from daiko.robots.workitems import HOST
    from daiko.schedules.service import ServiceBusy

    harness.write(harness.config_text(harness.robot_yaml()))
    other_process = f"{HOST}:{os.getppid()}"  # alive, on this PC, not us
    locks.acquire(harness.ledger(), f"service:schedule:{HOST}", other_process, dt.timedelta(minutes=3))
    with pytest.raises(ServiceBusy):
        harness.start()
