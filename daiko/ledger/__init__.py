"""The ledger database: work items, runs, files, events, reviews and the audit trail."""

from daiko.ledger.db import Ledger, get_engine
from daiko.ledger.models import (
    Audit,
    AuditCheck,
    AuditSample,
    AuditSeed,
    Correction,
    Event,
    FieldReview,
    FileState,
    Host,
    IntakeFile,
    ItemState,
    Lock,
    Run,
    ScheduleJob,
    ThresholdOverride,
    WorkItem,
    utcnow,
)

__all__ = [
    "Audit",
    "AuditCheck",
    "AuditSample",
    "AuditSeed",
    "Correction",
    "Event",
    "FieldReview",
    "FileState",
    "Host",
    "IntakeFile",
    "ItemState",
    "Ledger",
    "Lock",
    "Run",
    "ScheduleJob",
    "ThresholdOverride",
    "WorkItem",
    "get_engine",
    "utcnow",
]
