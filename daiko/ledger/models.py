"""The ledger's tables: the only place work state lives.

Nothing that matters is kept in one process's memory: a robot PC can be killed at any
moment, and later several PCs share one database (PostgreSQL), so every claim, every
attempt and every move of a file is a row here first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on every backend: SQLite hands back naive values otherwise."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class FileState:
    """Where a dropped file is: one visible folder per state."""

    PROCESSING = "processing"
    DONE = "done"
    REVIEW = "review"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    FINAL = (DONE, FAILED, DUPLICATE)


class ItemState:
    NEW = "new"  # registered from a file, not read yet
    REVIEW = "review"  # fields wait for a person in the console
    READY = "ready"  # all fields accepted, waits for its robot
    CLAIMED = "claimed"  # a robot holds it (lease), keying may be under way
    DONE = "done"
    FAILED = "failed"  # business exception, or application errors past max attempts
    REJECTED = "rejected"  # a person rejected it in review
    # 結果不明: the robot pressed 登録 and could not learn whether the system saved it, nor ask
    # it afterwards. Nothing re-keys it automatically; a person checks the system and resolves it.
    UNKNOWN = "unknown"
    FINAL = (DONE, FAILED, REJECTED)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    robot_id: Mapped[str] = mapped_column(String(32), index=True)
    trigger: Mapped[str] = mapped_column(String(16))  # schedule / manual / demo / watch
    mode: Mapped[str] = mapped_column(String(8))  # live / trial
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running/finished/failed/interrupted
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    done: Mapped[int] = mapped_column(Integer, default=0)
    review: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    # Updated while the run is alive; a run still "running" whose heartbeat went stale (or whose
    # process on this host is gone) was killed, and is marked interrupted (中断).
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class IntakeFile(Base):
    """One file a person dropped into an inbox, and the one place it ended up."""

    __tablename__ = "intake_files"
    __table_args__ = (UniqueConstraint("robot_id", "sha256", name="uq_intake_robot_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    robot_id: Mapped[str] = mapped_column(String(32), index=True)
    section: Mapped[str | None] = mapped_column(String(64))  # 課 sub-folder it came from, if any
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    current_path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))  # scan / csv
    state: Mapped[str] = mapped_column(String(16), default=FileState.PROCESSING, index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # Japanese, for staff
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Where the file still is while a move recorded here is under way (see robots/intake.py).
    moving_from: Mapped[str | None] = mapped_column(Text)
    # A file unreadable while still young (being written) is read again after this moment.
    retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # retention deleted the scan

    items: Mapped[list[WorkItem]] = relationship(back_populates="file")


class WorkItem(Base):
    """One thing to key: a page of a scan, or a row of a CSV."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("file_id", "part", name="uq_item_file_part"),
        Index("ix_items_robot_state", "robot_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    robot_id: Mapped[str] = mapped_column(String(32))
    section: Mapped[str | None] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_files.id"))
    part: Mapped[int] = mapped_column(Integer, default=1)  # page number or CSV row number
    form: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(64), index=True)  # 受付番号
    state: Mapped[str] = mapped_column(String(16), default=ItemState.NEW)
    # Field results: {name: {value, raw, confidence, decision, reason, label}}; never マイナンバー.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    min_confidence: Mapped[float | None] = mapped_column(Float)
    review_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)  # names a person must check
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(96))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # Japanese, for staff
    error_code: Mapped[str | None] = mapped_column(String(32))
    page_image: Mapped[str | None] = mapped_column(Text)  # PNG of the page as read, for the review screen
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)  # paths: receipt PDF, screenshot, trace
    system_record_id: Mapped[str | None] = mapped_column(String(64))  # the target system's 処理番号
    ocr_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    keying_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    review_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # measured in the console
    handled_manually: Mapped[bool] = mapped_column(default=False)  # staff keyed it by hand after failure
    # What the system showed for the vehicle beside what the declaration says, field by field
    # ({"fields": [{name, label, declared, register, agree, ...}], "verdict": ...}), for staff.
    identity: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set just before the robot presses the system's final button (登録): from then on the item
    # may be in the system, so it is never declared failed without asking the system first.
    commit_pressed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    file: Mapped[IntakeFile] = relationship(back_populates="items")


class FieldReview(Base):
    """A person's check of one field: before/after and the seconds it took (the report uses them)."""

    __tablename__ = "field_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    reviewer: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Event(Base):
    """What happened, for the dashboard and for people reading history (masked like logs)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # e.g. item_done, retry, missed_run
    level: Mapped[str] = mapped_column(String(8), default="INFO")
    robot_id: Mapped[str | None] = mapped_column(String(32))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Audit(Base):
    """Who did what, when (内部監査): reviews, rejections, config changes (by hash), user admin."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # user name, or robot:<id>, or system
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)


class Lock(Base):
    """A named lease (e.g. one robot at a time per target system), shared by every process and PC."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(96), primary_key=True)
    holder: Mapped[str] = mapped_column(String(96))
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Host(Base):
    """A robot PC running ``daiko schedule``: who it is, what it serves, when it last spoke.

    Every service writes its row at start and on each heartbeat. A host whose heartbeat is older
    than :data:`SILENT_BEATS` of its own intervals is *silent* (dead, frozen or cut off): other
    hosts release what it held so its work is finished elsewhere, and the dashboard says so.
    """

    __tablename__ = "hosts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="running")  # running / stopped / silent
    robots: Mapped[list[Any]] = mapped_column(JSON, default=list)  # robot ids this host serves
    heartbeat_seconds: Mapped[float] = mapped_column(Float)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # when others took its work over


class ScheduleJob(Base):
    """APScheduler 3's job store rows (its own column layout), one set per host.

    APScheduler cannot share one job store between schedulers, so each host reads and writes
    only the rows with its name (``daiko.schedules.jobstore.HostJobStore``). The table is
    created here, by Alembic, like every other ledger table.
    """

    __tablename__ = "schedule_jobs"

    host: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


class RobotControl(Base):
    """What an admin set for a robot from the console, for every PC: its automatic starts paused.

    The schedule service (a separate process, perhaps on several PCs) reads this row before it
    starts a run, so a pause holds on every PC and survives restarts; nothing lives only in one
    process's memory.
    """

    __tablename__ = "robot_controls"

    robot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    paused: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class RunRequest(Base):
    """「今すぐ実行」 asked in the console: the first service heartbeat that serves the robot takes it
    (a conditional UPDATE, so exactly one PC) and starts the run with trigger ``console``."""

    __tablename__ = "run_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    robot_id: Mapped[str] = mapped_column(String(32), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    taken_by: Mapped[str | None] = mapped_column(String(96))  # host:pid of the service that started it
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
