"""Reproducible fake register of 原付 and 軽自動車 for 埼玉県飯能市.

Everything comes from one ``random.Random(seed)``, so the same seed and record count give the
same register on every machine — tests and demos can name vehicles and expect them to exist.
The mix (classes, makers, plates re-issued after 廃車, a few 廃車済 already) is meant to make a
robot meet what staff meet, not to be statistics.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from daiko.mocks.common.names import GIVEN_NAME_KANA, POSTAL_CODES, SURNAME_KANA, with_kana

# (class, makers and models with their 型式 prefix used in the 車台番号)
MODELS: dict[str, list[tuple[str, str, str]]] = {
    "第一種": [
        ("ホンダ", "タクト", "AF75"),
        ("ホンダ", "ディオ", "AF68"),
        ("ホンダ", "スーパーカブ50", "AA04"),
        ("ホンダ", "トゥデイ", "AF67"),
        ("ヤマハ", "ジョグ", "SA36J"),
        ("ヤマハ", "ビーノ", "SA37J"),
        ("スズキ", "レッツ", "CA4AA"),
        ("スズキ", "アドレスV50", "CA44A"),
    ],
    "第二種": [
        ("ホンダ", "PCX", "JF81"),
        ("ホンダ", "スーパーカブ110", "JA44"),
        ("ホンダ", "リード125", "JF45"),
        ("ホンダ", "クロスカブ110", "JA45"),
        ("ヤマハ", "シグナスX", "SEA5J"),
        ("スズキ", "アドレス125", "DT11A"),
    ],
    "ミニカー": [
        ("トヨタ車体", "コムス", "TAK30"),
        ("タケオカ自動車工芸", "ミリューR", "MLU2"),
    ],
    "軽四輪乗用": [
        ("ホンダ", "N-BOX", "JF3"),
        ("ホンダ", "N-WGN", "JH3"),
        ("スズキ", "ワゴンR", "MH55S"),
        ("スズキ", "スペーシア", "MK53S"),
        ("スズキ", "ハスラー", "MR52S"),
        ("ダイハツ", "タント", "LA650S"),
        ("ダイハツ", "ムーヴ", "LA150S"),
        ("ダイハツ", "ミライース", "LA350S"),
        ("日産", "デイズ", "B43W"),
        ("三菱", "eKワゴン", "B33W"),
    ],
    "軽四輪貨物": [
        ("スズキ", "エブリイ", "DA17V"),
        ("スズキ", "キャリイ", "DA16T"),
        ("ダイハツ", "ハイゼットカーゴ", "S321V"),
        ("ダイハツ", "ハイゼットトラック", "S510P"),
        ("ホンダ", "N-VAN", "JJ1"),
    ],
    "軽二輪": [
        ("ヤマハ", "NMAX155", "SG66J"),
        ("ホンダ", "レブル250", "MC49"),
        ("ヤマハ", "YZF-R25", "RG43J"),
        ("カワサキ", "Ninja250", "EX250P"),
        ("スズキ", "ジクサー250", "ED22B"),
    ],
}
KIND_OF_CLASS = {
    "第一種": "原付",
    "第二種": "原付",
    "ミニカー": "原付",
    "軽四輪乗用": "軽自動車",
    "軽四輪貨物": "軽自動車",
    "軽二輪": "軽自動車",
}
# Weights: 原付 are the bulk of a small city's register, then 軽四輪.
CLASS_WEIGHTS = {"第一種": 36, "第二種": 14, "ミニカー": 2, "軽四輪乗用": 28, "軽四輪貨物": 12, "軽二輪": 8}
# 年税額 (種別割, 自家用, 円) — shown on the detail screen only.
ANNUAL_TAX = {"第一種": 2000, "第二種": 2400, "ミニカー": 3700, "軽四輪乗用": 10800, "軽四輪貨物": 5000, "軽二輪": 3600}

MUNICIPAL_HIRAGANA = {"第一種": "あいう", "第二種": "えお", "ミニカー": "か"}
KEI_HIRAGANA = "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるろ"
KEI_CLASS_NO = {"軽四輪乗用": ("580", "581", "50"), "軽四輪貨物": ("480", "481", "40")}

SURNAMES = with_kana(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 "
    "山崎 森 池田 橋本 阿部 石川 中島 小川 岡田 新井 大野 金子 内田 関根 浅見 町田 細田 岩田 野口 栗原",
    SURNAME_KANA,
)
GIVEN_NAMES = with_kana(
    "太郎 一郎 健太 翔太 大輔 誠 浩 健一 拓也 隆 博 直樹 和夫 勝 蓮 "
    "花子 美咲 陽子 由美 直子 裕子 恵子 優子 真由美 陽菜 幸子 明美 さくら 愛 久美子",
    GIVEN_NAME_KANA,
)
COMPANIES = [
    ("株式会社飯能運送", "カブシキガイシャハンノウウンソウ"),
    ("有限会社高麗建設", "ユウゲンガイシャコマケンセツ"),
    ("株式会社名栗林業", "カブシキガイシャナグリリンギョウ"),
    ("有限会社双柳設備", "ユウゲンガイシャナミヤナギセツビ"),
    ("株式会社奥武蔵食品", "カブシキガイシャオクムサシショクヒン"),
    ("飯能西川材協同組合", "ハンノウニシカワザイキョウドウクミアイ"),
]
# (町名, 郵便番号, address style): "chome" = n丁目n番n号, "ban" = n番n号, "oaza" = 大字 n番地
TOWNS = [
    (town, POSTAL_CODES[town], style)
    for town, style in [
        ("美杉台", "chome"), ("緑町", "ban"), ("東町", "ban"), ("南町", "ban"), ("仲町", "ban"), ("本町", "ban"),
        ("八幡町", "ban"), ("稲荷町", "ban"), ("栄町", "ban"), ("双柳", "oaza"), ("川寺", "oaza"), ("岩沢", "oaza"),
        ("笠縫", "oaza"), ("阿須", "oaza"), ("前ケ貫", "oaza"), ("中山", "oaza"), ("芦苅場", "oaza"),
        ("征矢町", "ban"), ("矢颪", "oaza"), ("茜台", "chome"), ("南高麗", "oaza"), ("名栗", "oaza"),
        ("下川崎", "oaza"), ("青木", "oaza"),
    ]
]  # fmt: skip
BUILDINGS = ["ハイツ飯能", "メゾン美杉", "コーポ双柳", "サンハイム仲町", "グリーンヒル阿須"]
# 旧字体 some owners are registered with (declarations usually carry the everyday form).
OLD_FORMS = str.maketrans({"高": "髙", "斎": "齋", "辺": "邉", "崎": "﨑"})
REASONS = ["解体", "譲渡", "盗難", "転出", "その他"]
REASON_WEIGHTS = [55, 25, 3, 12, 5]
STAFF = ["shokuin01", "shokuin02"]


@dataclass
class FakeRegister:
    vehicles: list[dict]
    processed: list[dict]  # 処理 rows for the vehicles already 廃車済 when the register starts


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _owner(rng: random.Random, vclass: str) -> dict:
    company = vclass == "軽四輪貨物" and rng.random() < 0.3
    if company:
        name, kana = rng.choice(COMPANIES)
    else:
        (sur, sur_kana), (given, given_kana) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        name, kana = f"{sur}　{given}", f"{sur_kana}　{given_kana}"
    town, zip_code, style = rng.choice(TOWNS)
    if style == "chome":
        address = f"埼玉県飯能市{town}{rng.randint(1, 7)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
    elif style == "ban":
        address = f"埼玉県飯能市{town}{rng.randint(1, 25)}番{rng.randint(1, 30)}号"
    else:
        address = f"埼玉県飯能市大字{town}{rng.randint(1, 1800)}番地"
        if rng.random() < 0.3:
            address += f"の{rng.randint(1, 9)}"
    if not company and rng.random() < 0.15:
        address += f"　{rng.choice(BUILDINGS)}{rng.randint(1, 3)}0{rng.randint(1, 8)}号室"
    phone = f"042-9{rng.randint(71, 89)}-{rng.randint(0, 9999):04d}"
    return {
        "owner_name": name,
        "owner_kana": kana,
        "owner_zip": zip_code,
        "owner_address": address,
        "owner_phone": phone,
    }


def _plate(rng: random.Random, vclass: str) -> str:
    if vclass in MUNICIPAL_HIRAGANA:
        return f"飯能市 {rng.choice(MUNICIPAL_HIRAGANA[vclass])} {rng.randint(1, 9999)}"
    number = rng.randint(1000, 9999)
    if vclass == "軽二輪":
        return f"所沢 {rng.choice(KEI_HIRAGANA)} {number}"
    return f"所沢 {rng.choice(KEI_CLASS_NO[vclass])} {rng.choice(KEI_HIRAGANA)} {number // 100}-{number % 100:02d}"


def generate(seed: int, count: int, today: dt.date) -> FakeRegister:
    """``count`` vehicles (a few more when plates were re-issued), about 8 % already 廃車済."""
    rng = random.Random(f"keitax-register:{seed}")
    classes, weights = zip(*CLASS_WEIGHTS.items(), strict=True)
    first_day, last_day = dt.date(2005, 4, 1), today - dt.timedelta(days=60)
    plates: set[str] = set()
    chassis: set[str] = set()
    vehicles: list[dict] = []
    processed: list[dict] = []

    def new_chassis(code: str) -> str:
        while True:
            value = f"{code}-{rng.randint(1000000, 9999999)}"
            if value not in chassis:
                chassis.add(value)
                return value

    def new_plate(vclass: str) -> str:
        while True:
            value = _plate(rng, vclass)
            if value not in plates:
                plates.add(value)
                return value

    def vehicle(vclass: str, plate: str, registered_on: dt.date) -> dict:
        maker, model, code = rng.choice(MODELS[vclass])
        return {
            "id": len(vehicles) + 1,
            "atena_no": f"{rng.randint(1, 999999):010d}",
            "kind": KIND_OF_CLASS[vclass],
            "vclass": vclass,
            "plate": plate,
            "maker": maker,
            "model": model,
            "chassis_no": new_chassis(code),
            "registered_on": registered_on,
            "annual_tax": ANNUAL_TAX[vclass],
            "status": "課税中",
            "deregistered_on": None,
            "dereg_reason": None,
            **_owner(rng, vclass),
        }

    def mark_deregistered(row: dict, latest: dt.date) -> None:
        earliest = row["registered_on"] + dt.timedelta(days=200)
        day = _random_day(rng, min(earliest, latest), latest)
        declared = min(day + dt.timedelta(days=rng.randint(0, 30)), today - dt.timedelta(days=1))
        processed_at = dt.datetime.combine(
            min(declared + dt.timedelta(days=rng.randint(0, 7)), today - dt.timedelta(days=1)),
            dt.time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59)),
        )
        reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
        row.update(status="廃車済", deregistered_on=day, dereg_reason=reason)
        processed.append(
            {
                "vehicle_id": row["id"],
                "reference": f"S{processed_at:%y}-{len(processed) + 1:05d}",
                "plate": row["plate"],
                "chassis_no": row["chassis_no"],
                "vclass": row["vclass"],
                "model": f"{row['maker']} {row['model']}",
                "deregistered_on": day,
                "reason": reason,
                "declared_on": declared,
                "processed_at": processed_at,
                "processed_by": rng.choice(STAFF),
            }
        )

    while len(vehicles) < count:
        vclass = rng.choices(classes, weights)[0]
        registered_on = _random_day(rng, first_day, last_day)
        plate = new_plate(vclass)
        if registered_on.year >= 2008 and rng.random() < 0.03:
            # The plate was handed back by an earlier owner and re-issued: searching it finds two
            # vehicles, one 廃車済, as it does in a real register.
            old = vehicle(vclass, plate, _random_day(rng, first_day, registered_on - dt.timedelta(days=400)))
            vehicles.append(old)
            mark_deregistered(old, registered_on - dt.timedelta(days=1))
        row = vehicle(vclass, plate, registered_on)
        vehicles.append(row)
        if rng.random() < 0.08:
            mark_deregistered(row, today - dt.timedelta(days=14))
    processed.sort(key=lambda p: p["processed_at"])
    for row in vehicles:
        if row["id"] % 4 == 0:  # an older register keeps the 旧字体 the owner once registered with
            row["owner_name"] = row["owner_name"].translate(OLD_FORMS)
    return FakeRegister(vehicles, processed)
