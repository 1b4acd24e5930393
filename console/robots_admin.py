"""The 管理者's robot screen: each robot's state, 今すぐ実行, pause/resume, run history with items.

The console never starts or pauses anything itself: it writes the decision to the ledger
(``daiko.schedules.controls``) and every PC's ``daiko schedule`` acts on it at its next
heartbeat. What the screen shows is read back from the ledger too, so it is true for all PCs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from daiko.config import DaikoConfig
from daiko.console.review import ITEM_STATE, form_title, robot_name
from daiko.ledger import Event, IntakeFile, Ledger, Run, WorkItem
from daiko.log import logger, mask
from daiko.schedules import controls


@dataclass(frozen=True)
class RobotRow:
    id: str
    name: str
    section: str | None
    enabled: bool
    schedule: str
    next_run: dt.datetime | None
    pause: controls.Pause | None
    running: Run | None
    last: Run | None


def _schedule_text(cfg: DaikoConfig, robot_id: str) -> tuple[str, dt.datetime | None]:
    try:
        from daiko.schedules.listing import next_runs

        for row in next_runs(cfg, count=1):
            if row.job == robot_id:
                return row.schedule, (row.times[0] if row.times else None)
    except Exception as exc:  # the screen opens even if a schedule cannot be computed
        logger.opt(exception=exc).warning("could not compute the next runs")
    return "—", None


def robots(ledger: Ledger, cfg: DaikoConfig) -> list[RobotRow]:
    paused = controls.pauses(ledger)
    with ledger.session() as s:
        running = {r.robot_id: r for r in s.scalars(select(Run).where(Run.status == "running"))}
        latest = s.execute(select(Run.robot_id, func.max(Run.id)).group_by(Run.robot_id)).all()
        last = {r.robot_id: r for r in s.scalars(select(Run).where(Run.id.in_([i for _, i in latest] or [-1])))}
    out = []
    for robot in cfg.robots:
        schedule, next_run = (
            _schedule_text(cfg, robot.id) if robot.schedule is not None else ("なし（到着時のみ）", None)
        )
        out.append(
            RobotRow(robot.id, robot.name, robot.section, robot.enabled, schedule, next_run,
                     paused.get(robot.id), running.get(robot.id), last.get(robot.id))
        )  # fmt: skip
    return out


def runs(ledger: Ledger, robot_id: str | None = None, *, limit: int = 100) -> list[Run]:
    with ledger.session() as s:
        query = select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
        if robot_id:
            query = query.where(Run.robot_id == robot_id)
        return list(s.scalars(query))


@dataclass(frozen=True)
class RunItem:
    id: int
    reference: str | None
    file_name: str
    part: int
    form_title: str
    state: str
    state_ja: str
    reason: str


@dataclass
class RunDetail:
    run: Run
    robot_name: str
    items: list[RunItem]
    events: list[Event]


def run_detail(ledger: Ledger, cfg: DaikoConfig, run_id: int) -> RunDetail | None:
    """A run with the items it worked on: those it holds last (``work_items.run_id``) and those its
    events name (an item a later run took over still shows in the run that began it)."""
    with ledger.session() as s:
        run = s.get(Run, run_id)
        if run is None:
            return None
        events = list(s.scalars(select(Event).where(Event.run_id == run_id).order_by(Event.at, Event.id).limit(500)))
        named = {e.item_id for e in events if e.item_id is not None}
        rows = s.execute(
            select(WorkItem, IntakeFile.original_name)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(or_(WorkItem.run_id == run_id, WorkItem.id.in_(named or {-1})))
            .order_by(WorkItem.id)
            .limit(1000)
        ).all()
    items = [
        RunItem(item.id, item.reference, name, item.part, form_title(item.form), item.state,
                ITEM_STATE.get(item.state, item.state), mask(item.reason or ""))
        for item, name in rows
    ]  # fmt: skip
    return RunDetail(run, robot_name(cfg, run.robot_id), items, events)
