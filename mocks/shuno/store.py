"""The client's own SQLite database: 宛名 register, accounts, users and the audit trail.

Kept apart from daiko's ledger on purpose — it is the other vendor's database, and tests read
its ``audit`` table as the truth about what was really registered. Every change that must be
all-or-nothing runs inside ``BEGIN IMMEDIATE`` … ``COMMIT``: a SIGKILL mid-way leaves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hmac
import io
import json
import re
import secrets
import sqlite3
import unicodedata
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from daiko.mocks.common.db import hash_password, now_jst, transaction
from daiko.mocks.shuno import fakedata
from daiko.mocks.shuno import messages as msg

USERS = [("rpa01", "RPA専用01"), ("rpa02", "RPA専用02"), ("shokuin01", "山田　花子")]
TAX_LABELS = {
    "shikenmin": "市県民税（普通徴収）",
    "kotei": "固定資産税・都市計画税",
    "keijidosha": "軽自動車税（種別割）",
    "kokuho": "国民健康保険税",
}
DEPOSIT_LABELS = {"1": "普通", "2": "当座"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (login TEXT PRIMARY KEY, display_name TEXT NOT NULL, salt BLOB NOT NULL, pw_hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS demo_credentials (login TEXT PRIMARY KEY, password TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS taxpayers (
    atena_no TEXT PRIMARY KEY, name TEXT NOT NULL, kana TEXT NOT NULL, birth TEXT NOT NULL,
    postal TEXT NOT NULL, address TEXT NOT NULL, name_key TEXT NOT NULL, address_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_taxpayers_name ON taxpayers (name_key);
CREATE TABLE IF NOT EXISTS accounts (
    shori_no TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, atena_no TEXT NOT NULL UNIQUE REFERENCES taxpayers,
    bank_code TEXT NOT NULL, bank_name TEXT NOT NULL, branch_code TEXT NOT NULL, branch_name TEXT NOT NULL,
    deposit_type TEXT NOT NULL, account_no TEXT NOT NULL, holder_kana TEXT NOT NULL, taxes TEXT NOT NULL,
    start_month TEXT NOT NULL, registered_at TEXT NOT NULL, registered_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, login TEXT, action TEXT NOT NULL,
    target TEXT, reference TEXT, detail TEXT
);
"""


def name_key(text: str) -> str:
    """Names compared as staff search them: widths and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def address_key(text: str) -> str:
    """Addresses compared loosely: 埼玉県/大字 optional, 番地・番・号 and dashes the same, buildings kept."""
    text = name_key(text)
    text = re.sub(r"^埼玉県", "", text)
    text = text.replace("大字", "")
    text = re.sub(r"(\d)(?:丁目|番地の|番地|番|の|号|[-‐－―ー−])(?=\d)", r"\1-", text)
    text = re.sub(r"(\d)(?:番地|番|号)", r"\1", text)
    return text


@functools.cache
def _zengin():
    import zengin_code  # the 全銀 bank master, shipped with the package: no network

    return zengin_code.Bank.all


def bank_master(code: str, branch: str | None = None) -> tuple[str | None, str | None]:
    """(金融機関名, 支店名) from the 全銀 master; None for what does not exist."""
    bank = _zengin().get(code)
    if bank is None:
        return None, None
    name = bank.name
    if branch is None:
        return name, None
    found = bank.branches.get(branch)
    return name, (found.name if found else None)


@dataclass(frozen=True)
class Row:
    atena_no: str
    name: str
    kana: str
    birth: str
    address: str
    has_account: bool


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)

    # ---- set-up --------------------------------------------------------------------------------

    def seed(self, seed: int, records: int, password: str | None) -> str | None:
        """Fill an empty database once; returns the generated demo password (None if given/kept)."""
        if self.conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone():
            if password is not None:
                self._set_passwords(password)
            return None
        taxpayers, accounts = fakedata.generate(seed, records, now_jst().date())
        generated = None
        if password is None:
            generated = password = secrets.token_urlsafe(9)
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO taxpayers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (t.atena_no, t.name, t.kana, t.birth.isoformat(), t.postal, t.address, name_key(t.name),
                     address_key(t.address))
                    for t in taxpayers
                ],
            )  # fmt: skip
            for n, a in enumerate(accounts, start=1):
                conn.execute(
                    "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (f"SN{n:08d}", a.reference, a.atena_no, a.bank_code, a.bank_name, a.branch_code, a.branch_name,
                     a.deposit_type, a.account_no, a.holder_kana, ",".join(a.taxes), a.start_month,
                     a.registered_at.isoformat(sep=" "), "shokuin01"),
                )  # fmt: skip
            conn.execute("INSERT INTO meta VALUES ('seeded', ?)", (json.dumps({"seed": seed, "records": records}),))
            if generated:
                conn.executemany("INSERT INTO demo_credentials VALUES (?, ?)", [(u, generated) for u, _ in USERS])
            self._audit(conn, None, "seed", None, None, {"taxpayers": len(taxpayers), "accounts": len(accounts)})
        self._set_passwords(password)
        return generated

    def _set_passwords(self, password: str) -> None:
        with self.transaction() as conn:
            for login, display in USERS:
                salt = secrets.token_bytes(16)
                conn.execute(
                    "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                    (login, display, salt, hash_password(password, salt)),
                )

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.conn)

    @staticmethod
    def _audit(conn, login, action, target, reference, detail) -> None:
        conn.execute(
            "INSERT INTO audit (at, login, action, target, reference, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (now_jst().isoformat(sep=" "), login, action, target, reference,
             json.dumps(detail, ensure_ascii=False) if detail is not None else None),
        )  # fmt: skip

    def audit(self, login: str | None, action: str, target: str | None = None, reference: str | None = None,
              detail: dict | None = None) -> None:  # fmt: skip
        with self.transaction() as conn:
            self._audit(conn, login, action, target, reference, detail)

    # ---- queries -------------------------------------------------------------------------------

    def check_login(self, login: str, password: str) -> str | None:
        """The user's display name when ID and password are right, else None."""
        row = self.conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()
        if row is None:
            hash_password(password, b"0" * 16)  # same time either way
            return None
        if not hmac.compare_digest(hash_password(password, row["salt"]), row["pw_hash"]):
            return None
        return row["display_name"]

    def search(self, atena_no: str = "", name: str = "", address: str = "", limit: int = 100) -> list[Row]:
        """宛名検索: by 宛名番号 exactly, or by 氏名 (spaces ignored) and optionally part of the address."""
        sql = (
            "SELECT t.*, a.shori_no IS NOT NULL AS has_account FROM taxpayers t "
            "LEFT JOIN accounts a ON a.atena_no = t.atena_no WHERE 1=1"
        )
        args: list = []
        if atena_no:
            sql += " AND t.atena_no = ?"
            args.append(atena_no.strip())
        if name:
            sql += " AND t.name_key = ?"
            args.append(name_key(name))
        if address:
            sql += " AND instr(t.address_key, ?) > 0"
            args.append(address_key(address))
        rows = self.conn.execute(sql + " ORDER BY t.atena_no LIMIT ?", [*args, limit]).fetchall()
        return [
            Row(r["atena_no"], r["name"], r["kana"], r["birth"], r["address"], bool(r["has_account"])) for r in rows
        ]

    def taxpayer(self, atena_no: str) -> Row | None:
        rows = self.search(atena_no=atena_no)
        return rows[0] if rows else None

    def account_of(self, atena_no: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM accounts WHERE atena_no = ?", (atena_no,)).fetchone()
        return dict(row) if row else None

    def by_reference(self, reference: str) -> dict | None:
        row = self.conn.execute(
            "SELECT a.*, t.name FROM accounts a JOIN taxpayers t USING (atena_no) WHERE a.reference = ?",
            (reference.strip(),),
        ).fetchone()
        return dict(row) if row else None

    # ---- the one change ------------------------------------------------------------------------

    def register(self, login: str, values: dict[str, str]) -> str:
        """Save one account (values already checked by the screen); returns the 処理番号.

        Raises ValueError with the screen's message when the taxpayer has an account already or
        the 受付番号 was used, checked inside the transaction.
        """
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE atena_no = ?", (values["atena_no"],)).fetchone():
                raise ValueError(msg.ALREADY_REGISTERED)
            if conn.execute("SELECT 1 FROM accounts WHERE reference = ?", (values["reference"],)).fetchone():
                raise ValueError(msg.REFERENCE_USED)
            (last,) = conn.execute("SELECT COALESCE(MAX(shori_no), 'SN00000000') FROM accounts").fetchone()
            shori_no = f"SN{int(last[2:]) + 1:08d}"
            row = {
                **values,
                "shori_no": shori_no,
                "registered_at": now_jst().isoformat(sep=" "),
                "registered_by": login,
            }
            conn.execute(
                "INSERT INTO accounts (shori_no, reference, atena_no, bank_code, bank_name, branch_code, branch_name,"
                " deposit_type, account_no, holder_kana, taxes, start_month, registered_at, registered_by)"
                " VALUES (:shori_no, :reference, :atena_no, :bank_code, :bank_name, :branch_code, :branch_name,"
                " :deposit_type, :account_no, :holder_kana, :taxes, :start_month, :registered_at, :registered_by)",
                row,
            )
            self._audit(conn, login, "register", f"atena:{values['atena_no']}", values["reference"], row)
        return shori_no

    # ---- 突合 extract --------------------------------------------------------------------------

    def export_csv(self, date_from: dt.date, date_to: dt.date, login: str | None = None) -> tuple[bytes, int]:
        """Accounts registered in the date range as Shift_JIS (cp932) CSV, CRLF, as such systems write."""
        rows = self.conn.execute(
            "SELECT a.*, t.name FROM accounts a JOIN taxpayers t USING (atena_no)"
            " WHERE substr(a.registered_at, 1, 10) BETWEEN ? AND ? ORDER BY a.shori_no",
            (date_from.isoformat(), date_to.isoformat()),
        ).fetchall()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            ["処理番号", "受付番号", "宛名番号", "氏名", "金融機関コード", "金融機関名", "支店コード", "支店名",
             "預金種目", "口座番号", "口座名義", "市県民税", "固定資産税", "軽自動車税", "国保税", "振替開始年月",
             "登録日時", "登録者"]
        )  # fmt: skip
        for r in rows:
            taxes = r["taxes"].split(",")
            year, month = (int(v) for v in r["start_month"].split("-"))
            at = dt.datetime.fromisoformat(r["registered_at"])
            writer.writerow(
                [r["shori_no"], r["reference"], r["atena_no"], r["name"], r["bank_code"], r["bank_name"],
                 r["branch_code"], r["branch_name"], DEPOSIT_LABELS[r["deposit_type"]], r["account_no"],
                 r["holder_kana"], *("1" if k in taxes else "0" for k in TAX_LABELS),
                 f"R{year - 2018:02d}.{month:02d}", f"R{at.year - 2018:02d}.{at:%m.%d %H:%M:%S}", r["registered_by"]]
            )  # fmt: skip
        self.audit(
            login, "extract", None, None, {"from": date_from.isoformat(), "to": date_to.isoformat(), "rows": len(rows)}
        )
        return out.getvalue().encode("cp932", errors="replace"), len(rows)
