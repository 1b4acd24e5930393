"""The mock's own SQLite database: register, processing records, sessions, locks and audit.

Kept apart from daiko's ledger on purpose — it is the other vendor's database, and tests read
its ``audit`` table as the truth about what was really keyed.

Connections run in autocommit mode; every change that must be all-or-nothing goes through
:func:`transaction` (``BEGIN IMMEDIATE``), so a failure anywhere inside leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import unicodedata
from pathlib import Path

from daiko.mocks.common.db import hash_password, now_jst, transaction
from daiko.mocks.keitax import fakedata

# Demo accounts: two robot accounts and two staff, all with the one demo password.
USERS = [
    ("rpa01", "RPA専用01", "税務課（RPA）"),
    ("rpa02", "RPA専用02", "税務課（RPA）"),
    ("shokuin01", "山田　花子", "税務課 市民税担当"),
    ("shokuin02", "鈴木　一郎", "税務課 市民税担当"),
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    login TEXT PRIMARY KEY, display_name TEXT NOT NULL, section TEXT NOT NULL,
    salt BLOB NOT NULL, pw_hash BLOB NOT NULL
);
-- Only when the mock generated the demo password itself: how the operator learns it.
CREATE TABLE IF NOT EXISTS demo_credentials (login TEXT PRIMARY KEY, password TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vehicles (
    id INTEGER PRIMARY KEY, atena_no TEXT NOT NULL, kind TEXT NOT NULL, vclass TEXT NOT NULL,
    plate TEXT NOT NULL, plate_key TEXT NOT NULL, maker TEXT NOT NULL, model TEXT NOT NULL,
    chassis_no TEXT NOT NULL, chassis_key TEXT NOT NULL UNIQUE, registered_on TEXT NOT NULL,
    annual_tax INTEGER NOT NULL, status TEXT NOT NULL, deregistered_on TEXT, dereg_reason TEXT,
    owner_name TEXT NOT NULL, owner_kana TEXT NOT NULL, owner_zip TEXT NOT NULL,
    owner_address TEXT NOT NULL, owner_phone TEXT NOT NULL,
    updated_at TEXT, updated_by TEXT, version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS ix_vehicles_plate ON vehicles (plate_key);
CREATE INDEX IF NOT EXISTS ix_vehicles_kana ON vehicles (owner_kana);
CREATE TABLE IF NOT EXISTS processed (
    shori_no TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, vehicle_id INTEGER NOT NULL REFERENCES vehicles (id),
    plate TEXT NOT NULL, chassis_no TEXT NOT NULL, vclass TEXT NOT NULL, model TEXT NOT NULL,
    deregistered_on TEXT NOT NULL, reason TEXT NOT NULL, declared_on TEXT NOT NULL,
    processed_at TEXT NOT NULL, processed_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_processed_at ON processed (processed_at);
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, login TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL NOT NULL,
    state TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0, pending TEXT
);
CREATE TABLE IF NOT EXISTS locks (
    vehicle_id INTEGER PRIMARY KEY, sid TEXT NOT NULL, login TEXT NOT NULL, acquired_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, login TEXT, session TEXT, action TEXT NOT NULL,
    target TEXT, reference TEXT, before TEXT, after TEXT, remote TEXT
);
"""


def today_jst() -> dt.date:
    return now_jst().date()


def plate_key(text: str) -> str:
    """Match plates however they were typed: full/half width, spaces, any dash."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐－―ー・.")


def chassis_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐－―ー")


def connect(db_path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db_path), timeout=10, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: consistent after a crash, far fewer fsyncs
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else (value.isoformat() if value else None)


# --- setup ---------------------------------------------------------------------------------


def initialise(conn: sqlite3.Connection, *, seed: int, records: int) -> bool:
    """Create tables and, on an empty database, the seeded register. True when it seeded.

    An existing database is kept as it is (a restarted server must remember what was keyed);
    sessions and locks do not survive a restart, as on a real application server.
    """
    conn.executescript(SCHEMA)
    with transaction(conn):
        conn.execute("UPDATE sessions SET state = 'expired', pending = NULL WHERE state = 'active'")
        conn.execute("DELETE FROM locks")
        if conn.execute("SELECT COUNT(*) FROM vehicles").fetchone()[0]:
            return False
        register = fakedata.generate(seed, records, today_jst())
        conn.executemany(
            """INSERT INTO vehicles (id, atena_no, kind, vclass, plate, plate_key, maker, model, chassis_no, chassis_key,
                   registered_on, annual_tax, status, deregistered_on, dereg_reason, owner_name, owner_kana,
                   owner_zip, owner_address, owner_phone)
               VALUES (:id, :atena_no, :kind, :vclass, :plate, :plate_key, :maker, :model, :chassis_no, :chassis_key,
                   :registered_on, :annual_tax, :status, :deregistered_on, :dereg_reason, :owner_name, :owner_kana,
                   :owner_zip, :owner_address, :owner_phone)""",
            [
                {
                    **v,
                    "plate_key": plate_key(v["plate"]),
                    "chassis_key": chassis_key(v["chassis_no"]),
                    "registered_on": _iso(v["registered_on"]),
                    "deregistered_on": _iso(v["deregistered_on"]),
                }
                for v in register.vehicles
            ],
        )
        for row in register.processed:
            shori_no = _next_shori_no(conn, row["processed_at"])
            conn.execute(
                """INSERT INTO processed (shori_no, reference, vehicle_id, plate, chassis_no, vclass, model,
                       deregistered_on, reason, declared_on, processed_at, processed_by)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    shori_no, row["reference"], row["vehicle_id"], row["plate"], row["chassis_no"], row["vclass"],
                    row["model"], _iso(row["deregistered_on"]), row["reason"], _iso(row["declared_on"]),
                    _iso(row["processed_at"]), row["processed_by"],
                ),
            )  # fmt: skip
        conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("seed", str(seed)), ("records", str(records)), ("seeded_at", _iso(now_jst()))],
        )
        add_audit(
            conn, login="system", action="seed", target="vehicles",
            after={"seed": seed, "records": len(register.vehicles), "deregistered": len(register.processed)},
        )  # fmt: skip
    return True


def ensure_users(conn: sqlite3.Connection, password: str | None) -> str:
    """Create or update the demo accounts; return the demo password in force.

    With ``password`` (from ``DAIKO_KEITAX_PASSWORD``) every demo account gets it. Without one, a
    database that already has accounts keeps them; a new one gets a generated password, written
    to ``demo_credentials`` so the operator can read it (this is a demo system, not a vault).
    """
    with transaction(conn):
        have = {row["login"] for row in conn.execute("SELECT login FROM users")}
        stored = conn.execute("SELECT password FROM demo_credentials WHERE login = 'rpa01'").fetchone()
        if password is None and len(have) == len(USERS):
            return stored["password"] if stored else ""
        if password is None:
            password = stored["password"] if stored else secrets.token_urlsafe(9)
            conn.execute("DELETE FROM demo_credentials")
            conn.executemany(
                "INSERT INTO demo_credentials (login, password) VALUES (?, ?)", [(u[0], password) for u in USERS]
            )
        else:
            conn.execute("DELETE FROM demo_credentials")
        for login, name, section in USERS:
            salt = secrets.token_bytes(16)
            conn.execute(
                """INSERT INTO users (login, display_name, section, salt, pw_hash) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (login) DO UPDATE SET salt = excluded.salt, pw_hash = excluded.pw_hash""",
                (login, name, section, salt, hash_password(password, salt)),
            )
    return password


def check_password(conn: sqlite3.Connection, login: str, password: str) -> sqlite3.Row | None:
    row = conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()
    if row is None or not hmac.compare_digest(row["pw_hash"], hash_password(password, row["salt"])):
        return None
    return row


def get_user(conn: sqlite3.Connection, login: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()


# --- audit ---------------------------------------------------------------------------------


def session_tag(sid: str | None) -> str | None:
    """Audit rows name a session without storing its secret cookie value."""
    return hashlib.sha256(sid.encode()).hexdigest()[:12] if sid else None


def add_audit(
    conn: sqlite3.Connection,
    *,
    login: str | None,
    action: str,
    target: str | None = None,
    reference: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    sid: str | None = None,
    remote: str | None = None,
) -> None:
    conn.execute(
        """INSERT INTO audit (at, login, session, action, target, reference, before, after, remote)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            _iso(now_jst()), login, session_tag(sid), action, target, reference,
            json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
            json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
            remote,
        ),
    )  # fmt: skip


# --- sessions and locks ----------------------------------------------------------------------


def create_session(conn: sqlite3.Connection, login: str, *, remote: str | None, per_user: int = 1) -> str:
    """A new session for ``login``. A user may hold ``per_user`` sessions at once (0: any number);
    logging in beyond that kills the oldest (with one, the usual 二重ログイン禁止)."""
    sid = secrets.token_urlsafe(24)
    now = dt.datetime.now().timestamp()
    with transaction(conn):
        active = conn.execute(
            "SELECT sid FROM sessions WHERE login = ? AND state = 'active' ORDER BY created_at", (login,)
        ).fetchall()
        excess = max(0, len(active) - per_user + 1) if per_user > 0 else 0
        for old in active[:excess]:
            conn.execute("UPDATE sessions SET state = 'killed', pending = NULL WHERE sid = ?", (old["sid"],))
            conn.execute("DELETE FROM locks WHERE sid = ?", (old["sid"],))
            add_audit(conn, login=login, action="session_killed", target=f"session:{session_tag(old['sid'])}",
                      sid=old["sid"], remote=remote)  # fmt: skip
        conn.execute(
            "INSERT INTO sessions (sid, login, created_at, last_seen, state) VALUES (?, ?, ?, ?, 'active')",
            (sid, login, now, now),
        )
        add_audit(conn, login=login, action="login", sid=sid, remote=remote)
    return sid


def get_session(conn: sqlite3.Connection, sid: str | None) -> sqlite3.Row | None:
    if not sid:
        return None
    return conn.execute("SELECT * FROM sessions WHERE sid = ?", (sid,)).fetchone()


def end_session(conn: sqlite3.Connection, sid: str, state: str) -> None:
    """Mark a session expired/logged out and let go of whatever it had locked."""
    with transaction(conn):
        conn.execute("UPDATE sessions SET state = ?, pending = NULL WHERE sid = ?", (state, sid))
        conn.execute("DELETE FROM locks WHERE sid = ?", (sid,))


def touch_session(conn: sqlite3.Connection, sid: str) -> int:
    """Record one authenticated request; return how many the session has made."""
    now = dt.datetime.now().timestamp()
    conn.execute("UPDATE sessions SET last_seen = ?, requests = requests + 1 WHERE sid = ?", (now, sid))
    return conn.execute("SELECT requests FROM sessions WHERE sid = ?", (sid,)).fetchone()[0]


def set_pending(conn: sqlite3.Connection, sid: str, pending: dict | None) -> None:
    conn.execute(
        "UPDATE sessions SET pending = ? WHERE sid = ?",
        (json.dumps(pending, ensure_ascii=False) if pending else None, sid),
    )


def get_pending(session: sqlite3.Row) -> dict | None:
    return json.loads(session["pending"]) if session["pending"] else None


def acquire_lock(conn: sqlite3.Connection, vehicle_id: int, sid: str, login: str, lock_timeout: float) -> str | None:
    """Take the 更新ロック on a vehicle. Returns the holder's login when someone else has it.

    A lock whose session is gone or which is older than ``lock_timeout`` is stale and taken over,
    so a terminal that crashed mid-edit does not block the record forever.
    """
    now = dt.datetime.now().timestamp()
    with transaction(conn):
        row = conn.execute(
            """SELECT locks.*, sessions.state FROM locks LEFT JOIN sessions ON sessions.sid = locks.sid
               WHERE vehicle_id = ?""",
            (vehicle_id,),
        ).fetchone()
        if row and row["sid"] != sid and row["state"] == "active" and now - row["acquired_at"] < lock_timeout:
            return row["login"]
        conn.execute(
            "INSERT OR REPLACE INTO locks (vehicle_id, sid, login, acquired_at) VALUES (?, ?, ?, ?)",
            (vehicle_id, sid, login, now),
        )
    return None


def holds_lock(conn: sqlite3.Connection, vehicle_id: int, sid: str) -> bool:
    row = conn.execute("SELECT sid FROM locks WHERE vehicle_id = ?", (vehicle_id,)).fetchone()
    return row is not None and row["sid"] == sid


def release_lock(conn: sqlite3.Connection, vehicle_id: int, sid: str) -> None:
    conn.execute("DELETE FROM locks WHERE vehicle_id = ? AND sid = ?", (vehicle_id, sid))


# --- register ------------------------------------------------------------------------------


def search_vehicles(
    conn: sqlite3.Connection, *, plate: str = "", chassis: str = "", kana: str = "", limit: int = 50
) -> list[sqlite3.Row]:
    """Exact 標識番号 / 車台番号 (after normalising), 所有者カナ by prefix; all given must match."""
    where, args = [], []
    if plate:
        where.append("plate_key = ?")
        args.append(plate_key(plate))
    if chassis:
        where.append("chassis_key = ?")
        args.append(chassis_key(chassis))
    if kana:
        where.append("REPLACE(owner_kana, '　', '') LIKE ?")
        args.append(unicodedata.normalize("NFKC", kana).replace(" ", "").replace("　", "") + "%")
    sql = f"SELECT * FROM vehicles WHERE {' AND '.join(where)} ORDER BY status = '廃車済', id LIMIT ?"
    return conn.execute(sql, (*args, limit)).fetchall()


def get_vehicle(conn: sqlite3.Connection, vehicle_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM vehicles WHERE id = ?", (vehicle_id,)).fetchone()


def processed_by_reference(conn: sqlite3.Connection, reference: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM processed WHERE reference = ?", (reference,)).fetchone()


def processed_by_no(conn: sqlite3.Connection, shori_no: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM processed WHERE shori_no = ?", (shori_no,)).fetchone()


def processed_for_vehicle(conn: sqlite3.Connection, vehicle_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM processed WHERE vehicle_id = ? ORDER BY processed_at DESC LIMIT 1", (vehicle_id,)
    ).fetchone()


def processed_between(conn: sqlite3.Connection, first: dt.date, last: dt.date) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM processed WHERE processed_at >= ? AND processed_at < ? ORDER BY processed_at, shori_no",
        (first.isoformat(), (last + dt.timedelta(days=1)).isoformat()),
    ).fetchall()


def _next_shori_no(conn: sqlite3.Connection, when: dt.datetime) -> str:
    """処理番号: the year processed and a running number, e.g. 2025000123."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'shori_seq'").fetchone()
    seq = int(row["value"]) + 1 if row else 1
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('shori_seq', ?)", (str(seq),))
    return f"{when.year}{seq:06d}"


def deregister(
    conn: sqlite3.Connection,
    *,
    vehicle: sqlite3.Row,
    reference: str,
    deregistered_on: dt.date,
    reason: str,
    declared_on: dt.date,
    login: str,
    sid: str,
    remote: str | None,
) -> str:
    """Write one 廃車: the processing record, the vehicle's new state and the audit row.

    Runs inside the caller's transaction; returns the 処理番号.
    """
    now = now_jst()
    shori_no = _next_shori_no(conn, now)
    before = {k: vehicle[k] for k in ("status", "deregistered_on", "dereg_reason", "version")}
    conn.execute(
        """INSERT INTO processed (shori_no, reference, vehicle_id, plate, chassis_no, vclass, model,
               deregistered_on, reason, declared_on, processed_at, processed_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            shori_no, reference, vehicle["id"], vehicle["plate"], vehicle["chassis_no"], vehicle["vclass"],
            f"{vehicle['maker']} {vehicle['model']}", _iso(deregistered_on), reason, _iso(declared_on),
            _iso(now), login,
        ),
    )  # fmt: skip
    changed = conn.execute(
        """UPDATE vehicles SET status = '廃車済', deregistered_on = ?, dereg_reason = ?, updated_at = ?,
               updated_by = ?, version = version + 1
           WHERE id = ? AND status = '課税中' AND version = ?""",
        (_iso(deregistered_on), reason, _iso(now), login, vehicle["id"], vehicle["version"]),
    ).rowcount
    if changed != 1:
        raise RuntimeError("vehicle changed under the lock")  # cannot happen while locks hold; never half-write
    after = {
        "status": "廃車済",
        "deregistered_on": _iso(deregistered_on),
        "dereg_reason": reason,
        "version": vehicle["version"] + 1,
        "shori_no": shori_no,
        "declared_on": _iso(declared_on),
        "plate": vehicle["plate"],
        "chassis_no": vehicle["chassis_no"],
    }
    add_audit(
        conn, login=login, action="deregister", target=f"vehicle:{vehicle['id']}", reference=reference,
        before=before, after=after, sid=sid, remote=remote,
    )  # fmt: skip
    release_lock(conn, vehicle["id"], sid)
    return shori_no
