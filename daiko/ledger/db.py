"""Opening the ledger: SQLite by default (WAL, so the console reads while a robot writes),
PostgreSQL (``postgresql+psycopg://…``) when several robot PCs share it. The schema is always
brought to the newest Alembic revision on open, so an upgraded daiko never meets an old file;
on PostgreSQL the upgrade runs under an advisory lock, so robot PCs starting together do not
race each other's ``CREATE TABLE``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from daiko.ledger.models import Audit, Event
from daiko.log import logger, mask

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x6461696B6F  # pg_advisory lock key for schema upgrades ("daiko")
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class LedgerTooNew(RuntimeError):
    """The ledger was upgraded by a newer daiko than this one."""


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: say nothing that might be a secret
        return "(ledger_url)"


def create_ledger_engine(url: str) -> Engine:
    """An engine with daiko's settings for the backend, not migrated (see :func:`upgrade`)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(conn: Connection, url: str) -> None:
    """Bring the schema to head inside ``conn``'s transaction (one host at a time on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, "head")
    except CommandError as exc:
        current = MigrationContext.configure(conn).get_current_revision()
        raise LedgerTooNew(
            f"the ledger {display_url(url)} is at schema revision {current}, which this daiko does not know "
            f"(newest here: {head_revision()}): another PC runs a newer daiko; update this one ({exc})"
        ) from None


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    """The ledger's schema revision (None: empty database), read without changing anything."""
    engine = create_ledger_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade_database(url: str) -> tuple[str | None, str | None]:
    """``daiko db upgrade``: migrate ``url`` to head; returns (revision before, revision after)."""
    before = current_revision(url)
    engine = create_ledger_engine(url)
    try:
        with engine.begin() as conn:
            upgrade(conn, url)
    finally:
        engine.dispose()
    return before, current_revision(url)


def get_engine(url: str) -> Engine:
    """One engine per URL per process, migrated to head on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_ledger_engine(url)
            try:
                with engine.begin() as conn:
                    upgrade(conn, url)
            except BaseException:
                engine.dispose()
                raise
            _engines[url] = engine
        return engine


def dispose(url: str) -> None:
    """Close this process's connections to ``url`` and forget its engine (a throw-away database
    is about to be dropped, or a long-lived process switches ledgers)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


class Ledger:
    """A handle on the ledger database: sessions, events and the audit trail."""

    def __init__(self, url: str):
        self.url = url
        self.engine = get_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    def event(
        self,
        kind: str,
        message: str,
        *,
        level: str = "INFO",
        robot_id: str | None = None,
        run_id: int | None = None,
        item_id: int | None = None,
        session: Session | None = None,
        **data: Any,
    ) -> None:
        """Record an event (masked like a log line) and log it."""
        row = Event(
            kind=kind,
            level=level,
            robot_id=robot_id,
            run_id=run_id,
            item_id=item_id,
            message=mask(message),
            data={k: mask(str(v)) if isinstance(v, str) else v for k, v in data.items()},
        )
        logger.bind(kind=kind, robot=robot_id, item=item_id).log(level, message)
        if session is not None:
            session.add(row)
        else:
            with self.session() as s:
                s.add(row)

    def audit(
        self,
        actor: str,
        action: str,
        target: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        detail: str | None = None,
        session: Session | None = None,
    ) -> None:
        row = Audit(actor=actor, action=action, target=target, before=before, after=after, detail=detail)
        if session is not None:
            session.add(row)
        else:
            with self.session() as s:
                s.add(row)
