"""Watched inboxes with the real runner: drops are processed once, whole, each file in one folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time

import pytest

from daiko.robots.tasks.base import Task

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
    expected = {"before.csv": "review", "later.csv": "review", "memo.txt": "failed", "section.csv": "review"}
    # Wait on the ledger: each move is recorded there before it is made, and marked done after.
    harness.wait_until(lambda: harness.placed() == expected)
    assert harness.files_in(inbox, "review") == ["before.csv", "later.csv", "税務課/section.csv"]
    assert harness.files_in(inbox, "failed") == ["memo.txt", "memo.txt.reason.txt"]

    reason = (inbox / "failed" / "memo.txt.reason.txt").read_text(encoding="utf-8")
    assert "ファイル形式" in reason
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []  # nothing left behind
    assert set(recorder.triggers()) <= {"watch", "startup"} and "watch" in recorder.triggers()


def _pdf(pages: int = 3) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    images = [Image.new("RGB", (300, 200), (255, 255, 255 - n)) for n in range(pages)]
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:])
    return buf.getvalue()


def test_a_scan_written_with_long_pauses_is_taken_only_whole(harness):
    """A 複合機 writing over a slow network: chunks with pauses far longer than the settle time."""
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    service = harness.start(run_fn=harness.Recorder())  # settle 0.3 s, polls every 0.2 s
    whole = _pdf()
    chunks = [whole[i : i + len(whole) // 4] for i in range(0, len(whole), len(whole) // 4)]
    target = inbox / "multi.pdf"
    with target.open("wb") as fh:
        for chunk in chunks[:-1]:
            fh.write(chunk)
            fh.flush()
            polls = service.reloader.checks  # the same beat polls the inbox
            harness.wait_until(lambda polls=polls: service.reloader.checks >= polls + 4)  # ≥ 0.6 s quiet
            assert harness.intake_rows() == [] and target.exists()  # looked at, settled by time, not taken
        fh.write(chunks[-1])  # the end of the PDF arrives
    harness.wait_until(lambda: harness.placed() == {"multi.pdf": "failed"})
    (row,) = harness.intake_rows()
    assert row.size_bytes == len(whole)
    assert (inbox / "failed" / "multi.pdf").read_bytes() == whole  # the whole file, never a half


def test_a_file_changed_within_the_settle_time_is_left_alone(harness):
    """robots.yaml's intake.settle_seconds, as the watcher applies it (no race: the time is an hour)."""
    harness.write(harness.config_text(harness.robot_yaml(extra="intake:\n  settle_seconds: 3600")))
    inbox = harness.inbox()
    service = harness.start(run_fn=harness.Recorder(), settle_seconds=None)  # robots.yaml's settle time
    target = harness.drop(inbox / "list.csv", "L-1\n")
    polls = service.reloader.checks
    harness.wait_until(lambda: service.reloader.checks >= polls + 5)
    assert harness.intake_rows() == [] and target.exists()
    stamp = time.time() - 3601  # as if written an hour ago
    os.utime(target, (stamp, stamp))
    harness.wait_until(lambda: harness.placed() == {"list.csv": "review"})
    assert harness.files_in(inbox, "review") == ["list.csv"]


def test_the_same_scan_dropped_twice_is_processed_once(harness):
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    harness.start(run_fn=harness.Recorder())
    content = "D-1\nD-2\n"
    harness.drop(inbox / "scan.csv", content)
    harness.wait_until(lambda: harness.files_in(inbox, "review") == ["scan.csv"])
    harness.drop(inbox / "scan (2).csv", content)  # the same paper scanned again under another name
    harness.wait_until(lambda: harness.events("file_duplicate"))  # recorded after the copy and its reason are placed
    assert harness.files_in(inbox, "failed") == ["scan (2).csv", "scan (2).csv.reason.txt"]

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


class LineTask(Task):
    """Stands in for a reader that cannot parse a file cut off mid-line (a CSV still being copied)."""

    name, adapter, forms = "lines", "none", ()

    def read_csv(self, path):
        from daiko.robots.tasks.base import ItemDraft

        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            raise ValueError("最後の行が途中で切れています")
        return [
            ItemDraft(part=n, fields={"no": {"value": line, "label": "番号"}}, review_fields=["no"])
            for n, line in enumerate(text.splitlines(), start=1)
        ]

    def read_scan(self, path, form, image_dir):
        raise AssertionError("no scans here")

    def reference_of(self, fields):
        return None


def test_a_file_taken_while_its_writer_paused_is_read_again_by_the_service(harness, monkeypatch):
    monkeypatch.setattr("daiko.robots.runner.task_for", lambda robot: LineTask())
    harness.write(harness.config_text(harness.robot_yaml()))
    inbox = harness.inbox()
    recorder = harness.Recorder()
    harness.start(run_fn=recorder, heartbeat_seconds=0.1)
    harness.drop(inbox / "copy.csv", "A-1\nA-")  # the writer stops mid-line for longer than the settle time
    (later,) = harness.wait_until(lambda: harness.events("file_read_later"))
    (row,) = harness.intake_rows()
    assert row.state == "processing" and "途中で切れています" in later.message
    assert harness.files_in(inbox, "failed") == []  # not failed as broken
    with open(row.current_path, "a", encoding="utf-8") as fh:  # its open handle: the moved file grows
        fh.write("2\n")
    harness.wait_until(lambda: harness.placed() == {"copy.csv": "review"})
    assert "reread" in recorder.triggers()  # the service's heartbeat started the second read
    assert (inbox / "review" / "copy.csv").read_text(encoding="utf-8") == "A-1\nA-2\n"
    (row,) = harness.intake_rows()
    assert row.size_bytes == len("A-1\nA-2\n")
