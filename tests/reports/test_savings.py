"""The arithmetic, item by item: net of checking time, failures save nothing, marks by pace."""

from __future__ import annotations

import datetime as dt

import pytest

from daiko.config import RobotConfig
from daiko.reports.savings import (
    ItemFacts,
    Outcome,
    Pace,
    ReviewSource,
    item_saving,
    pace_mark,
    summarise,
)

ROBOT = RobotConfig(
    id="haisha",
    name="廃車登録",
    section="税務課",
    target="keitax",
    inbox="inbox/haisha",
    baseline_minutes=6.0,
    review_minutes_per_field=0.5,
)


def facts(**kw) -> ItemFacts:
    values = dict(
        item_id=1,
        robot_id="haisha",
        section=None,
        form="keitax_haisha",
        state="done",
        handled_manually=False,
        review_fields=0,
        review_seconds=0.0,
        field_review_seconds=0.0,
        field_reviews=0,
        ocr_seconds=4.0,
        keying_seconds=30.0,
        created_at=None,
        finished_at=dt.datetime(2026, 11, 16, 10, 0),
    )
    values.update(kw)
    return ItemFacts(**values)


def test_robot_item_without_review_saves_the_whole_baseline():
    s = item_saving(facts(), ROBOT)
    assert (s.outcome, s.review_source) == (Outcome.ROBOT, ReviewSource.NONE)
    assert (s.baseline_minutes, s.staff_minutes, s.net_minutes) == (6.0, 0.0, 6.0)
    assert s.section == "税務課"  # the robot's 課 when the item has none
    assert s.machine_seconds == 34.0  # shown, never subtracted


def test_measured_review_time_is_subtracted_and_never_counted_twice():
    # item-level 150 s and per-field 120 s measure the same time: the larger one is used
    s = item_saving(facts(review_fields=2, review_seconds=150, field_review_seconds=120, field_reviews=2), ROBOT)
    assert s.review_source is ReviewSource.MEASURED
    assert s.review_minutes == pytest.approx(2.5)
    assert s.net_minutes == pytest.approx(3.5)
    per_field_only = item_saving(facts(field_review_seconds=90, field_reviews=3), ROBOT)
    assert per_field_only.review_minutes == pytest.approx(1.5)
    assert per_field_only.checked_fields == 3


def test_review_time_is_estimated_per_checked_field_when_not_measured():
    s = item_saving(facts(review_fields=3), ROBOT)
    assert s.review_source is ReviewSource.ESTIMATED
    assert s.review_minutes == pytest.approx(1.5)
    assert s.net_minutes == pytest.approx(4.5)


def test_checking_can_cost_more_than_the_robot_saves():
    s = item_saving(facts(review_fields=4, review_seconds=600), ROBOT)
    assert s.net_minutes == pytest.approx(-4.0)


@pytest.mark.parametrize("state, manual", [("failed", True), ("failed", False), ("done", True)])
def test_failed_or_hand_done_items_save_nothing_and_checking_is_a_loss(state, manual):
    s = item_saving(facts(state=state, handled_manually=manual, review_fields=1, review_seconds=90), ROBOT)
    assert s.outcome is Outcome.MANUAL
    assert s.baseline_minutes == 6.0
    assert s.staff_minutes == pytest.approx(7.5)
    assert s.net_minutes == pytest.approx(-1.5)


def test_rejected_item_saves_no_keying_and_loses_its_checking_time():
    s = item_saving(facts(state="rejected", review_seconds=60, review_fields=1), ROBOT)
    assert s.outcome is Outcome.REJECTED
    assert (s.baseline_minutes, s.staff_minutes, s.net_minutes) == (0.0, 1.0, -1.0)


def test_unfinished_items_cannot_be_counted():
    with pytest.raises(ValueError, match="not finished"):
        item_saving(facts(state="review"), ROBOT)


def test_totals_and_rates():
    totals = summarise(
        [
            item_saving(facts(), ROBOT),  # automated +6
            item_saving(facts(review_fields=2), ROBOT),  # estimated +5
            item_saving(facts(state="failed", review_fields=1, review_seconds=30), ROBOT),  # −0.5
            item_saving(facts(state="rejected", review_seconds=120), ROBOT),  # −2
        ]
    )
    assert (totals.items, totals.robot_done, totals.automated, totals.reviewed) == (4, 2, 1, 3)
    assert (totals.manual, totals.rejected, totals.estimated_reviews) == (1, 1, 1)
    assert totals.net_minutes == pytest.approx(8.5)
    assert totals.baseline_minutes == pytest.approx(18.0)
    assert totals.staff_minutes == pytest.approx(9.5)
    assert totals.automation_rate == pytest.approx(0.25)
    assert totals.review_rate == pytest.approx(0.75)
    assert summarise([]).automation_rate is None


@pytest.mark.parametrize(
    "ratio, mark",
    [(1.25, "○"), (1.0, "○"), (0.9999, "△"), (0.8, "△"), (0.7999, "×"), (-0.1, "×"), (None, "－")],
)
def test_marks_by_pace(ratio, mark):
    assert pace_mark(ratio) == mark


def test_pace_is_the_target_shared_out_by_open_days():
    pace = Pace(target_hours=1000, open_days_elapsed=60, open_days_total=240, actual_hours=230)
    assert pace.pace_hours == pytest.approx(250)
    assert pace.ratio == pytest.approx(0.92)
    assert pace.mark == "△"
    assert pace.target_ratio == pytest.approx(0.23)
    assert Pace(1000, 0, 240, 0).mark == "－"
