"""Claims are atomic and survive dead workers."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from daiko.ledger import IntakeFile, ItemState, WorkItem
from daiko.robots import workitems

pytestmark = pytest.mark.both_ledgers


def seed(ledger, n: int) -> None:
    with ledger.session() as s:
        f = IntakeFile(robot_id="haisha", sha256="x" * 64, original_name="a.csv", current_path="/tmp/a.csv", kind="csv")
        s.add(f)
        s.flush()
        s.add_all(WorkItem(robot_id="haisha", file_id=f.id, part=i + 1, state=ItemState.READY) for i in range(n))


def test_each_item_is_claimed_by_exactly_one_worker(ledger):
    seed(ledger, 30)
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (item := workitems.claim_next(ledger, "haisha", name)) is not None:
            with lock:
                claimed.append((name, item.id))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for _, i in claimed]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 30


def test_item_of_a_dead_local_process_is_released(ledger):
    seed(ledger, 1)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_worker = workitems.worker_id(int(dead.stdout))
    assert workitems.claim_next(ledger, "haisha", dead_worker) is not None
    assert workitems.claim_next(ledger, "haisha", "me") is None  # still leased
    assert workitems.release_orphans(ledger, "haisha") == 1
    again = workitems.claim_next(ledger, "haisha", "me")
    assert again is not None and again.attempts == 2


def test_backoff_hides_a_ready_item_until_its_time(ledger):
    import datetime as dt

    from daiko.ledger import utcnow

    seed(ledger, 1)
    item = workitems.claim_next(ledger, "haisha", "me")
    workitems.finish(ledger, item.id, ItemState.READY, lease_until=utcnow() + dt.timedelta(seconds=60))
    assert workitems.claim_next(ledger, "haisha", "me") is None
    workitems.finish(ledger, item.id, ItemState.READY, lease_until=utcnow() - dt.timedelta(seconds=1))
    assert workitems.claim_next(ledger, "haisha", "me") is not None
