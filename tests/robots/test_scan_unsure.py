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
        ("plate", "所沢40.り20-94", {}, "invalid"),  # put right for review (401 fits too): never confirmed
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


def test_a_value_a_cross_field_check_holds_is_not():
    # A bank code read at 0.89 (calibration accepted it) whose branch the bank does not have: the
    # check's finding carried no doubt, so the YAML's threshold (0.90) made it "unsure only", and the
    # register could have confirmed a code the form itself contradicts.
    from daiko.forms.reader import _run_checks
    from daiko.forms.result import FieldResult

    form = load_definition("kouza_furikae")

    def accepted(name: str, value: str | None, confidence: float | None) -> FieldResult:
        return FieldResult(name=name, label_ja=name, type=form.field(name).type, value=value, raw=value,
                           confidence=confidence, decision="accept", reason=None, box=(0, 0, 1, 1),
                           weakest=confidence)  # fmt: skip

    bank, branch = accepted("bank_code", "0005", 0.89), accepted("branch_code", "999", 0.99)
    names = [accepted("bank_name", None, None), accepted("branch_name", None, None)]
    _run_checks(form, [bank, branch, *names])
    assert bank.decision == "review" and bank.doubt == "disagree" and "999" in bank.reason
    assert not _unsure_only(form, bank)
