"""Run the client as a separate process under a given X display, the way tests and demos need it.

A subprocess, not a thread: the robot must meet a program it can only reach through the screen,
that can be SIGKILLed and started again mid-run, and whose faults cannot leak into the caller.
"Started" means its login window is really mapped on that display — the client writes a ready
file once it is up, and python-xlib confirms the window is viewable — never a sleep.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from daiko.mocks.common.process import MockProcess, log_tail, spawn
from daiko.mocks.shuno import truth
from daiko.mocks.shuno.cli import PASSWORD_ENV
from daiko.mocks.shuno.faults import ENV_VAR


@dataclass
class RunningShuno(MockProcess):
    """The client running in a subprocess. ``user``/``password`` log in as the robot account."""

    display: str
    db_path: Path
    workdir: Path
    user: str = "rpa01"
    password: str = ""
    faults: str | None = None
    records: int = 2000
    seed: int = 42
    startup_timeout: float = 60.0
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _log_offset: int = field(default=0, repr=False)

    stop_timeout = 10.0  # a Tk client may take a moment to close its window

    @property
    def log_path(self) -> Path:
        return self.workdir / "shuno.log"

    @property
    def ready_path(self) -> Path:
        return self.workdir / "shuno.ready.json"

    @property
    def export_dir(self) -> Path:
        return self.workdir / "export"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Launch the client and wait until its login window is up on the display."""
        if self.alive:
            return
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.export_dir.mkdir(parents=True, exist_ok=True)
        self.ready_path.unlink(missing_ok=True)
        args = [
            sys.executable, "-m", "daiko.mocks.shuno", "--db", str(self.db_path), "--seed", str(self.seed),
            "--records", str(self.records), "--ready-file", str(self.ready_path), "--export-dir", str(self.export_dir),
        ]  # fmt: skip
        if self.faults:
            args += ["--fault", self.faults]
        self._proc, self._log_offset = spawn(
            args, log_path=self.log_path, cwd=self.workdir,
            env={"DISPLAY": self.display, PASSWORD_ENV: self.password}, fault_env=ENV_VAR,
        )  # fmt: skip
        self._wait_window()

    def _wait_window(self) -> None:
        from Xlib import X
        from Xlib import display as xdisplay

        deadline = time.monotonic() + self.startup_timeout
        conn = None
        try:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    tail = self._log_tail()
                    self._proc = None
                    raise RuntimeError(f"shuno exited:\n{tail}")
                info = self._ready_info()
                if info is not None and info.get("pid") == self._proc.pid:
                    conn = conn or xdisplay.Display(self.display)
                    main = conn.create_resource_object("window", info["main"])
                    wrapper = main.query_tree().parent
                    if wrapper.get_attributes().map_state == X.IsViewable:
                        return
                time.sleep(0.02)
        finally:
            if conn is not None:
                conn.close()
        self.stop(hard=True)
        raise RuntimeError(f"shuno's window did not come up within {self.startup_timeout:g} s:\n{self._log_tail()}")

    def _ready_info(self) -> dict | None:
        try:
            return json.loads(self.ready_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _log_tail(self) -> str:
        return log_tail(self.log_path, self._log_offset)

    # --- the truth, read from the client's database ---

    def audit_rows(self, action: str | None = None) -> list[dict]:
        return truth.audit_rows(self.db_path, action)

    def registrations(self, reference: str) -> list[dict]:
        return truth.registrations(self.db_path, reference)

    def people(self, n: int = 10, **kwargs) -> list[truth.Person]:
        return truth.people(self.db_path, n, **kwargs)


def prepare_shuno(workdir: Path, *, display: str | None = None, faults: str | None = None, records: int = 2000,
                  seed: int = 42, password: str | None = None, user: str = "rpa01") -> RunningShuno:  # fmt: skip
    """A :class:`RunningShuno` configured but not started (call ``start()``)."""
    display = display or os.environ.get("DISPLAY")
    if not display:
        raise RuntimeError("no X display: set DISPLAY or pass display= (tests run under pytest-xvfb)")
    workdir = Path(workdir)
    return RunningShuno(
        display=display, db_path=workdir / "shuno.sqlite3", workdir=workdir, user=user,
        password=password or secrets.token_urlsafe(12), faults=faults, records=records, seed=seed,
    )  # fmt: skip


@contextmanager
def start_shuno(workdir: Path, **options) -> Iterator[RunningShuno]:
    """Start the client with its database in ``workdir``; close it on exit."""
    client = prepare_shuno(workdir, **options)
    client.start()
    try:
        yield client
    finally:
        client.stop()
