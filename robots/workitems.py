"""The work-item queue in the ledger: claim → process → done / failed, with leases.

A claim succeeds for exactly one worker even when several robot PCs share a PostgreSQL ledger:
there it is ``SELECT … FOR UPDATE SKIP LOCKED`` (a worker never waits for a row another one is
taking, it takes the next), on SQLite one conditional UPDATE (SQLite serialises writers anyway).
A claimed item carries a lease; if its worker dies (SIGKILL, power cut) the item becomes
claimable again when the lease runs out, at once when the worker was a process on this same
host that no longer exists, or when its host falls silent (``daiko.schedules.hosts``). Whoever
takes it over must first ask the target system whether the item was already keyed.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from daiko.ledger import FieldReview, ItemState, Ledger, Run, WorkItem, utcnow

LEASE = dt.timedelta(minutes=10)
HOST_ENV = "DAIKO_HOST"


def _host_name() -> str:
    """This PC's name in the ledger: ``DAIKO_HOST`` when set (two PCs with one name, or several
    services on one test machine), else the host name. Never contains ':' (worker ids split on it)."""
    name = (os.environ.get(HOST_ENV) or socket.gethostname()).strip().replace(":", "-")
    return name[:48] or "host"


HOST = _host_name()


def worker_id(pid: int | None = None, run_id: int | None = None) -> str:
    """host:pid[:run] — the pid lets this host tell a dead holder at once; the run keeps two
    runs of one process apart."""
    base = f"{HOST}:{pid or os.getpid()}"
    return f"{base}:{run_id}" if run_id is not None else base


def _alive_on_this_host(worker: str | None) -> bool:
    if not worker or not worker.startswith(f"{HOST}:"):
        return True  # another PC: trust its lease
    try:
        pid = int(worker.split(":")[1])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def release_orphans(ledger: Ledger, robot_id: str) -> int:
    """Items claimed by a process of this host that is gone: make them claimable now."""
    with ledger.session() as s:
        claimed = s.scalars(
            select(WorkItem).where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.CLAIMED)
        ).all()
        orphans = [i for i in claimed if not _alive_on_this_host(i.claimed_by)]
        for item in orphans:
            item.lease_until = utcnow() - dt.timedelta(seconds=1)
            ledger.event(
                "item_orphaned",
                f"item {item.id} was held by {item.claimed_by}, which is gone; it will be checked and resumed",
                robot_id=robot_id,
                item_id=item.id,
                session=s,
            )
        return len(orphans)


def claim_next(
    ledger: Ledger, robot_id: str, worker: str, *, lease: dt.timedelta = LEASE, exclude: Iterable[int] = ()
) -> WorkItem | None:
    """Atomically take the oldest ready (or abandoned) item of this robot, or None.

    A ready item's ``lease_until`` is its not-before time (retry back-off); a claimed item's
    is the end of its worker's lease.
    """
    now = utcnow()
    claimable = or_(
        and_(WorkItem.state == ItemState.READY, or_(WorkItem.lease_until.is_(None), WorkItem.lease_until < now)),
        and_(WorkItem.state == ItemState.CLAIMED, WorkItem.lease_until < now),
    )
    excluded = list(exclude)
    if excluded:
        claimable = and_(claimable, WorkItem.id.not_in(excluded))
    if ledger.engine.dialect.name == "postgresql":
        return _claim_skip_locked(ledger, robot_id, worker, claimable, now, lease)
    for _ in range(20):  # lost races: try the next candidate
        with ledger.session() as s:
            candidate = s.scalars(
                select(WorkItem.id).where(WorkItem.robot_id == robot_id, claimable).order_by(WorkItem.id).limit(1)
            ).first()
            if candidate is None:
                return None
            result = s.execute(
                update(WorkItem)
                .where(WorkItem.id == candidate, claimable)
                .values(
                    state=ItemState.CLAIMED,
                    claimed_by=worker,
                    lease_until=now + lease,
                    attempts=WorkItem.attempts + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                return s.get(WorkItem, candidate)
    return None


def _claim_skip_locked(
    ledger: Ledger, robot_id: str, worker: str, claimable: ColumnElement[bool], now: dt.datetime, lease: dt.timedelta
) -> WorkItem | None:
    """PostgreSQL: lock the oldest claimable row no one else is locking, and take it.

    Rows another host is claiming at this instant are skipped, not waited for, so N hosts
    claiming at once each get a different item without queueing behind one another.
    """
    with ledger.session() as s:
        item = s.scalars(
            select(WorkItem)
            .where(WorkItem.robot_id == robot_id, claimable)
            .order_by(WorkItem.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if item is None:
            return None
        item.state = ItemState.CLAIMED
        item.claimed_by = worker
        item.lease_until = now + lease
        item.attempts = item.attempts + 1
        item.updated_at = now
        return item


def release_held_by(ledger: Ledger, host: str) -> dict[str, int]:
    """Make every item claimed by a worker of ``host`` claimable now (the host fell silent).

    The items stay *claimed* with an expired lease, so whoever takes one over counts an attempt
    and, like any resumed item, asks the target system first whether it is already keyed.
    Returns how many per robot.
    """
    released: dict[str, int] = {}
    with ledger.session() as s:
        items = s.scalars(
            select(WorkItem).where(
                WorkItem.state == ItemState.CLAIMED, WorkItem.claimed_by.startswith(f"{host}:", autoescape=True)
            )
        ).all()
        for item in items:
            item.lease_until = utcnow() - dt.timedelta(seconds=1)
            released[item.robot_id] = released.get(item.robot_id, 0) + 1
            ledger.event(
                "item_orphaned",
                f"item {item.id} was held by {item.claimed_by} on silent host {host}; it will be checked and resumed",
                robot_id=item.robot_id,
                item_id=item.id,
                session=s,
            )
    return released


def renew(ledger: Ledger, item_id: int, worker: str, *, lease: dt.timedelta = LEASE) -> bool:
    with ledger.session() as s:
        result = s.execute(
            update(WorkItem)
            .where(WorkItem.id == item_id, WorkItem.claimed_by == worker, WorkItem.state == ItemState.CLAIMED)
            .values(lease_until=utcnow() + lease)
        )
        return result.rowcount == 1


def finish(
    ledger: Ledger,
    item_id: int,
    state: str,
    *,
    reason: str | None = None,
    error_code: str | None = None,
    evidence: Iterable[str] = (),
    **values: object,
) -> None:
    """Close an item (done / failed) or hand it back (ready) — the claim ends either way."""
    with ledger.session() as s:
        item = s.get(WorkItem, item_id)
        assert item is not None
        item.state = state
        item.reason = reason
        item.error_code = error_code
        item.evidence = [*item.evidence, *evidence]
        item.claimed_by = None
        item.lease_until = None
        for key, value in values.items():
            setattr(item, key, value)
        if state in ItemState.FINAL:
            item.finished_at = utcnow()


def counts(ledger: Ledger, robot_id: str) -> dict[str, int]:
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.state, func.count()).where(WorkItem.robot_id == robot_id).group_by(WorkItem.state)
        ).all()
    return {state: n for state, n in rows}


def released_since_last_run(ledger: Ledger, robot_id: str) -> int:
    """Items staff checked in the console (now ready) since the robot's last run began.

    Keyed on the review, not on the item's state: an item a run handed back as ready (a refused
    login, say) must wait for the next trigger, not start a run every heartbeat.
    """
    with ledger.session() as s:
        last_start = s.scalar(select(func.max(Run.started_at)).where(Run.robot_id == robot_id))
        query = (
            select(func.count(func.distinct(WorkItem.id)))
            .join(FieldReview, FieldReview.item_id == WorkItem.id)
            .where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.READY)
        )
        if last_start is not None:
            query = query.where(FieldReview.at > last_start)
        return int(s.scalar(query) or 0)


def ready_since_last_run_here(ledger: Ledger, robot_id: str, host: str = HOST) -> int:
    """Items another PC made ready (it read their file) that no run of this PC may have seen.

    What lets every PC join in on a batch one PC read, instead of that PC keying it alone: ready
    items created since this PC's last run of the robot began, by another run. Items this PC's
    last run read itself and left ready on purpose (a refused login, a retry's back-off) do not
    start another run at every heartbeat; at most one more run looks at another PC's leftovers.
    """
    now = utcnow()
    with ledger.session() as s:
        last = s.execute(
            select(Run.id, Run.started_at)
            .where(Run.robot_id == robot_id, Run.host == host)
            .order_by(Run.started_at.desc())
            .limit(1)
        ).first()
        query = (
            select(func.count())
            .select_from(WorkItem)
            .where(
                WorkItem.robot_id == robot_id,
                WorkItem.state == ItemState.READY,
                or_(WorkItem.lease_until.is_(None), WorkItem.lease_until < now),
            )
        )
        if last is not None:
            query = query.where(
                WorkItem.created_at > last.started_at, or_(WorkItem.run_id.is_(None), WorkItem.run_id != last.id)
            )
        return int(s.scalar(query) or 0)
