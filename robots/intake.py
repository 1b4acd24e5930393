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

Several robot PCs may watch one inbox on a network share. Taking in — moving files into the
shared processing/ and registering them, and recovering what a crash left there — is done by
one PC at a time, under the ledger lease ``intake:<robot>``: a file in processing/ without a
row is then always an orphan of a crash, never a file another PC is registering this instant,
so recovery cannot take it from under a live PC. A PC that finds the lease held skips intake
(the holder is taking the files in) and goes on reading and keying. The lease dies with its
holder (pid gone, or its PC falls silent), so a crash never blocks the inbox. Reading a file is
leased the same way (``read:<file>``), and every move into a shared folder reserves its name
first (``O_EXCL``), so two PCs never write one name over the other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from daiko.config import DaikoConfig, RobotConfig
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.log import logger
from daiko.robots import locks

STATE_DIRS = (FileState.PROCESSING, FileState.REVIEW, FileState.DONE, FileState.FAILED)
RESERVED = set(STATE_DIRS) | {"_daiko"}
SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}
CSV_SUFFIXES = {".csv"}
IGNORED_PREFIXES = (".", "~$", "Thumbs.db", "desktop.ini")
SETTLE_SECONDS = 2.0  # a file must be unchanged this long before it counts (scanners write slowly)
INTAKE_LEASE = dt.timedelta(minutes=10)  # renewed after each file of an intake pass
READ_LEASE = dt.timedelta(minutes=30)  # OCR of one file


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


def has_waiting_files(cfg: DaikoConfig, robot: RobotConfig) -> bool:
    """Files dropped into the robot's inbox and not taken in yet (settled or not)."""
    root = cfg.inbox(robot)
    try:
        return root.is_dir() and bool(waiting_files(Inbox(root)))
    except OSError:  # a share that is away for a moment: nothing to say
        return False


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
    """Reserve a free name in ``directory`` (``name``, then ``name_2``, …) by creating it empty.

    ``O_EXCL`` makes the reservation atomic, also on a network share: another PC moving a file
    of the same name into the same folder at the same moment gets the next name, instead of
    one ``os.replace`` silently overwriting the other's file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    target, n = directory / name, 2
    while True:
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return target
        except FileExistsError:
            target = directory / f"{stem}_{n}{suffix}"
            n += 1


def _move(src: Path, directory: Path) -> Path:
    """Move ``src`` into ``directory`` under a reserved name (replacing only our own placeholder)."""
    target = _unique_target(directory, src.name)
    try:
        os.replace(src, target) if src.parent.stat().st_dev == directory.stat().st_dev else shutil.move(src, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()  # the empty placeholder (src is still where it was)
        raise
    return target


def take_in(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, *, settle_seconds: float = SETTLE_SECONDS
) -> list[IntakeFile]:
    """Move every settled waiting file into processing/ and register it; duplicates go to failed/.

    Only one PC at a time (the ``intake:<robot>`` lease); another PC's call returns [] at once.
    """
    with locks.turn(ledger, f"intake:{robot.id}", INTAKE_LEASE) as turn:
        if not turn:
            logger.debug("{}: another process or PC is taking the inbox in", robot.id)
            return []
        return _take_in(ledger, cfg, robot, settle_seconds, turn)


def _take_in(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, settle_seconds: float, turn: locks.Turn
) -> list[IntakeFile]:
    inbox = inbox_for(cfg, robot)
    taken = []
    for path, section in waiting_files(inbox):
        turn.renew()
        if not turn:  # taken for dead meanwhile: leave the rest to whoever holds the inbox now
            break
        if not is_settled(path, settle_seconds):
            continue
        try:
            moved = _move(path, inbox.state_dir(FileState.PROCESSING, section))
        except FileNotFoundError:  # gone meanwhile (taken back by a person): nothing to do
            continue
        except OSError as exc:  # locked by the scanner or a person: try again next time
            logger.warning("could not take {} yet: {}", path.name, exc)
            continue
        row = register(ledger, robot, moved, section, original_name=path.name)
        if row is not None:
            taken.append(row)
    return taken


@contextlib.contextmanager
def reading(ledger: Ledger, file_id: int) -> Iterator[bool]:
    """True when this process may read file ``file_id`` into items now: it holds the file's
    ``read:`` lease and the file is still waiting to be read (another PC may have just done it)."""
    with locks.turn(ledger, f"read:{file_id}", READ_LEASE) as turn:
        mine = bool(turn)
        if mine:
            with ledger.session() as s:
                row = s.get(IntakeFile, file_id)
                mine = row is not None and row.state == FileState.PROCESSING and not row.items
        yield mine


def recover(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig) -> list[IntakeFile]:
    """After a crash: register files that reached processing/ but not the ledger.

    Under the same lease as :func:`take_in`: while we hold it no other PC is between moving a
    file into processing/ and registering it, so an unregistered file there is an orphan.
    """
    with locks.turn(ledger, f"intake:{robot.id}", INTAKE_LEASE) as turn:
        return _recover(ledger, cfg, robot) if turn else []


def _recover(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig) -> list[IntakeFile]:
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
    try:
        row, new = _register(ledger, robot, path, section, original_name, kind, digest)
    except IntegrityError:
        # The same content was registered this instant by another process (only possible if it
        # lost the intake lease): look again — it is either this very file or a duplicate.
        row, new = _register(ledger, robot, path, section, original_name, kind, digest)
    if row is None or not new:
        return row
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


def _register(
    ledger: Ledger,
    robot: RobotConfig,
    path: Path,
    section: str | None,
    original_name: str,
    kind: str | None,
    digest: str,
) -> tuple[IntakeFile | None, bool]:
    """(the file's row, whether it is new); (None, False) for a duplicate, now in failed/."""
    with ledger.session() as s:
        earlier = s.scalars(
            select(IntakeFile).where(IntakeFile.robot_id == robot.id, IntakeFile.sha256 == digest)
        ).one_or_none()
        if earlier is not None:
            if earlier.current_path == str(path):
                return earlier, False  # already ours (recovery found its own file)
            reason = (
                f"同じ内容のファイルが {earlier.received_at.astimezone():%Y-%m-%d %H:%M} に受け付け済みです"
                f"（元のファイル名: {earlier.original_name}、受付ID {earlier.id}）。二重に処理しないため処理していません。"
            )
            _finish_duplicate(path, section, reason)
            ledger.event(
                "file_duplicate", f"duplicate of intake {earlier.id}: {path.name}", robot_id=robot.id, session=s
            )
            return None, False
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
    return row, True


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
    row = _locked(session, file_id)
    if row is None:  # another PC is placing this very file right now; it will put it where it belongs
        return FileState.PROCESSING
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


def _locked(session: Session, file_id: int) -> IntakeFile | None:
    """The file's row, fresh and locked for this transaction; None if another transaction holds it.

    Two PCs finishing the last items of one file both come to move it: the row lock (skipped, not
    waited for, on PostgreSQL) lets one of them move it and record where, never both. SQLite
    serialises writers and has no row locks: there the plain row is enough.
    """
    if session.get_bind().dialect.name != "postgresql":
        row = session.get(IntakeFile, file_id)
        assert row is not None
        return row
    row = session.scalars(
        select(IntakeFile)
        .where(IntakeFile.id == file_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is not None:
        session.expire(row, ["items"])  # the items as they are now, not as this session first saw them
    return row


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
