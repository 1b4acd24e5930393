"""Running a mock as a subprocess: launch with its output in a log, read the log's tail, stop.

A subprocess, not a thread: a robot must meet a program it can only reach from outside, that
can be killed and started again mid-run, and whose faults cannot leak into the caller. What
"ready" means differs per mock (an HTTP answer, a mapped window) and stays with each mock.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import ClassVar

KEEP = object()  # ``restart(faults=KEEP)``: keep the faults the mock ran with


def spawn(
    args: list[str], *, log_path: Path, cwd: Path, env: dict[str, str], fault_env: str
) -> tuple[subprocess.Popen, int]:
    """Start ``args`` with stdout and stderr appended to ``log_path``; returns the process and
    where this launch's output starts in the log. The child gets the caller's environment plus
    ``env``, never the caller's ``fault_env`` (only the faults asked for, none left over)."""
    child_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    child_env.pop(fault_env, None)
    offset = log_path.stat().st_size if log_path.exists() else 0
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=child_env, cwd=cwd)
    return proc, offset


def log_tail(log_path: Path, offset: int = 0, lines: int = 30) -> str:
    """The last ``lines`` lines of the log from byte ``offset`` on ('' when there is none)."""
    try:
        with open(log_path, "rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class MockProcess:
    """Mixin of a mock's ``Running…`` dataclass, which holds ``_proc`` and ``faults`` and
    defines ``start()``: being alive, stopping and restarting work the same for every mock."""

    stop_timeout: ClassVar[float] = 5.0  # seconds to wait for the process to end, twice at most
    _proc: subprocess.Popen | None
    faults: str | None

    def start(self) -> None:
        raise NotImplementedError

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, *, hard: bool = False) -> None:
        """Stop the mock. ``hard`` kills it at once (SIGKILL), like a crash or a power cut."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        try:
            proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=self.stop_timeout)

    def restart(self, *, faults: str | object | None = KEEP, hard: bool = False) -> None:
        """Stop and start again on the same database (what was keyed stays). ``faults``
        replaces the fault spec when given."""
        self.stop(hard=hard)
        if faults is not KEEP:
            self.faults = faults
        self.start()
