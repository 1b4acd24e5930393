"""Named leases in the ledger: one robot at a time per target system, across processes and PCs.

A holder that dies leaves its lease to expire; one on this host that is gone is recognised
at once (its pid no longer exists), so a restarted robot does not wait for the lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from daiko.ledger import Ledger, Lock, utcnow
from daiko.robots.workitems import _alive_on_this_host, worker_id


class LockBusy(Exception):
    def __init__(self, name: str, holder: str):
        super().__init__(f"{name} is held by {holder}")
        self.name, self.holder = name, holder


def acquire(ledger: Ledger, name: str, holder: str, ttl: dt.timedelta) -> bool:
    now = utcnow()
    try:
        with ledger.session() as s:
            row = s.get(Lock, name)
            if row is None:
                s.add(Lock(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
                return True
            if row.holder == holder or row.expires_at < now or not _alive_on_this_host(row.holder):
                row.holder, row.acquired_at, row.expires_at = holder, now, now + ttl
                return True
            return False
    except IntegrityError:  # another process inserted it first
        return False


def release(ledger: Ledger, name: str, holder: str) -> None:
    with ledger.session() as s:
        s.execute(delete(Lock).where(Lock.name == name, Lock.holder == holder))


def holder_of(ledger: Ledger, name: str) -> str | None:
    with ledger.session() as s:
        return s.scalars(select(Lock.holder).where(Lock.name == name, Lock.expires_at >= utcnow())).first()


@contextmanager
def held(ledger: Ledger, name: str, ttl: dt.timedelta, holder: str | None = None) -> Iterator[str]:
    holder = holder or worker_id()
    if not acquire(ledger, name, holder, ttl):
        raise LockBusy(name, holder_of(ledger, name) or "?")
    try:
        yield holder
    finally:
        release(ledger, name, holder)
