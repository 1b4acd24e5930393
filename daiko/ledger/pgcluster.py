"""A throw-away PostgreSQL server for tests and benchmarks: Debian's own binaries, in a temp folder.

``initdb`` a fresh cluster, start ``postgres`` listening only on a Unix socket inside that folder
(no TCP port to collide with anything), hand out databases, and delete it all afterwards. It is a
real server — the same binaries a city hall runs — tuned for throw-away data (no fsync).

PostgreSQL refuses to run as root. When we are root (CI, the workplace), the server runs as the
``postgres`` account Debian's package creates, dropped to with ``subprocess``'s ``user=``/``group=``
(no ``su``/``sudo`` in between, so the pid we hold is the server's own and a stop reaches it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

SEARCH = ("/usr/lib/postgresql",)
PORT = 5432  # only names the socket file (.s.PGSQL.5432) inside our own folder; no TCP
SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "64MB",
    "max_locks_per_transaction": "128",
    "log_min_messages": "warning",
    "log_connections": "off",
    "TimeZone": "UTC",
}


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing (install Debian's ``postgresql`` package)."""


def find_bindir() -> Path:
    """The newest installed server's bin folder (``initdb`` and ``postgres`` live there, off PATH)."""
    candidates = []
    for base in SEARCH:
        for initdb in Path(base).glob("*/bin/initdb"):
            if (initdb.parent / "postgres").exists():
                try:
                    candidates.append((int(initdb.parent.parent.name.split(".")[0]), initdb.parent))
                except ValueError:
                    candidates.append((0, initdb.parent))
    if not candidates:
        pg_config = shutil.which("pg_config")
        if pg_config:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
            if out and (Path(out) / "initdb").exists():
                return Path(out)
        raise PostgresUnavailable(
            "PostgreSQL's server binaries (initdb, postgres) are not installed; "
            "run `make setup` (it installs Debian's postgresql package) or `apt-get install postgresql`"
        )
    return max(candidates)[1]


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) of the unprivileged account to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            user = pwd.getpwnam(name)
            return user.pw_uid, user.pw_gid
    raise PostgresUnavailable("running as root and there is no 'postgres' account to run PostgreSQL as")


@dataclass
class TempCluster:
    """One running throw-away server. ``url(db)`` is what daiko's ``ledger_url`` takes."""

    root: Path
    bindir: Path
    user: str = "daiko"
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _counter: int = field(default=0, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={PORT}"

    # -- lifecycle ---------------------------------------------------------------------------------
    def _spawn(self, args: list[str], **kwargs: Any) -> subprocess.Popen:
        ids = _run_as()
        extra: dict[str, Any] = {}
        if ids is not None:
            extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"}
        return subprocess.Popen(args, env=env, cwd=self.root, **extra, **kwargs)

    def init(self) -> None:
        self.data_dir.mkdir()
        self.socket_dir.mkdir()
        ids = _run_as()
        if ids is not None:
            for path in (self.root, self.data_dir, self.socket_dir):
                os.chown(path, *ids)
        os.chmod(self.data_dir, 0o700)
        with open(self.log_path, "ab") as log:
            proc = self._spawn(
                [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", self.user, "--auth=trust",
                 "-E", "UTF8", "--no-locale", "--no-sync"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            if proc.wait(timeout=120) != 0:
                raise RuntimeError(f"initdb failed:\n{self.log_tail()}")
        if ids is not None:
            os.chown(self.log_path, *ids)

    def start(self, timeout: float = 60.0) -> None:
        args = [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-k", str(self.socket_dir), "-p", str(PORT)]
        for key, value in SETTINGS.items():
            args += ["-c", f"{key}={value}"]
        log = open(self.log_path, "ab")  # noqa: SIM115 - the server writes to it for its whole life
        try:
            self._proc = self._spawn(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        engine = sa.create_engine(self.url(), poolclass=sa.pool.NullPool)
        try:
            while True:
                if self._proc.poll() is not None:
                    raise RuntimeError(f"postgres exited:\n{self.log_tail()}")
                try:
                    with engine.connect() as conn:
                        conn.execute(sa.text("SELECT 1"))
                    return
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"postgres did not answer within {timeout:g} s:\n{self.log_tail()}"
                        ) from None
                    time.sleep(0.1)
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, close connections)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(2)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- databases ---------------------------------------------------------------------------------
    def _admin(self, *statements: str) -> None:
        engine = sa.create_engine(self.url(), poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for statement in statements:
                    conn.execute(sa.text(statement))
        finally:
            engine.dispose()

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """A new, empty (or ``template``-copied) database; returns its URL."""
        if name is None:
            self._counter += 1
            name = f"t{os.getpid()}_{self._counter}"
        clause = f" TEMPLATE {template}" if template else ""
        self._admin(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def temp_cluster(prefix: str = "daiko-pg-") -> Iterator[TempCluster]:
    """Start a throw-away server; on exit stop it and delete every file it had."""
    bindir = find_bindir()
    # Not under pytest's tmp folder: that is private to root (0700), and the server may run as postgres.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(root, 0o755)
    cluster = TempCluster(root=root, bindir=bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def database_name(url: str) -> str:
    return sa.engine.make_url(url).database or ""


__all__ = ["PostgresUnavailable", "TempCluster", "database_name", "find_bindir", "temp_cluster"]
