"""The contract between a robot and a core system's screens."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Deregistration:
    """One 廃車 to key: what the 廃車申告書 or the J-LIS 廃車情報 line says."""

    reference: str  # 受付番号: unique per item, also keyed into the system (never-key-twice check)
    plate: str  # 標識番号 / 車両番号, e.g. "飯能市 あ 1234" or "所沢 480 あ 12-34"
    deregistered_on: dt.date  # 廃車年月日
    reason: str  # 廃車事由: one of REASONS
    declared_on: dt.date  # 申告日
    chassis_no: str | None = None  # 車台番号, checked against the register when given


REASONS = {
    "scrap": "解体",
    "transfer": "譲渡",
    "theft": "盗難",
    "moved": "転出",
    "other": "その他",
}


@dataclass(frozen=True)
class KeyingResult:
    """What the system confirmed. ``receipt_pdf`` is the 確認票 saved as evidence."""

    reference: str
    system_record_id: str  # the system's own number for the change (処理番号)
    receipt_pdf: Path | None = None
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


class WebAdapter(ABC):
    """Drives one web-based core system through a Playwright ``Page``.

    Raise :class:`~daiko.robots.errors.BusinessError` for what staff must resolve and
    :class:`~daiko.robots.errors.ApplicationError` for what a retry may fix.
    """

    def __init__(self, page, base_url: str, login: str, password: str, evidence_dir: Path, *, timeout_s: float = 5.0):
        self.page = page
        self.timeout_s = timeout_s  # robots.yaml targets.<key>.timeout_seconds
        self.base_url = base_url.rstrip("/")
        self.login_name = login
        self.password = password
        self.evidence_dir = evidence_dir
        # Hooks the runner sets (all optional, so an adapter works without a runner):
        # ``verify(record)`` is called with what the system shows for the record before any change
        # and raises to stop; ``before_commit()`` just before the final button (登録) is pressed;
        # ``untraced()`` wraps steps that type a secret, so no trace or screenshot records them.
        self.verify: Callable[[dict[str, str]], None] | None = None
        self.before_commit: Callable[[], None] | None = None
        self.untraced: Callable[[], AbstractContextManager] = nullcontext

    @abstractmethod
    def ensure_logged_in(self) -> None:
        """Log in if the session is new or expired; reuse it otherwise."""

    @abstractmethod
    def find_keyed(self, reference: str) -> str | None:
        """The system's record id if an item with this 受付番号 was already keyed, else None."""

    def find_record(self, reference: str) -> KeyedRecord | None:
        """Like :meth:`find_keyed`, with what the record is about when the system shows it."""
        record_id = self.find_keyed(reference)
        return KeyedRecord(record_id) if record_id else None

    def register_record(self, locator: dict[str, str]) -> dict[str, str]:
        """Find a record read-only (no lock, no change) and return what the system shows for it,
        in the record keys of :mod:`daiko.robots.identity`. Raises BusinessError when there is
        no single such record."""
        raise NotImplementedError(f"{type(self).__name__} cannot look records up")

    def close(self) -> None:
        """End the session in the system (log out), so nothing recorded of it stays usable."""
        return None

    def receipt_for(self, reference: str, system_record_id: str) -> Path | None:
        """Re-print the 確認票 of an item found already keyed (resumed after a crash), if the
        system can; the evidence of every done item is then the same whatever happened."""
        return None

    @abstractmethod
    def deregister(self, item: Deregistration, *, dry_run: bool = False) -> KeyingResult:
        """Search, open, fill the 廃車登録 screen, confirm, and save the 確認票 (unless dry_run)."""

    @abstractmethod
    def export_extract(self, date_from: dt.date, date_to: dt.date) -> bytes:
        """The EUC extract (UTF-8 CSV) of what was keyed in the date range, for 突合."""

    @staticmethod
    @abstractmethod
    def parse_extract(data: bytes) -> list[dict[str, str]]:
        """The extract's rows in daiko's terms: keys as in :class:`Deregistration` (reference,
        plate, deregistered_on and declared_on as ISO dates, reason as a REASONS key), plus
        ``system_record_id``. The system's own notation stays in its adapter."""
