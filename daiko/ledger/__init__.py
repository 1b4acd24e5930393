"""The ledger database: work items, runs, files, events, reviews and the audit trail."""

from daiko.ledger.db import Ledger, get_engine
from daiko.ledger.models import (
    Audit,
    Event,
    FieldReview,
    FileState,
    IntakeFile,
    ItemState,
    Lock,
    Run,
    WorkItem,
    utcnow,
)

__all__ = [
    "Audit",
    "Event",
    "FieldReview",
    "FileState",
    "IntakeFile",
    "ItemState",
    "Ledger",
    "Lock",
    "Run",
    "WorkItem",
    "get_engine",
    "utcnow",
]
