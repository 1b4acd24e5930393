"""Read the client's database from outside, as a test or a demo looks at the real system's
tables: what was really registered (``audit``, ``accounts``), and which taxpayers exist.

Only reads, on a connection of its own; safe while the client runs.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from daiko.mocks.common import truth as common


@dataclass(frozen=True)
class Person:
    """One 宛名 of the register, with what a 口座振替依頼書 would carry about them."""

    atena_no: str
    name: str
    kana: str
    postal: str
    address: str
    has_account: bool


def _rows(db_path: Path | str, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    return common.query(db_path, sql, args, readonly=True)


def _person(row: sqlite3.Row) -> Person:
    return Person(row["atena_no"], row["name"], row["kana"], row["postal"], row["address"], bool(row["has_account"]))


def audit_rows(db_path: Path | str, action: str | None = None) -> list[dict]:
    """Every audit row in order (``detail`` decoded); ``action`` filters, e.g. 'register'.

    Actions: seed, login, login_failed, logout, search, register, system_error, extract.
    """
    return common.audit_rows(db_path, action, json_columns=("detail",), readonly=True)


def registrations(db_path: Path | str, reference: str) -> list[dict]:
    """The 'register' audit rows of one 受付番号: exactly one when it was keyed once."""
    return [r for r in audit_rows(db_path, "register") if r["reference"] == reference]


def account(db_path: Path | str, atena_no: str) -> dict | None:
    rows = _rows(db_path, "SELECT * FROM accounts WHERE atena_no = ?", (atena_no,))
    return dict(rows[0]) if rows else None


def people(db_path: Path | str, n: int = 10, *, has_account: bool = False, seed: int = 0,
           unique_name: bool = True) -> list[Person]:  # fmt: skip
    """``n`` taxpayers picked reproducibly. ``unique_name``: nobody else in the register has the
    same 氏名 (a name search lists one row); False picks among everyone."""
    sql = (
        "SELECT t.*, a.shori_no IS NOT NULL AS has_account FROM taxpayers t"
        " LEFT JOIN accounts a ON a.atena_no = t.atena_no WHERE (a.shori_no IS NOT NULL) = ?"
    )
    if unique_name:
        sql += " AND (SELECT COUNT(*) FROM taxpayers u WHERE u.name_key = t.name_key) = 1"
    rows = _rows(db_path, sql + " ORDER BY t.atena_no", (1 if has_account else 0,))
    picked = random.Random(f"shuno-people:{seed}").sample(rows, min(n, len(rows)))
    return [_person(r) for r in picked]


def namesakes(db_path: Path | str) -> list[list[Person]]:
    """Groups of taxpayers sharing one 氏名 (同姓同名), for identity tests."""
    rows = _rows(
        db_path,
        "SELECT t.*, a.shori_no IS NOT NULL AS has_account FROM taxpayers t"
        " LEFT JOIN accounts a ON a.atena_no = t.atena_no"
        " WHERE t.name_key IN (SELECT name_key FROM taxpayers GROUP BY name_key HAVING COUNT(*) > 1)"
        " ORDER BY t.name_key, t.atena_no",
    )
    groups: dict[str, list[Person]] = {}
    for r in rows:
        groups.setdefault(r["name_key"], []).append(_person(r))
    return list(groups.values())


def demo_password(db_path: Path | str) -> str | None:
    """The generated demo password, when the client made one up (no ``SHUNO_PASSWORD`` given)."""
    return common.demo_password(db_path, readonly=True)
