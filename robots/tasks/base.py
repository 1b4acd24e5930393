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
    error: str | None = None  # Japanese reason: this part could not be read at all
    # Why, as a stable code (the reader's PageError.kind: damaged, unreadable, blank_page, …);
    # the runner reads a file again later when a young file's every part is damaged.
    error_kind: str | None = None
    ocr_seconds: float = 0.0


class Task(ABC):
    """One kind of robot work, e.g. 廃車登録 into the 軽自動車税システム."""

    name: str
    adapter: str  # robots/adapters/<adapter>.py
    forms: tuple[str, ...] = ()

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
