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
    drop(cfg, "scan1.pdf", b"%PDF-1.4 fake")
    rows = intake.take_in(ledger, cfg, cfg.robots[0])
    assert [r.original_name for r in rows] == ["scan1.pdf"]
    assert everywhere(cfg) == ["processing/scan1.pdf"]


def test_unsettled_file_waits(cfg, ledger):
    drop(cfg, "fresh.pdf", b"%PDF-1.4 half", age=0)
    assert intake.take_in(ledger, cfg, cfg.robots[0]) == []
    assert everywhere(cfg) == ["fresh.pdf"]


def test_same_content_twice_is_processed_once(cfg, ledger):
    drop(cfg, "a.pdf", b"%PDF-1.4 same")
    intake.take_in(ledger, cfg, cfg.robots[0])
    drop(cfg, "a-copy.pdf", b"%PDF-1.4 same")
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
    drop(cfg, "s.pdf", b"%PDF-1.4 s", section="市民課")
    [row] = intake.take_in(ledger, cfg, cfg.robots[0])
    assert row.section == "市民課"
    assert everywhere(cfg) == ["processing/市民課/s.pdf"]


def test_crash_between_move_and_register_is_recovered(cfg, ledger):
    inbox = intake.inbox_for(cfg, cfg.robots[0])
    orphan = inbox.state_dir(FileState.PROCESSING) / "orphan.pdf"
    orphan.write_bytes(b"%PDF-1.4 orphan")
    [row] = intake.recover(ledger, cfg, cfg.robots[0])
    assert row.original_name == "orphan.pdf"
    assert intake.recover(ledger, cfg, cfg.robots[0]) == []  # only once


def test_file_follows_its_items(cfg, ledger):
    drop(cfg, "two-pages.pdf", b"%PDF-1.4 two")
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


def test_a_name_being_moved_into_a_shared_folder_is_reserved(cfg):
    """Two PCs moving two files called scan.pdf into done/ at once: the second must get another
    name, not overwrite the first (the name is reserved before the move, O_EXCL)."""
    folder = intake.inbox_for(cfg, cfg.robots[0]).state_dir(FileState.DONE)
    first = intake._unique_target(folder, "scan.pdf")
    second = intake._unique_target(folder, "scan.pdf")
    assert (first.name, second.name) == ("scan.pdf", "scan_2.pdf")


def test_a_file_another_pc_is_reading_is_not_read_twice(cfg, ledger):
    from daiko.robots import locks

    drop(cfg, "one.pdf", b"%PDF-1.4 one")
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
