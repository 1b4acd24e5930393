"""Reading round 13 (issue 13): values accepted wrong, or held though read right, on the fresh draw
910600–911199 of round 12. Each test failed before its change."""

from __future__ import annotations

import pytest

from daiko.forms.fieldtypes import get_type
from tests.forms.test_reading_round8 import decided

# ---- a 車台番号 whose serial lost or gained a digit ------------------------------------------------


@pytest.mark.parametrize(
    ("read", "said"),
    [
        ("CA42A-38628", "製造番号（ハイフンの後）が5桁です。6桁か7桁のはずなので、数字の読み落とし"),
        ("JF3-12345678", "製造番号（ハイフンの後）が8桁です。6桁か7桁のはずなので、数字の重複"),
    ],
)
def test_a_serial_of_the_wrong_length_is_for_a_person(read, said):
    """CA42A-386293 was read CA42A-38628 with every digit at 0.98 or more by both engines (held-back
    page 911014) and accepted: a maker numbers a 型式's vehicles with six or seven digits, so five
    is a digit lost. Staff are told which."""
    r = decided("keitax_haisha", "chassis_no", read)
    assert r.decision == "review" and said in r.reason


def test_a_short_serial_staff_type_stands():
    """Staff who have the paper in hand may type an old vehicle's five-digit serial: only a read is held."""
    assert get_type("chassis_no").check("CA42A-38628").ok


@pytest.mark.parametrize("read", ["CA42A-386293", "JF3-0012345"])
def test_a_serial_of_six_or_seven_digits_is_still_accepted(read):
    r = decided("keitax_haisha", "chassis_no", read)
    assert r.decision == "accept" and r.value == read


# ---- a middle dot inside a date --------------------------------------------------------------------


def test_a_middle_dot_where_no_digit_fits_in_a_date_is_no_character():
    """令和05年11月1·6日 (held-back page 911054) was "not a date": a middle dot is a speck like the
    full stop of round 12, and no digit can stand between 1 and 6日."""
    r = decided("keitax_haisha", "deregistered_on", "令和05年11月1·6日")
    assert r.decision == "accept" and r.value == "2023-11-16"


def test_a_middle_dot_where_a_digit_would_make_another_date_is_still_for_a_person():
    """令和7年3月1·日 was 3月11日 (page 910763): 1·日 may be 10-19日, so a person decides."""
    r = decided("shimin_anketo", "answered_on", "令和7年3月1·日")
    assert r.decision == "review"


# ---- a 型式 whose closing S was read as a 5 -----------------------------------------------------------


def test_a_5_closing_the_model_code_needs_a_sure_score():
    """MH55S-729952 was read MH555-729952 with the last 5 at 0.95 and accepted (page 911194): a 型式
    most often ends in a letter, S the commonest, and an S is a 5 to a recogniser."""
    r = decided("keitax_haisha", "chassis_no", "MH555-729952", {4: 0.95})
    assert r.decision == "review" and "「S」の読み違い" in r.reason


def test_another_digit_closing_the_model_code_is_still_accepted_at_that_score():
    r = decided("keitax_haisha", "chassis_no", "JF3-7748059", {2: 0.95})
    assert r.decision == "accept" and r.value == "JF3-7748059"


# ---- a gap before an address's last digits --------------------------------------------------------


def test_a_gap_before_the_last_digit_after_a_hyphen_is_one_number_for_a_person():
    """飯能市阿須221-24 was read 221-2 4 and accepted (paddleocr, page 910732): one or two digits
    after a space are no room number (those have three: 1-2-3 101, which stands)."""
    r = decided("keitax_haisha", "owner_address", "飯能市阿須221-2 4")
    assert r.decision == "review" and r.value == "飯能市阿須221-24" and "数字の間に空白" in r.reason
    assert decided("keitax_haisha", "owner_address", "埼玉県飯能市美杉台1-2-3 101").value.endswith(" 101")


# ---- a 町名 one character off one Japan Post lists -----------------------------------------------------


def test_a_town_name_one_character_off_the_listed_ones_is_held_naming_them():
    """埼玉県日高市楡木361-17 was read 檢木 and accepted at 0.98 (paddleocr, page 910922): Japan Post
    lists no 檢木 in 日高市, but 楡木 and 田木 a character off it."""
    r = decided("keitax_haisha", "owner_address", "埼玉県日高市檢木361-17")
    assert r.decision == "review" and "楡木・田木の読み違いの可能性" in r.reason


def test_a_town_name_one_character_off_one_listed_name_is_shown_as_it():
    r = decided("keitax_haisha", "owner_address", "飯能市芦莉場1175番地")
    assert r.decision == "review" and r.value == "飯能市芦苅場1175番地" and "「芦苅場」と読みました" in r.reason


def test_a_listed_town_and_a_typed_one_stand():
    assert decided("keitax_haisha", "owner_address", "埼玉県日高市楡木361-17").decision == "accept"
    assert get_type("address").check("埼玉県日高市檢木361-17").ok
