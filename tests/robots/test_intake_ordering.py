"""What a clerk opening failed/ sees: a file there already has its reason and its ledger row.

The robot (`daiko run`, a real process) is frozen with SIGSTOP the moment the kernel reports a
file arriving in failed/ (inotify, no buffering), and the folder and the ledger are inspected
while it cannot move on — exactly what a person or the console would see at that instant.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from watchdog.observers.inotify_c import InotifyConstants, inotify_add_watch, inotify_init

from daiko.robots import intake
from tests.robots.conftest import make_config

N_FILES = 12
_EVENT = struct.Struct("iIII")


def bad_jlis(serial: int) -> bytes:
    from daiko.forms.jlis import ENCODING, HEADER

    row = ["1", "112097", f"R08-{serial:05d}", "20261101", "", "", "ホンダ", "軽二輪", "20261030", "1", "解体", "", ""]
    return ("\r\n".join([",".join(HEADER), ",".join(row)]) + "\r\n").encode(ENCODING)


class Freezer(threading.Thread):
    """On every file arriving in ``folder``: SIGSTOP the robot, look, SIGCONT."""

    def __init__(self, folder: Path, ledger_file: Path):
        super().__init__(daemon=True)
        self.folder, self.ledger_file = folder, ledger_file
        self.pid: int | None = None
        self.seen: list[tuple[str, bool, str | None]] = []  # (name, reason beside it, ledger state)
        self.done = threading.Event()
        self.fd = inotify_init()
        mask = InotifyConstants.IN_MOVED_TO | InotifyConstants.IN_CREATE
        assert inotify_add_watch(self.fd, str(folder).encode(), mask) >= 0

    def run(self) -> None:
        while not self.done.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(self.fd, 64 * 1024)
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = _EVENT.unpack_from(data, offset)
                raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
                offset += _EVENT.size + length
                name = raw.rstrip(b"\0").decode()
                if name.endswith(".reason.txt") or name.startswith(".") or self.pid is None:
                    continue
                os.kill(self.pid, signal.SIGSTOP)
                try:
                    self.seen.append((name, *self.look(self.folder / name)))
                finally:
                    os.kill(self.pid, signal.SIGCONT)

    def look(self, path: Path) -> tuple[bool, str | None]:
        reason = path.with_name(path.name + ".reason.txt")  # short names here: never shortened
        has_reason = reason.exists() and bool(reason.read_text(encoding="utf-8").strip())
        with sqlite3.connect(self.ledger_file, timeout=30) as conn:
            row = conn.execute("SELECT state FROM intake_files WHERE current_path = ?", (str(path),)).fetchone()
        return has_reason, row[0] if row else None


def test_a_file_in_failed_always_has_its_reason_and_its_row_already(tmp_path: Path):
    cfg = make_config(tmp_path)
    inbox = cfg.inbox(cfg.robots[0])
    intake.inbox_for(cfg, cfg.robots[0])
    old = time.time() - 3600
    for n in range(N_FILES):
        path = inbox / f"jlis_{n:02d}.csv"
        path.write_bytes(bad_jlis(n))
        os.utime(path, (old, old))
    ledger_file = tmp_path / "data" / "ledger.sqlite3"
    from daiko.ledger import Ledger

    Ledger(cfg.ledger_url)  # migrated before the watcher reads it
    freezer = Freezer(inbox / "failed", ledger_file)
    freezer.start()
    env = {k: v for k, v in os.environ.items() if k != "DAIKO_TEST_KEITAX_PASSWORD"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "daiko.cli", "run", "haisha", "--config", str(tmp_path / "robots.yaml"), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    freezer.pid = proc.pid
    try:
        out, _ = proc.communicate(timeout=300)
    finally:
        freezer.done.set()
        freezer.join(timeout=10)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out.decode(errors="replace")
    assert sorted(name for name, _, _ in freezer.seen) == [f"jlis_{n:02d}.csv" for n in range(N_FILES)]
    late = [(name, reason, state) for name, reason, state in freezer.seen if not reason or state != "failed"]
    assert late == [], "files seen in failed/ before their reason or ledger row was written"
