"""Ledger leases shared by processes and PCs: session slots per target system, taken once each."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import update

from daiko.ledger import Lock, utcnow
from daiko.robots import locks, workitems

pytestmark = pytest.mark.both_ledgers

TTL = dt.timedelta(minutes=5)


def dead_local_worker() -> str:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return workitems.worker_id(int(done.stdout), run_id=1)


def test_max_sessions_slots_are_shared_by_every_pc(ledger):
    assert locks.acquire_slot(ledger, "target:keitax", 2, "pc-a:1:1", TTL) == "target:keitax#1"
    assert locks.acquire_slot(ledger, "target:keitax", 2, "pc-b:1:1", TTL) == "target:keitax#2"
    assert locks.acquire_slot(ledger, "target:keitax", 2, "pc-c:1:1", TTL) is None  # both in use
    assert locks.slot_holders(ledger, "target:keitax", 2) == ["pc-a:1:1", "pc-b:1:1"]
    locks.release(ledger, "target:keitax#1", "pc-a:1:1")
    assert locks.acquire_slot(ledger, "target:keitax", 2, "pc-c:1:1", TTL) == "target:keitax#1"


def test_a_slot_comes_back_when_its_holder_dies(ledger):
    assert locks.acquire_slot(ledger, "target:keitax", 1, dead_local_worker(), TTL) is not None
    # a process of this PC that is gone: its slot is free at once
    assert locks.acquire_slot(ledger, "target:keitax", 1, "me:1:1", TTL) == "target:keitax#1"
    # another PC's holder: trusted until its lease expires, or until its PC falls silent
    locks.release(ledger, "target:keitax#1", "me:1:1")
    assert locks.acquire_slot(ledger, "target:keitax", 1, "pc-b:99:1", TTL) is not None
    assert locks.acquire_slot(ledger, "target:keitax", 1, "me:1:1", TTL) is None
    with ledger.session() as s:
        s.execute(update(Lock).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    assert locks.acquire_slot(ledger, "target:keitax", 1, "me:1:1", TTL) == "target:keitax#1"
    assert locks.release_held_by(ledger, "me") == ["target:keitax#1"]
    assert locks.slot_holders(ledger, "target:keitax", 1) == []


def contend(ledger, name: str, holders: list[str]) -> list[str]:
    """Every holder tries to take ``name`` at the same instant; returns who got it."""
    winners: list[str] = []
    barrier = threading.Barrier(len(holders))

    def one(holder: str) -> None:
        barrier.wait()
        if locks.acquire(ledger, name, holder, TTL):
            winners.append(holder)

    threads = [threading.Thread(target=one, args=(h,)) for h in holders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return winners


def test_an_expired_lease_is_taken_by_exactly_one_of_many(ledger):
    """Compare-and-swap: PCs that all read the same expired lease cannot all take it."""
    for round_ in range(5):
        name = f"target:race{round_}"
        locks.acquire(ledger, name, "gone-pc:1:1", dt.timedelta(seconds=-1))  # already expired
        winners = contend(ledger, name, [f"pc-{i}:1:1" for i in range(6)])
        assert len(winners) == 1, winners
        assert locks.holder_of(ledger, name) == winners[0]


def test_waiting_for_a_slot_ends_when_one_frees_or_the_work_is_gone(ledger):
    stop = threading.Event()
    assert locks.acquire_slot(ledger, "target:keitax", 1, "pc-a:1:1", TTL)
    freed = threading.Timer(0.5, locks.release, args=(ledger, "target:keitax#1", "pc-a:1:1"))
    freed.start()
    wait = {"ttl": TTL, "stop": stop, "deadline": time.monotonic() + 60, "poll_seconds": 0.05}
    got = locks.wait_for_slot(ledger, "target:keitax", 1, "pc-b:1:1", wanted=lambda: True, **wait)
    assert got == "target:keitax#1"
    # all slots busy and the work done by others meanwhile: give up without a slot
    assert locks.wait_for_slot(ledger, "target:keitax", 1, "pc-c:1:1", wanted=lambda: False, **wait) is None
