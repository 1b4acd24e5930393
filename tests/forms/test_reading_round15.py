"""Reading round 15 (issue 13): look-alikes the type's normaliser makes one are one character's belief.
Each test failed before its change."""

from __future__ import annotations

from tests.forms.test_reading_round14 import _decided, _line

ADDRESS = "埼玉県飯能市大字青木926番地7コ一ポ双柳306"
BAR = ADDRESS.index("一")


def test_the_bar_of_a_katakana_word_split_between_its_look_alikes_does_not_hold_the_address():
    """コーポ read コ一ポ with 一 at 0.44 and ー at 0.52 (printed page 913780, five such in two
    draws): the address is コーポ whichever of the two it was, so its score is their sum."""
    line = _line(ADDRESS, {BAR: 0.44}, {BAR: (("一", 0.44), ("ー", 0.52), ("二", 0.02))})
    r = _decided("owner_address", line)
    assert r.value == "埼玉県飯能市大字青木926番地7コーポ双柳306"
    assert r.decision == "accept", r.reason
    assert dict((ch, sc) for ch, sc, _ in r.char_scores)["一"] >= 0.95


def test_a_runner_up_that_would_change_the_value_is_not_counted():
    """一 at 0.44 beside ニ at 0.5 (コニポ is another word): the character stays as unsure as it was."""
    line = _line(ADDRESS, {BAR: 0.44}, {BAR: (("一", 0.44), ("ニ", 0.5), ("二", 0.04))})
    r = _decided("owner_address", line)
    assert r.decision == "review" and "「一」" in r.reason


def test_digits_and_their_look_alikes_in_a_phone_number_count_together():
    """0 read O-ish: a phone's O and 0 are one digit to its normaliser."""
    line = _line("042-972-8901", {4: 0.55}, {4: (("9", 0.55), ("q", 0.4))})
    r = _decided("owner_phone", line)
    assert r.value and r.decision == "accept", r.reason
