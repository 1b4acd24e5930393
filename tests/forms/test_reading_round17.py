"""Reading round 17 (issue 13): what the fresh draw 914800–915399 showed. Each test failed before its change."""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text

from .test_reading_round14 import _line

# ---- a gap read as a space inside Japanese free text ------------------------------------------------------


@pytest.mark.parametrize(("read", "shown"), [("図書 館の端末", "図書館の端末"), ("家族の　パソコン", "家族のパソコン")])
def test_a_space_between_japanese_characters_is_closed_up_for_review(read, shown):
    """図書館の端末 read 図書 館の端末 by both engines at 0.97-0.998 (held-back page 914811) and accepted."""
    form = load_definition("shimin_anketo")
    r = _decide_text(form, form.field("q2_other"), _line(read), "rapidocr")
    assert r.decision == "review" and r.value == shown and "空白を詰めました" in r.reason


@pytest.mark.parametrize("read", ["3.5 km先の図書館", "Wi-Fi 環境", "図書館の端末"])
def test_a_space_beside_latin_letters_or_digits_stands(read):
    form = load_definition("shimin_anketo")
    r = _decide_text(form, form.field("q2_other"), _line(read), "rapidocr")
    assert r.decision == "accept" and r.value == read
