"""What every mock's own SQLite database needs: the city hall's clock, all-or-nothing changes,
and password hashes for the demo accounts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

JST = dt.timezone(dt.timedelta(hours=9), "JST")
PBKDF2_ROUNDS = 20_000  # a mock: slow enough to be a real hash, fast enough for many test logins


def now_jst() -> dt.datetime:
    """The mocks run on Japanese time whatever the host's zone, like the city hall's servers and
    terminals (naive, to the second, as such systems store it)."""
    return dt.datetime.now(JST).replace(tzinfo=None, microsecond=0)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing on an autocommit connection: ``BEGIN IMMEDIATE``, commit when the block
    ends normally, roll back on any exception (a SIGKILL mid-way leaves nothing either)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
