"""Building the report: ledger rows → per-item savings → period, 年度, per-業務 and weekly sums.

Everything is computed here once; the writers only format. The arithmetic itself (what an
item saved, the pace and its mark) lives in :mod:`daiko.reports.savings`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections import Counter, defaultdict

from daiko.config import DaikoConfig, RobotConfig
from daiko.ledger import Ledger
from daiko.reports.collect import collect_items
from daiko.reports.model import AccuracyLine, GroupRow, Report, TrendWeek
from daiko.reports.open_days import open_days
from daiko.reports.period import FiscalYear, Period, local_midnight_utc
from daiko.reports.savings import ItemSaving, Pace, Totals, item_saving, summarise


def build_report(cfg: DaikoConfig, ledger: Ledger, period: Period, *, now: dt.datetime | None = None) -> Report:
    """The report for ``period``, with the 年度 (holding the period's last day) to date."""
    tz = zoneinfo.ZoneInfo(cfg.defaults.timezone)
    now = now or dt.datetime.now(tz)
    generated = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)  # naive = local time
    fy = FiscalYear.containing(period.end, cfg.reports.fiscal_year_start)
    first = min(period.start, fy.start)
    collected = collect_items(
        ledger, local_midnight_utc(first, tz), local_midnight_utc(period.end + dt.timedelta(days=1), tz), tz
    )

    robots = {robot.id: robot for robot in cfg.robots}
    savings: list[ItemSaving] = []
    unknown: Counter[str] = Counter()
    for facts in collected.items:
        robot = robots.get(facts.robot_id)
        if robot is None:
            unknown[facts.robot_id] += 1
            continue
        savings.append(item_saving(facts, robot))

    in_period = [s for s in savings if period.contains(s.facts.finished_at.date())]
    in_ytd = [s for s in savings if fy.start <= s.facts.finished_at.date() <= period.end]

    days = open_days(fy.start, fy.end, cfg.defaults.calendar)
    ytd = summarise(in_ytd)
    pace = Pace(
        target_hours=cfg.reports.annual_target_hours,
        open_days_elapsed=bisect.bisect_right(days, period.end),
        open_days_total=len(days),
        actual_hours=ytd.net_hours,
    )
    totals = summarise(in_period)
    return Report(
        period=period,
        fiscal_year=fy,
        generated_at=generated,
        totals=totals,
        ytd=ytd,
        pace=pace,
        groups=_groups(cfg.robots, in_period, in_ytd),
        trend=_trend(fy, period, in_ytd, days, cfg.reports.annual_target_hours),
        items=in_period,
        robots_in_use=len({s.facts.robot_id for s in in_ytd}),
        notes=_notes(period, fy, totals, unknown, collected.trial_items),
        accuracy=_accuracy(cfg, ledger, local_midnight_utc(period.end + dt.timedelta(days=1), tz)),
    )


def _accuracy(cfg: DaikoConfig, ledger: Ledger, until: dt.datetime) -> tuple[AccuracyLine, ...]:
    """精度 per keying robot, then per field type, from every sample checked before ``until``."""
    from daiko.robots.accuracy import estimates, type_ja
    from daiko.stats import estimate

    found = estimates(ledger, until=until)
    lines: list[AccuracyLine] = []
    for robot in cfg.robots:
        if robot.target is None or not robot.audit.enabled:
            continue
        mine = sorted((t, e) for (r, t), e in found.items() if r == robot.id)
        total = estimate(sum(e.k for _, e in mine), sum(e.n for _, e in mine))
        lines.append(AccuracyLine(robot.id, robot.name, None, robot.name, total, robot.audit.budget))
        lines.extend(AccuracyLine(robot.id, robot.name, t, type_ja(t), e, robot.audit.budget) for t, e in mine)
    return tuple(lines)


def _groups(robots: list[RobotConfig], in_period: list[ItemSaving], in_ytd: list[ItemSaving]) -> list[GroupRow]:
    """One row per robot and 課; every robot in robots.yaml appears, even with no items (a stopped
    robot is news for the manager too)."""
    period_by: dict[tuple[str, str], Totals] = defaultdict(Totals)
    ytd_by: dict[tuple[str, str], Totals] = defaultdict(Totals)
    for saving in in_period:
        period_by[(saving.facts.robot_id, saving.section)].add(saving)
    for saving in in_ytd:
        ytd_by[(saving.facts.robot_id, saving.section)].add(saving)
    keys = set(period_by) | set(ytd_by)
    for robot in robots:
        if not any(robot_id == robot.id for robot_id, _ in keys):
            keys.add((robot.id, robot.section))
    order = {robot.id: index for index, robot in enumerate(robots)}
    names = {robot.id: robot.name for robot in robots}
    return [
        GroupRow(
            robot_id=robot_id,
            robot_name=names[robot_id],
            section=section,
            period=period_by.get((robot_id, section), Totals()),
            ytd=ytd_by.get((robot_id, section), Totals()),
        )
        for robot_id, section in sorted(keys, key=lambda key: (order[key[0]], key[1]))
    ]


def _trend(
    fy: FiscalYear, period: Period, in_ytd: list[ItemSaving], days: list[dt.date], target: float
) -> list[TrendWeek]:
    """Every week of the 年度; weeks after the period have a pace but no actual figures."""
    by_day: dict[dt.date, list[ItemSaving]] = defaultdict(list)
    for saving in in_ytd:
        by_day[saving.facts.finished_at.date()].append(saving)
    weeks: list[TrendWeek] = []
    cumulative = 0.0
    monday = Period.week_of(fy.start).start
    while monday <= fy.end:
        start, end = max(monday, fy.start), min(monday + dt.timedelta(days=6), fy.end)
        year, number, _ = monday.isocalendar()
        pace = target * bisect.bisect_right(days, end) / len(days) if days else 0.0
        if start > period.end:
            items, net, cum = None, None, None
        else:
            week = summarise(s for day, group in by_day.items() if start <= day <= end for s in group)
            cumulative += week.net_hours
            items, net, cum = week.items, week.net_hours, cumulative
        weeks.append(TrendWeek(start, end, f"{year}-W{number:02d}", items, net, cum, pace))
        monday += dt.timedelta(days=7)
    return weeks


def _notes(period: Period, fy: FiscalYear, totals: Totals, unknown: Counter[str], trial_items: int) -> list[str]:
    """Caveats a reader must know to trust the figures, in Japanese."""
    notes = []
    if totals.estimated_reviews:
        notes.append(
            f"確認時間を確認画面で測れなかった {totals.estimated_reviews:,} 件は、"
            "1項目あたりの確認時間（robots.yaml の review_minutes_per_field）× 確認項目数で推定しました。"
        )
    if trial_items:
        notes.append(f"試行（trial）で処理した {trial_items:,} 件は、登録していないため集計から除きました。")
    for robot_id, count in sorted(unknown.items()):
        notes.append(
            f"robots.yaml にないロボット「{robot_id}」の {count:,} 件は、手作業の基準時間がないため集計から除きました。"
        )
    if period.start < fy.start:
        notes.append(
            f"対象期間が年度をまたぐため、年度累計には{fy.label}（{fy.start.month}月{fy.start.day}日以降）の分だけを含めます。"
        )
    return notes
