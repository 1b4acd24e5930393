"""Run the mock as a separate process, the way tests and ``make demo`` need it.

A subprocess, not a thread: the robot must meet a server it can only reach over HTTP, that can
be killed and restarted mid-run, and whose faults cannot leak into the test process.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from daiko.mocks.common.process import MockProcess, log_tail, spawn
from daiko.mocks.keitax import truth
from daiko.mocks.keitax.faults import ENV_VAR
from daiko.mocks.keitax.server import PASSWORD_ENV

_handed_out: set[int] = set()


def free_port() -> int:
    """A port nobody listens on now, never the same twice in this process: a fleet picks all its
    ports before any server binds, and the OS may offer a just-released port again."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


class PortTaken(RuntimeError):
    """Another program took the port between choosing it and the server binding it."""


@dataclass
class RunningKeitax(MockProcess):
    """A mock server running in a subprocess. ``user``/``password`` log in as the robot account."""

    url: str
    db_path: Path
    user: str
    password: str
    port: int
    workdir: Path
    faults: str | None = None
    records: int = 300
    seed: int = 42
    idle_timeout: float = 900.0
    lock_timeout: float | None = None
    sessions_per_user: int = 1
    startup_timeout: float = 120.0  # a readiness wait, not a speed limit: ten servers start at once on two busy cores
    auto_port: bool = False  # the port was picked here, so a first start may pick another if it was taken
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _started_once: bool = field(default=False, repr=False)
    _log_offset: int = field(default=0, repr=False)  # where this launch's output starts in the log

    @property
    def log_path(self) -> Path:
        return self.workdir / "keitax.log"

    def start(self) -> None:
        """Launch the subprocess and wait until it answers."""
        if self.alive:
            return
        self.launch()
        self.wait_ready()

    def _move_to_a_new_port(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Launch without waiting (see :func:`start_keitax_fleet`: start many, then wait for all)."""
        if self.alive:
            return
        args = [
            sys.executable, "-m", "daiko.mocks.keitax",
            "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db_path),
            "--seed", str(self.seed), "--records", str(self.records), "--idle-timeout", str(self.idle_timeout),
        ]  # fmt: skip
        if self.lock_timeout is not None:
            args += ["--lock-timeout", str(self.lock_timeout)]
        if self.sessions_per_user != 1:
            args += ["--sessions-per-user", str(self.sessions_per_user)]
        if self.faults:
            args += ["--fault", self.faults]
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._proc, self._log_offset = spawn(
            args, log_path=self.log_path, cwd=self.workdir, env={PASSWORD_ENV: self.password}, fault_env=ENV_VAR
        )

    def wait_ready(self) -> None:
        """Wait until *this* server answers. Another process answering on the port (it took the
        port first) does not count: on a first start with a port picked here, pick another."""
        for _ in range(5):
            try:
                self._wait_own_answer()
            except PortTaken:
                if self._started_once or not self.auto_port:
                    raise
                self._move_to_a_new_port()
                self.launch()
                continue
            self._started_once = True
            return
        raise RuntimeError(f"keitax found no free port:\n{self._log_tail()}")

    def _wait_own_answer(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                tail = self._log_tail(since_launch=True)
                self._proc = None
                if "address already in use" in tail.lower():
                    raise PortTaken(tail)
                raise RuntimeError(f"keitax exited:\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200 and response.headers.get("X-Keitax-Pid") == str(self._proc.pid):
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.05)
        self.stop(hard=True)
        raise RuntimeError(f"keitax did not answer within {self.startup_timeout:g} s:\n{self._log_tail()}")

    def _log_tail(self, *, since_launch: bool = False) -> str:
        return log_tail(self.log_path, self._log_offset if since_launch else 0)

    def terminate(self) -> None:
        """Ask the server to shut down (SIGTERM) without waiting; ``stop()`` then waits (its
        second SIGTERM forces uvicorn out)."""
        if self.alive:
            self._proc.terminate()

    def audit_rows(self, action: str | None = None) -> list[dict]:
        return truth.audit_rows(self.db_path, action)

    def processed_rows(self) -> list[dict]:
        return truth.processed_rows(self.db_path)

    def session_rows(self) -> list[dict]:
        return truth.session_rows(self.db_path)

    def sample_vehicles(self, n: int = 10, **kwargs) -> list[truth.Vehicle]:
        return truth.sample_vehicles(self.db_path, n, **kwargs)


def prepare_keitax(
    workdir: Path,
    *,
    faults: str | None = None,
    records: int = 300,
    port: int | None = None,
    seed: int = 42,
    idle_timeout: float = 900.0,
    lock_timeout: float | None = None,
    password: str | None = None,
    user: str = "rpa01",
    sessions_per_user: int = 1,
) -> RunningKeitax:
    """A :class:`RunningKeitax` that is configured but not started (call ``start()``)."""
    workdir = Path(workdir)
    auto_port = port is None
    port = port or free_port()
    return RunningKeitax(
        url=f"http://127.0.0.1:{port}",
        db_path=workdir / "keitax.sqlite3",
        user=user,
        password=password or secrets.token_urlsafe(12),
        port=port,
        workdir=workdir,
        faults=faults,
        records=records,
        seed=seed,
        idle_timeout=idle_timeout,
        lock_timeout=lock_timeout,
        sessions_per_user=sessions_per_user,
        auto_port=auto_port,
    )


@contextmanager
def start_keitax(workdir: Path, **options) -> Iterator[RunningKeitax]:
    """Start the mock on a free port with its database in ``workdir``; stop it on exit.

    ``options`` are :func:`prepare_keitax`'s. ``faults`` uses the ``--fault`` syntax,
    comma-separated: ``"http500=0.2,slow=0.3:2.0"``. The password is generated unless given;
    every demo account (rpa01, rpa02, shokuin01, shokuin02) gets it.
    """
    server = prepare_keitax(workdir, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def start_keitax_fleet(root: Path, specs: dict[str, dict]) -> Iterator[dict[str, RunningKeitax]]:
    """Several mocks at once (e.g. one per fault), each in ``root/<name>``; started in parallel
    because most of a start is Python importing FastAPI, which the two cores can overlap."""
    servers = {name: prepare_keitax(Path(root) / name, **options) for name, options in specs.items()}
    try:
        for server in servers.values():
            server.launch()
        for server in servers.values():
            server.wait_ready()
        yield servers
    finally:
        for server in servers.values():
            server.terminate()  # all shut down at once, then wait for each
        for server in servers.values():
            server.stop()
