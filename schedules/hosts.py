"""Robot PCs in the ledger: each ``daiko schedule`` heartbeats, and a silent one's work is taken over.

Every beat a service writes its row in ``hosts`` (pid, robots, version, last heartbeat) and
looks at the others. A host silent for :data:`SILENT_BEATS` of *its own* heartbeat intervals is
taken as down — power cut, SIGKILL, frozen, cable pulled: whichever live host notices first marks
it ``silent`` (a compare-and-swap, so exactly one does) and releases what it held: its claimed
items become claimable (and, like every resumed item, are checked against the target system
before any keying), its leases — session slots, intake, reading — are freed. The host that
released them starts runs for those robots, so the work does not wait for the next trigger.

A host that was only slow, not dead, finds its row marked silent on its next beat: it stops
its runs after the item in hand (their items may be with another PC now) and carries on.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from importlib import metadata

from sqlalchemy import select, update

from daiko.i18n import tr
from daiko.ledger import Host, Ledger, utcnow
from daiko.log import logger
from daiko.robots import locks, workitems

SILENT_BEATS = 4  # missed beats before a host counts as down
RUNNING, STOPPED, SILENT = "running", "stopped", "silent"


def daiko_version() -> str:
    try:
        return metadata.version("daiko")
    except metadata.PackageNotFoundError:
        return "unknown"


def silent_after(heartbeat_seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=SILENT_BEATS * heartbeat_seconds)


def is_silent(host: Host, now: dt.datetime) -> bool:
    return host.state == SILENT or (
        host.state == RUNNING and now - host.last_seen_at > silent_after(host.heartbeat_seconds)
    )


def start(ledger: Ledger, name: str, robots: list[str], heartbeat_seconds: float) -> None:
    """This host's service started: (re)write its row."""
    now = utcnow()
    with ledger.session() as s:
        row = s.get(Host, name)
        if row is None:
            row = Host(name=name)
            s.add(row)
        row.pid, row.version, row.state = os.getpid(), daiko_version()[:32], RUNNING
        row.robots, row.heartbeat_seconds = robots, heartbeat_seconds
        row.started_at = row.last_seen_at = now
        row.stopped_at = row.released_at = None


def beat(ledger: Ledger, name: str, robots: list[str], heartbeat_seconds: float) -> bool:
    """One heartbeat. False when the others had declared this host silent and taken its work."""
    now = utcnow()
    with ledger.session() as s:
        row = s.get(Host, name)
        if row is None:  # deleted by hand while we ran: write it again
            row = Host(name=name, started_at=now, version=daiko_version()[:32])
            s.add(row)
        was_released = row.state == SILENT
        row.pid, row.state, row.robots = os.getpid(), RUNNING, robots
        row.heartbeat_seconds, row.last_seen_at = heartbeat_seconds, now
    if was_released:
        logger.warning(
            tr(
                "PC {} が長く応答せず、他の PC が案件を引き取りました。実行を再開します",
                "host {} was silent long enough for the others to take its work over; runs restart",
            ),
            name,
        )
        ledger.event(
            "host_back",
            tr(
                f"PC {name} がまた応答しましたが、案件は他の PC が引き取り済みです。手元の案件を終えたら実行を止めます",
                f"host {name} answers again after the others took its work over; its runs stop after the item in hand",
            ),
            level="WARNING",
        )
    return not was_released


def stop(ledger: Ledger, name: str) -> None:
    """A clean stop: the host is not silent, just off."""
    with ledger.session() as s:
        s.execute(
            update(Host)
            .where(Host.name == name, Host.pid == os.getpid())
            .values(state=STOPPED, stopped_at=utcnow(), last_seen_at=utcnow())
        )


def release_silent(ledger: Ledger, me: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Declare every silent host down and free what it held.

    Returns, per robot the silent host served or held items of, how many claimed items were
    released (0 when it held only leases — a file half read, say: that robot should run too).
    """
    now = now or utcnow()
    released: dict[str, int] = {}
    with ledger.session() as s:
        candidates = [
            (h.name, h.last_seen_at, list(h.robots or []))
            for h in s.scalars(select(Host).where(Host.state == RUNNING, Host.name != me))
            if is_silent(h, now)
        ]
    for name, seen, robots in candidates:
        with ledger.session() as s:
            won = s.execute(
                update(Host)
                .where(Host.name == name, Host.state == RUNNING, Host.last_seen_at == seen)
                .values(state=SILENT, released_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
        if not won:
            continue  # it beat meanwhile, or another host released it first
        items = workitems.release_held_by(ledger, name)
        leases = locks.release_held_by(ledger, name)
        for robot_id in robots:
            released.setdefault(robot_id, 0)
        for robot_id, n in items.items():
            released[robot_id] = released.get(robot_id, 0) + n
        silent_for = int((now - seen).total_seconds())
        ledger.event(
            "host_silent",
            tr(
                f"PC {name} が {silent_for} 秒応答しません: 処理中の案件 {sum(items.values())} 件と"
                f"ロック {len(leases)} 件を {me} が引き取りました",
                f"host {name} silent for {silent_for} s: {sum(items.values())} claimed item(s) and "
                f"{len(leases)} lease(s) released by {me}",
            ),
            level="WARNING",
            host=name,
            released_by=me,
            items=sum(items.values()),
            leases=leases,
        )
    return released


@dataclass(frozen=True)
class HostView:
    """One row of the dashboard's ロボットPC table."""

    name: str
    state: str  # running / silent / stopped, as seen now
    label: str  # 稼働中 / 応答なし / 停止
    robots: list[str]
    pid: int
    version: str
    started_at: dt.datetime
    last_seen_at: dt.datetime
    silent_seconds: int | None  # how long since the last heartbeat, for a silent host
    released_at: dt.datetime | None


LABELS = {RUNNING: "稼働中", SILENT: "応答なし", STOPPED: "停止"}


def overview(ledger: Ledger, now: dt.datetime | None = None) -> list[HostView]:
    now = now or utcnow()
    with ledger.session() as s:
        rows = list(s.scalars(select(Host).order_by(Host.name)))
    views = []
    for h in rows:
        state = SILENT if is_silent(h, now) else h.state
        views.append(
            HostView(
                name=h.name,
                state=state,
                label=LABELS.get(state, state),
                robots=list(h.robots or []),
                pid=h.pid,
                version=h.version,
                started_at=h.started_at,
                last_seen_at=h.last_seen_at,
                silent_seconds=int((now - h.last_seen_at).total_seconds()) if state == SILENT else None,
                released_at=h.released_at,
            )
        )
    return views
