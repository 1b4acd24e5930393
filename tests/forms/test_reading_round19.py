"""Reading round 19 (issue 13): what the fresh draw 917200–917799 showed. Each test failed before its change."""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text

from .test_reading_round14 import _line


def _read(form: str, field: str, text: str, scores: dict[int, float] | None = None):
    """``field`` of ``form`` decided by the reader from ``text`` (every character at 1.0 but ``scores``)."""
    definition = load_definition(form)
    return _decide_text(definition, definition.field(field), _line(text, scores), "rapidocr")


# ---- a 番地 with each of its digits spaced --------------------------------------------------------------


def test_a_number_read_with_every_digit_spaced_is_shown_as_one_number():
    """Held-back page 917228 (printed): 仲町341番地9 read 仲町3 4 1番地9 — one gap closed left 34 1 shown."""
    r = _read("keitax_haisha", "owner_address", "埼玉県飯能市大字仲町3 4 1番地9")
    assert r.decision == "review" and r.value == "埼玉県飯能市大字仲町341番地9"
    assert "数字の間に空白" in r.reason


def test_a_room_number_after_a_gap_stands():
    r = _read("keitax_haisha", "owner_address", "埼玉県飯能市美杉台1-2-3 101")
    assert r.decision == "accept" and r.value == "埼玉県飯能市美杉台1-2-3 101"


# ---- 月 read as another character ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("read", "shown"),
    [
        ("合和6年1川1011", "2024-01-10"),  # held-back page 917520 (printed): 令 read 合, 月 川, 日 11
        ("令和6年1川10日", "2024-01-10"),
        ("令和6年11川3日", "2024-11-03"),
    ],
)
def test_a_month_mark_read_as_another_character_is_shown_as_the_date_for_review(read, shown):
    r = _read("keitax_haisha", "declared_on", read)
    assert r.decision == "review" and r.value == shown
    assert "「月」の文字が「川」と読めています" in r.reason


def test_a_day_the_misread_marks_leave_two_ways_shows_no_date():
    """合和6年9川211 (page 917448, 21日 with its 日 read 1): 2日 with 日 read 11 fits as well — no guess."""
    r = _read("keitax_haisha", "declared_on", "合和6年9川211")
    assert r.decision == "review" and r.value is None
