"""Reading round 24 (issue 13): what the fresh draw 926200–926799 showed. Each test failed before
its change; the guards beside them pass either way."""

from __future__ import annotations

import pytest

from daiko.forms.definition import CheckDef, load_definition

from .conftest import bench_page
from .test_reading_round8 import decided
from .test_reading_round14 import _dates

# ---- a 廃車 months before its 申告 ------------------------------------------------------------------


def test_a_deregistration_months_before_its_declaration_is_a_misread_month_for_a_person():
    """R6/11/12 written with its first 1 against the slash was read R6/1/12 at 0.999 (rapidocr) and
    0.97 (paddleocr) beside a 申告日 of R6/11/27, and accepted: held-back page 926534."""
    declared, deregistered = _dates("R6/11/27", "R6/1/12")
    assert declared.decision == deregistered.decision == "review"
    assert "「廃車年月日」が「申告日」の320日前です" in deregistered.reason
    assert "60日を超えて" in deregistered.reason


def test_a_declaration_within_two_months_of_the_deregistration_stands():
    assert all(r.decision == "accept" for r in _dates("令和6年12月1日", "令和6年10月2日"))  # 60 days
    assert all(r.decision == "review" for r in _dates("令和6年12月1日", "令和6年10月1日"))  # 61


def test_the_gap_is_a_setting_of_the_form_and_a_wrong_one_is_named():
    fields = {"earlier": "a", "later": "b"}
    assert CheckDef(kind="date_order", fields=fields, params={"within_days": 15}).params["within_days"] == 15
    assert CheckDef(kind="date_order", fields=fields).params == {}  # no bound unless the form gives one
    with pytest.raises(ValueError, match="within_days must be a whole number"):
        CheckDef(kind="date_order", fields=fields, params={"within_days": "two months"})


def test_a_form_yaml_giving_the_gap_as_a_number_loads():
    """The form's YAML writes ``within_days: 60``; a check's settings were text only, and such a
    file failed to load."""
    form = load_definition("keitax_haisha")
    (check,) = [c for c in form.checks if c.kind == "date_order"]
    assert check.params["within_days"] == 60
    with pytest.raises(ValueError, match="above 0"):
        CheckDef(kind="date_order", fields={"earlier": "a", "later": "b"}, params={"within_days": 0})


def test_page_926534_its_month_read_short_is_not_keyed(tmp_path):
    page, truth = bench_page(tmp_path, 26534, "keitax_haisha", "handwriting", "b")
    (dereg,) = [f for f in page.fields if f.name == "deregistered_on"]
    assert truth["deregistered_on"] == "2024-11-12"
    assert dereg.value == truth["deregistered_on"] or dereg.decision == "review", (dereg.value, dereg.reason)


# ---- a code with two half-sure characters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "field", "read", "scores"),
    [
        ("shimin_anketo", "sheet_no", "1085", {1: 0.74, 3: 0.82}),  # 1688, page 926639 (rapidocr)
        ("shimin_anketo", "sheet_no", "1414", {1: 0.89, 2: 0.85}),  # 1494, page 925879 (rapidocr)
        ("keitax_haisha", "reference", "R07-39620", {4: 0.85, 6: 0.88}),
    ],
)
def test_a_code_with_two_unsure_characters_goes_to_a_person(form, field, read, scores):
    r = decided(form, field, read, scores)
    assert r.decision == "review" and r.value == read
    assert "読み取りに自信のない文字があります" in r.reason
    for i in scores:
        assert f"{i + 1}文字目「{read[i]}」" in r.reason


@pytest.mark.parametrize(
    ("form", "field", "read", "scores"),
    [
        ("shimin_anketo", "sheet_no", "1085", {1: 0.74}),  # one unsure digit: the thresholds decide
        ("shimin_anketo", "sheet_no", "1688", {}),
        ("keitax_haisha", "reference", "R07-39620", {6: 0.88}),
    ],
)
def test_a_code_with_one_unsure_character_or_none_stands(form, field, read, scores):
    assert decided(form, field, read, scores).decision == "accept"


@pytest.mark.parametrize(
    ("field", "read", "scores"),
    [
        ("owner_name", "福田\u3000勇気", {0: 0.88, 4: 0.86}),
        ("reason_note", "災害により滅失", {0: 0.88, 4: 0.86}),
        ("chassis_no", "S500P-176687", {7: 0.88, 9: 0.86}),  # its register vouches for it
    ],
)
def test_other_types_keep_their_thresholds_alone(field, read, scores):
    assert decided("keitax_haisha", field, read, scores).decision == "accept"


# ---- a katakana word a shape twin away, among several a kana away ----------------------------------------


def test_a_katakana_word_one_shape_twin_off_is_shown_as_the_word():
    """家族のパソコン read 家族のパンコン (ソ as ン, paddleocr 0.97, accepted: held-back page 927215).
    パンコン is a kana away from コンコン, ホンコン, レンコン and パソコン; only パソコン is its shape twin."""
    r = decided("shimin_anketo", "q2_other", "家族のパンコン")
    assert r.decision == "review" and r.value == "家族のパソコン"
    assert "「パンコン」を「パソコン」と読みました（辞書）" in r.reason


@pytest.mark.parametrize("text", ["家族のパソコン", "スマートウォッチ", "カーナビ"])
def test_katakana_words_read_right_stand(text):
    assert decided("shimin_anketo", "q2_other", text).decision == "accept"


# ---- a page whose marks fit lands far off the ruling ----------------------------------------------------


def test_page_928264_a_marks_fit_far_off_the_ruling_is_polished_before_the_page_fails(tmp_path):
    """Printed held-back page 928264 ('rough', turned 2°): a registration mark cut at the sheet's edge and
    a filled box taken for it gave a fit with 18 % of the ruling in place, too far off to be polished,
    and the page failed as no registered form — 15 printed fields lost."""
    page, truth = bench_page(tmp_path, 28264, "keitax_haisha", "printed", "a")
    assert getattr(page, "form", None) == "keitax_haisha", getattr(page, "message_ja", None)
    right = [f.name for f in page.fields if f.name != "mynumber" and f.value == truth.get(f.name)]
    assert {"reference", "plate", "chassis_no", "deregistered_on", "declared_on"} <= set(right)


def test_page_928083_feature_matching_still_wins_where_it_fits_better(tmp_path):
    """Handwritten page 928083: its marks fit is off the ruling too; polished it reaches 0.95 of the
    ruling, feature matching 1.00. The first version of the rule above took the polished fit and
    skipped the features: five choices and dates of that page, read right before, went wrong."""
    page, truth = bench_page(tmp_path, 28083, "shimin_anketo", "handwriting", "a")
    assert getattr(page, "form", None) == "shimin_anketo", getattr(page, "message_ja", None)
    by = {f.name: f for f in page.fields}
    for name in ("sex", "age", "q1", "q2", "q3"):
        value = by[name].value
        read = ",".join(value) if isinstance(value, list) else value  # a many-choice's keys, as the truth has them
        assert read == truth[name] and by[name].decision == "accept", (name, value)
