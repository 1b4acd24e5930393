"""Weeks, 年度 and 令和 labels: the dates on the cover managers read."""

from __future__ import annotations

import datetime as dt

import pytest

from daiko.config import CalendarConfig
from daiko.reports.open_days import count_open_days, is_open_day
from daiko.reports.period import FiscalYear, Period
from daiko.wareki import fiscal_year_label, wareki_date, wareki_range

D = dt.date


def test_reiwa_labels():
    assert wareki_date(D(2026, 11, 16)) == "令和8年11月16日（月）"
    assert wareki_range(D(2026, 11, 16), D(2026, 11, 22)) == "令和8年11月16日（月）〜11月22日（日）"
    assert wareki_range(D(2026, 12, 28), D(2027, 1, 3)) == "令和8年12月28日（月）〜令和9年1月3日（日）"
    assert wareki_date(D(2019, 5, 1), weekday=False) == "令和元年5月1日"
    assert wareki_date(D(2019, 4, 30), weekday=False) == "平成31年4月30日"
    assert fiscal_year_label(D(2026, 4, 1)) == "令和8年度"


def test_iso_week_and_default_last_complete_week():
    week = Period.week("2026-W47")
    assert (week.start, week.end, week.slug) == (D(2026, 11, 16), D(2026, 11, 22), "2026-W47")
    assert week.label == "令和8年11月16日（月）〜11月22日（日）"
    # on Monday the 23rd, and on Sunday the 29th, "last week" is still W47
    assert Period.last_complete_week(D(2026, 11, 23)) == week
    assert Period.last_complete_week(D(2026, 11, 29)) == week
    so_far = Period.week_to_date(D(2026, 11, 18))
    assert (so_far.start, so_far.end, so_far.slug) == (D(2026, 11, 16), D(2026, 11, 18), "2026-W47")
    # across the year: 2027-W01 starts on Monday 4 January 2027
    assert Period.last_complete_week(D(2027, 1, 11)).slug == "2027-W01"


@pytest.mark.parametrize("spec", ["2026-47", "W47", "2026-W54", "2026-W00"])
def test_bad_weeks_are_refused_with_an_example(spec):
    with pytest.raises(ValueError, match="W"):
        Period.week(spec)


def test_free_range():
    period = Period.between("2026-11-01", "2026-11-30")
    assert period.slug == "2026-11-01_2026-11-30" and not period.is_week
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Period.between("2026/11/01", "2026-11-30")
    with pytest.raises(ValueError, match="より前です"):
        Period.between("2026-11-30", "2026-11-01")


def test_fiscal_year_boundary_is_1_april():
    assert FiscalYear.containing(D(2026, 3, 31)) == FiscalYear(D(2025, 4, 1), D(2026, 3, 31))
    assert FiscalYear.containing(D(2026, 4, 1)) == FiscalYear(D(2026, 4, 1), D(2027, 3, 31))
    assert FiscalYear.containing(D(2026, 4, 1)).label == "令和8年度"
    assert FiscalYear.containing(D(2026, 3, 31)).label == "令和7年度"
    assert FiscalYear.containing(D(2026, 4, 1)).span_label == "令和8年4月1日〜令和9年3月31日"


def test_open_days_skip_weekends_holidays_year_end_and_closed_days():
    calendar = CalendarConfig(extra_closed_days=[D(2026, 11, 30)])
    assert not is_open_day(D(2026, 11, 23), calendar)  # 勤労感謝の日
    assert not is_open_day(D(2026, 12, 29), calendar)  # 年末年始
    assert not is_open_day(D(2026, 11, 30), calendar)  # extra closed day
    assert is_open_day(D(2026, 11, 24), calendar)
    # 令和8年度: 261 weekdays − 17 weekday 祝日 − 3 weekdays of 12/29–12/31 = 241
    assert count_open_days(D(2026, 4, 1), D(2027, 3, 31), CalendarConfig()) == 241
    assert count_open_days(D(2026, 4, 1), D(2026, 4, 5), CalendarConfig()) == 3


def test_a_date_before_heisei_is_shown_in_its_era_too():
    """One era table for daiko (forms read 昭和 dates with it): a 昭和 date had come back as ISO text."""
    from daiko.wareki import wareki_text

    assert wareki_text("1988-12-31") == "昭和63年12月31日"
    assert wareki_text("1926-12-25") == "昭和元年12月25日"
