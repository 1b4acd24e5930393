"""``daiko schedule --list``: each robot's next run times, as the running service will see them.

The times come from the very trigger objects the service schedules (``triggers.build_trigger``),
so an admin checking a cron line before the 年末年始 sees the same skips the robots will make,
with the reason (``祝日: 勤労感謝の日``) for each day left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from daiko.calendar import BusinessCalendar, format_moment, weekday_ja
from daiko.config import DaikoConfig, Schedule
from daiko.schedules.triggers import build_trigger, inner_trigger, iter_fire_times, next_fire_times

_SKIP_SCAN_LIMIT = 5_000  # inner fire times examined to name the skipped days
_PLAIN_WEEKEND = ("土曜日", "日曜日")  # obvious; the column is for 祝日, 年末年始 and extra closed days


@dataclass
class NextRuns:
    job: str  # robot id, or "report"
    label: str
    schedule: str
    times: list[dt.datetime] = field(default_factory=list)
    skipped: list[tuple[dt.date, str]] = field(default_factory=list)  # closed days the cron would have hit
    note: str | None = None


def describe_schedule(schedule: Schedule) -> str:
    when = f"cron '{schedule.cron}'" if schedule.cron else f"{schedule.interval_minutes} 分ごと"
    hours = "開庁日の開庁時間のみ" if schedule.office_hours_only else "曜日・時間の制限なし"
    return f"{when}（{hours}、遅延許容 {schedule.misfire_grace_minutes} 分）"


def next_runs(cfg: DaikoConfig, *, now: dt.datetime | None = None, count: int = 5) -> list[NextRuns]:
    now = now or dt.datetime.now(dt.UTC)
    rows = []
    for robot in cfg.robots:
        label = f"{robot.id}  {robot.name}（{robot.section}）"
        if not robot.enabled:
            rows.append(NextRuns(robot.id, label, "—", note="無効（enabled: false）"))
        elif robot.schedule is None:
            rows.append(
                NextRuns(
                    robot.id, label, "なし", note="スケジュールなし（受信フォルダにファイルが置かれたときだけ動きます）"
                )
            )
        else:
            rows.append(_row(cfg, robot.id, label, robot.schedule, now, count))
    if cfg.reports.schedule is not None:
        rows.append(_row(cfg, "report", "週次レポート", cfg.reports.schedule, now, count))
    return rows


def _row(cfg: DaikoConfig, job: str, label: str, schedule: Schedule, now: dt.datetime, count: int) -> NextRuns:
    calendar = BusinessCalendar.from_config(cfg)
    times = [calendar.local(t) for t in next_fire_times(build_trigger(schedule, cfg), now, count)]
    row = NextRuns(job, label, describe_schedule(schedule), times)
    if not times:
        row.note = "実行予定がありません（開庁時間内に当たる時刻がない cron かもしれません）"
    if schedule.office_hours_only:
        until = times[-1] if times else now + dt.timedelta(days=14)
        hit: dict[dt.date, str] = {}
        inner = inner_trigger(schedule, cfg.defaults.timezone)
        for n, fire in enumerate(iter_fire_times(inner, now)):
            if fire > until or n >= _SKIP_SCAN_LIMIT:
                break
            day = calendar.local(fire).date()
            reason = calendar.closed_reason(day)
            if reason and reason not in _PLAIN_WEEKEND and day not in hit:
                hit[day] = reason
        row.skipped = sorted(hit.items())
    return row


def list_next_runs(
    cfg: DaikoConfig, *, console: Console | None = None, now: dt.datetime | None = None, count: int = 5
) -> list[NextRuns]:
    """Print the table and return its rows (for tests and ``--json`` callers)."""
    console = console or Console()
    rows = next_runs(cfg, now=now, count=count)
    table = Table(title=f"次の実行予定（{cfg.defaults.timezone}）", show_lines=True)
    table.add_column("ロボット / ジョブ")
    table.add_column("スケジュール")
    table.add_column(f"次の {count} 回")
    table.add_column("休みで飛ばす日")
    for row in rows:
        times = "\n".join(format_moment(t) for t in row.times) or (row.note or "—")
        skipped = "\n".join(f"{d:%m/%d}({weekday_ja(d)}) {reason}" for d, reason in row.skipped) or "—"
        if row.note and row.times:
            times += f"\n{row.note}"
        table.add_row(row.label, row.schedule, times, skipped)
    console.print(table)
    return rows
