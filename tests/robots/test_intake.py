"""Every dropped file ends in exactly one visible folder, once, across crashes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.ledger import FileState, IntakeFile, ItemState, WorkItem
from daiko.robots import intake

pytestmark = pytest.mark.both_ledgers


def drop(cfg, name: str, data: bytes, *, age: float = 10.0, section: str | None = None) -> Path:
    folder = cfg.inbox(cfg.robots[0]) / (section or "")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def everywhere(cfg) -> list[str]:
    root = cfg.inbox(cfg.robots[0])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_file_is_taken_into_processing_and_registered(cfg, ledger):
    drop(cfg, "scan1.pdf", b"%PDF-1.4 fake\n%%EOF\n")
    rows = intake.take_in(ledger, cfg, cfg.robots[0])
    assert [r.original_name for r in rows] == ["scan1.pdf"]
    assert everywhere(cfg) == ["processing/scan1.pdf"]


def test_unsettled_file_waits(cfg, ledger):
    drop(cfg, "fresh.pdf", b"%PDF-1.4 half\n%%EOF\n", age=0)
    assert intake.take_in(ledger, cfg, cfg.robots[0]) == []
    assert everywhere(cfg) == ["fresh.pdf"]


def test_same_content_twice_is_processed_once(cfg, ledger):
    drop(cfg, "a.pdf", b"%PDF-1.4 same\n%%EOF\n")
    intake.take_in(ledger, cfg, cfg.robots[0])
    drop(cfg, "a-copy.pdf", b"%PDF-1.4 same\n%%EOF\n")
    assert intake.take_in(ledger, cfg, cfg.robots[0]) == []
    assert everywhere(cfg) == ["failed/a-copy.pdf", "failed/a-copy.pdf.reason.txt", "processing/a.pdf"]
    reason = (cfg.inbox(cfg.robots[0]) / "failed/a-copy.pdf.reason.txt").read_text(encoding="utf-8")
    assert "受け付け済み" in reason and "a.pdf" in reason


def test_unsupported_file_goes_to_failed_with_a_japanese_reason(cfg, ledger):
    drop(cfg, "memo.docx", b"PK\x03\x04")
    intake.take_in(ledger, cfg, cfg.robots[0])
    assert everywhere(cfg) == ["failed/memo.docx", "failed/memo.docx.reason.txt"]
    assert "読み取れません" in (cfg.inbox(cfg.robots[0]) / "failed/memo.docx.reason.txt").read_text(encoding="utf-8")


def test_section_subfolders_are_kept(cfg, ledger):
    drop(cfg, "s.pdf", b"%PDF-1.4 s\n%%EOF\n", section="市民課")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    assert row.section == "市民課"
    assert everywhere(cfg) == ["processing/市民課/s.pdf"]


def test_crash_between_move_and_register_is_recovered(cfg, ledger):
    inbox = intake.inbox_for(cfg, cfg.robots[0])
    orphan = inbox.state_dir(FileState.PROCESSING) / "orphan.pdf"
    orphan.write_bytes(b"%PDF-1.4 orphan\n%%EOF\n")
    [row] = intake.recover(ledger, cfg, cfg.robots[0])
    assert row.original_name == "orphan.pdf"
    assert intake.recover(ledger, cfg, cfg.robots[0]) == []  # only once


def test_file_follows_its_items(cfg, ledger):
    drop(cfg, "two-pages.pdf", b"%PDF-1.4 two\n%%EOF\n")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    with ledger.session() as s:
        s.add_all(
            [
                WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.DONE),
                WorkItem(robot_id="haisha", file_id=row.id, part=2, state=ItemState.REVIEW, reason="確認が必要"),
            ]
        )
    assert intake.sync_file(ledger, row.id) == FileState.REVIEW
    assert everywhere(cfg) == ["review/two-pages.pdf"]
    with ledger.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.part == 2)).one()
        item.state, item.reason = ItemState.FAILED, "車両が見つかりません"
    assert intake.sync_file(ledger, row.id) == FileState.FAILED
    reason = (cfg.inbox(cfg.robots[0]) / "failed/two-pages.pdf.reason.txt").read_text(encoding="utf-8")
    assert "1ページ目: 入力済み" in reason and "2ページ目: 車両が見つかりません" in reason
    with ledger.session() as s:
        assert s.scalars(select(IntakeFile)).one().state == FileState.FAILED


# --- several robot PCs, one inbox on a share --------------------------------------------------------


@pytest.mark.both_ledgers(backends=("postgresql",))  # several PCs share PostgreSQL, not a SQLite file
def test_three_pcs_watching_one_inbox_take_every_file_exactly_once(cfg, ledger, tmp_path: Path):
    """Three processes (three "PCs" by DAIKO_HOST) take in one inbox while files keep arriving,
    some with the same name in different 課 folders: every file is registered once, by one PC,
    and is in processing/ once; nothing is lost, doubled, or left behind."""
    import json
    import subprocess
    import sys

    host = Path(__file__).with_name("intake_host.py")
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    pcs = [
        subprocess.Popen(
            [sys.executable, str(host), str(tmp_path / "robots.yaml"), str(stop)],
            env={**env, "DAIKO_HOST": f"pc-{n}"},
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2, 3)
    ]
    dropped = []
    for n in range(45):
        section = ("市民課", "税務課", None)[n % 3]
        dropped.append(drop(cfg, f"scan{n // 3:02d}.csv", f"row {n}\n".encode(), section=section))
    stop.touch()
    taken_by = [json.loads(pc.communicate(timeout=300)[0]) for pc in pcs]
    assert all(pc.returncode == 0 for pc in pcs)
    ids = [i for ids in taken_by for i in ids]
    with ledger.session() as s:
        rows = s.scalars(select(IntakeFile)).all()
    assert len(rows) == len(dropped) == len(set(ids)) == len(ids)  # each registered once, by one PC
    places = everywhere(cfg)
    assert len(places) == len(dropped) and all(p.startswith("processing/") for p in places)
    assert sorted(Path(r.current_path).read_text(encoding="utf-8") for r in rows) == sorted(
        f"row {n}\n" for n in range(45)
    )


def test_recovery_leaves_alone_a_file_another_pc_is_registering(cfg, ledger):
    """processing/ is shared: a file there without a row may be one another PC moved in a moment
    ago and is registering now. While that PC holds the intake lease, recovery must not take it;
    once the PC is gone (here: it fell silent), recovery registers it."""
    from daiko.robots import locks

    inbox = intake.inbox_for(cfg, cfg.robots[0])
    in_flight = inbox.state_dir(FileState.PROCESSING) / "being-registered.pdf"
    in_flight.write_bytes(b"%PDF-1.4 in flight")
    assert locks.acquire(ledger, "intake:haisha", "robot-pc-02:812:t1", intake.INTAKE_LEASE)
    assert intake.recover(ledger, cfg, cfg.robots[0]) == []
    assert intake.take_in(ledger, cfg, cfg.robots[0]) == []
    with ledger.session() as s:
        assert s.scalars(select(IntakeFile)).all() == []
    locks.release_held_by(ledger, "robot-pc-02")
    [row] = intake.recover(ledger, cfg, cfg.robots[0])
    assert row.original_name == "being-registered.pdf"


def test_a_name_taken_in_a_shared_folder_meanwhile_is_never_overwritten(cfg, ledger):
    """Two PCs moving two files called scan.pdf into done/ at once: the one that arrives second
    gets another name (its row follows), and the first file is left as it was."""
    drop(cfg, "scan.pdf", b"%PDF-1.4 ours\n%%EOF")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    done = intake.inbox_for(cfg, cfg.robots[0]).state_dir(FileState.DONE)
    with ledger.session() as s:
        s.add(WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.DONE))
        r = s.get(IntakeFile, row.id)
        intake._plan_move(r, FileState.DONE, set())
        assert Path(r.current_path) == done / "scan.pdf"
    (done / "scan.pdf").write_bytes(b"%PDF-1.4 the other PC's\n%%EOF")  # arrived in between
    assert intake.complete_move(ledger, row.id)
    assert (done / "scan.pdf").read_bytes() == b"%PDF-1.4 the other PC's\n%%EOF"
    assert (done / "scan_2.pdf").read_bytes() == b"%PDF-1.4 ours\n%%EOF"
    with ledger.session() as s:
        r = s.get(IntakeFile, row.id)
        assert (Path(r.current_path), r.moving_from) == (done / "scan_2.pdf", None)


def test_a_move_cut_between_its_two_steps_is_finished(cfg, ledger):
    """The file is linked under its new name and the process dies before the old name is gone:
    the next look finishes the move instead of calling it a clash."""
    drop(cfg, "scan.pdf", b"%PDF-1.4 ours\n%%EOF")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    with ledger.session() as s:
        s.add(WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.DONE))
        r = s.get(IntakeFile, row.id)
        intake._plan_move(r, FileState.DONE, set())
        src, dst = Path(r.moving_from), Path(r.current_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.link(src, dst)
    assert intake.complete_move(ledger, row.id)
    assert not src.exists() and dst.read_bytes() == b"%PDF-1.4 ours\n%%EOF"
    assert sorted(p.name for p in dst.parent.iterdir()) == ["scan.pdf"]


def test_a_file_another_pc_is_reading_is_not_read_twice(cfg, ledger):
    from daiko.robots import locks

    drop(cfg, "one.pdf", b"%PDF-1.4 one\n%%EOF")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    assert locks.acquire(ledger, f"read:{row.id}", "robot-pc-02:77:t1", intake.READ_LEASE)
    with intake.reading(ledger, row.id) as mine:
        assert not mine
    locks.release(ledger, f"read:{row.id}", "robot-pc-02:77:t1")
    with intake.reading(ledger, row.id) as mine:
        assert mine
    with ledger.session() as s:  # read meanwhile by the other PC: nothing left to read
        s.add(WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.READY))
    with intake.reading(ledger, row.id) as mine:
        assert not mine


def test_a_decision_meeting_a_move_just_carried_out_sends_the_file_on(cfg, ledger):
    """The robot has moved a file to review/ and not yet cleared its row's move when a decision makes
    the item done: the file goes on to done/ (it stayed in review/ while the ledger said done —
    seen under load in tests/schedules/test_retention_job.py)."""
    drop(cfg, "scan.pdf", b"%PDF-1.4 ours\n%%EOF")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    with ledger.session() as s:
        s.add(WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.REVIEW, reason="確認が必要"))
        intake._plan_move(s.get(IntakeFile, row.id), FileState.REVIEW, set())
    with ledger.session() as s:
        r = s.get(IntakeFile, row.id)
        src, dst = Path(r.moving_from), Path(r.current_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.rename(src, dst)  # the robot's move, carried out; its row not updated yet
    with ledger.session() as s:
        s.scalars(select(WorkItem)).one().state = ItemState.DONE  # staff decide meanwhile
    assert intake.sync_file(ledger, row.id) == FileState.DONE
    assert intake.complete_move(ledger, row.id)  # the robot's mover looks again
    assert everywhere(cfg) == ["done/scan.pdf"]
    with ledger.session() as s:
        r = s.get(IntakeFile, row.id)
        assert (Path(r.current_path).parent.name, r.moving_from, r.state) == ("done", None, FileState.DONE)
