"""Field types: normalisation of what people write / the recogniser returns, and validation."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from daiko.forms.fieldtypes import TYPES, get_type
from daiko.forms.fieldtypes.mynumber import MASKED, check_digit, is_valid
from daiko.forms.fieldtypes.wareki_date import parse_date, to_wareki


def check(type_name: str, raw: str, **rules):
    return get_type(type_name, rules).check(raw)


# ---- 和暦 dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("令和6年4月1日", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和 6 年 4 月 1 日", "2024-04-01"),
        ("R6.4.1", "2024-04-01"),
        ("R06/04/01", "2024-04-01"),
        ("r6.4.1", "2024-04-01"),
        ("令6.4.1", "2024-04-01"),
        ("６．４．１", "2024-04-01"),  # era-less: default_era 令和
        ("6・4・1", "2024-04-01"),
        ("2024/4/1", "2024-04-01"),
        ("２０２４年４月１日", "2024-04-01"),
        ("2024-04-01", "2024-04-01"),
        ("20240401", "2024-04-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("H元.1.8", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("S50.12.3", "1975-12-03"),
        ("大正15年12月24日", "1926-12-24"),
    ],
)
def test_dates_normalise_to_iso(raw, iso):
    result = check("wareki_date", raw, default_era="令和")
    assert result.ok, result.reason
    assert result.value == iso


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("令和1年4月1日", "期間外"),  # 令和 began on 1 May 2019
        ("令和元年4月30日", "期間外"),
        ("平成31年5月1日", "期間外"),  # 平成 ended on 30 April 2019
        ("昭和64年1月8日", "期間外"),
        ("令和6年2月30日", "存在しない"),
        ("令和6年13月1日", "存在しない"),
        ("令和6年4月", "読めません"),
        ("あした", "読めません"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(raw, reason_part):
    result = check("wareki_date", raw, default_era="令和")
    assert not result.ok and result.value is None
    assert reason_part in result.reason


def test_era_less_date_needs_a_default_era():
    assert check("wareki_date", "6.4.1").reason == "元号がありません"


def test_date_rules():
    today = "2025-03-31"
    assert check("wareki_date", "令和7年4月1日", not_future=True, today=today).reason == "未来の日付です"
    assert check("wareki_date", "平成30年1月1日", min="2019-05-01").reason == "令和元年5月1日より前の日付です"
    assert check("wareki_date", "令和5年1月1日", max_age_days=365, today=today).reason == "365日以上前の日付です"
    assert check("wareki_date", "令和7年3月31日", not_future=True, today=today).ok


def test_to_wareki_round_trip():
    rng = random.Random(1)
    for _ in range(300):
        date = dt.date(1927, 1, 1) + dt.timedelta(days=rng.randint(0, 36_000))
        for gannen in (True, False):
            assert parse_date(to_wareki(date, gannen=gannen))[0] == date


def test_unknown_rule_is_a_definition_error():
    with pytest.raises(ValueError, match="no rule"):
        get_type("wareki_date", {"not_futur": True})


# ---- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ"),  # half-width → full-width, space kept
        ("やまだ　たろう", "ヤマダ\u3000タロウ"),  # hiragana → katakana
        ("ヤマダ  タロウ", "ヤマダ\u3000タロウ"),
        ("コ-ジ", "コージ"),  # hyphen → 長音
        ("コ一ジ", "コージ"),  # kanji 一 → 長音
        ("力ワダ", "カワダ"),  # kanji 力 → カ
        ("工ンドウ", "エンドウ"),
        ("キョウコ", "キョウコ"),  # small kana kept
        ("ｷｮｳｺ", "キョウコ"),
        ("サトウ·ハナコ", "サトウ\u3000ハナコ"),  # a middle dot for the gap
    ],
)
def test_kana_name_normalises(raw, value):
    result = check("kana_name", raw)
    assert result.ok, result.reason
    assert result.value == value


@pytest.mark.parametrize("raw", ["サトウ 一郎", "ヤマダ1", "A", "ーアイ", "ｱ"])
def test_kana_name_rejects(raw):
    assert not check("kana_name", raw).ok


def test_names_may_require_the_space():
    assert not check("kana_name", "ヤマダタロウ", require_space=True).ok
    assert check("kana_name", "ヤマダ タロウ", require_space=True).ok
    assert "区切り" in check("kanji_name", "山田太郎", require_space=True).reason


@pytest.mark.parametrize("raw", ["山田　太郎", "佐々木 真由美", "市川　さくら", "林 亮", "一ノ瀬　ヶ子"])
def test_kanji_name_accepts(raw):
    assert check("kanji_name", raw).ok


@pytest.mark.parametrize("raw", ["山田 太郎1", "Taro", "山", "山田·太郎!"])
def test_kanji_name_rejects(raw):
    assert not check("kanji_name", raw).ok


def test_kanji_name_keeps_compatibility_kanji():
    # NFKC would turn 﨑 into a different registered character: it must be left alone.
    assert check("kanji_name", "山﨑　太郎").value == "山﨑\u3000太郎"


# ---- address, postal code, phone, number ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("埼玉県飯能市双柳１－２", "埼玉県飯能市双柳1-2"),
        ("飯能市大字双柳1ー2", "飯能市大字双柳1-2"),
        ("飯能市仲町12番3号 ハイツ美杉101", "飯能市仲町12番3号ハイツ美杉101"),
        ("飯能市本町 1 - 2", "飯能市本町1-2"),
        ("東京都千代田区霞が関2丁目1番2号", "東京都千代田区霞が関2丁目1番2号"),
        ("飯能市双柳1-2-3 101", "飯能市双柳1-2-3 101"),  # a space between two numbers is kept
        ("飯能市緑町7-2コ一ポ双柳204", "飯能市緑町7-2コーポ双柳204"),  # 一 after katakana is ー
        ("飯能市双柳1番地 ハイツ一号棟", "飯能市双柳1番地ハイツ一号棟"),
    ],
)
def test_address_normalises(raw, value):
    result = check("address", raw)
    assert result.ok, result.reason
    assert result.value == value


@pytest.mark.parametrize("raw", ["双柳", "ABC 123", "飯能市双柳", "1-2-3"])
def test_address_rejects(raw):
    assert not check("address", raw).ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("〒357-0021", "357-0021"),
        ("テ357-0021", "357-0021"),  # 〒 misread
        ("357ー0021", "357-0021"),
        ("３５７－００２１", "357-0021"),
        ("3570021", "357-0021"),
        ("357:0021", "357-0021"),
        ("〒 357 - 0021", "357-0021"),
        ("357-OO21", "357-0021"),
    ],
)
def test_postal_code(raw, value):
    result = check("postal_code", raw)
    assert result.ok and result.value == value


@pytest.mark.parametrize("raw", ["357-002", "35-70021", "abc"])
def test_postal_code_rejects(raw):
    assert not check("postal_code", raw).ok


def test_postal_code_prefix_rule():
    assert not check("postal_code", "100-0001", prefixes=["357", "350"]).ok
    assert check("postal_code", "357-0001", prefixes=["357", "350"]).ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("042-973-2111", "042-973-2111"),
        ("０４２－９７３－２１１１", "042-973-2111"),
        ("(042)973-2111", "042-973-2111"),
        ("090-1234-5678", "090-1234-5678"),
        ("09012345678", "090-1234-5678"),
        ("0429732111", "0429732111"),
        ("03-1234-5678", "03-1234-5678"),
        ("O42-973-2111", "042-973-2111"),
    ],
)
def test_phone(raw, value):
    result = check("phone", raw)
    assert result.ok, result.reason
    assert result.value == value


@pytest.mark.parametrize("raw", ["042-973-211", "42-973-2111", "090-1234-567", "電話なし"])
def test_phone_rejects(raw):
    assert not check("phone", raw).ok


@pytest.mark.parametrize(
    ("raw", "value"), [("1,234", "1234"), ("１２３４", "1234"), ("12,345円", "12345"), ("007", "007")]
)
def test_number(raw, value):
    assert check("number", raw).value == value


def test_number_rules():
    assert not check("number", "12,34").ok
    assert not check("number", "5", min=10).ok
    assert not check("number", "123", digits=4).ok
    assert check("number", "0123", digits=4).ok


# ---- plates, chassis numbers, codes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("飯能市 あ 1234", "飯能市 あ 1234"),
        ("飯能市あ1234", "飯能市 あ 1234"),
        ("飯能市っ9366", "飯能市 つ 9366"),  # plates carry no small kana: っ is a misjudged つ
        ("飯能市　い　12", "飯能市 い 12"),
        ("所沢 480 あ 12-34", "所沢 480 あ 12-34"),
        ("所沢480あ1234", "所沢 480 あ 12-34"),
        ("所沢 480 ア 12ー34", "所沢 480 あ 12-34"),  # katakana in the kana slot
        ("所沢 ４８０ あ １２－３４", "所沢 480 あ 12-34"),
        ("所沢 50 さ ・123", "所沢 50 さ ・123"),
        ("所沢 50 さ ·123", "所沢 50 さ ・123"),
        ("練馬 40 二 73-29", "練馬 40 こ 73-29"),  # 二 can only be こ there
        ("多摩 40 廿 95-80", "多摩 40 せ 95-80"),
        ("飯能市 < 1312", "飯能市 く 1312"),
        ("春日部 580 ゆ 20-17", "春日部 580 ゆ 20-17"),
    ],
)
def test_plate_normalises(raw, value):
    result = check("plate", raw)
    assert result.ok, result.reason
    assert result.value == value


@pytest.mark.parametrize(
    "raw",
    [
        "所沢 480 12-34",  # the kana lost: never guessed
        "飯能市4797",
        "所沢 480内 56-31",
        "所沢 480 お 12-34",  # お is never issued
        "所沢 480 あ 0123",  # no leading zero in a serial
        "飯能市 あ 0",
        "ABC 123",
    ],
)
def test_plate_rejects(raw):
    assert not check("plate", raw).ok


def test_plate_known_places():
    rules = {"regions": ["所沢", "川越"], "municipalities": ["飯能市"]}
    assert check("plate", "所沢 480 あ 12-34", **rules).ok
    assert "地名" in check("plate", "品川 480 あ 12-34", **rules).reason
    assert not check("plate", "日高市 あ 12", **rules).ok
    assert check("plate", "所沢 は 8472", **rules).ok  # 二輪: a 地名, checked against the regions
    assert "地名" in check("plate", "品川 は 8472", **rules).reason


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("AF68-1234567", "AF68-1234567"),
        ("af68－1234567", "AF68-1234567"),
        ("HA36S-12345O", "HA36S-123450"),  # O in the serial is a 0
        ("JF3 - 1234567", "JF3-1234567"),
        ("ＬＡ６５０Ｓ－１２３４５６", "LA650S-123456"),
    ],
)
def test_chassis_no(raw, value):
    result = check("chassis_no", raw)
    assert result.ok, result.reason
    assert result.value == value


@pytest.mark.parametrize("raw", ["AF68", "1234567", "AF68-12", "車台-1234567"])
def test_chassis_no_rejects(raw):
    assert not check("chassis_no", raw).ok


def test_code_pattern():
    assert check("code", "r06-00I23", pattern=r"R\d{2}-\d{5}").value == "R06-00123"
    assert not check("code", "R6-123", pattern=r"R\d{2}-\d{5}").ok


def test_text_vocabulary_is_never_snapped():
    result = check("text", "ダイハシ", vocabulary=["ダイハツ", "スズキ"])
    assert not result.ok and result.value == "ダイハシ"
    # A small kana where none can stand is the size misjudged, not a snap: ダィハツ is ダイハツ.
    assert check("text", "ダィハツ", vocabulary=["ダイハツ", "スズキ"]).ok
    assert check("text", "ＡＢＣ  商事").value == "ABC 商事"


# ---- marks ---------------------------------------------------------------------------------------


def test_choice_one_of():
    t = get_type("choice", {"options": ["scrap", "transfer", "theft"], "select": "one"})
    assert t.check("transfer").value == "transfer"
    assert "2つ" in t.check("scrap,theft").reason
    assert t.check("").reason == "印がありません"
    assert t.check("scrap,?").value is None  # an unsure box is never decided


def test_choice_up_to_three():
    t = get_type("choice", {"options": [str(i) for i in range(1, 9)], "select": "many", "max": 3, "min": 0})
    assert t.check("3,1,2").value == "1,2,3"  # form order
    assert "3つまで" in t.check("1,2,3,4").reason
    assert t.check("").ok
    assert t.check("9").value is None


def test_checkbox():
    t = get_type("checkbox")
    assert t.check("1").value == "1" and t.check("").value == "0"


# ---- 個人番号 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first11", "digit"),
    [
        ("12345678901", 8),  # 212 ≡ 3 (mod 11): the widely quoted 123456789018
        ("00000000000", 0),
        ("99999999999", 6),  # 9 × 47 = 423 ≡ 5 (mod 11)
        ("11111111111", 8),
        ("23456789012", 1),  # 219 ≡ 10 (mod 11)
    ],
)
def test_mynumber_check_digit(first11, digit):
    # Reference values computed by hand from the 総務省令 formula (Σ Pn×Qn mod 11).
    assert check_digit(first11) == digit


def test_mynumber_check_digit_formula_matches_a_direct_computation():
    rng = random.Random(7)
    for _ in range(500):
        digits = [rng.randint(0, 9) for _ in range(11)]
        total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(digits), start=1))
        expected = 0 if total % 11 <= 1 else 11 - total % 11
        assert check_digit("".join(map(str, digits))) == expected


def test_mynumber_single_digit_errors_are_caught():
    base = "12345678901"
    number = base + str(check_digit(base))
    assert is_valid(number)
    for i in range(12):
        for d in "0123456789":
            if d != number[i]:
                assert not is_valid(number[:i] + d + number[i + 1 :])


def test_mynumber_is_never_returned_in_clear():
    t = get_type("mynumber")
    good = "12345678901" + str(check_digit("12345678901"))
    for raw in (good, "1234 5678 9018", "１２３４５６７８９０１８", "123456789010", "12345"):
        result = t.check(raw)
        assert result.value == MASKED
        assert not re.search(r"\d{3,}", (result.reason or "") + result.value)  # "12桁" at most
    assert t.check(good).ok and t.check("1234-5678-9018").ok
    assert not t.check("123456789010").ok
    assert t.sensitive


def test_every_type_is_registered_and_has_a_japanese_unparsable_message():
    assert {"wareki_date", "kana_name", "kanji_name", "address", "postal_code", "phone", "number", "plate",
            "chassis_no", "checkbox", "choice", "mynumber"} <= set(TYPES)  # fmt: skip
    for name in TYPES:
        assert any("\u3040" <= c <= "\u9fff" for c in get_type(name).unparsable_ja)
    with pytest.raises(ValueError, match="unknown field type"):
        get_type("fax")
