"""Reading round 26 (issue 13): what the four fresh draws 928600–930999 showed. Each page test failed
before its change."""

from __future__ import annotations

import pytest

from daiko.forms.fieldtypes.mynumber import MASKED, MyNumber, check_digit

from .conftest import bench_page

# ---- a printed 4 of a 個人番号 read ± --------------------------------------------------------------------


def _number(first11: str) -> str:
    return first11 + str(check_digit(first11))


def test_one_plus_a_check_digit_holds_for_is_a_four():
    """The check digit vouches for the digit under a ± as it does for any other: the number is valid."""
    read = _number("12345678901").replace("4", "±", 1)
    assert MyNumber().check_read(read) == MyNumber().check_read(_number("12345678901"))
    assert MyNumber().check_read(read).ok


def test_two_pluses_the_check_digit_holds_for_are_fours():
    """72288+41548+ (held-back page 929848): the check digit itself read +. Both fours, the number holds."""
    read = _number("14345678901").replace("4", "+")
    assert MyNumber().check_read(read).ok


def test_pluses_that_make_no_valid_number_are_still_held_for_a_person():
    read = _number("14345678901")
    wrong = read[:-1] + str((int(read[-1]) + 1) % 10)
    check = MyNumber().check_read(wrong.replace("4", "+"))
    assert (check.value, check.ok) == (MASKED, False)


def test_a_phone_has_no_check_digit_and_keeps_its_plus_held():
    from daiko.forms.fieldtypes.phone import Phone

    assert not Phone().check_read("070-±029-8101").ok


@pytest.mark.parametrize(("index", "template"), [(28616, "a"), (29848, "a")])
def test_a_printed_my_number_whose_4_was_read_plus_is_valid(tmp_path, index, template):
    """Held-back pages 928616 and 929848: the 個人番号's printed 4 read ± (and both its 4s read +); the number,
    right, was held 「「±」を「4」と読みました」 though its check digit held."""
    page, truth = bench_page(tmp_path, index, "keitax_haisha", "printed", template)
    (number,) = [f for f in page.fields if f.name == "mynumber"]
    assert truth["mynumber"]
    assert (number.value, number.decision) == (MASKED, "accept"), number.reason
