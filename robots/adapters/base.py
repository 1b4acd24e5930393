"""The contract between a robot and a core system's screens, whatever kind of screens they are.

:class:`Adapter` is what the runner, 突合 and the demo call; it knows no kind of work (the
request an adapter keys is its task's type, e.g. ``Deregistration`` in robots/tasks/haisha.py)
and no kind of screen. :class:`WebAdapter` (a Playwright page) and :class:`DesktopAdapter` (a
:class:`~daiko.robots.drivers.desktop.DesktopDriver`) say how one is built on a run's session.
A new target system is a new module in robots/adapters/ with one subclass of either.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class KeyingResult:
    """What the system confirmed. ``evidence``: the files that prove it (a 確認票 PDF, a
    screenshot of the completion screen), kept with the item in the ledger."""

    reference: str
    system_record_id: str  # the system's own number for the change (処理番号)
    evidence: list[Path] = field(default_factory=list)
    dry_run: bool = False
    already_present: bool = False  # found already keyed (resumed item): nothing was keyed twice
    screens: list[str] = field(default_factory=list)  # screen names passed, for the trace


@dataclass(frozen=True)
class KeyedRecord:
    """What the system holds under a reference: its record number and what the record is about
    (``subject``, in the adapter's record keys, e.g. plate and chassis_no), so "already keyed"
    can be checked to be *this* item and not another one that carried the same reference."""

    system_record_id: str
    subject: dict[str, str] = field(default_factory=dict)


class Adapter(ABC):
    """Drives one core system for a robot: log in, find, check, key, log out, extract.

    Raise :class:`~daiko.robots.errors.BusinessError` for what staff must resolve,
    :class:`~daiko.robots.errors.ApplicationError` for what a retry may fix and
    :class:`~daiko.robots.errors.LoginRejected` when the system refuses the robot's account.
    """

    kind: ClassVar[str] = ""  # the robots.yaml target kind it drives: "web" / "desktop"
    system_name: ClassVar[str] = ""

    def __init__(self, login: str, password: str, evidence_dir: Path, *, timeout_s: float = 5.0):
        self.login_name = login
        self.password = password
        self.evidence_dir = Path(evidence_dir)
        self.timeout_s = timeout_s  # robots.yaml targets.<key>.timeout_seconds
        # Hooks the runner sets (all optional, so an adapter works without a runner):
        # ``verify(record)`` is called with what the system shows for the record before any change
        # and raises to stop; ``before_commit()`` just before the final button (登録) is pressed;
        # ``untraced()`` wraps steps that type a secret, so no trace or screenshot records them.
        self.verify: Callable[[dict[str, str]], None] | None = None
        self.before_commit: Callable[[], None] | None = None
        self.untraced: Callable[[], AbstractContextManager] = nullcontext

    @classmethod
    @abstractmethod
    def for_session(cls, session: Any, target: Any, password: str, evidence_dir: Path, **options: Any) -> Adapter:
        """The adapter on a run's session (:mod:`daiko.robots.drivers`) for robots.yaml's target."""

    # -- the session ----------------------------------------------------------------------------
    @abstractmethod
    def ensure_logged_in(self) -> None:
        """Log in if the session is new or expired; reuse it otherwise."""

    def close(self) -> None:
        """End the session in the system (log out), so nothing recorded of it stays usable."""
        return None

    # -- never twice ----------------------------------------------------------------------------
    @abstractmethod
    def find_keyed(self, reference: str) -> str | None:
        """The system's record id if an item with this 受付番号 was already keyed, else None."""

    def find_record(self, reference: str) -> KeyedRecord | None:
        """Like :meth:`find_keyed`, with what the record is about when the system shows it."""
        record_id = self.find_keyed(reference)
        return KeyedRecord(record_id) if record_id else None

    def already_registered(self, reference: str) -> bool:
        """Does the system hold something keyed under this 受付番号? (The never-twice question.)"""
        return self.find_record(reference) is not None

    def register_record(self, locator: dict[str, str]) -> dict[str, str]:
        """Find a record read-only (no lock, no change) and return what the system shows for it,
        in the record keys of :mod:`daiko.robots.identity`. Raises BusinessError when there is
        no single such record."""
        raise NotImplementedError(f"{type(self).__name__} cannot look records up")

    def receipt_for(self, reference: str, system_record_id: str) -> Path | None:
        """Re-print the 確認票 of an item found already keyed (resumed after a crash), if the
        system can; the evidence of every done item is then the same whatever happened."""
        return None

    # -- keying -----------------------------------------------------------------------------------
    @abstractmethod
    def key(self, request: Any, *, dry_run: bool = False) -> KeyingResult:
        """Key one request (its task's type): find, prove (``verify``), fill, read back, and —
        unless ``dry_run`` (試行) — press the final button (``before_commit`` first) and keep the
        evidence of what the system confirmed."""

    # -- 突合 -------------------------------------------------------------------------------------
    @abstractmethod
    def export_extract(self, date_from: dt.date, date_to: dt.date) -> bytes:
        """The system's extract (EUC data, CSV) of what was keyed in the date range, for 突合."""

    @staticmethod
    @abstractmethod
    def parse_extract(data: bytes) -> list[dict[str, str]]:
        """The extract's rows in daiko's terms: ``reference``, ``system_record_id`` and the fields
        the task's ``reconcile_fields`` gives, in the same notation. The system's own notation
        stays in its adapter."""


class WebAdapter(Adapter):
    """An adapter for a web-based core system, driven through a Playwright ``Page``."""

    kind = "web"

    def __init__(self, page, base_url: str, login: str, password: str, evidence_dir: Path, *, timeout_s: float = 5.0):
        super().__init__(login, password, evidence_dir, timeout_s=timeout_s)
        self.page = page
        self.base_url = base_url.rstrip("/")

    @classmethod
    def for_session(cls, session: Any, target: Any, password: str, evidence_dir: Path, **options: Any) -> Adapter:
        adapter = cls(
            session.page, target.base_url or "", target.login, password, evidence_dir,
            timeout_s=target.timeout_seconds, **options,
        )  # fmt: skip
        adapter.untraced = session.untraced
        return adapter


class DesktopAdapter(Adapter):
    """An adapter for a desktop client, driven through a :class:`DesktopDriver` (keys, mouse,
    clipboard, template images); the client's window is found by the target's title."""

    kind = "desktop"

    def __init__(self, driver, login: str, password: str, evidence_dir: Path, *, timeout_s: float = 5.0,
                 window_title: str | None = None):  # fmt: skip
        super().__init__(login, password, evidence_dir, timeout_s=timeout_s)
        self.driver = driver
        self.window_title = window_title or self.system_name

    @classmethod
    def for_session(cls, session: Any, target: Any, password: str, evidence_dir: Path, **options: Any) -> Adapter:
        adapter = cls(
            session.driver, target.login, password, evidence_dir, timeout_s=target.timeout_seconds,
            window_title=target.title, **options,
        )  # fmt: skip
        adapter.untraced = session.untraced
        return adapter
