"""口座振替受付データ as a bank's Web/ペイジー口座振替受付サービス would deliver it, for the register's
people: what tests and the demo drop into the 口座振替 robot's inbox (one CSV row per application).

The address is written as a person writes it (no 県, no 大字, dashes); names are as the register
holds them. ``changes`` alters any column (a wrong 宛名番号, an unknown 金融機関コード …).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from daiko.mocks.shuno.store import now_jst
from daiko.mocks.shuno.truth import Person

COLUMNS = [
    "受付番号", "申込日", "宛名番号", "氏名", "フリガナ", "住所", "電話番号", "金融機関コード", "金融機関名",
    "支店コード", "支店名", "預金種目", "口座番号", "口座名義", "振替税目", "振替開始月",
]  # fmt: skip
BANKS = [
    ("0133", "武蔵野", "016", "飯能"),
    ("1253", "飯能信金", "001", "飯能中央"),
    ("0017", "埼玉りそな", "494", "飯能"),
]
TAX_SETS = [
    "市県民税（普通徴収）;固定資産税・都市計画税",
    "国民健康保険税",
    "軽自動車税（種別割）;市県民税（普通徴収）",
]


def written(address: str) -> str:
    """The register's address as a person writes it on the form: no 県, no 大字, dashes."""
    text = address.replace("埼玉県", "").replace("大字", "")
    text = re.sub(r"(\d+)番地(\d+)", r"\1-\2", text)
    return re.sub(r"(\d+)番(\d+)号", r"\1-\2", text)


def next_month_wareki() -> str:
    today = now_jst().date()
    year, month = today.year + (today.month == 12), today.month % 12 + 1
    return f"令和{year - 2018}年{month}月"


def application(person: Person, reference: str, n: int = 0, *, by_number: bool = False, **changes: str) -> dict:
    """One CSV row for ``person`` (``n`` varies the bank and 税目); ``by_number`` gives the 宛名番号."""
    bank, bank_name, branch, branch_name = BANKS[n % len(BANKS)]
    today = now_jst().date()  # read once: three reads could straddle midnight
    row = {
        "受付番号": reference,
        "申込日": f"令和{today.year - 2018}年{today.month}月{today.day}日",
        "宛名番号": person.atena_no if by_number else "",
        "氏名": person.name,
        "フリガナ": person.kana,
        "住所": written(person.address),
        "電話番号": "",
        "金融機関コード": bank,
        "金融機関名": bank_name,
        "支店コード": branch,
        "支店名": branch_name,
        "預金種目": "当座" if n % 5 == 4 else "普通",
        "口座番号": f"{(1234567 + n * 7919) % 10_000_000:07d}",
        "口座名義": person.kana,
        "振替税目": TAX_SETS[n % len(TAX_SETS)],
        "振替開始月": next_month_wareki(),
    }
    unknown = set(changes) - set(COLUMNS)
    if unknown:
        raise KeyError(f"no such column: {sorted(unknown)}")
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], *, encoding: str = "cp932") -> Path:
    """Write the rows (Shift_JIS by default, as the banks' services send them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".part")  # hidden: the intake ignores it until renamed
    with open(tmp, "w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)  # appears whole in the inbox
    return path
