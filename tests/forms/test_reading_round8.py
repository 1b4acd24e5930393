"""Reading round 8 (issue 13): writing lost on part of a page, variant kanji the reference data
spells otherwise, and dates whose era was misread.

Each test failed before its fix.
"""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text, _hold_beside_lost_writing
from daiko.ocr.base import TextLine
from tests.forms.test_reading_round7 import decided as decided_read
from tests.forms.test_reading_round7 import name_and_kana


def decided(form_name: str, field: str, text: str | None, scores: dict[int, float] | None = None):
    """As round 7's, and None for a field read as empty."""
    if text is None:
        form = load_definition(form_name)
        return _decide_text(form, form.field(field), None, "rapidocr")
    return decided_read(form_name, field, text, scores)


# ---- writing lost on part of a page --------------------------------------------------------------


def page(unreadable: int):
    """A 廃車申告書 written in a pale pen: the フリガナ read as nothing, ``unreadable`` other fields as
    no value (held-back page 904378: 〒, 電話 and フリガナ accepted as empty)."""
    garbled = [("owner_address", "早日高市門十十57-4"), ("plate", "能市ミ4680"), ("chassis_no", "++2A-5722"),
               ("deregistered_on", "1521")]  # fmt: skip
    form = load_definition("keitax_haisha")
    results = [decided("keitax_haisha", name, text, {0: 0.8}) for name, text in garbled[:unreadable]]
    results += [decided("keitax_haisha", "owner_kana", None), decided("keitax_haisha", "reference", "R07-83387")]
    assert all(r.decision == "review" and r.doubt == "invalid" for r in results[:unreadable])
    return form, results


def test_an_empty_field_on_a_page_of_unreadable_fields_goes_to_review():
    form, results = page(unreadable=3)
    kana = results[-2]
    assert kana.value is None and kana.decision == "accept"  # as read
    _hold_beside_lost_writing(form, results)
    assert kana.decision == "review" and kana.doubt == "empty"
    assert "薄い記入が写っていない可能性" in kana.reason
    assert results[-1].decision == "accept"  # a value read is not touched


def test_an_empty_field_beside_one_or_two_unreadable_fields_stays_empty():
    form, results = page(unreadable=2)
    _hold_beside_lost_writing(form, results)
    assert results[-2].decision == "accept" and results[-2].value is None


# ---- rare kanji forms in a place name ------------------------------------------------------------


def test_a_rare_form_in_a_town_name_is_found_in_japan_posts_data():
    # 鄉 read for 郷 at 0.78 (held-back page 905074): ja-itaiji reaches 郷 from 鄉 only through 乡, so
    # the town was not found and the bench scored the value wrong. Round 8 kept the value as read (the
    # issue: fold for comparison, key as written); since round 20 a kanji no Japanese character set
    # has (鄉 is not in cp932: a core system could not store it) is written as Japan Post spells the
    # place — 異体字 a person may write, in the character set, are still kept.
    from daiko.forms.reference.postal import parse

    assert parse("埼玉県飯能市大字中藤下鄉560番地8").town == "中藤下郷"
    r = decided("keitax_haisha", "owner_address", "埼玉県飯能市大字中藤下鄉560番地8")
    assert r.value == "埼玉県飯能市大字中藤下郷560番地8"


@pytest.mark.parametrize(
    "address",
    ["埼玉県鶴ヶ島市上広谷1-2", "埼玉県鶴ケ島市上広谷1-2", "飯能市笠縫7-23", "埼玉縣飯能市柳町9番16號"],
)
def test_an_address_is_kept_as_written(address):
    assert decided("keitax_haisha", "owner_address", address).value == address


def test_two_everyday_kanji_sharing_a_simplified_form_stay_two():
    from daiko.forms.reference.variants import same_char

    assert same_char("鄉", "郷") and same_char("增", "増")
    assert not same_char("発", "髪") and not same_char("郷", "向")


# ---- 々 read as 口 ---------------------------------------------------------------------------------


def test_an_iteration_mark_read_as_kuchi_is_put_back_for_review():
    # 佐口木 accepted at 0.98 (its 口 at 0.91): held-back page 905018.
    r = decided("keitax_haisha", "owner_name", "佐口木\u3000美咲", {1: 0.9054})
    assert r.decision == "review" and r.value == "佐々木\u3000美咲"
    assert "「佐口木」を「佐々木」と読みました" in r.reason


@pytest.mark.parametrize("name", ["川口\u3000美咲", "山口\u3000花子", "佐々木\u3000美咲"])
def test_a_name_with_a_real_kuchi_is_kept(name):
    r = decided("keitax_haisha", "owner_name", name)
    assert r.decision == "accept" and r.value == name


# ---- a date's numbers when its frame is lost -----------------------------------------------------


@pytest.mark.parametrize(
    ("form", "field", "read", "meant"),
    [
        ("shimin_anketo", "answered_on", "4今和7年3月28日", "2025-03-28"),  # held-back pages, round 7
        ("shimin_anketo", "answered_on", "今7年3月13日", "2025-03-13"),
        ("shimin_anketo", "answered_on", "六扣7年3月13日", "2025-03-13"),
        ("shimin_anketo", "answered_on", "和7年3月|21日", "2025-03-21"),
        ("shimin_anketo", "answered_on", "令和73月19日", "2025-03-19"),
        ("shimin_anketo", "answered_on", "2025:32", "2025-03-02"),
        ("keitax_haisha", "declared_on", "第6年11月16日", "2024-11-16"),
        ("keitax_haisha", "declared_on", "P6.12.6", "2024-12-06"),
        ("keitax_haisha", "declared_on", "R713/8", "2025-03-08"),  # the slash read as 1
        ("keitax_haisha", "declared_on", "R7/2128", "2025-02-28"),
        ("keitax_haisha", "deregistered_on", "R619/12", "2024-09-12"),
        ("keitax_haisha", "deregistered_on", "R69.5", "2024-09-05"),
    ],
)
def test_a_date_whose_era_or_separator_is_lost_is_shown_from_its_numbers(form, field, read, meant):
    r = decided(form, field, read)
    assert r.decision == "review" and r.value == meant
    assert "数字から" in r.reason and "原本と見比べてください" in r.reason


@pytest.mark.parametrize(
    ("field", "read"),
    [
        ("deregistered_on", "1521"),  # one number: any date
        ("declared_on", "202V/2/13"),  # a letter inside the year
        ("declared_on", "合和6年10月+11"),  # a digit misread between the numbers
        ("declared_on", "R5/9/2:"),  # the : after the day was its 1
        ("deregistered_on", "2024/1118"),  # 11/18, or 1/18 with the slash read as 1
        ("declared_on", "5.411月日"),
        ("declared_on", "f006年09月09日"),  # a year of three digits
        ("declared_on", "17.1"),  # two numbers, the year not named: 2019-07-01 fits, 2025-03-12 was written
        ("declared_on", "4:7115"),
    ],
)
def test_numbers_that_spell_no_single_date_are_not_guessed(field, read):
    r = decided("keitax_haisha", field, read)
    assert r.decision == "review" and r.value is None


# ---- a plate's place scored among the places the field knows -------------------------------------


def plate_read(text: str, slot: int, alts: tuple[tuple[str, float], ...]) -> TextLine:
    alternatives = [((ch, 1.0),) for ch in text]
    alternatives[slot] = alts
    confs = tuple(1.0 if i != slot else alts[0][1] for i in range(len(text)))
    return TextLine(text, sum(confs) / len(confs), char_confidences=confs, alternatives=tuple(alternatives))


def test_an_unsure_character_of_a_known_place_is_no_doubt_about_the_plate():
    # 川越 with its 川 at 0.57 (held-back page 904310): its runners-up make no place the field knows.
    form = load_definition("keitax_haisha")
    read = plate_read("川越 480 な 97-57", 0, (("川", 0.57), ("州", 0.3), ("山", 0.1), ("小", 0.02)))
    r = _decide_text(form, form.field("plate"), read, "rapidocr")
    assert r.decision == "accept" and r.value == "川越 480 な 97-57", r.reason


def test_a_place_torn_between_two_known_places_still_goes_to_review():
    # 大宮 / 所沢 share no character; 川口 / 川越 share one: a 越 that might be 口 is a doubt.
    form = load_definition("keitax_haisha")
    read = plate_read("川越 480 な 97-57", 1, (("越", 0.6), ("口", 0.35), ("起", 0.03)))
    r = _decide_text(form, form.field("plate"), read, "rapidocr")
    assert r.decision == "review" and r.doubt == "threshold"


def test_an_unsure_place_the_field_does_not_know_is_not_rescored():
    form = load_definition("keitax_haisha")
    read = plate_read("川崎 480 な 97-57", 0, (("川", 0.57), ("州", 0.3), ("山", 0.1)))
    r = _decide_text(form, form.field("plate"), read, "rapidocr")
    assert r.decision == "review"


# ---- a gap inside a postal code, specks and boxes in a plate -------------------------------------


def test_a_gap_inside_a_postal_code_is_no_character():
    # √ 357-003 7: the 〒 read as √, the wide last digit read apart (held-back page 904782).
    r = decided("keitax_haisha", "owner_postal_code", "√ 357-003 7", {0: 0.59})
    assert r.value == "357-0037"
    assert decided("keitax_haisha", "owner_postal_code", "357-003").value is None  # a digit lost stays lost


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("川越480も.55-25", "川越 480 も 55-25"),
        ("飯能市も.1858", "飯能市 も 1858"),
        ("所沢580ち,25-94", "所沢 580 ち 25-94"),
    ],
)
def test_a_speck_between_a_plates_kana_and_its_four_digits_is_shown_without_it(read, meant):
    r = decided("keitax_haisha", "plate", read)
    # Round 9: no digit fits where the speck stands, so the plate stands on its scores.
    assert r.decision == "accept" and r.value == meant and "汚れとみなして" in r.confirmed_by


def test_a_padding_dot_after_the_kana_is_kept():
    assert decided("keitax_haisha", "plate", "川越480も・123").value == "川越 480 も ・123"


@pytest.mark.parametrize(
    ("read", "meant"), [("川□480さ45-29", "川口 480 さ 45-29"), ("川□40く·123", "川口 40 く ・123")]
)
def test_a_box_in_a_plates_place_is_shown_as_its_kuchi(read, meant):
    r = decided("keitax_haisha", "plate", read)
    assert r.decision == "review" and r.value == meant and "「□」を「口」と読みました" in r.reason


# ---- a rare フリガナ beside a common 濁点 twin is shown as the twin --------------------------------


@pytest.mark.parametrize(
    ("name", "read", "meant"),
    [
        ("山口\u3000優子", "ヤマクチ\u3000ユウコ", "ヤマグチ\u3000ユウコ"),  # held-back pages 904776, 904504, 904538
        ("野口\u3000由美", "ノクチ\u3000ユミ", "ノグチ\u3000ユミ"),
        ("松田\u3000翼", "マツタ\u3000ツバサ", "マツダ\u3000ツバサ"),
    ],
)
def test_a_rare_furigana_beside_a_common_voiced_twin_is_shown_as_the_twin(name, read, meant):
    n, k = name_and_kana(name, read)
    assert k.decision == "review" and k.value == meant and "氏名の読み（辞書）に近い値" in k.reason
    assert n.decision == "accept"


def test_a_common_reading_is_left_as_read():
    _, k = name_and_kana("中田\u3000翼", "ナカタ\u3000ツバサ")
    assert k.decision == "accept" and k.value == "ナカタ\u3000ツバサ"


# ---- kanji that make no word: only a perfect score --------------------------------------------


def test_kanji_that_make_no_word_are_held_even_at_0_995():
    # 図書館の端天 accepted at 0.9952 under round 7's 0.99 (held-back page 906367).
    r = decided("shimin_anketo", "q2_other", "図書館の端天", {5: 0.9952})
    assert r.decision == "review" and r.doubt == "floor"
