"""Opening the ledger: SQLite by default (WAL, so the console reads while a robot writes),
any SQLAlchemy URL (PostgreSQL) when several robot PCs share it. The schema is always
brought to the newest Alembic revision on open, so an upgraded daiko never meets an old file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from daiko.ledger.models import Audit, Event
from daiko.log import logger, mask

MIGRATIONS = Path(__file__).parent / "migrations"
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


def get_engine(url: str) -> Engine:
    """One engine per URL per process, migrated to head on first use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True)
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            _engines[url] = engine
        return engine


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
