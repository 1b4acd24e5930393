"""The report as data: what every output (workbook, CSV, headline, JSON) is written from.

One object so that the Excel sheets, the CSV and the one-line headline can never disagree:
they format the same numbers, they never recompute them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from daiko.reports.period import FiscalYear, Period
from daiko.reports.savings import MARK_MEANING, ItemSaving, Pace, Totals
from daiko.stats import Estimate


@dataclass(frozen=True)
class GroupRow:
    """One line of 業務別: a robot (業務) and the 課 whose items it keyed."""

    robot_id: str
    robot_name: str
    section: str
    period: Totals
    ytd: Totals


@dataclass(frozen=True)
class TrendWeek:
    """One week of the 年度 (weeks are clipped at the 年度's first and last day)."""

    start: dt.date
    end: dt.date
    iso_week: str  # '2026-W47'
    items: int | None  # None: the week is after the report's period
    net_hours: float | None
    cumulative_hours: float | None
    pace_hours: float  # the target line: where the 年度 total should be by ``end``

    @property
    def label(self) -> str:
        """'11/16〜11/22'."""
        return f"{self.start.month}/{self.start.day}〜{self.end.month}/{self.end.day}"

    @property
    def short_label(self) -> str:
        """'11/16' (chart axis)."""
        return f"{self.start.month}/{self.start.day}"


@dataclass(frozen=True)
class AccuracyLine:
    """精度 of one robot (``field_type`` None) or one of its field types, from 抜き取り確認 up to the
    period's end: counts only, no values."""

    robot_id: str
    robot_name: str
    field_type: str | None
    label: str  # the robot's name, or the field type in Japanese
    estimate: Estimate
    budget: float

    @property
    def text(self) -> str:
        return self.estimate.describe_ja()


@dataclass(frozen=True)
class Report:
    period: Period
    fiscal_year: FiscalYear
    generated_at: dt.datetime  # local time
    totals: Totals  # the period
    ytd: Totals  # 年度 first day .. period's last day
    pace: Pace
    groups: list[GroupRow]
    trend: list[TrendWeek]
    items: list[ItemSaving]  # the period's items, for 明細
    robots_in_use: int  # RPA活用業務数: robots that finished at least one item in the 年度
    notes: list[str]
    accuracy: tuple[AccuracyLine, ...] = ()

    @property
    def period_word(self) -> str:
        return "今週" if self.period.is_week else "期間"

    @property
    def headline(self) -> str:
        """'今週の削減時間 12.3 時間（年度累計 210.5 / 1,000 時間, ペース比 96% △）'."""
        ratio = self.pace.ratio
        ratio_text = "－" if ratio is None else f"{ratio:.0%}"
        return (
            f"{self.period_word}の削減時間 {self.totals.net_hours:,.1f} 時間"
            f"（年度累計 {self.ytd.net_hours:,.1f} / {format_hours(self.pace.target_hours)} 時間, "
            f"ペース比 {ratio_text} {self.pace.mark}）"
        )

    def figures(self) -> dict[str, Any]:
        """The headline figures, JSON-ready (``daiko report --json``)."""
        t, y, p = self.totals, self.ytd, self.pace
        return {
            "headline": self.headline,
            "period": {
                "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(),
                "week": self.period.week_text or None,
                "label": self.period.label,
            },
            "fiscal_year": {
                "label": self.fiscal_year.label,
                "from": self.fiscal_year.start.isoformat(),
                "to": self.fiscal_year.end.isoformat(),
            },
            "net_hours": round(t.net_hours, 2),
            "baseline_hours": round(t.baseline_hours, 2),
            "staff_hours": round(t.staff_hours, 2),
            "review_hours": round(t.review_hours, 2),
            "audit_hours": round(t.audit_hours, 2),
            "sampled": t.sampled,
            "machine_hours": round(t.machine_hours, 2),
            "items": t.items,
            "robot_done": t.robot_done,
            "reviewed": t.reviewed,
            "failed": t.manual,
            "rejected": t.rejected,
            "automation_rate": _round(t.automation_rate, 4),
            "review_rate": _round(t.review_rate, 4),
            "ytd_net_hours": round(y.net_hours, 2),
            "ytd_items": y.items,
            "annual_target_hours": p.target_hours,
            "pace_hours": round(p.pace_hours, 2),
            "pace_ratio": _round(p.ratio, 4),
            "mark": p.mark,
            "mark_meaning": MARK_MEANING[p.mark],
            "open_days": {"elapsed": p.open_days_elapsed, "total": p.open_days_total},
            "robots_in_use": self.robots_in_use,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "accuracy": [
                {
                    "robot": a.robot_id,
                    "field_type": a.field_type,
                    "n": a.estimate.n,
                    "k": a.estimate.k,
                    "rate": a.estimate.rate,
                    "low": round(a.estimate.low, 6),
                    "high": round(a.estimate.high, 6),
                    "budget": a.budget,
                    "text": a.text,
                }
                for a in self.accuracy
            ],
        }


def format_hours(value: float) -> str:
    """'1,000' for whole numbers, '1,000.5' otherwise."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
