"""The ledger database: work items, runs, files, events, reviews and the audit trail."""

from daiko.ledger.db import Ledger, get_engine
from daiko.ledger.models import (
    Audit,
    Event,
    FieldReview,
    FileState,
    Host,
    IntakeFile,
    ItemState,
    Lock,
    RobotControl,
    Run,
    RunRequest,
    ScheduleJob,
    WorkItem,
    utcnow,
)

__all__ = [
    "Audit",
    "Event",
    "FieldReview",
    "FileState",
    "Host",
    "IntakeFile",
    "ItemState",
    "Ledger",
    "Lock",
    "RobotControl",
    "Run",
    "RunRequest",
    "ScheduleJob",
    "WorkItem",
    "get_engine",
    "utcnow",
]
