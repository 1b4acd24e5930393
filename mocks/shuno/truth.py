"""Read the client's database from outside, as a test or a demo looks at the real system's
tables: what was really registered (``audit``, ``accounts``), and which taxpayers exist.

Only reads, on a connection of its own; safe while the client runs.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Person:
    """One 宛名 of the register, with what a 口座振替依頼書 would carry about them."""

    atena_no: str
    name: str
    kana: str
    postal: str
    address: str
    has_account: bool


def _connect(db_path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def audit_rows(db_path: Path | str, action: str | None = None) -> list[dict]:
    """Every audit row in order (``detail`` decoded); ``action`` filters, e.g. 'register'.

    Actions: seed, login, login_failed, logout, search, register, system_error, extract.
    """
    conn = _connect(db_path)
    try:
        sql, args = "SELECT * FROM audit", ()
        if action:
            sql, args = sql + " WHERE action = ?", (action,)
        rows = [dict(r) for r in conn.execute(sql + " ORDER BY id", args)]
    finally:
        conn.close()
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
    return rows


def registrations(db_path: Path | str, reference: str) -> list[dict]:
    """The 'register' audit rows of one 受付番号: exactly one when it was keyed once."""
    return [r for r in audit_rows(db_path, "register") if r["reference"] == reference]


def account(db_path: Path | str, atena_no: str) -> dict | None:
    conn = _connect(db_path)
    try:
        row = conn.execute("SELECT * FROM accounts WHERE atena_no = ?", (atena_no,)).fetchone()
    finally:
        conn.close()
    return dict(row) if row else None


def people(db_path: Path | str, n: int = 10, *, has_account: bool = False, seed: int = 0,
           unique_name: bool = True) -> list[Person]:  # fmt: skip
    """``n`` taxpayers picked reproducibly. ``unique_name``: nobody else in the register has the
    same 氏名 (a name search lists one row); False picks among everyone."""
    conn = _connect(db_path)
    try:
        sql = (
            "SELECT t.*, a.shori_no IS NOT NULL AS has_account FROM taxpayers t"
            " LEFT JOIN accounts a ON a.atena_no = t.atena_no WHERE (a.shori_no IS NOT NULL) = ?"
        )
        if unique_name:
            sql += " AND (SELECT COUNT(*) FROM taxpayers u WHERE u.name_key = t.name_key) = 1"
        rows = conn.execute(sql + " ORDER BY t.atena_no", (1 if has_account else 0,)).fetchall()
    finally:
        conn.close()
    picked = random.Random(f"shuno-people:{seed}").sample(rows, min(n, len(rows)))
    return [
        Person(r["atena_no"], r["name"], r["kana"], r["postal"], r["address"], bool(r["has_account"])) for r in picked
    ]


def namesakes(db_path: Path | str) -> list[list[Person]]:
    """Groups of taxpayers sharing one 氏名 (同姓同名), for identity tests."""
    conn = _connect(db_path)
    try:
        rows = conn.execute(
            "SELECT t.*, a.shori_no IS NOT NULL AS has_account FROM taxpayers t"
            " LEFT JOIN accounts a ON a.atena_no = t.atena_no"
            " WHERE t.name_key IN (SELECT name_key FROM taxpayers GROUP BY name_key HAVING COUNT(*) > 1)"
            " ORDER BY t.name_key, t.atena_no"
        ).fetchall()
    finally:
        conn.close()
    groups: dict[str, list[Person]] = {}
    for r in rows:
        groups.setdefault(r["name_key"], []).append(
            Person(r["atena_no"], r["name"], r["kana"], r["postal"], r["address"], bool(r["has_account"]))
        )
    return list(groups.values())


def demo_password(db_path: Path | str) -> str | None:
    """The generated demo password, when the client made one up (no ``SHUNO_PASSWORD`` given)."""
    conn = _connect(db_path)
    try:
        row = conn.execute("SELECT password FROM demo_credentials WHERE login = 'rpa01'").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row["password"] if row else None
