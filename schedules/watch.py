"""Watched inbox folders: a dropped scan starts its robot without anyone pressing a button.

Two ways of noticing, one way of deciding:

- watchdog (inotify / ReadDirectoryChangesW) notices a drop within a second on a local disk;
- a poll every ``poll_seconds`` notices it everywhere else — an SMB/CIFS or NFS share, where
  the local kernel never hears about files another PC writes, or after watchdog failed to start
  (inotify watch limit). Polling always runs; it is the guarantee, watchdog only the shortcut.

Both end in :meth:`InboxWatch.check`, which asks the intake layer the questions that matter:
is anything waiting (``intake.dropped_files``, links and sub-folders included), and is it written
(``intake.assess``: size and mtime unchanged for the robot's ``intake.settle_seconds``, it opens,
and a PDF/JPEG/PNG has its end) — or to be refused as it is (a link, an empty file). Only then is
a run requested, and bursts of events (a scanner writes a PDF in many small writes) are debounced
into one check.
Duplicates and the moves to processing/ → done/ review/ failed/ are the runner's business;
the watcher never moves a file, so a crash here cannot lose one.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from daiko.log import logger
from daiko.robots import intake

POLL_SECONDS = 10.0
DEBOUNCE_SECONDS = 1.0
RETRY_SECONDS = 300.0  # a file that stays waiting after a run (locked, unmovable) is retried this often
# Changes only: opening a folder or reading a file (our own poll does both) is not news.
WATCHED_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent, DirCreatedEvent, DirMovedEvent]


class InboxWatch:
    """One robot's inbox: decides when a run is worth asking for."""

    def __init__(
        self,
        robot_id: str,
        root: Path,
        request_run: Callable[[str, str], object],
        *,
        settle_seconds: float,
        incomplete_wait_seconds: float = intake.INCOMPLETE_WAIT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ):
        self.robot_id = robot_id
        self.inbox = intake.Inbox(root)
        self.request_run = request_run
        self.settle_seconds = settle_seconds
        self.incomplete_wait_seconds = incomplete_wait_seconds
        self.retry_seconds = retry_seconds
        self._requested: frozenset[tuple[str, int, int]] = frozenset()
        self._requested_at = 0.0
        self._unreadable = False

    @property
    def root(self) -> Path:
        return self.inbox.root

    def check(self) -> float | None:
        """Request a run if settled files wait; return when to look again (monotonic) if some are still arriving."""
        try:
            waiting = intake.dropped_files(self.inbox)
        except OSError as exc:  # share unreachable for a moment: the next poll tries again
            if not self._unreadable:  # say it once, not on every poll of a long outage
                logger.warning("inbox {} of {} cannot be read: {}", self.root, self.robot_id, exc)
            self._unreadable = True
            return None
        if self._unreadable:
            logger.info("inbox {} of {} can be read again", self.root, self.robot_id)
            self._unreadable = False
        settled, unsettled = [], []
        for dropped in waiting:
            verdict = intake.assess(dropped.path, self.settle_seconds, self.incomplete_wait_seconds)
            (unsettled if verdict.action == "wait" else settled).append(dropped.path)
        if settled:
            signature = frozenset(_signature(p) for p in settled)
            now = time.monotonic()
            if not signature <= self._requested or now - self._requested_at >= self.retry_seconds:
                self._requested, self._requested_at = signature | self._requested, now
                logger.info("{} file(s) ready in {} — starting {}", len(settled), self.root, self.robot_id)
                self.request_run(self.robot_id, "watch")
        else:
            self._requested = frozenset()
        if unsettled:
            return time.monotonic() + max(self.settle_seconds / 2, 0.1)
        return None

    def has_leftovers(self) -> bool:
        """Files left in processing/ by a run that was stopped (files still waiting are :meth:`check`'s)."""
        processing = self.inbox.state_dir("processing")
        try:
            return processing.is_dir() and any(p.is_file() for p in processing.rglob("*"))
        except OSError:
            return False

    def owns(self, path: str) -> bool:
        """Is ``path`` a drop into this inbox (not a move inside processing/, done/, …)?"""
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return False
        return bool(rel.parts) and rel.parts[0] not in intake.RESERVED


def _signature(path: Path) -> tuple[str, int, int]:
    try:
        st = path.lstat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


class _Handler(FileSystemEventHandler):
    def __init__(self, on_path: Callable[[str], None]):
        self.on_path = on_path

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for path in (event.src_path, event.dest_path):
            if path:
                self.on_path(path if isinstance(path, str) else path.decode(errors="replace"))


class FolderWatcher:
    """Every inbox and robots.yaml, with one watchdog observer and one polling thread.

    ``extra`` callbacks (the config reloader) are polled on the same beat and poked by
    watchdog events on their own paths.
    """

    def __init__(
        self,
        *,
        poll_seconds: float = POLL_SECONDS,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        use_watchdog: bool = True,
    ):
        self.poll_seconds = poll_seconds
        self.debounce_seconds = debounce_seconds
        self.use_watchdog = use_watchdog
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._inboxes: dict[str, InboxWatch] = {}
        self._watches: dict[str, ObservedWatch] = {}  # watched folder → watchdog handle
        self._due: dict[str, float] = {}  # inbox robot id or extra name → monotonic time to check
        self._extras: dict[str, tuple[Path, Callable[[], None]]] = {}
        self._observer: BaseObserver | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        if self.use_watchdog:
            try:
                observer = Observer()
                observer.daemon = True
                observer.start()
                self._observer = observer
            except Exception as exc:  # e.g. no inotify: polling alone still works
                logger.warning("file-system notifications unavailable ({}); polling every {} s", exc, self.poll_seconds)
                self._observer = None
        self._thread = threading.Thread(target=self._loop, name="daiko-watch", daemon=True)
        self._thread.start()
        with self._lock:
            for key in [*self._inboxes, *self._extras]:
                self._schedule_watch_locked(key)
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            try:
                self._observer.stop()
                self._observer.join(timeout=5)
            except Exception:
                logger.exception("stopping the folder observer failed")
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- what is watched ------------------------------------------------------------------------
    def watch_inbox(self, inbox: InboxWatch) -> None:
        with self._lock:
            self._inboxes[inbox.robot_id] = inbox
            self._due[inbox.robot_id] = 0.0  # look at once: files already waiting are picked up
            self._schedule_watch_locked(inbox.robot_id)
        self._wake.set()

    def unwatch_inbox(self, robot_id: str) -> None:
        with self._lock:
            self._inboxes.pop(robot_id, None)
            self._due.pop(robot_id, None)
            self._unschedule_locked(robot_id)

    def inboxes(self) -> dict[str, InboxWatch]:
        with self._lock:
            return dict(self._inboxes)

    def watch_file(self, name: str, path: Path, on_change: Callable[[], None]) -> None:
        """Call ``on_change`` on every poll and soon after any event in the file's folder."""
        with self._lock:
            self._extras[name] = (path, on_change)
            self._schedule_watch_locked(name)

    def poke(self, key: str) -> None:
        with self._lock:
            self._due[key] = min(self._due.get(key, float("inf")), time.monotonic() + self.debounce_seconds)
        self._wake.set()

    # -- watchdog -------------------------------------------------------------------------------
    def _folder_of(self, key: str) -> tuple[Path, bool] | None:
        if key in self._inboxes:
            return self._inboxes[key].root, True
        if key in self._extras:
            return self._extras[key][0].parent, False
        return None

    def _schedule_watch_locked(self, key: str) -> None:
        if self._observer is None:
            return
        self._unschedule_locked(key)
        found = self._folder_of(key)
        if found is None:
            return
        folder, recursive = found
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._watches[key] = self._observer.schedule(
                _Handler(lambda path, key=key: self._on_event(key, path)),
                str(folder),
                recursive=recursive,
                event_filter=WATCHED_EVENTS,  # not opens/reads: our own polling causes those
            )
        except Exception as exc:  # a share where watches fail: polling covers it
            logger.warning("cannot watch {} ({}); it is polled every {} s", folder, exc, self.poll_seconds)

    def _unschedule_locked(self, key: str) -> None:
        watch = self._watches.pop(key, None)
        if watch is not None and self._observer is not None:
            with contextlib.suppress(Exception):  # already gone (folder deleted): nothing to undo
                self._observer.unschedule(watch)

    def _on_event(self, key: str, path: str) -> None:
        with self._lock:
            inbox = self._inboxes.get(key)
            extra = self._extras.get(key)
        ours = inbox.owns(path) if inbox is not None else extra is not None and Path(path).name == extra[0].name
        if ours:
            self.poke(key)

    # -- the loop -------------------------------------------------------------------------------
    def _loop(self) -> None:
        next_poll = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            polling = now >= next_poll
            if polling:
                next_poll = now + self.poll_seconds
            with self._lock:
                keys = [*self._inboxes, *self._extras]
                due = [k for k in keys if polling or self._due.get(k, float("inf")) <= now]
                for key in due:
                    self._due.pop(key, None)
            for key in due:
                if self._stop.is_set():
                    return
                self._check(key)
            with self._lock:
                wake_at = min([next_poll, *self._due.values()])
            self._wake.wait(max(0.0, wake_at - time.monotonic()))
            self._wake.clear()

    def _check(self, key: str) -> None:
        with self._lock:
            inbox = self._inboxes.get(key)
            extra = self._extras.get(key)
        try:
            if inbox is not None:
                again = inbox.check()
                if again is not None:
                    with self._lock:
                        if key in self._inboxes:
                            self._due[key] = min(self._due.get(key, float("inf")), again)
            elif extra is not None:
                extra[1]()
        except Exception:  # one bad inbox must not stop the others being watched
            logger.exception("checking {} failed", key)
