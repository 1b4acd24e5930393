"""Realistic fake values for 飯能市 forms, reproducible from a seed.

Every generator returns what the person *writes* (which may be 令和6年4月1日 or R6.4.1 or
2024/4/1) together with the *truth*: the canonical value a perfect reader returns, i.e. what the
field type's ``normalise`` gives for the written text. Nothing here is a real person: names are
common surnames and given names combined at random, numbers are random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from daiko.forms.fieldtypes.mynumber import check_digit
from daiko.forms.fieldtypes.plate import NEVER_ISSUED, format_kei_serial
from daiko.forms.fieldtypes.wareki_date import to_wareki

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"),
    ("近藤", "コンドウ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("藤井", "フジイ"),
    ("西村", "ニシムラ"), ("福田", "フクダ"), ("太田", "オオタ"), ("三浦", "ミウラ"), ("岡本", "オカモト"),
    ("松田", "マツダ"), ("中川", "ナカガワ"), ("野口", "ノグチ"), ("大野", "オオノ"), ("市川", "イチカワ"),
    ("新井", "アライ"), ("関根", "セキネ"), ("浅見", "アサミ"), ("平沼", "ヒラヌマ"), ("大久保", "オオクボ"),
]  # fmt: skip
GIVEN_NAMES = [
    ("太郎", "タロウ"), ("一郎", "イチロウ"), ("健太", "ケンタ"), ("大輔", "ダイスケ"), ("翔太", "ショウタ"),
    ("拓也", "タクヤ"), ("直樹", "ナオキ"), ("誠", "マコト"), ("浩二", "コウジ"), ("隆", "タカシ"),
    ("和也", "カズヤ"), ("修", "オサム"), ("茂", "シゲル"), ("悠斗", "ユウト"), ("蓮", "レン"),
    ("花子", "ハナコ"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("恵子", "ケイコ"), ("由美", "ユミ"),
    ("真由美", "マユミ"), ("裕子", "ユウコ"), ("さくら", "サクラ"), ("優子", "ユウコ"), ("愛", "アイ"),
    ("智子", "トモコ"), ("久美子", "クミコ"), ("明美", "アケミ"), ("京子", "キョウコ"), ("結衣", "ユイ"),
    ("早苗", "サナエ"), ("千尋", "チヒロ"), ("亮", "リョウ"), ("翼", "ツバサ"), ("進", "ススム"),
    ("勇気", "ユウキ"), ("涼子", "リョウコ"), ("奈々", "ナナ"), ("みどり", "ミドリ"), ("純一", "ジュンイチ"),
]  # fmt: skip
# 飯能市の町名 (their postal codes come from Japan Post's data, see ``address``).
HANNO_TOWNS = [
    "双柳", "稲荷町", "仲町", "本町", "山手町", "八幡町", "緑町", "柳町", "東町", "南町", "中山", "川寺",
    "阿須", "岩沢", "笠縫", "美杉台", "永田", "久下", "芦苅場", "征矢町", "原市場", "中藤下郷", "下川崎", "青木",
]  # fmt: skip
BUILDINGS = ["ハイツ美杉", "コーポ双柳", "メゾン飯能", "グリーンヒル", "サンライズ中山", "パレス仲町"]
OTHER_CITIES = ["日高市", "入間市", "狭山市"]

KEI_REGIONS = ["所沢", "所沢", "所沢", "川越", "熊谷", "春日部", "大宮", "川口", "越谷", "多摩", "練馬"]
PLATE_KANA = [
    k
    for k in "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるれろわ"
    if k not in NEVER_ISSUED
]
# (型式 prefix pattern, digits in the serial, maker, kind)
CHASSIS_MODELS = [
    ("AF68", 7, "ホンダ", "moped"), ("AF77", 7, "ホンダ", "moped"), ("JF81", 7, "ホンダ", "moped"),
    ("SA36J", 6, "ヤマハ", "moped"), ("SA39J", 6, "ヤマハ", "moped"), ("CA42A", 6, "スズキ", "moped"),
    ("HA36S", 6, "スズキ", "kei"), ("MH55S", 6, "スズキ", "kei"), ("DA17V", 6, "スズキ", "kei"),
    ("JF3", 7, "ホンダ", "kei"), ("JH1", 7, "ホンダ", "kei"), ("LA650S", 6, "ダイハツ", "kei"),
    ("S500P", 6, "ダイハツ", "kei"), ("B44W", 7, "日産", "kei"), ("B34W", 7, "三菱", "kei"),
    ("DS17V", 6, "マツダ", "kei"), ("LA700F", 6, "スバル", "kei"),
]  # fmt: skip
OTHER_REASONS = ["海外へ輸出", "災害により滅失", "所在不明", "火災により焼失", "使用不能のため"]
COMMENTS = [
    "手続きをもっとオンラインでできるようにしてほしい",
    "高齢者向けのスマホ教室を増やしてください",
    "市のホームページが見づらいです",
    "コンビニで証明書が取れるのは便利です",
    "個人情報の管理をしっかりしてほしい",
    "特にありません",
    "防災メールを充実させてほしい",
]
OTHER_DEVICES = ["スマートウォッチ", "カーナビ", "家族のパソコン", "図書館の端末"]


@dataclass(frozen=True)
class Fake:
    """One field as filled in: ``written`` is drawn on the paper (None: left empty), ``truth``
    is the canonical value (for marks: comma-joined option keys; for 個人番号: "valid"/"invalid").
    A truth of None with something written means "whatever the field type normalises it to"
    (filled in by :mod:`daiko.forms.synth.dataset`)."""

    written: str | None
    truth: str | None


def person(rng: random.Random) -> tuple[str, str]:
    """(氏名, フリガナ) with a 全角スペース between 姓 and 名."""
    (s, sk), (g, gk) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
    return f"{s}\u3000{g}", f"{sk}\u3000{gk}"


def address(rng: random.Random) -> tuple[str, str]:
    """(住所, 郵便番号), mostly in 飯能市, digits as people write them (ASCII here; the drawer may widen them)."""
    from daiko.forms.reference.postal import code_of, towns

    if rng.random() < 0.85:
        town = rng.choice(HANNO_TOWNS)
        postal = code_of("埼玉県", "飯能市", town)
        prefix = "埼玉県飯能市" if rng.random() < 0.5 else "飯能市"
        if town.endswith("町") and rng.random() < 0.6:
            street = f"{town}{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
        elif rng.random() < 0.5:
            street = (
                f"大字{town}{rng.randint(1, 1999)}番地{rng.randint(1, 9)}"
                if rng.random() < 0.5
                else f"{town}{rng.randint(1, 1999)}番地"
            )
        else:
            street = f"{town}{rng.randint(1, 999)}-{rng.randint(1, 30)}"
        text = prefix + street
    else:
        city = rng.choice(OTHER_CITIES)
        town = rng.choice([t for t in sorted(towns("埼玉県", city)) if len(t) <= 4])
        postal = code_of("埼玉県", city, town)
        text = f"埼玉県{city}{town}{rng.randint(1, 999)}-{rng.randint(1, 20)}"
    if rng.random() < 0.25:
        text += f" {rng.choice(BUILDINGS)}{rng.randint(1, 3)}0{rng.randint(1, 6)}"
    return text, postal


def phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"042-{rng.choice(['972', '973', '974', '975', '977', '978', '983', '989'])}-{rng.randint(0, 9999):04d}"
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"


def mynumber(rng: random.Random, valid: bool = True) -> str:
    first = f"{rng.randint(1, 9)}{rng.randint(0, 10**10 - 1):010d}"
    digit = check_digit(first)
    if not valid:
        digit = (digit + rng.randint(1, 9)) % 10
    return first + str(digit)


def plate(rng: random.Random, kind: str) -> str:
    """A canonical plate: 原付 ``飯能市 あ 1234`` or 軽 ``所沢 480 あ 12-34``."""
    kana = rng.choice(PLATE_KANA)
    if kind == "moped":
        return f"飯能市 {kana} {rng.randint(1, 9999)}"
    serial = str(rng.randint(1000, 9999)) if rng.random() < 0.9 else str(rng.randint(1, 999))
    return (
        f"{rng.choice(KEI_REGIONS)} {rng.choice(['480', '580', '480', '50', '40'])} {kana} {format_kei_serial(serial)}"
    )


def chassis(rng: random.Random) -> tuple[str, str, str]:
    """(車台番号, 車名, kind moped|kei)."""
    model, digits, maker, kind = rng.choice(CHASSIS_MODELS)
    serial = f"{rng.randint(1, 10**digits - 1):0{digits}d}"
    return f"{model}-{serial}", maker, kind


def written_date(rng: random.Random, date: dt.date) -> str:
    """How people write a date on a form: mostly 令和6年4月1日, sometimes R6.4.1 or 6.4.1 or 2024/4/1."""
    r = rng.random()
    if r < 0.70:
        return to_wareki(date, gannen=rng.random() < 0.7)
    year = date.year - 2018 if date >= dt.date(2019, 5, 1) else None
    if r < 0.82 and year:
        return f"R{year}.{date.month}.{date.day}"
    if r < 0.90 and year:
        return f"{year}.{date.month}.{date.day}"
    return f"{date.year}/{date.month}/{date.day}"


def keitax_haisha(rng: random.Random, today: dt.date, *, reference_serial: int | None = None) -> dict[str, Fake]:
    """One 廃車申告書 as a person (and the counter) fills it in."""
    name, kana = person(rng)
    addr, postal = address(rng)
    chassis_no, maker, kind = chassis(rng)
    plate_no = plate(rng, kind)
    deregistered = today - dt.timedelta(days=rng.randint(3, 600))
    declared = min(today, deregistered + dt.timedelta(days=rng.randint(0, 40)))
    reason = rng.choices(["scrap", "transfer", "theft", "moved", "other"], weights=[50, 25, 5, 12, 8])[0]
    serial = reference_serial if reference_serial is not None else rng.randint(1, 99999)
    reference = f"R{today.year - 2018:02d}-{serial:05d}"
    mn_state = rng.choices(["none", "valid", "invalid"], weights=[55, 42, 3])[0]
    values = {
        "reference": Fake(reference, reference),
        "declared_on": Fake(written_date(rng, declared), declared.isoformat()),
        "owner_postal_code": Fake(postal if rng.random() < 0.85 else None, None),
        "owner_phone": Fake(phone(rng) if rng.random() < 0.9 else None, None),
        "owner_address": Fake(addr, None),
        "owner_kana": Fake(kana if rng.random() < 0.95 else None, None),
        "owner_name": Fake(name, name),
        "mynumber": Fake(
            None if mn_state == "none" else mynumber(rng, mn_state == "valid"), None if mn_state == "none" else mn_state
        ),
        "plate": Fake(plate_no, plate_no),
        "car_name": Fake(maker if rng.random() < 0.9 else None, None),
        "chassis_no": Fake(chassis_no, chassis_no),
        "deregistered_on": Fake(written_date(rng, deregistered), deregistered.isoformat()),
        "reason": Fake(reason, reason),
        "reason_note": Fake(rng.choice(OTHER_REASONS) if reason == "other" else None, None),
        "plate_return": Fake("not_returned" if reason == "theft" else "returned", None),
    }
    return values


def shimin_anketo(rng: random.Random, today: dt.date, *, sheet_no: int | None = None) -> dict[str, Fake]:
    """One returned survey sheet. Some questions are left unanswered, as on real returns."""

    def one(n: int, p_blank: float = 0.04) -> str | None:
        return None if rng.random() < p_blank else str(rng.randint(1, n))

    def many(n: int, k_max: int) -> str:
        k = rng.randint(1, k_max)
        return ",".join(sorted(rng.sample([str(i) for i in range(1, n + 1)], k), key=int))

    uses = one(2, 0.02)
    q2 = many(7, 4) if uses == "1" else ""
    q3 = many(8, 3)
    sheet = sheet_no if sheet_no is not None else rng.randint(1, 2000)
    answered = today - dt.timedelta(days=rng.randint(0, 20))
    values = {
        "sheet_no": Fake(f"{sheet:04d}", f"{sheet:04d}"),
        "answered_on": Fake(written_date(rng, answered) if rng.random() < 0.8 else None, None),
        "sex": Fake(one(3), None),
        "age": Fake(one(7), None),
        "q1": Fake(uses, None),
        "q2": Fake(q2 or None, q2 or None),
        "q2_other": Fake(rng.choice(OTHER_DEVICES) if "7" in q2.split(",") else None, None),
        "q3": Fake(q3, q3),
        "comment": Fake(rng.choice(COMMENTS) if rng.random() < 0.35 else None, None),
    }
    return values


# (金融機関コード, how people write the name, [(支店コード, 支店名 as written)]): institutions a
# 飯能市 taxpayer banks with, codes as in the 全銀 master (checked by tests/forms against zengin-code).
LOCAL_BANKS = [
    ("0017", ["埼玉りそな銀行"], [("494", "飯能支店"), ("497", "入間支店"), ("483", "狭山支店")]),
    ("0133", ["武蔵野銀行"], [("016", "飯能支店"), ("070", "入間支店"), ("005", "狭山支店")]),
    ("1253", ["飯能信用金庫", "飯能信金"], [("001", "飯能中央支店"), ("011", "東飯能支店"), ("003", "入間支店")]),
    ("4735", ["いるま野農業協同組合", "JAいるま野"], [("080", "飯能支店"), ("086", "名栗原市場支店")]),
    ("0001", ["みずほ銀行"], [("303", "飯能支店")]),
    ("0005", ["三菱UFJ銀行"], [("295", "所沢支店")]),
]
TAX_KEYS = ["shikenmin", "kotei", "keijidosha", "kokuho"]


def written_month(rng: random.Random, year: int, month: int) -> str:
    """振替開始月 as people write it: mostly 令和8年6月, sometimes R8.6 or 8年6月."""
    era_year = year - 2018
    r = rng.random()
    if r < 0.7:
        return f"令和{era_year}年{month}月"
    if r < 0.9:
        return f"R{era_year}.{month}"
    return f"{era_year}年{month}月"


def kouza_furikae(rng: random.Random, today: dt.date, *, reference_serial: int | None = None) -> dict[str, Fake]:
    """One 口座振替依頼書 as a taxpayer (and the counter) fills it in."""
    name, kana = person(rng)
    addr, _postal = address(rng)
    code, bank_names, branches = rng.choice(LOCAL_BANKS)
    branch_code, branch_name = rng.choice(branches)
    holder = kana
    if rng.random() < 0.1:  # paid from a family member's account: same surname, another given name
        holder = f"{kana.split(chr(0x3000))[0]}\u3000{rng.choice(GIVEN_NAMES)[1]}"
    taxes = sorted(rng.sample(TAX_KEYS, rng.choices([1, 2, 3], weights=[50, 35, 15])[0]), key=TAX_KEYS.index)
    ahead = rng.randint(1, 3)
    start_year, start_month = today.year + (today.month - 1 + ahead) // 12, (today.month - 1 + ahead) % 12 + 1
    declared = today - dt.timedelta(days=rng.randint(0, 20))
    serial = reference_serial if reference_serial is not None else rng.randint(1, 99999)
    atena = f"00{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.5 else None
    return {
        "reference": Fake(f"R{today.year - 2018:02d}-{serial:05d}", f"R{today.year - 2018:02d}-{serial:05d}"),
        "declared_on": Fake(written_date(rng, declared), declared.isoformat()),
        "atena_no": Fake(atena, atena),
        "phone": Fake(phone(rng) if rng.random() < 0.8 else None, None),
        "address": Fake(addr, None),
        "kana": Fake(kana if rng.random() < 0.95 else None, None),
        "name": Fake(name, name),
        "bank_code": Fake(code, code),
        "branch_code": Fake(branch_code, branch_code),
        "deposit_type": Fake("futsu" if rng.random() < 0.93 else "toza", None),
        "bank_name": Fake(rng.choice(bank_names), None),
        "branch_name": Fake(branch_name, None),
        "account_no": Fake(f"{rng.randint(1, 9_999_999):07d}", None),
        "holder_kana": Fake(holder, None),
        "taxes": Fake(",".join(taxes), ",".join(taxes)),
        "start_month": Fake(written_month(rng, start_year, start_month), f"{start_year:04d}-{start_month:02d}"),
    }


GENERATORS = {"keitax_haisha": keitax_haisha, "shimin_anketo": shimin_anketo, "kouza_furikae": kouza_furikae}


# 旧字体 in a register, as people write the name on a form today.
EVERYDAY_FORMS = str.maketrans({"髙": "高", "齋": "斎", "邉": "辺", "邊": "辺", "﨑": "崎", "澤": "沢"})
SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョ", "アイウエオツヤユヨ")


def written_address(rng: random.Random, address: str) -> str:
    """A register address as a declarant writes it: whole, without the prefecture, or with hyphens."""
    style = rng.random()
    if style < 0.4:
        return address
    text = address.removeprefix("埼玉県")
    if style < 0.7:
        return text
    text = text.split("　")[0]  # the building left off
    for mark in ("丁目", "番地の", "番地", "番"):
        text = text.replace(mark, "-")
    return text.replace("号", "")


def declaration_for(
    rng: random.Random,
    vehicle: object,
    *,
    reference: str,
    deregistered: dt.date,
    declared: dt.date,
    reason: str = "scrap",
) -> dict[str, Fake]:
    """The 廃車申告書 a register entry's owner fills in (``vehicle``: plate, chassis_no, maker,
    owner_name, owner_kana, owner_address — e.g. the mock's ``Vehicle``). Names in everyday
    characters (髙橋 → 高橋), sometimes large kana for small (キョウコ → キヨウコ), the address as
    people write it: what a robot must still recognise as the register's entry."""
    get = lambda key: getattr(vehicle, key)  # noqa: E731
    kana = get("owner_kana")
    if rng.random() < 0.3:
        kana = kana.translate(SMALL_TO_LARGE)
    values = {
        "plate": Fake(get("plate"), get("plate")),
        "chassis_no": Fake(get("chassis_no"), get("chassis_no")),
        "reference": Fake(reference, reference),
        "deregistered_on": Fake(written_date(rng, deregistered), deregistered.isoformat()),
        "declared_on": Fake(written_date(rng, declared), declared.isoformat()),
        "reason": Fake(reason, reason),
        "owner_name": Fake(get("owner_name").translate(EVERYDAY_FORMS), None),
        "owner_kana": Fake(kana, None),
        "owner_address": Fake(written_address(rng, get("owner_address")), None),
    }
    # 車名 as the form's list has it; a maker the list lacks is left blank (never a made-up one).
    values["car_name"] = Fake(get("maker"), get("maker")) if get("maker") in CAR_NAMES else Fake(None, None)
    return values


CAR_NAMES = {
    "ホンダ",
    "ヤマハ",
    "スズキ",
    "カワサキ",
    "ダイハツ",
    "三菱",
    "日産",
    "マツダ",
    "スバル",
    "トヨタ",
    "クボタ",
    "ヤンマー",
}
