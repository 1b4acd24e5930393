"""What a robot does with its items, apart from the generic claim/retry/evidence loop.

A task turns a file into work items (a scan's pages through the form reader, a CSV's rows)
and an item into a call on its target system's adapter. The runner does the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ItemDraft:
    """One item read from a file, before it is a ledger row."""

    part: int  # page or row number, from 1
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    review_fields: list[str] = field(default_factory=list)
    reference: str | None = None
    form: str | None = None
    min_confidence: float | None = None
    page_image: str | None = None
    error: str | None = None  # Japanese reason: this part could not be read at all (or is refused)
    error_code: str | None = None  # why, for the ledger (default: unreadable)
    ocr_seconds: float = 0.0


class Task(ABC):
    """One kind of robot work, e.g. 廃車登録 into the 軽自動車税システム."""

    name: str
    adapter: str  # robots/adapters/<adapter>.py
    forms: tuple[str, ...] = ()
    # Proving the right record (daiko.robots.identity): form field → the key the adapter's record
    # uses for it; the fields that locate the record (never "confirmed" by the record they found);
    # the default of robots.yaml ``identity.must_match``.
    register_keys: dict[str, str] = {}
    locating_fields: frozenset[str] = frozenset()
    identity_fields: tuple[str, ...] = ()

    def identity_rule(self, robot: Any) -> Any:
        """robots.yaml ``identity`` with this task's defaults; ValueError names unknown fields."""
        from daiko.robots.identity import Rule

        check = robot.identity
        names = tuple(check.must_match if check.must_match is not None else self.identity_fields)
        unknown = [n for n in names if n not in self.register_keys]
        if unknown:
            known = "、".join(self.register_keys) or "なし"
            raise ValueError(
                f"robots.yaml の identity.must_match にある {'、'.join(unknown)} は、この業務で基幹システムの"
                f"登録内容と比べられる項目ではありません（比べられる項目: {known}）"
            )
        return Rule(
            must_match=names,
            min_present=check.min_present,
            partial_min_chars=check.partial_min_chars,
            confirm_from_register=check.confirm_from_register,
        )

    def locator(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        """What the adapter needs to find the item's record read-only (only accepted values)."""
        return {}

    def subject(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        """What a record keyed under this item's reference must be about (e.g. the vehicle)."""
        return {}

    @abstractmethod
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        """OCR every page of a scan into drafts (errors per page, never an exception)."""

    def read_csv(self, path: Path) -> list[ItemDraft]:
        raise NotImplementedError(f"{self.name} does not take CSV files")

    @abstractmethod
    def key(self, adapter: Any, fields: dict[str, dict[str, Any]], *, dry_run: bool) -> Any:
        """Key one item through the adapter; return the adapter's KeyingResult."""

    @abstractmethod
    def reference_of(self, fields: dict[str, dict[str, Any]]) -> str | None:
        """The item's unique reference in the target system (受付番号), for the never-twice check."""
