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
