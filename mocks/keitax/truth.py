"""Read the mock's database from outside, as a test or a demo script would look at the real
system's tables: what was really keyed (``audit``), and which vehicles exist to key.

Only reads, on a connection of its own; safe while the server runs.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from daiko.mocks.common import truth as common


@dataclass(frozen=True)
class Vehicle:
    """One register entry, with what a 廃車申告書 or a J-LIS 廃車情報 line would carry."""

    id: int
    plate: str
    chassis_no: str
    kind: str  # 原付 / 軽自動車
    vclass: str  # 第一種, 第二種, ミニカー, 軽四輪乗用, 軽四輪貨物, 軽二輪
    maker: str
    model: str
    registered_on: dt.date
    status: str  # 課税中 / 廃車済
    deregistered_on: dt.date | None
    owner_name: str
    owner_kana: str
    owner_address: str


def _rows(db_path: Path | str, sql: str, args: tuple | list = ()) -> list[sqlite3.Row]:
    return common.query(db_path, sql, args)


def _vehicle(row: sqlite3.Row) -> Vehicle:
    return Vehicle(
        id=row["id"],
        plate=row["plate"],
        chassis_no=row["chassis_no"],
        kind=row["kind"],
        vclass=row["vclass"],
        maker=row["maker"],
        model=row["model"],
        registered_on=dt.date.fromisoformat(row["registered_on"]),
        status=row["status"],
        deregistered_on=dt.date.fromisoformat(row["deregistered_on"]) if row["deregistered_on"] else None,
        owner_name=row["owner_name"],
        owner_kana=row["owner_kana"],
        owner_address=row["owner_address"],
    )


def audit_rows(db_path: Path | str, action: str | None = None) -> list[dict]:
    """Every audit row in order (``before``/``after`` decoded); ``action`` filters, e.g. 'deregister'.

    Actions: seed, login, login_failed, logout, session_killed, session_expired, deregister, extract.
    """
    return common.audit_rows(db_path, action, json_columns=("before", "after"))


audit = audit_rows  # the shorter name, for readers of the brief


def session_rows(db_path: Path | str) -> list[dict]:
    """Every session the system ever opened: who, when it began, its last request, how it ended."""
    sql = "SELECT login, created_at, last_seen, state, requests FROM sessions ORDER BY created_at"
    return [dict(r) for r in _rows(db_path, sql)]


def processed_rows(db_path: Path | str) -> list[dict]:
    """The 処理 table (one row per 廃車 keyed, seeded ones included), oldest first."""
    return [dict(r) for r in _rows(db_path, "SELECT * FROM processed ORDER BY processed_at, shori_no")]


def find_vehicle(db_path: Path | str, *, plate: str | None = None, vehicle_id: int | None = None) -> Vehicle | None:
    """By id, or the current (課税中 first) vehicle holding a plate, typed exactly as stored."""
    if vehicle_id is not None:
        rows = _rows(db_path, "SELECT * FROM vehicles WHERE id = ?", (vehicle_id,))
    else:
        rows = _rows(
            db_path, "SELECT * FROM vehicles WHERE plate = ? ORDER BY status = '廃車済', id DESC LIMIT 1", (plate,)
        )
    return _vehicle(rows[0]) if rows else None


def sample_vehicles(
    db_path: Path | str,
    n: int = 10,
    *,
    status: str = "課税中",
    seed: int = 0,
    kind: str | None = None,
    unique_plate: bool = False,
) -> list[Vehicle]:
    """``n`` vehicles picked reproducibly (same seed, same database → same vehicles).

    ``unique_plate`` leaves out plates that were re-issued (searching those lists two vehicles).
    """
    sql = "SELECT * FROM vehicles v WHERE status = ?"
    args: list = [status]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    if unique_plate:
        sql += " AND (SELECT COUNT(*) FROM vehicles w WHERE w.plate_key = v.plate_key) = 1"
    rows = _rows(db_path, sql + " ORDER BY id", args)
    picked = random.Random(f"keitax-sample:{seed}").sample(rows, min(n, len(rows)))
    return [_vehicle(r) for r in picked]


def reissued_plates(db_path: Path | str) -> list[str]:
    """Plates held by more than one vehicle (one of them 廃車済) — the search lists both."""
    rows = _rows(
        db_path, "SELECT MIN(plate) AS plate FROM vehicles GROUP BY plate_key HAVING COUNT(*) > 1 ORDER BY MIN(id)"
    )
    return [r["plate"] for r in rows]


def demo_password(db_path: Path | str) -> str | None:
    """The generated demo password, when the mock made one up (no ``DAIKO_KEITAX_PASSWORD`` given)."""
    return common.demo_password(db_path)
