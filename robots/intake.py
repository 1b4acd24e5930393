"""Files staff drop into an inbox, and the one visible folder each ends in.

Layout of a robot's inbox (names are what staff see in Explorer)::

    inbox/            drop scans here (a sub-folder per 課 works too: inbox/税務課/…, at any depth)
    inbox/processing/ taken in, being read or keyed
    inbox/review/     waiting for a person in the review console
    inbox/done/       every item keyed
    inbox/failed/     not keyed; <file>.reason.txt beside it says why, in Japanese

**The ledger first, then the file.** Every move between these folders is written to the ledger
before the file moves — the new state, the new path, the reason, and where the file still is
(``moving_from``) — and a failed/ file's reason is written before the file arrives. So whatever
a person sees in review/ or failed/ already has its row and its reason. A crash in between leaves
a row with ``moving_from`` set, which the next run (:func:`recover`) finishes; nothing is ever
only in memory. Duplicates (same SHA-256 for the same robot) are recognised from the ledger, so
they are caught across restarts and PCs.

**One bad file is that file's problem.** A file that cannot be read, moved or described goes to
failed/ with a reason, or stays put with an event, and the run goes on with the others. What is
refused without being taken in — a link, an empty file, something that is not a file — goes to
failed/ with a reason file and a ``file_refused`` event, and nothing behind a link is touched.

**A file counts once it is written.** Its size and modification time must have stood still for
``intake.settle_seconds`` (robots.yaml) and it must open; a PDF, JPEG or PNG must also end the
way such a file ends. A file that still looks unfinished is waited for up to
``intake.incomplete_wait_minutes`` after its last change, and one that cannot be read while it
is that young is read again later (``retry_at``) rather than failed — a 複合機 writing over a
slow network pauses mid-file.

**Several robot PCs may watch one inbox** on a network share. Taking in — moving files out of
the inbox and registering them, and recovering what a crash left — is done by one PC at a time,
under the ledger lease ``intake:<robot>``: a file in processing/ without a row is then always an
orphan of a crash, never a file another PC is registering this instant. A PC that finds the lease
held skips intake and goes on reading and keying. The lease dies with its holder (pid gone, or its
PC falls silent), so a crash never blocks the inbox. Reading a file is leased the same way
(``read:<file>``); on PostgreSQL a file's row is locked while its move is planned, so two PCs
finishing a file's last items never both move it.

File names are stored and shown with マイナンバー-like digits masked (the file itself is renamed
the same way when it is taken in), and every name — including ``<name>.reason.txt`` — is kept
within the file system's 255-byte limit by shortening the middle and adding a short hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from daiko.config import DaikoConfig, RobotConfig
from daiko.i18n import tr
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.log import MASK, MYNUMBER_RE, logger
from daiko.robots import locks
from daiko.wareki import wareki_datetime

STATE_DIRS = (FileState.PROCESSING, FileState.REVIEW, FileState.DONE, FileState.FAILED)
RESERVED = set(STATE_DIRS) | {"_daiko"}
SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}
CSV_SUFFIXES = {".csv"}
IGNORED_PREFIXES = (".", "~$", "Thumbs.db", "desktop.ini")
SETTLE_SECONDS = 5.0  # robots.yaml intake.settle_seconds, when no robot says otherwise
INCOMPLETE_WAIT_SECONDS = 600.0  # robots.yaml intake.incomplete_wait_minutes × 60
REASON_SUFFIX = ".reason.txt"
INTAKE_LEASE = dt.timedelta(minutes=10)  # renewed after each file of an intake pass
READ_LEASE = dt.timedelta(minutes=30)  # OCR of one file
NAME_MAX = 255  # bytes in one file name: ext4, NTFS (as UTF-16 units, fewer than bytes), SMB


# -- the folders ----------------------------------------------------------------------------------
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


def _in_state_dir(path: Path, state: str) -> bool:
    root = _inbox_root_of(path)
    return path.parent != root and path.relative_to(root).parts[0] == state


def _inbox_root_of(path: Path) -> Path:
    """inbox/<state>/[<課>/]file → inbox."""
    for parent in path.parents:
        if parent.name in STATE_DIRS:
            return parent.parent
    return path.parent


# -- names ----------------------------------------------------------------------------------------
def mask_name(name: str) -> str:
    """A file name as it may be stored and shown: マイナンバー-like digits masked, as in logs."""
    return MYNUMBER_RE.sub(MASK, name)


def fit_name(name: str, tail: str | None = None, limit: int = NAME_MAX) -> str:
    """``name`` within ``limit`` bytes, still recognisable: its start, "…", 8 hex of its hash, and
    ``tail`` (default: its suffix, e.g. ".jpg" or ".jpg.reason.txt") kept whole."""
    if len(name.encode()) <= limit:
        return name
    tail = tail if tail is not None and name.endswith(tail) else Path(name).suffix
    if len(tail.encode()) > limit // 2:
        tail = ""
    marker = "…" + hashlib.sha256(name.encode()).hexdigest()[:8]
    budget = limit - len((marker + tail).encode())
    head = name[: len(name) - len(tail)] if tail else name
    while len(head.encode()) > budget:
        head = head[:-1]
    return head + marker + tail


def reason_path(target: Path) -> Path:
    """Where the reason for ``target`` is written: ``<name>.reason.txt``, shortened to fit."""
    suffix = Path(target.name).suffix
    return target.with_name(fit_name(target.name + REASON_SUFFIX, tail=suffix + REASON_SUFFIX))


def write_reason(target: Path, reason: str) -> Path:
    """Write the reason beside where ``target`` is (or is about to be), whole or not at all."""
    path = reason_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(fit_name(f".{path.name}.tmp"))
    tmp.write_text(reason.rstrip() + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _unique_target(directory: Path, name: str, taken: Iterable[str] = ()) -> Path:
    """A free path for ``name`` in ``directory``: not on disk, and not promised to a pending move."""
    promised = set(taken)
    name = fit_name(name)
    target = directory / name
    stem, suffix, n = Path(name).stem, Path(name).suffix, 2
    while os.path.lexists(target) or str(target) in promised:
        target = directory / fit_name(f"{stem}_{n}{suffix}")
        n += 1
    return target


def _promised(ledger: Ledger) -> set[str]:
    """Paths rows say files are moving to (their move not done yet)."""
    with ledger.session() as s:
        return _promised_in(s)


def _promised_in(session: Session) -> set[str]:
    """:func:`_promised`, read in the transaction that is about to promise a path itself. Asked only
    when a new name is being chosen: the query reads every row with a move under way."""
    return set(session.scalars(select(IntakeFile.current_path).where(IntakeFile.moving_from.is_not(None))))


def _move_exact(src: Path, dst: Path) -> None:
    """Move ``src`` (a file, or a link itself — never what it points to) to exactly ``dst``, never
    over a file already there: another PC may have just put one of the same name in a shared
    folder. A hard link is created first (atomic, and refused if the name exists), then the old
    name removed; where links are not supported (some shares), a checked rename is used."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(dst):
        raise FileExistsError(f"{dst.name} がすでにあります")
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV:  # another file system (a share mounted inside the inbox)
            shutil.move(str(src), str(dst))
            return
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        os.replace(src, dst)  # no hard links here: the check above is the guard
        return
    os.unlink(src)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b) if not (a.is_symlink() or b.is_symlink()) else False
    except OSError:
        return False


# -- what waits in the inbox ------------------------------------------------------------------------
@dataclass(frozen=True)
class Dropped:
    """Something in the inbox that is not daiko's own: a file, a link, or something else."""

    path: Path
    section: str | None  # the 課 folder it is under (first level), or None


@dataclass(frozen=True)
class Verdict:
    action: str  # "take", "wait" (not written yet, look again) or "refuse" (to failed/ as is)
    code: str | None = None  # why refused: symlink, empty, not_a_file, unreadable
    reason: str | None = None  # Japanese, for staff (written to the reason file)


def dropped_files(inbox: Inbox) -> list[Dropped]:
    """Everything dropped and not yet taken in, oldest first. Links are listed (to be refused),
    never followed; folders below a 課 folder are searched too."""
    found: list[Dropped] = []
    for entry in _entries(inbox.root):
        if entry.name in RESERVED:
            continue
        if entry.is_dir(follow_symlinks=False):
            found.extend(_walk(Path(entry.path), entry.name))
        else:
            found.append(Dropped(Path(entry.path), None))
    return sorted(found, key=lambda d: _mtime(d.path))


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return sorted((e for e in it if not e.name.startswith(IGNORED_PREFIXES)), key=lambda e: e.name)


def _walk(folder: Path, section: str) -> list[Dropped]:
    found = []
    try:
        entries = _entries(folder)
    except OSError as exc:  # a sub-folder nobody may read: said once per look, the rest goes on
        logger.warning(
            tr("受付フォルダのサブフォルダ {} を読めません: {}", "inbox sub-folder {} cannot be read: {}"), folder, exc
        )
        return []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            found.extend(_walk(Path(entry.path), section))
        else:
            found.append(Dropped(Path(entry.path), section))
    return found


def waiting_files(inbox: Inbox) -> list[tuple[Path, str | None]]:
    """(path, 課 folder) of everything dropped (see :func:`dropped_files`)."""
    return [(d.path, d.section) for d in dropped_files(inbox)]


def has_waiting_files(cfg: DaikoConfig, robot: RobotConfig) -> bool:
    """Files dropped into the robot's inbox and not taken in yet (settled or not)."""
    root = cfg.inbox(robot)
    try:
        return root.is_dir() and bool(dropped_files(Inbox(root)))
    except OSError:  # a share that is away for a moment: nothing to say
        return False


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def looks_complete(path: Path) -> bool:
    """Does the file end the way its format ends? A scan cut off mid-copy does not."""
    markers = {".pdf": (b"%%EOF", 2048), ".jpg": (b"\xff\xd9", 1024), ".jpeg": (b"\xff\xd9", 1024)}
    markers[".png"] = (b"IEND", 64)
    marker = markers.get(path.suffix.lower())
    if marker is None:
        return True
    needle, window = marker
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - window))
        return needle in fh.read()


def assess(
    path: Path,
    settle_seconds: float = SETTLE_SECONDS,
    incomplete_wait_seconds: float = INCOMPLETE_WAIT_SECONDS,
    now: float | None = None,
) -> Verdict:
    """Is ``path`` ready to be taken in, to be waited for, or to be refused as it is?"""
    now = time.time() if now is None else now
    try:
        first = path.lstat()
    except OSError:
        return Verdict("wait")  # gone or going: the next look decides
    if stat.S_ISLNK(first.st_mode):
        return Verdict(
            "refuse",
            "symlink",
            "リンク（ショートカット）は受け付けません。リンク先のフォルダやファイルには触れていません。"
            "読み取らせたいファイルそのものをこのフォルダにコピーしてください。",
        )
    if not stat.S_ISREG(first.st_mode):
        return Verdict("refuse", "not_a_file", "通常のファイルではないため受け付けません（パイプ・デバイスなど）。")
    age = now - first.st_mtime
    if age < settle_seconds:
        return Verdict("wait")
    waited_long = age >= incomplete_wait_seconds
    try:
        with path.open("rb") as fh:
            fh.read(1)
        complete = first.st_size > 0 and looks_complete(path)
        second = path.lstat()
    except OSError as exc:  # locked by the writer (Windows shares), or not ours to read
        if waited_long:
            return Verdict(
                "refuse",
                "unreadable",
                f"ファイルを開けません（{exc.strerror or type(exc).__name__}）。"
                "アクセス権を確認し、ファイルを置き直してください。",
            )
        return Verdict("wait")
    if (first.st_size, first.st_mtime_ns) != (second.st_size, second.st_mtime_ns):
        return Verdict("wait")
    if first.st_size == 0:
        if waited_long:
            return Verdict(
                "refuse",
                "empty",
                "空のファイル（0 バイト）です。スキャンや保存が途中で失敗した可能性があります。"
                "もう一度スキャンするか、保存し直して置いてください。",
            )
        return Verdict("wait")
    if not complete and not waited_long:
        return Verdict("wait")  # the end of the file has not arrived yet
    return Verdict("take")


def is_settled(path: Path, settle_seconds: float = SETTLE_SECONDS) -> bool:
    """Size and mtime unchanged for ``settle_seconds``, it opens, and it does not look cut off."""
    return assess(path, settle_seconds).action == "take"


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


# -- taking in --------------------------------------------------------------------------------------
def take_in(
    ledger: Ledger,
    cfg: DaikoConfig,
    robot: RobotConfig,
    *,
    settle_seconds: float | None = None,
    now: float | None = None,
) -> list[IntakeFile]:
    """Take every written file into processing/ (registered first); refuse what cannot be used.

    Each file is handled on its own: whatever goes wrong with one is recorded for that file
    (an event, and failed/ with a reason where it can be put) and the others are still taken.
    Only one PC at a time (the ``intake:<robot>`` lease); another PC's call returns [] at once.
    """
    with locks.turn(ledger, f"intake:{robot.id}", INTAKE_LEASE) as turn:
        if not turn:
            logger.debug("{}: another process or PC is taking the inbox in", robot.id)
            return []
        return _take_in(ledger, cfg, robot, turn, settle_seconds, now)


def _take_in(
    ledger: Ledger,
    cfg: DaikoConfig,
    robot: RobotConfig,
    turn: locks.Turn,
    settle_seconds: float | None,
    now: float | None,
) -> list[IntakeFile]:
    inbox = inbox_for(cfg, robot)
    settle = robot.intake.settle_seconds if settle_seconds is None else settle_seconds
    wait = robot.intake.incomplete_wait_minutes * 60
    taken = []
    for dropped in dropped_files(inbox):
        turn.renew()
        if not turn:  # taken for dead meanwhile: leave the rest to whoever holds the inbox now
            break
        shown = mask_name(dropped.path.name)
        try:
            verdict = assess(dropped.path, settle, wait, now)
            if verdict.action == "refuse":
                refuse(ledger, robot, inbox, dropped, verdict)
            elif verdict.action == "take":
                try:
                    row = _take_one(ledger, cfg, robot, inbox, dropped)
                except IntegrityError:
                    # The same content registered this instant by another process (only if it lost
                    # the intake lease): look again — it is now a known file or a duplicate.
                    row = _take_one(ledger, cfg, robot, inbox, dropped)
                if row is not None:
                    taken.append(row)
        except Exception as exc:  # this file's problem, never the run's
            logger.opt(exception=exc).warning(tr("{} を取り込めませんでした", "could not take {} in"), shown)
            ledger.event(
                "file_intake_failed",
                tr(
                    f"{shown}: 取り込めませんでした（{type(exc).__name__}: {exc}）。受付フォルダに残し、次の実行でもう一度試します",
                    f"{shown}: could not be taken in ({type(exc).__name__}: {exc}); it stays in the inbox and is tried again",
                ),
                level="WARNING",
                robot_id=robot.id,
            )
    return taken


def _take_one(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, inbox: Inbox, dropped: Dropped
) -> IntakeFile | None:
    path, section = dropped.path, dropped.section
    name = fit_name(mask_name(path.name))
    kind = kind_of(path)
    digest = sha256_of(path)
    size = path.stat().st_size
    refusal = _kind_refusal(kind, path, robot)
    state = FileState.FAILED if refusal else FileState.PROCESSING
    with ledger.session() as s:
        earlier = s.scalars(
            select(IntakeFile).where(IntakeFile.robot_id == robot.id, IntakeFile.sha256 == digest)
        ).one_or_none()
        if earlier is not None and earlier.moving_from == str(path):
            file_id = earlier.id  # a crash left this very move half done: finish it below
        elif earlier is not None:
            reason = _duplicate_reason(cfg, earlier)
            earlier_id = earlier.id
            file_id = None
        else:
            target = _unique_target(inbox.state_dir(state, section), name, _promised_in(s))
            row = IntakeFile(
                robot_id=robot.id,
                section=section or robot.section,
                sha256=digest,
                original_name=name,
                current_path=str(target),
                moving_from=str(path),
                kind=kind or "unknown",
                size_bytes=size,
                state=state,
                reason=refusal,
                finished_at=utcnow() if refusal else None,
            )
            s.add(row)
            s.flush()
            file_id = row.id
            where = (
                tr(
                    f"（{'/'.join(path.relative_to(inbox.root).parts[:-1])}/ から）",
                    f" (from {'/'.join(path.relative_to(inbox.root).parts[:-1])}/)",
                )
                if section
                else ""
            )
            ledger.event(
                "file_received",
                tr(f"{name} を受け付けました{where}", f"received {name}{where}"),
                robot_id=robot.id,
                session=s,
                file_id=row.id,
            )
            if refusal:
                ledger.event(
                    "file_failed",
                    tr(f"ファイル {row.id} はエラーです: {refusal}", f"file {row.id} failed: {refusal}"),
                    level="WARNING",
                    robot_id=robot.id,
                    session=s,
                )
    if file_id is None:
        _set_aside_duplicate(
            ledger, robot.id, path, inbox.state_dir(FileState.FAILED, section), name, earlier_id, reason
        )
        return None
    complete_move(ledger, file_id)
    with ledger.session() as s:
        return s.get(IntakeFile, file_id)


def _kind_refusal(kind: str | None, path: Path, robot: RobotConfig) -> str | None:
    if kind is None:
        return (
            f"このファイル形式（{path.suffix or '拡張子なし'}）は読み取れません。PDF・TIFF・JPEG・PNG のスキャン画像"
            + ("、または J-LIS 形式の CSV" if robot.accepts_csv else "")
            + " を置いてください。"
        )
    if kind == "csv" and not robot.accepts_csv:
        return "このロボットは CSV を受け付けません。スキャン画像（PDF・TIFF・JPEG）を置いてください。"
    return None


def refuse(ledger: Ledger, robot: RobotConfig, inbox: Inbox, dropped: Dropped, verdict: Verdict) -> Path:
    """Put what cannot be taken in (a link, an empty file, …) into failed/ as it is, with the reason."""
    name = fit_name(mask_name(dropped.path.name))
    target = _unique_target(inbox.state_dir(FileState.FAILED, dropped.section), name, _promised(ledger))
    _place_aside(dropped.path, target, verdict.reason or "受け付けられないファイルです。")
    ledger.event(
        "file_refused",
        tr(
            f"{name}: 受け付けられません（{verdict.code}）。理由を添えて failed/ に移しました",
            f"{name}: refused ({verdict.code}); moved to failed/ with its reason",
        ),
        level="WARNING",
        robot_id=robot.id,
        code=verdict.code,
    )
    return target


def _place_aside(path: Path, target: Path, reason: str) -> None:
    """The reason first, then the file: failed/ never shows a file without its reason."""
    written = write_reason(target, reason)
    try:
        _move_exact(path, target)
    except OSError:
        written.unlink(missing_ok=True)
        raise


# -- moves ------------------------------------------------------------------------------------------
def complete_move(ledger: Ledger, file_id: int, *, final: bool = False) -> bool:
    """Carry out the move a row records (``moving_from`` → ``current_path``); True when done.

    A file that cannot be moved now (locked by someone's Explorer, a share that is away) stays
    where it is with its row saying where it belongs; the next run tries again. Two movers (the
    robot placing files, the console after a decision) may meet on one file: each move is
    checked against the row afterwards, and a file re-planned meanwhile is carried on from where
    it actually is. ``final`` (at a run's start, nobody else moving): a file that is neither where
    it was nor where it was going is recorded as missing instead of being looked for again.
    """
    for _ in range(5):
        with ledger.session() as s:
            row = s.get(IntakeFile, file_id)
            if row is None or row.moving_from is None:
                return True
            src, dst = Path(row.moving_from), Path(row.current_path)
            reason = row.reason if row.state == FileState.FAILED else None
            robot_id, name = row.robot_id, row.original_name
        there, arrived = os.path.lexists(src), os.path.lexists(dst)
        try:
            if there and not arrived:
                written = write_reason(dst, reason) if reason else None
                try:
                    _move_exact(src, dst)
                except FileNotFoundError:  # another mover took it a moment ago: look again
                    if written:
                        written.unlink(missing_ok=True)
                    continue
                except FileExistsError:  # the name was taken this instant (another PC): another name
                    _rename_plan(ledger, file_id, src, dst)
                    continue
                except OSError:
                    if written:
                        written.unlink(missing_ok=True)
                    raise
            elif there and arrived:
                if _same_file(src, dst):  # stopped between linking and unlinking: finish it
                    os.unlink(src)
                else:  # another PC put a file of this name there meanwhile: choose another name
                    _rename_plan(ledger, file_id, src, dst)
                    continue
            elif not arrived:
                if not final:
                    return False  # in another mover's hands this instant, or gone: looked at again later
                logger.warning(
                    tr("受付 {}: {} が {} にも {} にもありません", "intake {}: {} is neither in {} nor in {}"),
                    file_id,
                    name,
                    src.parent,
                    dst.parent,
                )
                ledger.event(
                    "file_missing",
                    tr(
                        f"ファイル {file_id}（{name}）が元の場所にも移動先にもありません。手で移動・削除されていませんか",
                        f"file {file_id} ({name}) is neither where it was nor where it was going; moved or deleted by hand?",
                    ),
                    level="WARNING",
                    robot_id=robot_id,
                )
            elif reason:
                write_reason(dst, reason)
            if _in_state_dir(src, FileState.FAILED) and not _in_state_dir(dst, FileState.FAILED):
                reason_path(src).unlink(missing_ok=True)  # the old reason must not stay behind in failed/
        except OSError as exc:
            ledger.event(
                "file_move_failed",
                tr(
                    f"ファイル {file_id} をまだ {dst.parent.name}/ に移せません（{exc.strerror or exc}）。"
                    "今の場所に置いたまま、次の実行でもう一度試します",
                    f"file {file_id} could not be moved to {dst.parent.name}/ yet ({exc.strerror or exc}); "
                    "it stays where it is and the next run tries again",
                ),
                level="WARNING",
                robot_id=robot_id,
            )
            return False
        with ledger.session() as s:
            done = s.execute(
                update(IntakeFile)
                .where(
                    IntakeFile.id == file_id, IntakeFile.moving_from == str(src), IntakeFile.current_path == str(dst)
                )
                .values(moving_from=None)
            ).rowcount
            if not done:  # re-planned while we moved it: the new plan starts where the file now is
                s.execute(
                    update(IntakeFile)
                    .where(IntakeFile.id == file_id, IntakeFile.moving_from == str(src))
                    .values(moving_from=str(dst))
                )
                continue
        return True
    return False


def _rename_plan(ledger: Ledger, file_id: int, src: Path, dst: Path) -> None:
    """The planned name is taken by another file: plan the same move under a free name."""
    with ledger.session() as s:
        other = _unique_target(dst.parent, dst.name, _promised_in(s))
        s.execute(
            update(IntakeFile)
            .where(IntakeFile.id == file_id, IntakeFile.moving_from == str(src), IntakeFile.current_path == str(dst))
            .values(current_path=str(other))
        )


def _plan_move(row: IntakeFile, state: str, promised: set[str] | None = None) -> None:
    """Record in ``row`` (not yet committed) that its file goes to ``state``'s folder; ``promised``
    (the paths other moves hold) is read from the row's transaction when not given."""
    current = Path(row.moving_from or row.current_path)
    if row.moving_from and not os.path.lexists(current) and os.path.lexists(row.current_path):
        # The move the row records was carried out a moment ago and its mover has not said so
        # yet (a decision in the console meeting the robot's move): go on from where the file is.
        current = Path(row.current_path)
    if not os.path.lexists(current):
        # Moved or deleted by a person: the row follows the decision; there is nothing to move.
        logger.warning(
            tr(
                "ファイル {}（受付 {}）が台帳の記録の場所（{}）にありません",
                "file {} of intake {} is not where the ledger says ({})",
            ),
            row.original_name,
            row.id,
            current,
        )
        row.moving_from = None
    else:
        inbox = Inbox(_inbox_root_of(current))
        section_dir = row.section if current.parent.name == row.section else None
        if current.parent == inbox.state_dir(state, section_dir):
            row.moving_from = None  # already there
            row.current_path = str(current)
        else:
            if promised is None:
                promised = _promised_in(object_session(row))  # type: ignore[arg-type]
            row.moving_from = str(current)
            row.current_path = str(_unique_target(inbox.state_dir(state, section_dir), current.name, promised))
    row.state = state
    if state in FileState.FINAL and row.finished_at is None:
        row.finished_at = utcnow()
    elif state not in FileState.FINAL:
        row.finished_at = None


def reject_file(ledger: Ledger, file_id: int, reason: str) -> None:
    """A whole file cannot be used (unreadable, wrong type): it goes to failed/ with the reason."""
    with ledger.session() as s:
        row = s.get(IntakeFile, file_id)
        assert row is not None
        row.reason = reason
        row.retry_at = None
        _plan_move(row, FileState.FAILED)
        ledger.event(
            "file_failed",
            tr(f"ファイル {row.id} はエラーです: {reason}", f"file {row.id} failed: {reason}"),
            level="WARNING",
            robot_id=row.robot_id,
            session=s,
        )
    complete_move(ledger, file_id)


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


def sync_file(ledger: Ledger, file_id: int) -> str:
    """Move a file to the folder its items' states call for, the reason for failed/ written first."""
    with ledger.session() as s:
        row = _locked(s, file_id)
        if row is None:  # another PC is placing this very file right now; it will put it where it belongs
            return FileState.PROCESSING
        if row.state in (FileState.FAILED, FileState.DUPLICATE) and not row.items:
            target = row.state
        else:
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
            if target != row.state or (row.moving_from is None and not os.path.lexists(row.current_path)):
                _plan_move(row, target)
    complete_move(ledger, file_id)
    return target


def _locked(session: Session, file_id: int) -> IntakeFile | None:
    """The file's row, fresh and locked for this transaction; None if another transaction holds it.

    Two PCs finishing the last items of one file both come to move it: the row lock (skipped, not
    waited for, on PostgreSQL) lets one of them plan the move, never both. SQLite serialises
    writers and has no row locks: there the plain row is enough.
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


# -- after a crash ----------------------------------------------------------------------------------
def recover(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig) -> list[IntakeFile]:
    """After a crash: finish moves the ledger recorded, and register files found in processing/
    that no row knows (left by an older version, or put there by hand).

    Under the same lease as :func:`take_in`: while we hold it no other PC is between moving a
    file into processing/ and registering it, so an unregistered file there is an orphan.
    """
    with locks.turn(ledger, f"intake:{robot.id}", INTAKE_LEASE) as turn:
        return _recover(ledger, cfg, robot) if turn else []


def _recover(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig) -> list[IntakeFile]:
    inbox = inbox_for(cfg, robot)
    with ledger.session() as s:
        pending = list(
            s.scalars(select(IntakeFile.id).where(IntakeFile.robot_id == robot.id, IntakeFile.moving_from.is_not(None)))
        )
    for file_id in pending:
        try:
            complete_move(ledger, file_id, final=True)
        except Exception as exc:  # one file's problem
            logger.opt(exception=exc).warning(
                tr("受付 {} の移動を終えられませんでした", "could not finish the move of intake {}"), file_id
            )
    processing = inbox.state_dir(FileState.PROCESSING)
    with ledger.session() as s:
        known = set(s.scalars(select(IntakeFile.current_path).where(IntakeFile.robot_id == robot.id)))
        known |= set(s.scalars(select(IntakeFile.moving_from).where(IntakeFile.moving_from.is_not(None))))
    recovered = []
    for path in sorted(p for p in processing.rglob("*") if p.is_file() and not p.is_symlink()):
        if str(path) in known or path.name.startswith(IGNORED_PREFIXES):
            continue
        try:
            row = register(ledger, cfg, robot, path, path.parent.name if path.parent != processing else None)
        except Exception as exc:
            logger.opt(exception=exc).warning(
                tr(
                    "processing/ にあった {} を台帳に登録できませんでした", "could not register {} found in processing/"
                ),
                mask_name(path.name),
            )
            continue
        if row is not None:
            recovered.append(row)
            logger.info(
                tr(
                    "中断した実行が processing/ に残した {} を回収しました",
                    "recovered {} left in processing/ by an interrupted run",
                ),
                mask_name(path.name),
            )
    return recovered


def register(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, path: Path, section: str | None
) -> IntakeFile | None:
    """Record a file found in processing/; a copy of a file already known goes to failed/ instead."""
    digest = sha256_of(path)
    name = mask_name(path.name)
    with ledger.session() as s:
        earlier = s.scalars(
            select(IntakeFile).where(IntakeFile.robot_id == robot.id, IntakeFile.sha256 == digest)
        ).one_or_none()
        if earlier is not None and not os.path.lexists(earlier.current_path) and earlier.moving_from is None:
            earlier.current_path = str(path)  # its own file, moved by hand or by an older version
            if earlier.state != FileState.PROCESSING:
                _plan_move(earlier, earlier.state)
            adopted = earlier.id
        elif earlier is not None:
            adopted = None
            earlier_id, reason = earlier.id, _duplicate_reason(cfg, earlier)
        else:
            row = IntakeFile(
                robot_id=robot.id,
                section=section or robot.section,
                sha256=digest,
                original_name=name,
                current_path=str(path),
                kind=kind_of(path) or "unknown",
                size_bytes=path.stat().st_size,
            )
            s.add(row)
            s.flush()
            ledger.event(
                "file_received",
                tr(f"{name} を受け付けました", f"received {name}"),
                robot_id=robot.id,
                session=s,
                file_id=row.id,
            )
            adopted = row.id
    if adopted is not None:
        complete_move(ledger, adopted)
        with ledger.session() as s:
            return s.get(IntakeFile, adopted)
    failed = Inbox(_inbox_root_of(path)).state_dir(FileState.FAILED, section)
    _set_aside_duplicate(ledger, robot.id, path, failed, name, earlier_id, reason)
    return None


def _duplicate_reason(cfg: DaikoConfig, earlier: IntakeFile) -> str:
    """Why a copy of a file already taken in is not processed (staff read it in failed/)."""
    received = wareki_datetime(earlier.received_at, cfg.defaults.timezone)
    return (
        f"同じ内容のファイルが {received} に受け付け済みです"
        f"（元のファイル名: {earlier.original_name}、受付ID {earlier.id}）。二重に処理しないため処理していません。"
    )


def _set_aside_duplicate(
    ledger: Ledger, robot_id: str, path: Path, failed: Path, name: str, earlier_id: int, reason: str
) -> None:
    _place_aside(path, _unique_target(failed, name, _promised(ledger)), reason)
    ledger.event(
        "file_duplicate",
        tr(f"{name} は受付 {earlier_id} と同じ内容です（重複）", f"duplicate of intake {earlier_id}: {name}"),
        robot_id=robot_id,
    )


# -- files read too early ---------------------------------------------------------------------------
def defer_read(ledger: Ledger, file_id: int, why: str, retry_after: dt.timedelta) -> None:
    """The file could not be read but is young (perhaps still being written): read it again later."""
    with ledger.session() as s:
        row = s.get(IntakeFile, file_id)
        assert row is not None
        first = row.retry_at is None
        row.retry_at = utcnow() + retry_after
        if first:
            ledger.event(
                "file_read_later",
                tr(
                    f"ファイル {row.id}（{row.original_name}）はまだ読めません（{why}）。書き込み中かもしれないため、"
                    f"{retry_after.total_seconds():.0f} 秒後に読み直します",
                    f"file {row.id} ({row.original_name}) could not be read yet ({why}); it may still be being "
                    f"written and is read again after {retry_after.total_seconds():.0f} s",
                ),
                level="INFO",
                robot_id=row.robot_id,
                session=s,
            )


def refresh_after_change(ledger: Ledger, file_id: int) -> bool:
    """Before reading a file again: if it grew since it was taken in, record its new content.

    Returns False when its new content is a copy of another file (then it is failed as a duplicate).
    """
    with ledger.session() as s:
        row = s.get(IntakeFile, file_id)
        assert row is not None
        path = Path(row.current_path)
        size = path.stat().st_size
        if size == row.size_bytes:
            return True
        digest = sha256_of(path)
        other = s.scalars(
            select(IntakeFile).where(
                IntakeFile.robot_id == row.robot_id, IntakeFile.sha256 == digest, IntakeFile.id != row.id
            )
        ).one_or_none()
        if other is None:
            row.sha256, row.size_bytes = digest, size
            return True
        duplicate_of = (other.id, other.original_name)
    reject_file(
        ledger,
        file_id,
        f"同じ内容のファイルが受け付け済みです（元のファイル名: {duplicate_of[1]}、受付ID {duplicate_of[0]}）。"
        "二重に処理しないため処理していません。",
    )
    return False


def due_for_reading(ledger: Ledger, robot_id: str, now: dt.datetime | None = None) -> int:
    """Files waiting to be read again whose time has come (the service starts a run for them)."""
    now = now or utcnow()
    with ledger.session() as s:
        return len(
            s.scalars(
                select(IntakeFile.id).where(
                    IntakeFile.robot_id == robot_id,
                    IntakeFile.state == FileState.PROCESSING,
                    IntakeFile.retry_at.is_not(None),
                    IntakeFile.retry_at <= now,
                    ~IntakeFile.items.any(),
                )
            ).all()
        )
