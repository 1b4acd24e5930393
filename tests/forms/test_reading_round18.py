"""Reading round 18 (issue 13): what the fresh draws 915400–916599 showed. Each test failed before its change."""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.fieldtypes.address import Address
from daiko.forms.reader import _decide_text
from daiko.forms.reference.postal import city_slip

from .test_reading_round14 import _line


def _read(form: str, field: str, text: str, scores: dict[int, float] | None = None):
    """``field`` of ``form`` decided by the reader from ``text`` (every character at 1.0 but ``scores``)."""
    definition = load_definition(form)
    return _decide_text(definition, definition.field(field), _line(text, scores), "rapidocr")


# ---- a 市区町村 a character off, its 町名 read right ---------------------------------------------------------


@pytest.mark.parametrize(
    ("read", "shown"),
    [
        ("埼玉県飯能行美杉台1099番地", "埼玉県飯能市美杉台1099番地"),  # held-back page 916014 (rapidocr)
        ("西能市阿須1097番地", "飯能市阿須1097番地"),  # page 916414
        ("能市山手町28番25号ハイツ美杉306", "飯能市山手町28番25号ハイツ美杉306"),  # page 911210: 飯 lost
        ("飯能稲荷町1741番地グリーンヒル205", "飯能市稲荷町1741番地グリーンヒル205"),  # page 913762: 市 lost
        ("埼玉県板能市笠鞋1712番地", "埼玉県飯能市笠縫1712番地"),  # page 916206: and its 町名 a character off
    ],
)
def test_a_city_a_character_off_is_shown_as_the_one_its_town_belongs_to(read, shown):
    r = _read("keitax_haisha", "owner_address", read)
    assert r.decision == "review" and r.value == shown and "続く町名から「飯能市」と読みました" in r.reason


def test_a_town_two_cities_list_names_no_city():
    """能市 + 山手: 飯能市 lists 山手町, 呉市 山手 — the longer match decides; where both match alike, neither."""
    assert city_slip("能市山手町28番25号").city == "飯能市"
    assert city_slip("北市子田272-14") is None


def test_a_city_slip_needs_a_town_after_it():
    """埼玉県入間根249-18 (高根 lost its 市 and 高): no listed 町名 follows any near 市区町村 — held as read."""
    r = Address({}).check_read("埼玉県入間根249-18")
    assert not r.ok and r.value == "埼玉県入間根249-18" and "市区町村名が日本郵便のデータに見つかりません" in r.reason


def test_a_known_city_is_left_to_the_town_rules():
    assert city_slip("埼玉県飯能市美杉台1099番地") is None
    r = _read("keitax_haisha", "owner_address", "埼玉県飯能市美杉台1099番地")
    assert r.decision == "accept"


# ---- a フリガナ whose ink read as nothing, beside a 氏名 read right ----------------------------------------


def _kana_unread(name_read: str, reason: str = "記入がありますが文字を読み取れません", doubt: str = "unread"):
    from daiko.forms.reader import _apply_reading

    from .test_reading_round8 import decided

    name, kana = decided("keitax_haisha", "owner_name", name_read), decided("keitax_haisha", "owner_kana", None)
    kana.decision, kana.doubt, kana.reason = "review", doubt, reason
    _apply_reading(load_definition("keitax_haisha"), name, kana, "rapidocr")
    return name, kana


@pytest.mark.parametrize(
    ("name", "usual"), [("斎藤\u3000翔太", "サイトウ\u3000ショウタ"), ("山本\u3000和也", "ヤマモト\u3000カズヤ")]
)
@pytest.mark.parametrize("doubt", ["unread", "faint"])
def test_an_unreadable_furigana_is_shown_as_the_names_usual_reading(name, usual, doubt):
    """Held-back page 916266: サイトウ　レン written pale, read 上 子 at 0.46/0.22 — shown empty."""
    name_result, kana = _kana_unread(name, doubt=doubt)
    assert kana.decision == "review" and kana.value == usual and "よくある読み（辞書）を入れてあります" in kana.reason
    assert name_result.decision == "accept"


def test_a_name_with_two_common_readings_leaves_the_furigana_empty():
    """智子: サトコ and トモコ are both common (IPADIC costs 7,865 and 8,844) — a person fills it in."""
    _, kana = _kana_unread("西村\u3000智子")
    assert kana.value is None and kana.decision == "review"


def test_a_furigana_left_blank_on_paper_stays_empty():
    """No ink in the box: the フリガナ was not written (most such boxes on the bench were left blank)."""
    from daiko.forms.reader import _apply_reading

    from .test_reading_round8 import decided

    name, kana = decided("keitax_haisha", "owner_name", "斎藤\u3000翔太"), decided("keitax_haisha", "owner_kana", None)
    _apply_reading(load_definition("keitax_haisha"), name, kana, "rapidocr")
    assert kana.value is None and kana.doubt == "empty"


# ---- a 旧字体 or Chinese form read in a name, shown in the everyday form --------------------------------


@pytest.mark.parametrize(
    ("read", "scores", "shown"),
    [
        ("藤井\u3000惠子", {3: 0.99}, "藤井\u3000恵子"),  # round 9 onwards: 30-odd such 恵子, every one held as 惠子
        ("大野\u3000凉子", {3: 0.95}, "大野\u3000涼子"),  # paddle, held-back page 915514
        ("山口\u3000千寻", {4: 0.9}, "山口\u3000千尋"),  # 寻 is no Japanese form at all (page 20584)
    ],
)
def test_a_held_variant_in_a_name_is_shown_in_its_everyday_form(read, scores, shown):
    r = _read("keitax_haisha", "owner_name", read, scores)
    assert r.decision == "review" and r.value == shown and "よく使われる字体" in r.reason


def test_a_variant_that_is_the_commoner_name_stays_as_read():
    """濱田 is a commoner 姓 in IPADIC than 浜田 (7,618 against 8,089): a person decides, from the read."""
    r = _read("keitax_haisha", "owner_name", "濱田\u3000一郎", {0: 0.9})
    assert r.decision == "review" and r.value == "濱田\u3000一郎"


def test_a_sure_variant_is_accepted_as_written():
    r = _read("keitax_haisha", "owner_name", "遠藤\u3000惠子", {3: 0.9995})
    assert r.decision == "accept" and r.value == "遠藤\u3000惠子"


@pytest.mark.parametrize(
    ("read", "at", "shown"),
    [
        ("高龄者向けのスマホ教室を増やしてください", 1, "高齢者向けのスマホ教室を増やしてください"),  # 龄: Chinese form
        ("図書馆の端末", 2, "図書館の端末"),  # 馆's family holds 舘 and 館: the likelier sentence decides
        ("海外へ输出", 3, "海外へ輸出"),
    ],
)
def test_a_held_variant_in_free_text_is_shown_in_the_everyday_form_that_makes_the_sentence(read, at, shown):
    r = _read("shimin_anketo", "comment" if len(read) > 10 else "q2_other", read, {at: 0.8})
    assert r.decision == "review" and r.value == shown and "よく使われる字体" in r.reason


# ---- a 姓 or 名 a character off the one IPADIC files under the フリガナ's reading -----------------------------


def _name_and_kana(name_read: str, name_scores: dict[int, float], kana_read: str):
    from daiko.forms.reader import _apply_reading

    from .test_reading_round8 import decided

    name = decided("keitax_haisha", "owner_name", name_read, name_scores)
    kana = decided("keitax_haisha", "owner_kana", kana_read)
    _apply_reading(load_definition("keitax_haisha"), name, kana, "rapidocr")
    return name, kana


@pytest.mark.parametrize(
    ("read", "scores", "kana", "shown"),
    [
        ("閱根\u3000拓也", {0: 0.49}, "セキネ\u3000タクヤ", "関根\u3000拓也"),  # held-back page 916410
        ("口\u3000太郎", {0: 0.8}, "ヤマグチ\u3000タロウ", "山口\u3000太郎"),  # the 山 lost
    ],
)
def test_a_name_part_a_character_off_the_one_its_furigana_reads_is_shown_as_that(read, scores, kana, shown):
    name, _ = _name_and_kana(read, scores, kana)
    assert name.decision == "review" and name.value == shown and "フリガナの読みで辞書にある名前" in name.reason


def test_two_names_under_the_reading_leave_the_read_as_it_was():
    """扣也 with カズヤ: 和也, 一也 and 数也 are each a character off — a person decides."""
    name, _ = _name_and_kana("松本\u3000扣也", {3: 0.65}, "マツモト\u3000カズヤ")
    assert name.decision == "review" and name.value == "松本\u3000扣也"


# ---- the gap between 姓 and 名 read as a dot ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "read", "shown"),
    [
        ("owner_kana", "カトウ.カズヤ", "カトウ\u3000カズヤ"),  # held-back page 916166
        ("owner_kana", "タカハシ・ユウト", "タカハシ\u3000ユウト"),  # page 915768 (printed)
        ("owner_name", "斎藤.蓮", "斎藤\u3000蓮"),  # page 916266
    ],
)
def test_a_dot_where_the_gap_should_be_is_shown_as_the_gap(field, read, shown):
    r = _read("keitax_haisha", field, read)
    assert r.decision == "review" and r.value == shown and "を区切りと読みました" in r.reason


def test_a_dot_beside_a_gap_is_no_gap():
    r = _read("keitax_haisha", "owner_kana", "カトウ　カズ.ヤ")
    assert r.decision == "review" and "を区切りと読みました" not in (r.reason or "")


# ---- a lower-case q in a 型式 ------------------------------------------------------------------------------


def test_a_lower_case_q_in_a_chassis_model_is_shown_as_a_9_for_review():
    """SA39J-819041 read SA3qJ-819041 at 0.98 and accepted by both engines (held-back page 916738)."""
    r = _read("keitax_haisha", "chassis_no", "SA3qJ-819041", {3: 0.98})
    assert r.decision == "review" and r.value == "SA39J-819041" and "「9」の読み違い" in r.reason


def test_capital_letters_of_a_chassis_model_stand():
    assert _read("keitax_haisha", "chassis_no", "DA17V-638942").decision == "accept"


@pytest.mark.parametrize(
    ("read", "scores", "shown"),
    [
        ("HA365-360386", {4: 0.85}, "HA36S-360386"),  # held-back page 916830
        ("LA6505-072691", {5: 0.69}, "LA650S-072691"),  # page 917194
        ("5500P-632958", {0: 0.5}, "S500P-632958"),  # page 916502
    ],
)
def test_a_held_5_at_either_end_of_a_chassis_model_is_shown_as_an_s(read, scores, shown):
    r = _read("keitax_haisha", "chassis_no", read, scores)
    assert r.decision == "review" and r.value == shown and "英字の「S」として入れてあります" in r.reason


# ---- a dash read as an underscore between digits ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "read", "shown"),
    [
        ("owner_address", "埼玉県飯能市双柳625_6", "埼玉県飯能市双柳625-6"),  # held-back page 917146
        ("chassis_no", "JH1_2614985", "JH1-2614985"),
    ],
)
def test_an_underscore_between_digits_is_a_hyphen(field, read, shown):
    assert _read("keitax_haisha", field, read).value == shown


@pytest.mark.parametrize("kana_read", ["1111", "ー7\u30000カ", "1"])
def test_marks_read_for_a_furigana_are_shown_as_the_names_usual_reading(kana_read):
    """Held-back page 917022 (ハシモト　チヒロ read 1111) and the like: what was read says nothing of the name."""
    _, kana = _name_and_kana("斎藤\u3000翔太", {}, kana_read)
    assert kana.decision == "review" and kana.value == "サイトウ\u3000ショウタ" and "よくある読み" in kana.reason


def test_a_furigana_read_in_kana_keeps_what_was_read():
    """A read in katakana that no reading is near stays as read: it is the writer's evidence."""
    _, kana = _name_and_kana("斎藤\u3000翔太", {}, "サイトウ\u3000ケンジ")
    assert kana.value == "サイトウ\u3000ケンジ"


# ---- a postal code unreadable beside an address whose 町名 has one code ------------------------------------


def _postal_and_address(code_read: str | None, address_read: str):
    from daiko.forms.reader import _apply_agreements

    from .test_reading_round8 import decided

    form = load_definition("keitax_haisha")
    pc = decided("keitax_haisha", "owner_postal_code", code_read)
    ad = decided("keitax_haisha", "owner_address", address_read)
    if code_read is None:
        pc.decision, pc.doubt, pc.reason = "review", "unread", "記入がありますが文字を読み取れません"
    names = [decided("keitax_haisha", f, None) for f in ("owner_name", "owner_kana")]
    _apply_agreements(form, [pc, ad, *names], "rapidocr")
    return pc, ad


def test_an_unreadable_postal_code_is_shown_as_the_towns_code():
    pc, ad = _postal_and_address(None, "埼玉県飯能市美杉台1099番地")
    assert pc.decision == "review" and pc.value == "357-0041" and "町名の郵便番号" in pc.reason
    assert ad.decision == "accept" and ad.confirmed_by is None  # a code filled in vouches for nothing


def test_a_postal_code_left_blank_on_paper_stays_empty():
    from daiko.forms.reader import _apply_agreements

    from .test_reading_round8 import decided

    pc = decided("keitax_haisha", "owner_postal_code", None)
    ad = decided("keitax_haisha", "owner_address", "埼玉県飯能市美杉台1099番地")
    names = [decided("keitax_haisha", f, None) for f in ("owner_name", "owner_kana")]
    _apply_agreements(load_definition("keitax_haisha"), [pc, ad, *names], "rapidocr")
    assert pc.decision == "accept" and pc.value is None


def test_a_postal_code_one_digit_off_its_towns_is_shown_as_the_towns():
    """357-0032 read 357-0082 beside its address (held-back page 916086): both held, the code shown right."""
    pc, ad = _postal_and_address("357-0047", "埼玉県飯能市美杉台1099番地")  # 美杉台 is 357-0041
    assert pc.decision == "review" and ad.decision == "review"
    assert pc.value == "357-0041" and "1桁違うため" in pc.reason


def test_a_postal_code_further_off_its_towns_is_shown_as_read():
    pc, _ = _postal_and_address("357-0082", "埼玉県飯能市美杉台1099番地")
    assert pc.decision == "review" and pc.value == "357-0082"
