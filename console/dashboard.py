"""What the dashboard shows: robot PCs, today's runs, items by state, failures with evidence, missed runs,
hours saved.

Only counts, states and reasons reach this page's data — never field values — because 管理職
read it too. Evidence files (screenshots of the target system show names) are listed here
but served only to roles that may see personal data.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from daiko import labels
from daiko.config import DaikoConfig
from daiko.console.images import safe_path
from daiko.console.review import STATE_JA, backlog_by_section, robot_name
from daiko.ledger import Event, ItemState, Ledger, Run, WorkItem
from daiko.log import logger, mask
from daiko.schedules.hosts import HostView, overview
from daiko.wareki import wareki_datetime

STATE_ORDER = [
    ItemState.NEW,
    ItemState.REVIEW,
    ItemState.READY,
    ItemState.CLAIMED,
    ItemState.DONE,
    ItemState.FAILED,
    ItemState.REJECTED,
    ItemState.UNKNOWN,
]
# The words for runs and failures come from the one table (daiko.labels), as on every other screen.
TRIGGER_JA, MODE_JA, RUN_STATUS_JA, ERROR_JA = labels.TRIGGER, labels.RUN_MODE, labels.RUN_STATUS, labels.ERROR
# Events shown as alerts: the run stopped, or something waits for a person's check in the system.
ALERT_KINDS = ("run_stopped_systemic", "run_stopped_login", "run_interrupted", "item_unknown")


def error_label(code: str | None) -> str:
    """What 管理職 see instead of a failure's free-text reason, which may quote a name or a plate."""
    return labels.label("error", code, empty="エラー")


@dataclass(frozen=True)
class EvidenceLink:
    index: int
    name: str
    kind: str  # screenshot / trace / receipt / file
    available: bool


@dataclass(frozen=True)
class Failure:
    item_id: int
    robot_name: str
    reference: str | None
    reason: str
    error_code: str | None
    attempts: int
    at: dt.datetime
    evidence: list[EvidenceLink]


@dataclass
class Savings:
    """This week's hours saved. ``source`` says whether the report module computed it."""

    hours: float | None
    note: str
    source: str  # "reports" or "placeholder"
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Dashboard:
    today: dt.date
    runs: list[Run]
    robots: list[tuple[str, str, dict[str, int]]]  # (id, name, counts by state)
    failures: list[Failure]
    missed: list[Event]
    backlog: list[tuple[str, int, dt.datetime | None]]
    savings: Savings
    hosts: list[HostView] = field(default_factory=list)  # robot PCs running daiko schedule
    alerts: list[Event] = field(default_factory=list)
    unknown: int = 0  # items 結果不明: someone must check the core system


def tz_of(cfg: DaikoConfig) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cfg.defaults.timezone)


def evidence_kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".png", ".jpg", ".jpeg"):
        return "screenshot"
    if suffix == ".zip":
        return "trace"
    if suffix == ".pdf":
        return "receipt"
    return "file"


def evidence_links(cfg: DaikoConfig, item: WorkItem) -> list[EvidenceLink]:
    links = []
    for i, stored in enumerate(item.evidence or []):
        stored = str(stored)
        links.append(
            EvidenceLink(i, Path(stored).name, evidence_kind(stored), safe_path(cfg.data_dir, stored) is not None)
        )
    return links


def build(ledger: Ledger, cfg: DaikoConfig, *, now: dt.datetime | None = None, days: int = 7) -> Dashboard:
    tz = tz_of(cfg)
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    _mark_dead_runs(ledger)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = midnight - dt.timedelta(days=days)
    with ledger.session() as s:
        runs = list(s.scalars(select(Run).where(Run.started_at >= midnight).order_by(Run.started_at.desc())))
        counts: dict[str, dict[str, int]] = {}
        for robot_id, state, n in s.execute(
            select(WorkItem.robot_id, WorkItem.state, func.count()).group_by(WorkItem.robot_id, WorkItem.state)
        ):
            counts.setdefault(robot_id, {})[state] = n
        failed = list(
            s.scalars(
                select(WorkItem)
                .where(WorkItem.state == ItemState.FAILED, WorkItem.updated_at >= since)
                .order_by(WorkItem.updated_at.desc())
                .limit(50)
            )
        )
        missed = list(
            s.scalars(
                select(Event).where(Event.kind == "missed_run", Event.at >= since).order_by(Event.at.desc()).limit(50)
            )
        )
        alerts = list(
            s.scalars(
                select(Event).where(Event.kind.in_(ALERT_KINDS), Event.at >= since).order_by(Event.at.desc()).limit(30)
            )
        )
    robot_ids = [r.id for r in cfg.robots] + sorted(set(counts) - {r.id for r in cfg.robots})
    robots = [(rid, robot_name(cfg, rid), counts.get(rid, {})) for rid in robot_ids]
    failures = [
        Failure(
            item_id=i.id,
            robot_name=robot_name(cfg, i.robot_id),
            reference=i.reference,
            reason=mask(i.reason or "理由の記録がありません"),
            error_code=i.error_code,
            attempts=i.attempts,
            at=i.updated_at,
            evidence=evidence_links(cfg, i),
        )
        for i in failed
    ]
    return Dashboard(
        today=local_now.date(),
        runs=runs,
        robots=robots,
        failures=failures,
        missed=missed,
        backlog=backlog_by_section(ledger, cfg),
        savings=week_savings(ledger, cfg, local_now),
        hosts=overview(ledger, now),
        alerts=alerts,
        unknown=sum(c.get(ItemState.UNKNOWN, 0) for c in counts.values()),
    )


def _mark_dead_runs(ledger: Ledger) -> None:
    """Runs killed mid-way stay "running" in the ledger: mark them 中断 before showing them."""
    try:
        from daiko.robots.heartbeat import mark_dead_runs
    except ImportError:
        return
    try:
        mark_dead_runs(ledger)
    except Exception as exc:  # the dashboard must open even if this check fails
        logger.opt(exception=exc).warning("could not check for dead runs")


def week_savings(ledger: Ledger, cfg: DaikoConfig, local_now: dt.datetime) -> Savings:
    """Hours saved this week so far, computed by daiko.reports (the weekly report's own arithmetic).

    The console never publishes a second, diverging figure: the placeholder below is used only
    when the reports layer is missing or fails, and says so on screen.
    """
    try:
        from daiko.reports.build import build_report
        from daiko.reports.period import Period
    except ImportError:
        return _placeholder(ledger, cfg, local_now)
    try:
        report = build_report(cfg, ledger, Period.week_to_date(local_now.date()), now=local_now)
    except Exception as exc:  # the dashboard must open even if the report code has a bug
        logger.opt(exception=exc).warning("reports could not compute this week's savings; showing the placeholder")
        return _placeholder(ledger, cfg, local_now)
    totals, pace = report.totals, report.pace
    ratio = "－" if pace.ratio is None else f"{_tidy(pace.ratio * 100, 0):.0f}%"
    return Savings(
        hours=_tidy(totals.net_hours, 1),
        note=f"確認時間を差し引いた純削減。年度累計 {_tidy(report.ytd.net_hours, 1):,.1f} / {pace.target_hours:,.0f} 時間"
        f"（ペース比 {ratio} {pace.mark}）",
        source="reports",
        details=[("今週の件数", f"{totals.items}件"), ("確認時間", f"{totals.review_hours:.1f}時間")],
    )


def _tidy(value: float, digits: int) -> float:
    """Rounded, without the "-0.0" a few seconds of checking would otherwise print."""
    return round(value, digits) + 0.0


def _placeholder(ledger: Ledger, cfg: DaikoConfig, local_now: dt.datetime) -> Savings:
    """Σ over items done this week of (baseline − review time); used only without daiko.reports."""
    monday = (local_now - dt.timedelta(days=local_now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    baseline = {r.id: r.baseline_minutes for r in cfg.robots}
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.robot_id, func.count(), func.coalesce(func.sum(WorkItem.review_seconds), 0.0))
            .where(WorkItem.state == ItemState.DONE, WorkItem.finished_at >= monday)
            .group_by(WorkItem.robot_id)
        ).all()
    minutes = 0.0
    done = 0
    for robot_id, n, review_seconds in rows:
        minutes += n * baseline.get(robot_id, 0.0) - float(review_seconds) / 60
        done += n
    return Savings(
        hours=_tidy(minutes / 60, 1),
        note="簡易計算（今週完了した件数 × 手作業の分数 − 確認時間）。正式な数値は週次報告書を参照してください。",
        source="placeholder",
        details=[("今週の完了件数", f"{done}件"), ("集計開始", f"{monday:%m月%d日}（月）")],
    )


def state_label(state: str) -> str:
    return STATE_JA.get(state, state)


def missed_text(event: Event, zone: str) -> str:
    """A missed schedule in Japanese, from the event's data (its message is written for developers)."""
    data = event.data or {}
    try:
        scheduled = dt.datetime.fromisoformat(str(data["scheduled"]))
    except (KeyError, ValueError):
        return mask(event.message)
    when = wareki_datetime(scheduled, zone)
    reason = data.get("reason")
    if reason == "grace":
        why = "予定より大きく遅れたため（PCの停止・スリープなど）、実行しませんでした"
    elif reason == "coalesced":
        why = "PCの停止・スリープなどで間に合わず、次の1回にまとめて実行しました"
    else:
        why = "実行されませんでした"
    count = data.get("count")
    if count and data.get("scheduled_last"):
        last = wareki_datetime(dt.datetime.fromisoformat(str(data["scheduled_last"])), zone)
        return f"{when}〜{last} の定時実行 {count} 回: {why}"
    return f"{when} の定時実行: {why}"
