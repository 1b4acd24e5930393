"""Reading a mock's database from outside, as a test or a demo looks at a real system's tables.

Only reads, each on a connection of its own that is closed again at once: safe while the mock
runs, and nothing is left open when a test stops the mock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path


def connect(db_path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection whose rows read by column name. ``readonly`` opens the file read-only (and
    fails on a missing file rather than creating an empty database)."""
    if readonly:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    else:
        conn = sqlite3.connect(str(db_path), timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def query(db_path: Path | str, sql: str, args: Sequence = (), *, readonly: bool = False) -> list[sqlite3.Row]:
    """All rows of one query, on a connection opened and closed for it."""
    conn = connect(db_path, readonly=readonly)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def audit_rows(
    db_path: Path | str, action: str | None, *, json_columns: Iterable[str], readonly: bool = False
) -> list[dict]:
    """Every row of the ``audit`` table in order, ``json_columns`` decoded; ``action`` filters."""
    sql, args = "SELECT * FROM audit", ()
    if action:
        sql, args = sql + " WHERE action = ?", (action,)
    rows = [dict(r) for r in query(db_path, sql + " ORDER BY id", args, readonly=readonly)]
    for row in rows:
        for column in json_columns:
            row[column] = json.loads(row[column]) if row[column] else None
    return rows


def demo_password(db_path: Path | str, *, readonly: bool = False) -> str | None:
    """The demo password the mock generated and kept in ``demo_credentials``; None when it was
    given from outside (or the table does not exist yet)."""
    conn = connect(db_path, readonly=readonly)
    try:
        row = conn.execute("SELECT password FROM demo_credentials WHERE login = 'rpa01'").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row["password"] if row else None
