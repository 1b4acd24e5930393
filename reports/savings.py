"""The savings arithmetic: staff hours a robot saved, *net* of the staff time it cost.

Why net: pilots elsewhere found that checking OCR output by eye can cost more than keying
by hand (one city's tax-slip job went from 1.6 h to 16.2 h). A robot that keys fast but
makes staff check every field must show that loss, so every figure here subtracts the
staff's checking time, measured where the review screen measured it.

Which items count in a period
-----------------------------
An item counts when it has reached a final state — 完了 (done), 失敗 (failed) or 差戻し
(rejected in review) — and its ``finished_at``, converted to local time (defaults.timezone,
Asia/Tokyo), falls on a date from the period's first day to its last day, both included.
Items still in progress (new / review / ready / claimed) count in the period they finish,
together with all the checking time spent on them, even if that time was spent earlier.
Left out: items keyed in a 試行 (trial) run, which registered nothing, and items of a robot
no longer in robots.yaml (there is no baseline for them; the report lists them in a note).
The 年度 figures use the same rule from the 年度's first day to the period's last day.

Per item, in minutes (B = the robot's ``baseline_minutes`` from robots.yaml; for an item that
came from a CSV row, its ``csv_baseline_minutes`` when set — an 電子申請 answer needs no keying)
---------------------------------------------------------------------------
Checking time R, staff time spent on the item in the review screen:
  * measured — ``max(WorkItem.review_seconds, Σ FieldReview.seconds) / 60`` when either is
    above zero (both measure the same time; the larger one includes more of it, and taking
    the maximum never counts it twice);
  * estimated — otherwise ``review_minutes_per_field`` × the number of checked fields
    (the distinct names in ``review_fields`` or in the FieldReview rows, whichever is more);
  * none — 0 when no field needed checking.

=====================================  ==============  ===============  ===========
outcome                                手作業換算 (B)   職員時間 (staff)  純削減 (net)
=====================================  ==============  ===============  ===========
robot: done, not handled by hand       B               R                B − R
manual: failed, or handled by hand     B               B + R            −R
rejected: a person rejected it         0               R                −R
=====================================  ==============  ===============  ===========

A failed item saves nothing: staff do it by hand at the baseline cost (whether or not the
ledger already says ``handled_manually``: the work cannot be avoided), and any checking
done before it failed is a loss. A rejected item was never keyed, so no keying was saved;
the checking time is a loss. Robot machine time (``ocr_seconds + keying_seconds``) is
shown for information but is not staff time and is never subtracted.

Rates over the items counted: 自動化率 = done by the robot with no checking / all items;
確認率 = items that needed checking / all items.

Pace against the 年度 target
----------------------------
pace = annual target × (開庁日 from the 年度's first day to the period's last day) ÷
(開庁日 in the whole 年度); ratio = 年度 net hours to date ÷ pace. Marks:
○ 達成 when ratio ≥ 100 %, △ 一部達成 when ≥ 80 %, × 未達成 below (including any
negative net); "－" when the pace is still zero (no 開庁日 has passed yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from daiko import labels
from daiko.config import RobotConfig
from daiko.ledger.models import ItemState

MARK_ACHIEVED = 1.0  # ○ 達成: at or above the pace
MARK_PARTIAL = 0.8  # △ 一部達成: at least 80 % of the pace; below that × 未達成
COUNTED_STATES = (ItemState.DONE, ItemState.FAILED, ItemState.REJECTED)


class Outcome(StrEnum):
    ROBOT = "robot"
    MANUAL = "manual"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return labels.OUTCOME[self.value]  # one word per code, the console's too (daiko.labels)


class ReviewSource(StrEnum):
    MEASURED = "measured"
    ESTIMATED = "estimated"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"measured": "実測", "estimated": "推定", "none": "確認なし"}[self.value]


@dataclass(frozen=True)
class ItemFacts:
    """What the ledger knows about one finished item — no field values, no names."""

    item_id: int
    robot_id: str
    section: str | None
    form: str | None
    state: str
    handled_manually: bool
    review_fields: int  # distinct field names a person had to check
    review_seconds: float  # WorkItem.review_seconds
    field_review_seconds: float  # Σ FieldReview.seconds
    field_reviews: int  # distinct fields with a FieldReview row
    ocr_seconds: float
    keying_seconds: float
    created_at: dt.datetime | None
    finished_at: dt.datetime  # local time
    from_csv: bool = False  # a CSV row (J-LIS, 電子申請), not a page of a scan


@dataclass(frozen=True)
class ItemSaving:
    """One item's minutes, as the 明細 sheet shows them."""

    facts: ItemFacts
    robot_name: str
    section: str
    outcome: Outcome
    review_source: ReviewSource
    checked_fields: int
    review_minutes: float
    baseline_minutes: float
    staff_minutes: float
    net_minutes: float

    @property
    def reviewed(self) -> bool:
        return self.review_source is not ReviewSource.NONE

    @property
    def machine_seconds(self) -> float:
        return self.facts.ocr_seconds + self.facts.keying_seconds


def review_minutes(facts: ItemFacts, minutes_per_field: float) -> tuple[float, ReviewSource, int]:
    """Checking minutes R, where they came from, and how many fields were checked."""
    checked = max(facts.review_fields, facts.field_reviews)
    measured = max(facts.review_seconds, facts.field_review_seconds)
    if measured > 0:
        return measured / 60.0, ReviewSource.MEASURED, checked
    if checked > 0:
        return minutes_per_field * checked, ReviewSource.ESTIMATED, checked
    return 0.0, ReviewSource.NONE, 0


def outcome_of(facts: ItemFacts) -> Outcome:
    if facts.state == ItemState.REJECTED:
        return Outcome.REJECTED
    if facts.state == ItemState.FAILED or facts.handled_manually:
        return Outcome.MANUAL
    return Outcome.ROBOT


def item_saving(facts: ItemFacts, robot: RobotConfig) -> ItemSaving:
    """Apply the table in the module docstring to one item."""
    if facts.state not in COUNTED_STATES:
        raise ValueError(f"item {facts.item_id} is '{facts.state}', not finished; it cannot be counted yet")
    review, source, checked = review_minutes(facts, robot.review_minutes_per_field)
    outcome = outcome_of(facts)
    by_hand = robot.baseline_minutes
    if facts.from_csv and robot.csv_baseline_minutes is not None:
        by_hand = robot.csv_baseline_minutes
    if outcome is Outcome.ROBOT:
        baseline, staff = by_hand, review
    elif outcome is Outcome.MANUAL:
        baseline, staff = by_hand, by_hand + review
    else:
        baseline, staff = 0.0, review
    return ItemSaving(
        facts=facts,
        robot_name=robot.name,
        section=facts.section or robot.section,
        outcome=outcome,
        review_source=source,
        checked_fields=checked,
        review_minutes=review,
        baseline_minutes=baseline,
        staff_minutes=staff,
        net_minutes=baseline - staff,
    )


@dataclass
class Totals:
    """Sums over a set of items; hours are derived from minutes only at the end (no rounding drift)."""

    items: int = 0
    robot_done: int = 0  # done by the robot (checked or not)
    reviewed: int = 0  # needed a person's check
    automated: int = 0  # done by the robot with no check at all
    manual: int = 0  # failed: done by hand
    rejected: int = 0
    estimated_reviews: int = 0  # checking time estimated, not measured
    baseline_minutes: float = 0.0
    staff_minutes: float = 0.0
    review_minutes: float = 0.0
    net_minutes: float = 0.0
    machine_seconds: float = 0.0

    def add(self, saving: ItemSaving) -> None:
        self.items += 1
        self.robot_done += saving.outcome is Outcome.ROBOT
        self.reviewed += saving.reviewed
        self.automated += saving.outcome is Outcome.ROBOT and not saving.reviewed
        self.manual += saving.outcome is Outcome.MANUAL
        self.rejected += saving.outcome is Outcome.REJECTED
        self.estimated_reviews += saving.review_source is ReviewSource.ESTIMATED
        self.baseline_minutes += saving.baseline_minutes
        self.staff_minutes += saving.staff_minutes
        self.review_minutes += saving.review_minutes
        self.net_minutes += saving.net_minutes
        self.machine_seconds += saving.machine_seconds

    @property
    def net_hours(self) -> float:
        return self.net_minutes / 60.0

    @property
    def baseline_hours(self) -> float:
        return self.baseline_minutes / 60.0

    @property
    def staff_hours(self) -> float:
        return self.staff_minutes / 60.0

    @property
    def review_hours(self) -> float:
        return self.review_minutes / 60.0

    @property
    def machine_hours(self) -> float:
        return self.machine_seconds / 3600.0

    @property
    def automation_rate(self) -> float | None:
        return self.automated / self.items if self.items else None

    @property
    def review_rate(self) -> float | None:
        return self.reviewed / self.items if self.items else None

    @property
    def net_minutes_per_item(self) -> float | None:
        return self.net_minutes / self.items if self.items else None


def summarise(savings: Iterable[ItemSaving]) -> Totals:
    totals = Totals()
    for saving in savings:
        totals.add(saving)
    return totals


@dataclass(frozen=True)
class Pace:
    """Where the 年度 total should be by the period's last day, and the mark for it."""

    target_hours: float
    open_days_elapsed: int
    open_days_total: int
    actual_hours: float

    @property
    def share(self) -> float:
        return self.open_days_elapsed / self.open_days_total if self.open_days_total else 0.0

    @property
    def pace_hours(self) -> float:
        return self.target_hours * self.share

    @property
    def ratio(self) -> float | None:
        return pace_ratio(self.actual_hours, self.pace_hours)

    @property
    def mark(self) -> str:
        return pace_mark(self.ratio)

    @property
    def target_ratio(self) -> float:
        """年度 total as a share of the whole year's target."""
        return self.actual_hours / self.target_hours


def pace_ratio(actual_hours: float, pace_hours: float) -> float | None:
    return actual_hours / pace_hours if pace_hours > 0 else None


def pace_mark(ratio: float | None) -> str:
    """○ / △ / × for a pace ratio (thresholds MARK_ACHIEVED, MARK_PARTIAL); '－' when undefined."""
    if ratio is None:
        return "－"
    if ratio >= MARK_ACHIEVED:
        return "○"
    if ratio >= MARK_PARTIAL:
        return "△"
    return "×"


MARK_MEANING = {"○": "達成", "△": "一部達成", "×": "未達成", "－": "判定なし"}
