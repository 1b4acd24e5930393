"""EUCデータ抽出: what was keyed in a date range, as the CSV staff reconcile against.

Shift_JIS (cp932, CRLF) by default because that is what these systems hand out and what
Excel on the office PCs opens; ``utf8`` for tools. Dates are written ``YYYY/MM/DD`` (西暦),
as such extracts usually are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3

COLUMNS = [
    "処理番号", "受付番号", "標識番号", "車台番号", "車種区分", "車名",
    "廃車年月日", "廃車事由", "申告日", "処理日時", "処理者",
]  # fmt: skip
ENCODINGS = {"sjis": "cp932", "utf8": "utf-8"}


def _slash(iso: str) -> str:
    return iso.replace("-", "/")


def build_csv(rows: list[sqlite3.Row], encoding: str = "sjis") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["shori_no"], row["reference"], row["plate"], row["chassis_no"], row["vclass"], row["model"],
                _slash(row["deregistered_on"]), row["reason"], _slash(row["declared_on"]),
                _slash(row["processed_at"]), row["processed_by"],
            ]
        )  # fmt: skip
    # cp932 cannot fail on this data (all names come from the register); replace just in case.
    return out.getvalue().encode(ENCODINGS[encoding], errors="replace")


def parse_day(text: str) -> dt.date | None:
    """YYYYMMDD or YYYY-MM-DD or YYYY/MM/DD, as staff type it into the 抽出 screen."""
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    if len(digits) != 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def filename(first: dt.date, last: dt.date) -> str:
    return f"KTX_HAISHA_{first:%Y%m%d}_{last:%Y%m%d}.csv"
