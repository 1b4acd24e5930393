"""Named leases in the ledger, shared by every process and PC: one run of a robot per PC, one
intake pass per inbox, one reader per file, and N session slots per target system.

A holder that dies leaves its lease to expire; one on this host that is gone is recognised
at once (its pid no longer exists), so a restarted robot does not wait for the lease; one on a
host that fell silent is released by the others (:func:`release_held_by`).

Taking a lease is a compare-and-swap on the row as it was read, so two PCs that both see an
expired lease cannot both take it (on PostgreSQL the second UPDATE waits for the first and then
finds the row changed; SQLite serialises writers).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from daiko.i18n import tr
from daiko.ledger import Ledger, Lock, utcnow
from daiko.log import logger
from daiko.robots.workitems import _alive_on_this_host, worker_id

SLOT_POLL_SECONDS = 1.0


class LockBusy(Exception):
    def __init__(self, name: str, holder: str):
        super().__init__(f"{name} is held by {holder}")
        self.name, self.holder = name, holder


def acquire(ledger: Ledger, name: str, holder: str, ttl: dt.timedelta) -> bool:
    """Take (or renew) lease ``name`` for ``holder``; False while someone alive holds it."""
    now = utcnow()
    try:
        with ledger.session() as s:
            row = s.get(Lock, name)
            if row is None:
                s.add(Lock(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
                return True
            if row.holder == holder or row.expires_at < now or not _alive_on_this_host(row.holder):
                taken = s.execute(
                    update(Lock)
                    .where(Lock.name == name, Lock.holder == row.holder, Lock.expires_at == row.expires_at)
                    .values(holder=holder, acquired_at=now, expires_at=now + ttl)
                    .execution_options(synchronize_session=False)
                )
                return taken.rowcount == 1
            return False
    except IntegrityError:  # another process inserted it first
        return False


def release(ledger: Ledger, name: str, holder: str) -> None:
    with ledger.session() as s:
        s.execute(delete(Lock).where(Lock.name == name, Lock.holder == holder))


def release_held_by(ledger: Ledger, host: str) -> list[str]:
    """Drop every lease a worker of ``host`` holds (the host fell silent); returns their names."""
    with ledger.session() as s:
        names = list(s.scalars(select(Lock.name).where(Lock.holder.startswith(f"{host}:", autoescape=True))))
        if names:
            s.execute(delete(Lock).where(Lock.name.in_(names), Lock.holder.startswith(f"{host}:", autoescape=True)))
    return names


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


class Turn:
    """The outcome of :func:`turn`: true while held; :meth:`renew` extends a long turn."""

    def __init__(self, ledger: Ledger, name: str, holder: str, ttl: dt.timedelta):
        self.ledger, self.name, self.holder, self.ttl = ledger, name, holder, ttl
        self.held = acquire(ledger, name, holder, ttl)

    def __bool__(self) -> bool:
        return self.held

    def renew(self) -> None:
        if self.held:
            self.held = acquire(self.ledger, self.name, self.holder, self.ttl)


@contextmanager
def turn(ledger: Ledger, name: str, ttl: dt.timedelta) -> Iterator[Turn]:
    """This thread's turn at ``name`` (false at once while another process or PC has it)."""
    mine = Turn(ledger, name, f"{worker_id()}:t{threading.get_ident()}", ttl)
    try:
        yield mine
    finally:
        if mine:
            release(ledger, name, mine.holder)


# -- session slots: N leases per target system, shared by every PC -------------------------------
def slot_names(prefix: str, slots: int) -> list[str]:
    return [f"{prefix}#{n}" for n in range(1, slots + 1)]


def acquire_slot(ledger: Ledger, prefix: str, slots: int, holder: str, ttl: dt.timedelta) -> str | None:
    """One free slot of ``prefix`` (``<prefix>#1`` … ``#slots``) for ``holder``, or None if all are held."""
    for name in slot_names(prefix, slots):
        if acquire(ledger, name, holder, ttl):
            return name
    return None


def slot_holders(ledger: Ledger, prefix: str, slots: int) -> list[str]:
    with ledger.session() as s:
        return list(
            s.scalars(
                select(Lock.holder)
                .where(Lock.name.in_(slot_names(prefix, slots)), Lock.expires_at >= utcnow())
                .order_by(Lock.name)
            )
        )


def wait_for_slot(
    ledger: Ledger,
    prefix: str,
    slots: int,
    holder: str,
    ttl: dt.timedelta,
    *,
    wanted: Callable[[], bool],
    stop: threading.Event,
    deadline: float,
    poll_seconds: float = SLOT_POLL_SECONDS,
) -> str | None:
    """A slot of ``prefix``, waiting while all are held and there is still work (``wanted()``).

    Returns None when the work went away (others did it), a stop was asked for, or the
    monotonic ``deadline`` passed. Waiting, not giving up at once: an item that became ready on
    this PC while the slots were busy must not wait for the next trigger.
    """
    said = False
    while True:
        slot = acquire_slot(ledger, prefix, slots, holder, ttl)
        if slot is not None:
            return slot
        if not said:
            logger.info(
                tr(
                    "{}: 同時ログイン枠 {} がすべて使用中です（{}）。空くのを待ちます",
                    "{}: all {} session slot(s) in use ({}); waiting",
                ),
                prefix,
                slots,
                slot_holders(ledger, prefix, slots),
            )
            said = True
        if stop.wait(poll_seconds) or time.monotonic() >= deadline or not wanted():
            return None
