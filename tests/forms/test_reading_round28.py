"""Reading round 28 (issue 13): what ten pooled draws (928600–934599) showed. Each page test failed
before its change."""

from __future__ import annotations

import pytest

from daiko.forms.definition import load_definition

from .conftest import bench_page

# ---- a date whose year or month was lost is not spelled from the numbers left ------------------------


def _date_type(form: str = "shimin_anketo", field: str = "answered_on"):
    return load_definition(form).field(field).field_type()


@pytest.mark.parametrize("read", ["令和:年3月26日", "令和.年3月26日"])
def test_a_year_lost_beside_a_speck_is_said_lost_not_spelled_from_the_day(read):
    """Was shown 令和3年2月6日: the 26 split into month and day, the speck before 年 taken for a separator."""
    found = _date_type().check_read(read)
    assert (found.value, found.ok) == (None, False)
    assert found.reason == "年の数字が読み取れません（月日は「3月26日」と読めました）。原本で確認してください"


@pytest.mark.parametrize("read", ["P7..22", "P7.:.22", "R7..22"])
def test_two_separators_between_two_numbers_mean_a_number_lost(read):
    """7.3.22 with its 3 lost was shown 令和7年2月2日 (the 22 split)."""
    found = _date_type().check_read(read)
    assert (found.value, found.ok) == (None, False)
    assert "1つの数字が読み取れません" in found.reason


@pytest.mark.parametrize(
    ("read", "shown"),
    [
        ("R6..2.17", "2024-02-17"),  # three numbers: the doubled separator is a speck, every number is there
        ("F.7.3.26", "2025-03-26"),  # the era's letter misread, a separator after it
        ("R73/22", "2025-03-22"),  # one separator lost inside a number: still split (for review)
    ],
)
def test_dates_read_from_their_numbers_otherwise_are_still_shown(read, shown):
    found = _date_type().check_read(read)
    assert (found.value, found.ok) == (shown, False)


@pytest.mark.parametrize(("index", "template"), [(33931, "a"), (31415, "b")])
def test_a_survey_date_with_a_number_lost_shows_no_date_never_written(tmp_path, index, template):
    """Held-back pages 933931 (令和:年3月26日 shown 令和3年2月6日) and 931415 (P7..22 shown 令和7年2月2日)."""
    page, truth = bench_page(tmp_path, index, "shimin_anketo", "handwriting", template)
    date = page.field("answered_on")
    assert date.decision == "review"
    assert date.value is None
    assert truth["answered_on"] not in (None, "2021-02-06", "2025-02-02")


# ---- a kana given name that lost its 濁点 in both zones ------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "read", "shown"),
    [("kanji_name", "木村\u3000みとり", "木村\u3000みどり"), ("kana_name", "キムラ\u3000ミトリ", "キムラ\u3000ミドリ")],
)
def test_a_kana_name_one_dakuten_from_a_known_name_is_shown_so_and_held(field_type, read, shown):
    from daiko.forms.fieldtypes import get_type

    found = get_type(field_type, {"require_space": True}).check_read(read)
    assert (found.value, found.ok) == (shown, False)
    assert "濁点の読み落とし" in found.reason


@pytest.mark.parametrize(
    ("part", "role"),
    [("みどり", "名"), ("ミドリ", "名"), ("ハルト", "名"), ("ヒロシ", "名"), ("ヤマクチ", "姓"), ("悠斗", "名")],
)
def test_names_known_or_with_no_known_twin_stand(part, role):
    """A name IPADIC knows, or one whose voiced twins it knows none of (ハルト: no バルト), is left as read."""
    from daiko.forms.reference.names import voiced_name

    assert voiced_name(part, role) is None


def test_a_name_and_furigana_that_lost_the_same_dakuten_are_both_held(tmp_path):
    """Held-back page 929726: 木村　みとり and キムラ　ミトリ for みどり, both accepted; now both shown right, held."""
    page, truth = bench_page(tmp_path, 29726, "keitax_haisha", "handwriting", "b")
    for name in ("owner_name", "owner_kana"):
        field = page.field(name)
        assert (field.decision, field.value) == ("review", truth[name])


def test_a_furigana_is_not_confirmed_by_a_name_the_dictionary_put_right():
    """Held-back page 928930: 石川　みとり shown みどり, beside イシカワ　ミドリ with a weak ミ — accepted as
    the 氏名's reading; the 氏名 as read says みとり, so the フリガナ stays for review."""
    from daiko.forms.reader import _apply_reading, _decide_text
    from daiko.ocr.base import TextLine

    form = load_definition("keitax_haisha")

    def decided(field: str, text: str, weak: dict[int, float]):
        confs = tuple(weak.get(i, 1.0) for i in range(len(text)))
        return _decide_text(form, form.field(field), TextLine(text, sum(confs) / len(confs), char_confidences=confs))

    name, kana = decided("owner_name", "石川\u3000みとり", {}), decided("owner_kana", "イシカワ\u3000ミドリ", {5: 0.8})
    assert kana.decision == "review"
    _apply_reading(form, name, kana, "rapidocr")
    assert (name.decision, name.value) == ("review", "石川\u3000みどり")
    assert kana.decision == "review"
