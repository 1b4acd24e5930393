"""What an admin decides in the console for the schedule service: pause a robot, run it now.

The console and ``daiko schedule`` are separate processes (the service perhaps on several PCs),
so every decision is a ledger row the service reads, never a message to one process:

- a pause is ``robot_controls.paused``; each service's :class:`~daiko.schedules.runs.RunCoordinator`
  reads it before starting a run (schedule tick, dropped file, items checked in review …) and
  holds the request until the robot is resumed — on every PC, across restarts;
- 「今すぐ実行」 is a ``run_requests`` row; the first heartbeat of a service that serves the robot
  takes it with a conditional UPDATE (exactly one PC) and starts a run with trigger ``console``.
  A request no service took within :data:`REQUEST_MAX_AGE` is shown as expired and never run
  late (the admin who asked has gone on to something else).

Both are audited with the admin's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update

from daiko.ledger import Ledger, RobotControl, RunRequest, utcnow

REQUEST_MAX_AGE = dt.timedelta(minutes=15)
CONSOLE_TRIGGER = "console"


@dataclass(frozen=True)
class Pause:
    robot_id: str
    changed_by: str
    changed_at: dt.datetime
    note: str | None


def is_paused(ledger: Ledger, robot_id: str) -> bool:
    with ledger.session() as s:
        return bool(s.scalar(select(RobotControl.paused).where(RobotControl.robot_id == robot_id)))


def pauses(ledger: Ledger) -> dict[str, Pause]:
    """Every paused robot, with who paused it and when."""
    with ledger.session() as s:
        rows = s.scalars(select(RobotControl).where(RobotControl.paused.is_(True))).all()
        return {r.robot_id: Pause(r.robot_id, r.changed_by, r.changed_at, r.note) for r in rows}


def set_paused(ledger: Ledger, robot_id: str, paused: bool, actor: str, note: str = "") -> bool:
    """Pause or resume a robot's automatic starts on every PC (audited). False if nothing changed."""
    note = " ".join((note or "").split())[:200] or None
    with ledger.session() as s:
        row = s.get(RobotControl, robot_id)
        if row is not None and row.paused == paused:
            return False
        if row is None:
            if not paused:
                return False
            row = RobotControl(robot_id=robot_id, paused=True, changed_by=actor)
            s.add(row)
        row.paused, row.changed_by, row.changed_at, row.note = paused, actor, utcnow(), note
        action = "schedule_paused" if paused else "schedule_resumed"
        words = "一時停止" if paused else "再開"
        ledger.audit(actor, action, f"robot:{robot_id}", before={"paused": not paused}, after={"paused": paused},
                     detail=f"自動起動を{words}" + (f"（{note}）" if note else ""), session=s)  # fmt: skip
        ledger.event(action, f"{robot_id}: automatic starts {'paused' if paused else 'resumed'} by {actor}",
                     robot_id=robot_id, session=s)  # fmt: skip
    return True


def request_run(ledger: Ledger, robot_id: str, actor: str) -> int:
    """「今すぐ実行」: a request row for the services to take (audited). Returns its id."""
    with ledger.session() as s:
        row = RunRequest(robot_id=robot_id, requested_by=actor)
        s.add(row)
        s.flush()
        ledger.audit(actor, "robot_run_requested", f"robot:{robot_id}", after={"request": row.id},
                     detail="コンソールから今すぐ実行", session=s)  # fmt: skip
        ledger.event("run_requested", f"{robot_id}: run asked for by {actor} in the console",
                     robot_id=robot_id, request_id=row.id, session=s)  # fmt: skip
        return row.id


def take_requests(
    ledger: Ledger, robot_ids: Iterable[str], holder: str, *, now: dt.datetime | None = None
) -> list[str]:
    """Take the waiting requests for these robots (this service serves them): the robots to run now.

    One conditional UPDATE per request, so of several PCs exactly one takes it. Requests older
    than :data:`REQUEST_MAX_AGE` are left alone (shown as expired, never run late).
    """
    robots = list(robot_ids)
    if not robots:
        return []
    now = now or utcnow()
    taken: list[str] = []
    with ledger.session() as s:
        waiting = s.execute(
            select(RunRequest.id, RunRequest.robot_id).where(
                RunRequest.robot_id.in_(robots),
                RunRequest.taken_at.is_(None),
                RunRequest.requested_at >= now - REQUEST_MAX_AGE,
            )
        ).all()
    for request_id, robot_id in waiting:
        with ledger.session() as s:
            result = s.execute(
                update(RunRequest)
                .where(RunRequest.id == request_id, RunRequest.taken_at.is_(None))
                .values(taken_at=now, taken_by=holder)
                .execution_options(synchronize_session=False)
            )
        if result.rowcount == 1 and robot_id not in taken:
            taken.append(robot_id)
    return taken


@dataclass(frozen=True)
class RequestView:
    id: int
    robot_id: str
    requested_by: str
    requested_at: dt.datetime
    taken_by: str | None
    taken_at: dt.datetime | None
    expired: bool

    @property
    def status(self) -> str:
        if self.taken_at is not None:
            return f"{(self.taken_by or '').split(':')[0]} が開始"
        return "期限切れ（受け取るPCがありませんでした）" if self.expired else "受付済み（ロボットPCの受け取り待ち）"


def recent_requests(ledger: Ledger, *, limit: int = 20, now: dt.datetime | None = None) -> list[RequestView]:
    now = now or utcnow()
    with ledger.session() as s:
        rows = s.scalars(select(RunRequest).order_by(RunRequest.id.desc()).limit(limit)).all()
        return [
            RequestView(r.id, r.robot_id, r.requested_by, r.requested_at, r.taken_by, r.taken_at,
                        r.taken_at is None and r.requested_at < now - REQUEST_MAX_AGE)
            for r in rows
        ]  # fmt: skip
