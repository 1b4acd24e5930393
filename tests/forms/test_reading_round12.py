"""Reading round 12 (issue 13): right values that held handwritten 廃車申告書 pages for a person.

On the fresh held-back draw 910000–910599, 46 of 150 handwritten pages were held; 16 of them by
values read right. These tests pin the rules that let such values through (or let the register
confirm them), each failing before its change.
"""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text
from daiko.ocr.base import TextLine
from tests.forms.test_reading_round8 import decided

# ---- a 市区町村's plate whose kana was read as a digit -------------------------------------------


def plate_read(read: str, at: int, kana: str, p: float):
    """A plate read at 0.99 throughout, the recogniser having put ``kana`` at ``p`` as the runner-up of
    the character at ``at``: the reader's decision on it."""
    form = load_definition("keitax_haisha")
    alts = tuple(((read[at], 1 - p), (kana, p)) if i == at else ((c, 0.99),) for i, c in enumerate(read))
    line = TextLine(read, 0.99, char_confidences=(0.99,) * len(read), alternatives=alts)
    return _decide_text(form, form.field("plate"), line, "rapidocr")


@pytest.mark.parametrize(
    ("read", "at", "kana", "p", "meant"),
    [
        ("飯能市 3 8367", 4, "ろ", 0.0004, "飯能市 ろ 8367"),  # held-back page 910122
        ("飯能市53809", 3, "ら", 0.0131, "飯能市 ら 3809"),  # 910594
    ],
)
def test_a_town_plates_kana_read_as_a_sure_digit_is_shown_from_its_runners_up(read, at, kana, p, meant):
    """Five digits after 飯能市 are no plate (no class number, four digits at most): the first stands
    where the kana does, however sure the digit. The kana is shown at its own score — for review,
    as a low-confidence read the register can confirm — where before staff typed the plate anew."""
    r = plate_read(read, at, kana, p)
    assert r.value == meant and r.decision == "review" and r.doubt == "threshold"


def test_a_class_number_digit_is_still_not_taken_for_the_kana_at_a_tiny_score():
    """川口480·593: a 軽 plate's 480 may be its class number with the kana dropped beside it, so a
    hiragana at 0.0003 among the runners-up is no evidence (the gap is read again). (Round 19: this test
    read 川口403·593, but 403 is no 軽's class — 3-digit ones have 8 in the middle — and that read was
    川口 40 ろ ・593, now shown so for review: tests/forms/test_reading_round19.py.)"""
    assert plate_read("川口480·593", 4, "ろ", 0.0003).value is None
    assert plate_read("川口403·593", 4, "ろ", 0.0003).value == "川口 40 ろ ・593"


# ---- a date field with one era -----------------------------------------------------------------


def test_a_one_era_dates_era_characters_do_not_hold_it():
    """申告日 (since 2019: only 令和): 令和7年1月3日 with 令 at 0.64 and 和 at 0.62 was held for 和
    (held-back page 910158; 6 right dates on three draws). The digits decide — where no digit may be
    lost (a one-digit day or month 1 or 2 with a weak era is held since round 17)."""
    r = decided("keitax_haisha", "declared_on", "令和7年3月13日", {0: 0.64, 1: 0.62})
    assert r.decision == "accept" and r.value == "2025-03-13"


def test_a_weak_era_still_holds_a_date_that_may_fall_in_two_eras():
    """廃車年月日 (since 1989: 平成 or 令和): the 和 is what tells 令和 from 平成 — its score counts."""
    r = decided("keitax_haisha", "deregistered_on", "令和5年1月3日", {1: 0.62})
    assert r.decision == "review" and "2文字目「和」" in r.reason


def test_a_weak_digit_still_holds_a_one_era_date():
    r = decided("keitax_haisha", "declared_on", "令和7年1月3日", {1: 0.62, 6: 0.6})
    assert r.decision == "review" and "7文字目「3」" in r.reason


# ---- a dot inside a date where no digit can stand ----------------------------------------------


@pytest.mark.parametrize(
    ("field", "read", "scores", "meant"),
    [
        ("deregistered_on", "令和5年1.0月30日", {5: 0.62}, "2023-10-30"),  # 910334: 1?0 is no month
        ("declared_on", "令和6年6.月16日", {5: 0.83}, "2024-06-16"),  # 909540: no month 60-69
        ("declared_on", "令和6年8月3.1日", {}, "2024-08-31"),  # no day 301-391
        ("deregistered_on", "令和0.6年09月04日", {}, "2024-09-04"),  # 910430: no year of three digits
    ],
)
def test_a_dot_where_no_digit_fits_in_a_date_is_no_character(field, read, scores, meant):
    r = decided("keitax_haisha", field, read, scores)
    assert r.decision == "accept" and r.value == meant
    assert "数字の入らない位置の点" in r.confirmed_by and r.repaired  # a repair: held on a lost-writing page


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("令和.6年9月4日", "2024-09-04"),  # 令和06年 is 令和6年 too — the dot may be a 0
        ("令和6年1.月5日", "2024-01-05"),  # 10月-12月
    ],
)
def test_a_dot_where_a_digit_would_make_another_date_is_still_for_a_person(read, meant):
    r = decided("keitax_haisha", "declared_on", read)
    assert r.decision == "review" and r.value == meant and "数字の間の点は汚れとみなして除きました" in r.reason


# ---- the hyphen of a 車台番号 --------------------------------------------------------------------


@pytest.mark.parametrize(("read", "at"), [("B34W-7682753", 4), ("JF3-4537303", 3), ("LA700F—042373", 6)])
def test_a_chassis_numbers_weak_hyphen_does_not_hold_it(read, at):
    """Held-back pages 910434, 910590 (rapidocr) and 910012 (paddleocr, an em dash): every character
    of the number read surely but the hyphen at 0.6-0.7."""
    r = decided("keitax_haisha", "chassis_no", read, {at: 0.61})
    assert r.decision == "accept" and r.value == read.replace("—", "-")


def test_a_chassis_numbers_weak_character_still_holds_it():
    r = decided("keitax_haisha", "chassis_no", "B34W-7682753", {4: 0.61, 7: 0.6})
    assert r.decision == "review" and "8文字目「8」" in r.reason


# A 市区町村's plate read without its kana (飯能市7903, page 909942): round 6's test of a 軽 plate's
# kana read again from its gap, with a town's plate as a second case.


# ---- an address: a hyphen or a building word's kana dropped ------------------------------------------


def test_a_long_bare_number_before_a_building_name_is_for_a_person():
    """高富594-5サンライズ中山304 read 高富5945サンライズ… at 0.999 and accepted (fresh held-back page 911122;
    two more on 910000 by paddleocr): a 番地 of 4+ digits with no hyphen, right before the building."""
    r = decided("keitax_haisha", "owner_address", "埼玉県日高市高富5945サンライズ中山304")
    assert r.decision == "review" and "区切りのない長い数字" in r.reason


def test_a_番地_written_out_before_a_building_name_is_still_accepted():
    r = decided("keitax_haisha", "owner_address", "飯能市柳町1603番地ハイツ美杉103")
    assert r.decision == "accept"


@pytest.mark.parametrize(
    ("read", "shown", "said"),
    [
        # paddleocr, fresh page 911014: the ン of グリーンヒル dropped at 0.99 — one word fits, shown.
        (
            "埼玉県飯能市岩沢1223番地グリーヒル105",
            "埼玉県飯能市岩沢1223番地グリーンヒル105",
            "「グリーヒル」を「グリーンヒル」",
        ),
        # 910786: ハイツ read ハイ — ハイツ or ハイム, so nothing is filled in.
        (
            "飯能市大字下川崎332番地3ハイ美杉103",
            "飯能市大字下川崎332番地3ハイ美杉103",
            "「ハイツ・ハイム」の1文字を読み落とした",
        ),
        ("飯能市久下977-11レス仲町102", "飯能市久下977-11レス仲町102", "「パレス」の1文字を読み落とした"),  # 909710
    ],
)
def test_a_building_word_with_a_kana_dropped_is_for_a_person(read, shown, said):
    r = decided("keitax_haisha", "owner_address", read)
    assert r.decision == "review" and r.value == shown and said in r.reason
