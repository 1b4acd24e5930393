"""What a robot does with its items, apart from the generic claim/retry/evidence loop.

A task turns a file into work items (a scan's pages through the form reader, a CSV's rows)
and an item into a call on its target system's adapter. The runner does the rest.

Tasks register themselves: a concrete subclass that sets ``name`` is found by that name
(robots.yaml's ``task:``) as soon as its module is imported, and :mod:`daiko.robots.tasks`
imports every module of the package. A new kind of work is a new module, never an edit of a list.

Two kinds of task:
- **keying** tasks (``needs_target = True``, the default) key items into a core system through
  an adapter; their robot names a ``target`` in robots.yaml;
- **local** tasks (``needs_target = False``) finish items inside daiko (e.g. アンケート集計: a
  response is stored and tallied); their robot has no ``target`` and the runner never opens a
  browser for them, it calls :meth:`Task.complete` per ready item instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from daiko.config import DaikoConfig, RobotConfig
    from daiko.ledger import Ledger, WorkItem


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
    # Why, as a stable code for the ledger (default: unreadable); for a page the reader's
    # PageError.kind (damaged, unreadable, blank_page, …): the runner reads a file again later
    # when a young file's every part is damaged.
    error_code: str | None = None
    ocr_seconds: float = 0.0


@dataclass
class Completion:
    """What a local task made of one ready item: its next state and the reason staff read."""

    state: str  # an ItemState: done, review (with review_fields) or rejected
    reason: str | None = None
    review_fields: list[str] = field(default_factory=list)
    fields: dict[str, dict[str, Any]] | None = None  # updated field specs, when the task changed any
    error_code: str | None = None


class Task(ABC):
    """One kind of robot work, e.g. 廃車登録 into the 軽自動車税システム."""

    name: ClassVar[str]
    adapter: ClassVar[str | None] = None  # robots/adapters/<adapter>.py, for keying tasks
    forms: ClassVar[tuple[str, ...]] = ()
    needs_target: ClassVar[bool] = True
    # An item's reference is the target system's idempotency key (受付番号): two items carrying one
    # are refused before keying. A task that judges its own duplicates (a survey booklet's pages
    # share their 整理番号) says False.
    unique_references: ClassVar[bool] = True
    title_ja: ClassVar[str] = ""  # what `daiko validate` and the docs call it
    document_ja: ClassVar[str] = "申告書"  # what staff call the paper, in reasons (申告書, 依頼書 …)
    # Proving the right record (daiko.robots.identity): form field → the key the adapter's record
    # uses for it; the fields that locate the record (confirmed by the record they found only where
    # a proving field vouches for it);
    # the default of robots.yaml ``identity.must_match``.
    # The form fields this task keys into its target system (None: every field). Only these are
    # sampled for 抜き取り確認: a value never keyed cannot be keyed wrong.
    keyed_fields: ClassVar[frozenset[str] | None] = None
    register_keys: ClassVar[dict[str, str]] = {}
    locating_fields: ClassVar[frozenset[str]] = frozenset()
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # Fields one record alone holds (a 車台番号): read surely and found exactly in the record an
    # unsure locating field found, they prove that record — and so the locating field's reading
    # (daiko.robots.register_check). None by default: a locating field is then never confirmed.
    proving_fields: ClassVar[frozenset[str]] = frozenset()

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

    registry: ClassVar[dict[str, type[Task]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if not isinstance(name, str):
            return  # an abstract helper class, or a subclass that keeps its parent's name
        known = Task.registry.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise TypeError(
                f"task name '{name}' is taken by {known.__module__}.{known.__qualname__}; "
                f"give {cls.__module__}.{cls.__qualname__} another name"
            )
        Task.registry[name] = cls

    # -- which robots it serves ------------------------------------------------------------------
    @classmethod
    def handles_form(cls, form: str | None) -> bool:
        """Whether a robot that names only ``form:`` (no ``task:``) means this task."""
        return form is not None and form in cls.forms

    @classmethod
    def for_robot(cls, robot: RobotConfig) -> Task:
        """The task instance one robot uses (a task needing the robot's settings overrides this)."""
        return cls()

    # -- reading -------------------------------------------------------------------------------
    @abstractmethod
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        """OCR every page of a scan into drafts (errors per page, never an exception)."""

    def read_csv(self, path: Path) -> list[ItemDraft]:
        raise NotImplementedError(f"{self.name} does not take CSV files")

    # -- keying tasks ----------------------------------------------------------------------------
    def key(self, adapter: Any, fields: dict[str, dict[str, Any]], *, dry_run: bool) -> Any:
        """Key one item through the adapter; return the adapter's KeyingResult."""
        raise NotImplementedError(f"{self.name} keys nothing into a target system")

    def reference_of(self, fields: dict[str, dict[str, Any]]) -> str | None:
        """The item's unique reference in the target system (受付番号), for the never-twice check."""
        return None

    # -- local tasks -----------------------------------------------------------------------------
    def complete(self, ledger: Ledger, item: WorkItem, session: Any) -> Completion:
        """Finish one claimed item inside daiko, writing what it produces with ``session`` (the
        same transaction that records the item's new state, so a kill never leaves half of it)."""
        raise NotImplementedError(f"{self.name} needs a target system to key into")

    def after_items(self, cfg: DaikoConfig, robot: RobotConfig, ledger: Ledger, *, changed: int) -> None:
        """Called once a run has finished its ready items (``changed`` of them); e.g. rewrite a tally."""
        return None
