"""Reproducible fake 宛名 register for 埼玉県飯能市, with the accounts some taxpayers already have.

Everything comes from one ``random.Random(seed)``: the same seed and record count give the same
register on every machine, so tests and demos can name taxpayers and expect them to exist.
Common surnames and given names are combined at random, so 同姓同名 at different addresses
happen, as in a real city's register — the reason a robot must check the address too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from daiko.mocks.common.names import GIVEN_NAME_KANA, POSTAL_CODES, SURNAME_KANA, with_kana

SURNAMES = with_kana(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 "
    "山崎 森 池田 橋本 阿部 石川 小川 岡田 長谷川 村上 近藤 坂本 遠藤 青木 藤井 関根 浅見 平沼 大久保 新井",
    SURNAME_KANA,
)
GIVEN_NAMES = with_kana(
    "太郎 一郎 健太 大輔 翔太 拓也 直樹 誠 浩二 隆 和也 修 茂 悠斗 蓮 "
    "花子 美咲 陽子 恵子 由美 真由美 裕子 さくら 智子 愛 久美子 明美 京子 結衣 千尋",
    GIVEN_NAME_KANA,
)
# 飯能市の町名 (postal code); 大字 areas are written with 番地, 町 areas with 番・号.
TOWNS = [
    (town, POSTAL_CODES[town], chome)
    for town, chome in [
        ("双柳", False), ("稲荷町", True), ("仲町", True), ("本町", True), ("山手町", True), ("八幡町", True),
        ("緑町", True), ("柳町", True), ("東町", True), ("南町", True), ("中山", False), ("川寺", False),
        ("阿須", False), ("岩沢", False), ("笠縫", False), ("美杉台", False), ("永田", False), ("久下", False),
        ("芦苅場", False), ("原市場", False), ("下川崎", False),
    ]
]  # fmt: skip
BUILDINGS = ["ハイツ美杉", "コーポ双柳", "メゾン飯能", "グリーンヒル", "サンライズ中山", "パレス仲町"]
# (金融機関コード, 金融機関名, [(支店コード, 支店名)]) — local institutions, codes as in the 全銀 master.
LOCAL_BANKS = [
    ("0017", "埼玉りそな銀行", [("494", "飯能"), ("497", "入間"), ("483", "狭山")]),
    ("0133", "武蔵野銀行", [("016", "飯能"), ("070", "入間"), ("005", "狭山")]),
    ("1253", "飯能信用金庫", [("001", "飯能中央"), ("011", "東飯能"), ("003", "入間")]),
    ("4735", "いるま野農業協同組合", [("080", "飯能"), ("086", "名栗原市場")]),
    ("0001", "みずほ銀行", [("303", "飯能")]),
]
TAXES = ["shikenmin", "kotei", "keijidosha", "kokuho"]


@dataclass(frozen=True)
class Taxpayer:
    atena_no: str  # 宛名番号, 10 digits
    name: str  # 氏名, 姓　名 with a 全角スペース
    kana: str
    birth: dt.date
    postal: str
    address: str  # as the register holds it: 埼玉県飯能市大字双柳123番地4 / 埼玉県飯能市仲町12番3号


@dataclass(frozen=True)
class Account:
    atena_no: str
    reference: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    deposit_type: str  # "1" 普通 / "2" 当座
    account_no: str
    holder_kana: str
    taxes: tuple[str, ...]
    start_month: str  # YYYY-MM
    registered_at: dt.datetime


def _address(rng: random.Random) -> tuple[str, str]:
    """(address, postal code) of a random house: the code is the drawn town's (a building's name
    may carry another town's, e.g. サンライズ中山 in 阿須)."""
    town, postal, chome = rng.choice(TOWNS)
    if chome:
        text = f"埼玉県飯能市{town}{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
    elif rng.random() < 0.5:
        text = f"埼玉県飯能市大字{town}{rng.randint(1, 1999)}番地{rng.randint(1, 9)}"
    else:
        text = f"埼玉県飯能市大字{town}{rng.randint(1, 1999)}番地"
    if rng.random() < 0.2:
        text += f"　{rng.choice(BUILDINGS)}{rng.randint(1, 3)}0{rng.randint(1, 6)}"
    return text, postal


def generate(seed: int, records: int, today: dt.date) -> tuple[list[Taxpayer], list[Account]]:
    """``records`` taxpayers (宛名番号 unique) and the accounts ~15 % of them already have."""
    rng = random.Random(f"shuno-register:{seed}")
    taxpayers: list[Taxpayer] = []
    numbers = rng.sample(range(10_000_000, 99_999_999), records)
    for number in numbers:
        (s, sk), (g, gk) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        address, postal = _address(rng)
        birth = today - dt.timedelta(days=rng.randint(20 * 365, 90 * 365))
        taxpayers.append(Taxpayer(f"00{number}", f"{s}\u3000{g}", f"{sk}\u3000{gk}", birth, postal, address))
    accounts: list[Account] = []
    for i, person in enumerate(taxpayers):
        if rng.random() >= 0.15:
            continue
        code, bank, branches = rng.choice(LOCAL_BANKS)
        branch_code, branch = rng.choice(branches)
        registered = dt.datetime.combine(today - dt.timedelta(days=rng.randint(30, 3000)), dt.time(10, 0))
        start = registered.date().replace(day=1) + dt.timedelta(days=40)
        accounts.append(
            Account(
                atena_no=person.atena_no,
                reference=f"S{registered:%y}-{i + 1:05d}",
                bank_code=code,
                bank_name=bank,
                branch_code=branch_code,
                branch_name=branch,
                deposit_type="1" if rng.random() < 0.95 else "2",
                account_no=f"{rng.randint(1, 9_999_999):07d}",
                holder_kana=person.kana,
                taxes=tuple(sorted(rng.sample(TAXES, rng.randint(1, 3)), key=TAXES.index)),
                start_month=f"{start:%Y-%m}",
                registered_at=registered,
            )
        )
    return taxpayers, accounts
