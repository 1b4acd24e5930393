"""Every dropped file ends in exactly one visible folder, once, across crashes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from daiko.ledger import FileState, IntakeFile, ItemState, WorkItem
from daiko.robots import intake


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
