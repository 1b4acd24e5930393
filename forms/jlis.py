"""J-LIS style 廃車情報 CSV: the robot's second input, besides scanned paper.

The 軽自動車検査協会 reports 廃車 of 軽自動車 to the city through J-LIS; staff download it as a
CSV file (Shift_JIS — in practice Windows' cp932 — with CRLF line ends, header row in
Japanese). The columns below are plausible, not an official layout; they carry what
:class:`daiko.robots.adapters.base.Deregistration` needs plus what staff look at.

``read_jlis_csv`` parses such a file, normalising plates with the same field types the paper
forms use, so both inputs reach the robot in one shape. The layout is defined here once; the
synthetic generator (:mod:`daiko.forms.synth.jlis`) writes files from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from daiko.forms.fieldtypes import get_type

ENCODING = "cp932"  # Shift_JIS as Windows writes it (NEC/IBM extensions such as ①, 髙)
MUNICIPALITY_CODE = "112097"  # 全国地方公共団体コード: 飯能市
# (column, meaning) — order is the file's order.
COLUMNS = [
    ("連番", "line number in the file"),
    ("市区町村コード", "全国地方公共団体コード of the city the vehicle is taxed in"),
    ("受付番号", "J-LIS reference, unique per item (keyed into the tax system as the reference)"),
    ("処理年月日", "date the 検査協会 processed the 廃車 = 申告日 (YYYYMMDD)"),
    ("車両番号", "plate, e.g. 所沢 480 あ 12-34"),
    ("車台番号", "chassis number; empty when not reported"),
    ("車名", "maker"),
    ("車種区分", "軽四輪乗用 / 軽四輪貨物 / 軽二輪 …"),
    ("廃車年月日", "date of the 廃車 (YYYYMMDD)"),
    ("廃車事由コード", "1 解体, 2 譲渡, 3 盗難, 4 転出, 9 その他"),
    ("廃車事由", "the reason in words"),
    ("所有者氏名", "owner's name"),
    ("所有者住所", "owner's address"),
]
HEADER = [c for c, _ in COLUMNS]
REASON_CODES = {"scrap": ("1", "解体"), "transfer": ("2", "譲渡"), "theft": ("3", "盗難"), "moved": ("4", "転出"),
                "other": ("9", "その他")}  # fmt: skip
CODE_TO_REASON = {code: key for key, (code, _) in REASON_CODES.items()}
KINDS = ["軽四輪乗用", "軽四輪貨物", "軽二輪"]


@dataclass(frozen=True)
class JlisRecord:
    """One parsed line. ``problems`` lists what is wrong with it (Japanese); empty when usable."""

    line: int
    reference: str
    plate: str | None
    chassis_no: str | None
    deregistered_on: dt.date | None
    reason: str | None  # a key of robots.adapters.base.REASONS
    declared_on: dt.date | None
    maker: str
    owner_name: str
    owner_address: str
    problems: tuple[str, ...] = ()


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def read_jlis_csv(path: str | Path) -> list[JlisRecord]:
    """Parse a 廃車情報 CSV; lines with problems are returned with ``problems`` filled, not dropped."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError:
        text = raw.decode("utf-8-sig")  # a file re-saved by a newer tool
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in HEADER if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"廃車情報CSVの列が足りません: {', '.join(missing)}")
    plate_type = get_type("plate")
    chassis_type = get_type("chassis_no")
    out = []
    for n, row in enumerate(reader, start=2):  # line 1 is the header
        problems = []
        plate_check = plate_type.check(row["車両番号"])
        if not plate_check.ok:
            problems.append(f"車両番号: {plate_check.reason}")
        chassis = None
        if row["車台番号"].strip():
            c = chassis_type.check(row["車台番号"])
            chassis = c.value
            if not c.ok:
                problems.append(f"車台番号: {c.reason}")
        declared, deregistered = _date(row["処理年月日"]), _date(row["廃車年月日"])
        if declared is None:
            problems.append("処理年月日が日付ではありません")
        if deregistered is None:
            problems.append("廃車年月日が日付ではありません")
        elif declared and deregistered > declared:
            problems.append("廃車年月日が処理年月日より後です")
        reason = CODE_TO_REASON.get(row["廃車事由コード"].strip())
        if reason is None:
            problems.append(f"廃車事由コード「{row['廃車事由コード']}」は不明です")
        out.append(JlisRecord(
            line=n, reference=row["受付番号"].strip(), plate=plate_check.value, chassis_no=chassis,
            deregistered_on=deregistered, reason=reason, declared_on=declared, maker=row["車名"],
            owner_name=row["所有者氏名"], owner_address=row["所有者住所"], problems=tuple(problems),
        ))  # fmt: skip
    return out
