"""Retention: scans and page images go when robots.yaml's retention_days have passed — not before,
never work still waiting for a person — and every deletion is audited."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, update

from daiko.ledger import Audit, FileState, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.robots import intake
from daiko.robots.retention import purge
from tests.robots.conftest import make_config

RETENTION = "    retention_days: 30\n"


def finished_file(
    cfg, ledger: Ledger, name: str, states: list[str], *, handled: bool = False
) -> tuple[int, list[Path]]:
    """A scan taken in whose items ended in ``states``, each with its page image; placed by intake."""
    root = cfg.inbox(cfg.robots[0])
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_bytes(f"%PDF-1.4 {name}\n%%EOF\n".encode())
    old = time.time() - 3600
    os.utime(path, (old, old))
    (row,) = [r for r in intake.take_in(ledger, cfg, cfg.robots[0]) if r.original_name == name]
    pages = []
    with ledger.session() as s:
        for part, state in enumerate(states, start=1):
            image = cfg.data_dir / "pages" / "haisha" / f"{Path(name).stem}_p{part}.png"
            image.parent.mkdir(parents=True, exist_ok=True)
            image.write_bytes(b"\x89PNG page")
            pages.append(image)
            s.add(
                WorkItem(
                    robot_id="haisha",
                    file_id=row.id,
                    part=part,
                    state=state,
                    page_image=str(image),
                    reason=None if state == ItemState.DONE else "車両が見つかりません",
                    handled_manually=handled,
                    finished_at=utcnow() if state in ItemState.FINAL else None,
                )
            )
    intake.sync_file(ledger, row.id)
    return row.id, pages


def test_scans_and_pages_past_their_days_are_deleted_and_audited(tmp_path: Path):
    cfg = make_config(tmp_path, extra=RETENTION)
    ledger = Ledger(cfg.ledger_url)
    done_id, done_pages = finished_file(cfg, ledger, "keyed.pdf", [ItemState.DONE, ItemState.DONE])
    failed_id, failed_pages = finished_file(cfg, ledger, "notfound.pdf", [ItemState.DONE, ItemState.FAILED])
    _, handled_pages = finished_file(cfg, ledger, "byhand.pdf", [ItemState.FAILED], handled=True)
    _, review_pages = finished_file(cfg, ledger, "waiting.pdf", [ItemState.REVIEW])
    root = cfg.inbox(cfg.robots[0])
    done_scan = root / "done" / "keyed.pdf"
    assert done_scan.exists()

    early = purge(ledger, cfg, cfg.robots[0], now=utcnow() + dt.timedelta(days=29))  # not yet
    assert (early.scans, early.pages) == (0, 0) and done_scan.exists()

    result = purge(ledger, cfg, cfg.robots[0], now=utcnow() + dt.timedelta(days=31))

    assert (result.scans, result.pages) == (1, 4)
    assert not done_scan.exists()
    assert not any(p.exists() for p in done_pages) and not handled_pages[0].exists()
    assert not failed_pages[0].exists() and failed_pages[1].exists()  # the failed page waits for a person
    assert review_pages[0].exists() and (root / "review" / "waiting.pdf").exists()
    assert (root / "failed" / "notfound.pdf").exists() and (root / "failed" / "byhand.pdf").exists()
    with ledger.session() as s:
        assert s.get(IntakeFile, done_id).purged_at is not None
        assert s.get(IntakeFile, failed_id).purged_at is None
        images = dict(s.execute(select(WorkItem.id, WorkItem.page_image)).all())
        (audit,) = s.scalars(select(Audit).where(Audit.action == "retention_purged")).all()
    assert sum(v is None for v in images.values()) == 4
    assert audit.actor == "system" and audit.target == "robot:haisha"
    assert audit.after == {"scans": 1, "pages": 4, "retention_days": 30}
    assert "保存期間 30 日" in audit.detail and "原本 1 件、ページ画像 4 件を削除しました" in audit.detail
    again = purge(ledger, cfg, cfg.robots[0], now=utcnow() + dt.timedelta(days=31))
    assert (again.scans, again.pages) == (0, 0)  # once


def test_without_retention_days_nothing_is_deleted(tmp_path: Path):
    cfg = make_config(tmp_path)
    ledger = Ledger(cfg.ledger_url)
    _, pages = finished_file(cfg, ledger, "keyed.pdf", [ItemState.DONE])
    result = purge(ledger, cfg, cfg.robots[0], now=utcnow() + dt.timedelta(days=36500))
    assert result.retention_days is None and (result.scans, result.pages) == (0, 0)
    assert pages[0].exists() and (cfg.inbox(cfg.robots[0]) / "done" / "keyed.pdf").exists()


def test_daiko_purge_on_the_command_line(tmp_path: Path):
    cfg = make_config(tmp_path, extra=RETENTION)
    ledger = Ledger(cfg.ledger_url)
    file_id, pages = finished_file(cfg, ledger, "keyed.pdf", [ItemState.DONE])
    long_ago = utcnow() - dt.timedelta(days=40)  # the data as it stands after 40 days
    with ledger.session() as s:
        s.execute(update(IntakeFile).where(IntakeFile.id == file_id).values(finished_at=long_ago))
        s.execute(update(WorkItem).values(finished_at=long_ago))
    config = str(tmp_path / "robots.yaml")

    def daiko(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "daiko.cli", "purge", "--config", config, *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = daiko("--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert [(r["robot_id"], r["scans"], r["pages"]) for r in json.loads(dry.stdout)] == [("haisha", 1, 1)]
    assert pages[0].exists()  # a dry run deletes nothing
    done = daiko("haisha")
    assert done.returncode == 0, done.stderr
    assert "原本 1 件、ページ画像 1 件を削除しました" in done.stdout
    assert not pages[0].exists() and not (cfg.inbox(cfg.robots[0]) / "done" / "keyed.pdf").exists()
    assert daiko("nosuchrobot").returncode == 2
    with ledger.session() as s:
        assert s.get(IntakeFile, file_id).state == FileState.DONE  # the record stays; only the files go
