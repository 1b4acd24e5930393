"""Several robot PCs on one machine: ``daiko schedule`` processes sharing an inbox and a ledger.

Used by the multi-host test (tests/robots/test_multihost.py) and ``bench/scale.py``. Each "PC" is
a separate ``daiko schedule`` process with its own robots.yaml and data folder (pages, evidence,
logs) and its own name in the ledger (``DAIKO_HOST``); what they share is what several real PCs
would share: the inbox folder (a network share in a city hall) and the ledger database
(``DAIKO_LEDGER_URL``, PostgreSQL — or one SQLite file, which only works on one machine).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.robots_yaml import HAISHA, keitax_target, robots_yaml

PASSWORD_ENV = "DAIKO_FLEET_KEITAX_PASSWORD"


@dataclass
class RobotPC:
    """One ``daiko schedule`` process standing in for one robot PC."""

    name: str
    root: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def config(self) -> Path:
        return self.root / "robots.yaml"

    @property
    def log_path(self) -> Path:
        return self.root / "service.log"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole process group (its Chromium too): a pulled plug, no clean-up at all."""
        if self.alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 120) -> None:
        """SIGTERM (runs finish the item in hand), then SIGKILL if it does not end in time."""
        if not self.alive:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Fleet:
    pcs: list[RobotPC]
    inbox: Path

    def __getitem__(self, name: str) -> RobotPC:
        return next(pc for pc in self.pcs if pc.name == name)

    def stop(self) -> None:
        for pc in self.pcs:  # all at once, then wait for each
            if pc.alive:
                os.killpg(pc.proc.pid, signal.SIGTERM)
        for pc in self.pcs:
            pc.stop()


def start_fleet(
    root: Path,
    names: Iterable[str],
    *,
    server: Any,
    ledger_url: str,
    max_sessions: int,
    heartbeat_seconds: float = 2,
    env: dict[str, str] | None = None,
) -> Fleet:
    """Start one ``daiko schedule`` per name, all watching ``root/share/inbox`` and sharing ``ledger_url``."""
    inbox = root / "share" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    pcs = []
    base_env = {**os.environ, **(env or {}), PASSWORD_ENV: server.password, "DAIKO_LEDGER_URL": ledger_url}
    base_env["PYTHONUNBUFFERED"] = "1"
    for name in names:
        pc = RobotPC(name, root / name)
        pc.root.mkdir(parents=True, exist_ok=True)
        text = robots_yaml(
            data="data",
            defaults={"heartbeat_seconds": heartbeat_seconds, "logging": {"level": "INFO"}},
            target_id="keitax",
            target=keitax_target(server.url, server.user, password_env=PASSWORD_ENV, max_sessions=max_sessions),
            robot=HAISHA | {"accepts_csv": True, "inbox": inbox, "max_attempts": 3},
        )
        pc.config.write_text(text, encoding="utf-8")
        with open(pc.log_path, "ab") as log:
            pc.proc = subprocess.Popen(
                [sys.executable, "-m", "daiko.cli", "schedule", "--config", str(pc.config)],
                cwd=pc.root,
                env={**base_env, "DAIKO_HOST": name},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill takes its Chromium with it
            )
        pcs.append(pc)
    return Fleet(pcs, inbox)


def wait_until(
    predicate: Callable[[], Any], timeout: float, what: str, *, check: Callable[[], None] | None = None
) -> Any:
    """Poll ``predicate`` (on the ledger, a folder, the mock) until true; ``check`` may raise early."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if check is not None:
            check()
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.2)


# -- what to drop ------------------------------------------------------------------------------------
def settled(path: Path, seconds: float = 60.0) -> Path:
    old = time.time() - seconds
    os.utime(path, (old, old))
    return path


def drop_atomically(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write beside the inbox, then rename in: what a copy to a share looks like once complete."""
    staging = path.parent.parent / ".staging" / path.name
    staging.parent.mkdir(parents=True, exist_ok=True)
    write(staging)
    settled(staging)
    os.replace(staging, path)
    return path


def jlis_files(
    inbox: Path, vehicles: list, *, per_file: int, prefix: str, today: dt.date
) -> list[tuple[Path, list[str]]]:
    """J-LIS 廃車情報 CSVs of ``per_file`` rows; returns (file, references of its rows)."""
    from daiko.forms.jlis import ENCODING
    from daiko.forms.synth.jlis import generate_jlis_csv

    out = []
    for start in range(0, len(vehicles), per_file):
        chunk = vehicles[start : start + per_file]
        path = inbox / f"jlis_{prefix}_{start // per_file + 1:02d}.csv"
        drop_atomically(
            path,
            lambda p, chunk=chunk, start=start: generate_jlis_csv(
                p, chunk, seed=start, processed_on=today,  # the register's owner, as J-LIS reports it
                first_serial=start + 1, reference_prefix=prefix,
            ),
        )  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(ENCODING))))
        out.append((path, [r["受付番号"] for r in rows]))
    return out


@dataclass(frozen=True)
class ScanTruth:
    path: Path
    reference: str
    vehicle: Any
    typed: dict[str, str]  # what a person reads on the paper, field by field (choices as their keys)


def scan_files(inbox: Path, vehicles: list, *, today: dt.date, first_serial: int = 7001) -> list[ScanTruth]:
    """One printed 廃車申告書 scan (PDF) per vehicle, with the values a clerk would read off it."""
    from daiko.forms.definition import load_definition
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import Fake, declaration_for

    choices = {f.name for f in load_definition("keitax_haisha").fields if f.type == "choice"}

    def wareki(day: dt.date) -> str:
        return f"令和{day.year - 2018}年{day.month}月{day.day}日"

    out = []
    for n, vehicle in enumerate(vehicles):
        deregistered = max(vehicle.registered_on, today - dt.timedelta(days=6))
        declared = min(today, deregistered + dt.timedelta(days=2))
        reference = f"R{today.year - 2018:02d}-{first_serial + n:05d}"
        # The owner as the register has them (the robot proves the vehicle before keying).
        values = declaration_for(random.Random(300 + n), vehicle, reference=reference, deregistered=deregistered,
                                 declared=declared)  # fmt: skip
        values["deregistered_on"] = Fake(wareki(deregistered), deregistered.isoformat())
        values["declared_on"] = Fake(wareki(declared), declared.isoformat())
        page = make_page("keitax_haisha", seed=300 + n, kind="printed", today=today, values=values)
        path = drop_atomically(
            inbox / f"scan_{first_serial + n:05d}.pdf", lambda p, page=page: save_pages([page.image], p, dpi=page.dpi)
        )
        typed = {
            name: (page.truth.get(name) if name in choices else written) or "" for name, written in page.written.items()
        }
        out.append(ScanTruth(path, reference, vehicle, typed))
    return out


def usable_vehicles(server: Any, n: int, *, seed: int) -> list:
    """``n`` 課税中 vehicles with unique plates that daiko's plate field type accepts."""
    from daiko.forms.fieldtypes import get_type

    plate = get_type("plate")
    pool = server.sample_vehicles(n * 2 + 40, unique_plate=True, seed=seed)
    picked = [v for v in pool if plate.check(v.plate).ok][:n]
    if len(picked) < n:
        raise RuntimeError(f"only {len(picked)} usable vehicles in the mock; start it with more records")
    return picked


# -- what the mock saw ---------------------------------------------------------------------------------
def max_concurrent_sessions(sessions: list[dict]) -> int:
    """Most sessions in use at one instant, from the mock's own table: each session counts from its
    login to its last request (a robot does not log out; an idle session is not in use)."""
    edges = []
    for s in sessions:
        if s["requests"]:
            edges += [(s["created_at"], 1), (s["last_seen"], -1)]
    peak = now = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):  # an end before a start at the same instant
        now += step
        peak = max(peak, now)
    return peak
