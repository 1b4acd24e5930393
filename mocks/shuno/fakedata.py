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

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"),
    ("近藤", "コンドウ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("藤井", "フジイ"),
    ("関根", "セキネ"), ("浅見", "アサミ"), ("平沼", "ヒラヌマ"), ("大久保", "オオクボ"), ("新井", "アライ"),
]  # fmt: skip
GIVEN_NAMES = [
    ("太郎", "タロウ"), ("一郎", "イチロウ"), ("健太", "ケンタ"), ("大輔", "ダイスケ"), ("翔太", "ショウタ"),
    ("拓也", "タクヤ"), ("直樹", "ナオキ"), ("誠", "マコト"), ("浩二", "コウジ"), ("隆", "タカシ"),
    ("和也", "カズヤ"), ("修", "オサム"), ("茂", "シゲル"), ("悠斗", "ユウト"), ("蓮", "レン"),
    ("花子", "ハナコ"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("恵子", "ケイコ"), ("由美", "ユミ"),
    ("真由美", "マユミ"), ("裕子", "ユウコ"), ("さくら", "サクラ"), ("智子", "トモコ"), ("愛", "アイ"),
    ("久美子", "クミコ"), ("明美", "アケミ"), ("京子", "キョウコ"), ("結衣", "ユイ"), ("千尋", "チヒロ"),
]  # fmt: skip
# 飯能市の町名 (postal code); 大字 areas are written with 番地, 町 areas with 番・号.
TOWNS = [
    ("双柳", "357-0021", False), ("稲荷町", "357-0032", True), ("仲町", "357-0035", True),
    ("本町", "357-0033", True), ("山手町", "357-0031", True), ("八幡町", "357-0034", True),
    ("緑町", "357-0046", True), ("柳町", "357-0037", True), ("東町", "357-0036", True),
    ("南町", "357-0041", True), ("中山", "357-0012", False), ("川寺", "357-0016", False),
    ("阿須", "357-0024", False), ("岩沢", "357-0014", False), ("笠縫", "357-0013", False),
    ("美杉台", "357-0066", False), ("永田", "357-0068", False), ("久下", "357-0022", False),
    ("芦苅場", "357-0015", False), ("原市場", "357-0111", False), ("下川崎", "357-0004", False),
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


def _address(rng: random.Random) -> str:
    town, _postal, chome = rng.choice(TOWNS)
    if chome:
        text = f"埼玉県飯能市{town}{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
    elif rng.random() < 0.5:
        text = f"埼玉県飯能市大字{town}{rng.randint(1, 1999)}番地{rng.randint(1, 9)}"
    else:
        text = f"埼玉県飯能市大字{town}{rng.randint(1, 1999)}番地"
    if rng.random() < 0.2:
        text += f"　{rng.choice(BUILDINGS)}{rng.randint(1, 3)}0{rng.randint(1, 6)}"
    return text


def generate(seed: int, records: int, today: dt.date) -> tuple[list[Taxpayer], list[Account]]:
    """``records`` taxpayers (宛名番号 unique) and the accounts ~15 % of them already have."""
    rng = random.Random(f"shuno-register:{seed}")
    taxpayers: list[Taxpayer] = []
    numbers = rng.sample(range(10_000_000, 99_999_999), records)
    for number in numbers:
        (s, sk), (g, gk) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        address = _address(rng)
        town = next(t for t in TOWNS if t[0] in address)
        birth = today - dt.timedelta(days=rng.randint(20 * 365, 90 * 365))
        taxpayers.append(Taxpayer(f"00{number}", f"{s}\u3000{g}", f"{sk}\u3000{gk}", birth, town[1], address))
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
