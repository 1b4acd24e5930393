"""Files staff drop into an inbox, and the one visible folder each ends in.

Layout of a robot's inbox (names are what staff see in Explorer)::

    inbox/            drop scans here (a sub-folder per 課 works too: inbox/税務課/…)
    inbox/processing/ taken in, being read or keyed
    inbox/review/     waiting for a person in the review console
    inbox/done/       every item keyed
    inbox/failed/     not keyed; <file>.reason.txt beside it says why, in Japanese

Crash safety comes from the order of steps: a file is first *moved* into processing/
(an atomic rename), then registered in the ledger. A crash between the two leaves a file
in processing/ with no row, which :func:`recover` registers on the next start; nothing is
ever only in memory. Duplicates (same SHA-256 for the same robot) are recognised from the
ledger, not from a process's memory, so they are caught across restarts and PCs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from daiko.config import DaikoConfig, RobotConfig
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.log import logger

STATE_DIRS = (FileState.PROCESSING, FileState.REVIEW, FileState.DONE, FileState.FAILED)
RESERVED = set(STATE_DIRS) | {"_daiko"}
SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}
CSV_SUFFIXES = {".csv"}
IGNORED_PREFIXES = (".", "~$", "Thumbs.db", "desktop.ini")
SETTLE_SECONDS = 2.0  # a file must be unchanged this long before it counts (scanners write slowly)


@dataclass(frozen=True)
class Inbox:
    root: Path

    def state_dir(self, state: str, section: str | None = None) -> Path:
        base = self.root / state
        return base / section if section else base

    def ensure(self) -> None:
        for state in STATE_DIRS:
            (self.root / state).mkdir(parents=True, exist_ok=True)


def inbox_for(cfg: DaikoConfig, robot: RobotConfig) -> Inbox:
    inbox = Inbox(cfg.inbox(robot))
    inbox.ensure()
    return inbox


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in SCAN_SUFFIXES:
        return "scan"
    if suffix in CSV_SUFFIXES:
        return "csv"
    return None


def waiting_files(inbox: Inbox) -> list[tuple[Path, str | None]]:
    """Files dropped and not yet taken in: (path, 課 sub-folder or None), oldest first."""
    found: list[tuple[Path, str | None]] = []
    for entry in sorted(inbox.root.iterdir()):
        if entry.name in RESERVED or entry.name.startswith(IGNORED_PREFIXES):
            continue
        if entry.is_file():
            found.append((entry, None))
        elif entry.is_dir():
            found.extend(
                (f, entry.name)
                for f in sorted(entry.iterdir())
                if f.is_file() and not f.name.startswith(IGNORED_PREFIXES)
            )
    return sorted(found, key=lambda pair: _mtime(pair[0]))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def is_settled(path: Path, settle_seconds: float = SETTLE_SECONDS) -> bool:
    """Size and mtime unchanged for ``settle_seconds`` and the file opens: the writer is done."""
    try:
        first = path.stat()
        if time.time() - first.st_mtime < settle_seconds:
            return False
        with path.open("rb") as fh:
            fh.read(1)
        second = path.stat()
    except OSError:
        return False
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)


def _unique_target(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists():
        target = directory / f"{stem}_{n}{suffix}"
        n += 1
    return target


def _move(src: Path, directory: Path) -> Path:
    target = _unique_target(directory, src.name)
    os.replace(src, target) if src.parent.stat().st_dev == directory.stat().st_dev else shutil.move(src, target)
    return target


def take_in(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, *, settle_seconds: float = SETTLE_SECONDS
) -> list[IntakeFile]:
    """Move every settled waiting file into processing/ and register it; duplicates go to failed/."""
    inbox = inbox_for(cfg, robot)
    taken = []
    for path, section in waiting_files(inbox):
        if not is_settled(path, settle_seconds):
            continue
        try:
            moved = _move(path, inbox.state_dir(FileState.PROCESSING, section))
        except OSError as exc:  # locked by the scanner or a person: try again next time
            logger.warning("could not take {} yet: {}", path.name, exc)
            continue
        row = register(ledger, robot, moved, section, original_name=path.name)
        if row is not None:
            taken.append(row)
    return taken


def recover(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig) -> list[IntakeFile]:
    """After a crash: register files that reached processing/ but not the ledger."""
    inbox = inbox_for(cfg, robot)
    processing = inbox.state_dir(FileState.PROCESSING)
    with ledger.session() as s:
        known = set(
            s.scalars(
                select(IntakeFile.current_path).where(
                    IntakeFile.robot_id == robot.id, IntakeFile.state == FileState.PROCESSING
                )
            )
        )
    recovered = []
    for path in sorted(p for p in processing.rglob("*") if p.is_file()):
        if str(path) in known:
            continue
        section = path.parent.name if path.parent != processing else None
        row = register(ledger, robot, path, section, original_name=path.name)
        if row is not None:
            recovered.append(row)
            logger.info("recovered {} left in processing/ by an interrupted run", path.name)
    return recovered


def register(
    ledger: Ledger, robot: RobotConfig, path: Path, section: str | None, *, original_name: str
) -> IntakeFile | None:
    """Record a file now in processing/; a duplicate of an earlier file is moved to failed/ instead."""
    kind = kind_of(path)
    digest = sha256_of(path)
    with ledger.session() as s:
        earlier = s.scalars(
            select(IntakeFile).where(IntakeFile.robot_id == robot.id, IntakeFile.sha256 == digest)
        ).one_or_none()
        if earlier is not None:
            if earlier.current_path == str(path):
                return earlier  # already ours (recovery found its own file)
            reason = (
                f"同じ内容のファイルが {earlier.received_at.astimezone():%Y-%m-%d %H:%M} に受け付け済みです"
                f"（元のファイル名: {earlier.original_name}、受付ID {earlier.id}）。二重に処理しないため処理していません。"
            )
            _finish_duplicate(path, section, reason)
            ledger.event(
                "file_duplicate", f"duplicate of intake {earlier.id}: {path.name}", robot_id=robot.id, session=s
            )
            return None
        row = IntakeFile(
            robot_id=robot.id,
            section=section or robot.section,
            sha256=digest,
            original_name=original_name,
            current_path=str(path),
            kind=kind or "unknown",
            size_bytes=path.stat().st_size,
        )
        s.add(row)
        s.flush()
        ledger.event("file_received", f"received {original_name}", robot_id=robot.id, session=s, file_id=row.id)
    if kind is None:
        reject_file(
            ledger,
            row.id,
            f"このファイル形式（{path.suffix or '拡張子なし'}）は読み取れません。PDF・TIFF・JPEG・PNG のスキャン画像"
            + ("、または J-LIS 形式の CSV" if robot.accepts_csv else "")
            + " を置いてください。",
        )
    elif kind == "csv" and not robot.accepts_csv:
        reject_file(
            ledger, row.id, "このロボットは CSV を受け付けません。スキャン画像（PDF・TIFF・JPEG）を置いてください。"
        )
    return row


def _finish_duplicate(path: Path, section: str | None, reason: str) -> None:
    target = _move(path, Inbox(_inbox_root_of(path)).state_dir(FileState.FAILED, section))
    _write_reason(target, reason)


def _write_reason(target: Path, reason: str) -> None:
    target.with_name(target.name + ".reason.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")


def reject_file(ledger: Ledger, file_id: int, reason: str) -> None:
    """A whole file cannot be used (unreadable, wrong type): it goes to failed/ with the reason."""
    with ledger.session() as s:
        row = s.get(IntakeFile, file_id)
        assert row is not None
        row.reason = reason
        _relocate(s, row, FileState.FAILED)
        ledger.event(
            "file_failed", f"file {row.id} failed: {reason}", level="WARNING", robot_id=row.robot_id, session=s
        )


def file_state_for(items: list[WorkItem]) -> str:
    """Where a file belongs given its items: review while any waits for a person, done when all done."""
    if not items:
        return FileState.PROCESSING
    states = {i.state for i in items}
    if states & {ItemState.REVIEW, ItemState.UNKNOWN}:  # 結果不明 waits for a person too: visible in review/
        return FileState.REVIEW
    if states <= set(ItemState.FINAL):
        return FileState.DONE if states == {ItemState.DONE} else FileState.FAILED
    return FileState.PROCESSING


def sync_file(ledger: Ledger, file_id: int, session: Session | None = None) -> str:
    """Move a file to the folder its items' states call for; write the reason for failed/."""
    if session is None:
        with ledger.session() as s:
            return sync_file(ledger, file_id, s)
    row = session.get(IntakeFile, file_id)
    assert row is not None
    if row.state in (FileState.FAILED, FileState.DUPLICATE) and not row.items:
        return row.state
    target = file_state_for(list(row.items))
    if target == FileState.FAILED:
        lines = []
        for item in sorted(row.items, key=lambda i: i.part):
            label = f"{item.part}ページ目" if row.kind == "scan" else f"{item.part}行目"
            if item.state == ItemState.DONE:
                lines.append(f"{label}: 入力済み")
            else:
                lines.append(f"{label}: {item.reason or '理由不明のエラー'}")
        row.reason = "\n".join(lines)
    if target != row.state or not Path(row.current_path).exists():
        _relocate(session, row, target)
    return target


def _relocate(session: Session, row: IntakeFile, state: str) -> None:
    current = Path(row.current_path)
    inbox_root = _inbox_root_of(current)
    section_dir = row.section if current.parent.name == row.section else None
    if current.exists():
        target = _move(current, Inbox(inbox_root).state_dir(state, section_dir))
        old_reason = current.with_name(current.name + ".reason.txt")
        if old_reason.exists():
            old_reason.unlink()
        row.current_path = str(target)
    else:
        target = current
    if state == FileState.FAILED and row.reason:
        _write_reason(target, row.reason)
    row.state = state
    if state in FileState.FINAL:
        row.finished_at = utcnow()


def _inbox_root_of(path: Path) -> Path:
    """inbox/<state>/[<課>/]file → inbox."""
    for parent in path.parents:
        if parent.name in STATE_DIRS:
            return parent.parent
    return path.parent
