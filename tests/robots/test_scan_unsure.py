"""Which reviewed fields the register may confirm: those the reader held only for a score.

Round 8 (issue 13): the scan task compared the score with the form YAML's hand-set thresholds, which
the calibrated thresholds and the types' floors had replaced — a 車台番号 held short of its floor
(a first character read as a digit needs 0.99) was never confirmable, however exactly the register
held it.
"""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text
from daiko.ocr.base import TextLine
from daiko.robots.tasks.scan import _unsure_only


def decided(field: str, text: str, scores: dict[int, float]):
    form = load_definition("keitax_haisha")
    confs = tuple(scores.get(i, 1.0) for i in range(len(text)))
    line = TextLine(text, sum(confs) / len(confs), char_confidences=confs)
    return form, _decide_text(form, form.field(field), line, "rapidocr")


def test_a_value_held_short_of_its_floor_is_unsure_only():
    form, r = decided("chassis_no", "5A42A-572266", {0: 0.97})
    assert r.decision == "review" and r.doubt == "floor"
    assert _unsure_only(form, r)


@pytest.mark.parametrize(
    ("field", "text", "scores", "doubt"),
    [
        ("chassis_no", "CA42A", {}, "invalid"),  # no 車台番号's shape: a person reads it
        ("plate", "川越480も.55-25", {}, "invalid"),  # put right for review: shown, never confirmed
    ],
)
def test_a_value_that_failed_its_check_is_not(field, text, scores, doubt):
    form, r = decided(field, text, scores)
    assert r.decision == "review" and r.doubt == doubt
    assert not _unsure_only(form, r)


def test_a_value_short_of_its_threshold_is_unsure_only():
    form, r = decided("plate", "川越480も55-25", {5: 0.3})
    assert r.decision == "review" and r.doubt == "threshold"
    assert _unsure_only(form, r)
