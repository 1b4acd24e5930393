"""Helpers for the schedule service tests: a robots.yaml in tmp_path, a cheap robot, polling waits.

The robot is the real runner (``run_robot``: intake, ledger, file placement) with a tiny task
in place of the OCR/Chromium one: a CSV line becomes an item waiting for review, so a file
ends in review/; a scan is "unreadable" and ends in failed/. Everything else — watchdog, the
poll, APScheduler, the job store, the calendar, the reload — is the real thing.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from daiko.config.schema import LEDGER_URL_ENV
from daiko.ledger import Event, IntakeFile, Ledger, Run
from daiko.robots.tasks.base import ItemDraft, Task
from daiko.schedules.runs import run_robot_once
from daiko.schedules.service import ScheduleService

FAST = {"poll_seconds": 0.2, "debounce_seconds": 0.05, "settle_seconds": 0.3, "config_settle_seconds": 0.1}


def wait_until(predicate: Callable[[], Any], timeout: float = 60.0, interval: float = 0.05) -> Any:
    """Poll until ``predicate`` is true; the timeout is only how long a failure takes to show, so it is
    generous (a loaded 2-core CI machine gives this process a fraction of a core)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


class CheapTask(Task):
    """Stands in for the OCR + browser task: reading costs nothing, nothing is ever keyed."""

    name = "cheap"
    adapter = "none"
    forms = ()

    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        return [ItemDraft(part=1, error="テスト用: スキャンは読みません")]

    def read_csv(self, path: Path) -> list[ItemDraft]:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [
            ItemDraft(part=n, fields={"no": {"value": line, "label": "番号"}}, review_fields=["no"])
            for n, line in enumerate(lines, start=1)
        ]

    def key(self, adapter: Any, fields: dict, *, dry_run: bool) -> Any:
        raise AssertionError("the cheap task never keys")

    def reference_of(self, fields: dict) -> str | None:
        return None


@pytest.fixture
def cheap_task(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("daiko.robots.runner.task_for", lambda robot: CheapTask())


def robot_yaml(
    robot_id: str = "kozin",
    *,
    schedule: str | None = None,
    inbox: str | None = None,
    extra: str = "",
) -> str:
    lines = [
        f"  - id: {robot_id}",
        f"    name: テスト{robot_id}",
        "    section: 税務課",
        "    accepts_csv: true",
        "    target: keitax",
        f"    inbox: {inbox or 'inbox/' + robot_id}",
        "    baseline_minutes: 6",
    ]
    if schedule:
        lines += ["    schedule:", *("      " + s for s in schedule.strip().splitlines())]
    if extra:
        lines += ["    " + s for s in extra.strip().splitlines()]
    return "\n".join(lines) + "\n"


def config_text(*robots: str, calendar: str = "", reports: str = "") -> str:
    head = textwrap.dedent(
        """\
        version: 1
        defaults:
          data_dir: data
        """
    )
    if calendar:
        head += "  calendar:\n" + textwrap.indent(textwrap.dedent(calendar).strip(), "    ") + "\n"
    head += textwrap.dedent(
        """\
        targets:
          keitax:
            name: 軽自動車税システム
            adapter: keitax
            base_url: http://127.0.0.1:8765
            login: rpa01
            password_env: DAIKO_KEITAX_PASSWORD
        robots:
        """
    )
    text = head + "".join(robots)
    if reports:
        text += "reports:\n" + textwrap.indent(textwrap.dedent(reports).strip(), "  ") + "\n"
    return text


class Recorder:
    """A run function that records each call, then (optionally) runs the real robot."""

    def __init__(self, real: bool = True, hold: threading.Event | None = None):
        self.real = real
        self.hold = hold  # when set, a run waits for it (or for its stop event) before working
        self.calls: list[dict[str, Any]] = []
        self.started = threading.Event()

    def __call__(self, cfg, robot_id, *, trigger, stop, settle_seconds, keying):
        self.calls.append({"robot": robot_id, "trigger": trigger, "keying": keying, "stop": stop})
        self.started.set()
        if self.hold is not None:
            while not self.hold.is_set() and not stop.is_set():
                time.sleep(0.02)
        if self.real:
            return run_robot_once(
                cfg, robot_id, trigger=trigger, stop=stop, settle_seconds=settle_seconds, keying=keying
            )
        return None

    def triggers(self) -> list[str]:
        return [c["trigger"] for c in self.calls]


class Harness:
    """A robots.yaml in tmp_path and services started on it (stopped at teardown)."""

    def __init__(self, root: Path):
        self.root = root
        self.config = root / "robots.yaml"
        self.services: list[ScheduleService] = []

    def write(self, text: str) -> Path:
        self.config.write_text(text, encoding="utf-8")
        return self.config

    @property
    def data(self) -> Path:
        return self.root / "data"

    def inbox(self, robot_id: str = "kozin") -> Path:
        return self.data / "inbox" / robot_id

    def ledger(self) -> Ledger:
        """The ledger of data_dir 'data', or the test's PostgreSQL database (not read from robots.yaml:
        a test may have broken it)."""
        return Ledger(os.environ.get(LEDGER_URL_ENV) or f"sqlite:///{self.data.resolve() / 'ledger.sqlite3'}")

    def start(self, **options: Any) -> ScheduleService:
        merged = {**FAST, **options}
        service = ScheduleService(self.config, **merged)
        self.services.append(service)
        service.start()
        return service

    def stop_all(self) -> None:
        for service in self.services:
            service.stop()

    # -- what the ledger says -------------------------------------------------------------------
    def events(self, kind: str) -> list[Event]:
        with self.ledger().session() as s:
            return list(s.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))

    def runs(self) -> list[Run]:
        with self.ledger().session() as s:
            return list(s.scalars(select(Run).order_by(Run.id)))

    def intake_rows(self) -> list[IntakeFile]:
        with self.ledger().session() as s:
            return list(s.scalars(select(IntakeFile).order_by(IntakeFile.id)))

    def placed(self) -> dict[str, str]:
        """original name → state, for files whose move is complete (the ledger records a move
        before the file makes it, so a row in its new state with ``moving_from`` cleared means
        the file is there)."""
        return {r.original_name: r.state for r in self.intake_rows() if r.moving_from is None}


def drop(path: Path, text: str, *, age: float = 0.0) -> Path:
    """Write a file as a scanner would, at once; ``age`` back-dates it (already settled)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def files_in(inbox: Path, state: str) -> list[str]:
    folder = inbox / state
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


JST = dt.timezone(dt.timedelta(hours=9))

# Test modules cannot import this conftest (pytest runs with --import-mode=importlib), so the
# helpers travel on the fixture: ``harness.wait_until(...)``, ``harness.robot_yaml(...)``, …
Harness.wait_until = staticmethod(wait_until)
Harness.drop = staticmethod(drop)
Harness.files_in = staticmethod(files_in)
Harness.robot_yaml = staticmethod(robot_yaml)
Harness.config_text = staticmethod(config_text)
Harness.Recorder = Recorder
Harness.JST = JST


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.stop_all()
