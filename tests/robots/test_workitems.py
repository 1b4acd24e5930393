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


def test_an_expired_lease_of_a_holder_on_another_pc_is_taken_over(ledger):
    """Issue 17: the holder is a process on another PC (its pid means nothing here). While its
    lease runs, nobody touches the item — not even release_orphans; once it has expired, this PC
    takes it over, counting a second attempt (the runner then asks the system before keying)."""
    import datetime as dt

    from sqlalchemy import update

    from daiko.ledger import utcnow

    seed(ledger, 1)
    other_pc = "robot-pc-02:4242:17"
    assert workitems.claim_next(ledger, "haisha", other_pc) is not None
    assert workitems.release_orphans(ledger, "haisha") == 0  # another PC: its lease is trusted
    assert workitems.claim_next(ledger, "haisha", workitems.worker_id()) is None
    with ledger.session() as s:  # the other PC died ten minutes ago: its lease ran out
        s.execute(update(WorkItem).values(lease_until=utcnow() - dt.timedelta(seconds=5)))
    resumed = workitems.claim_next(ledger, "haisha", workitems.worker_id())
    assert resumed is not None and resumed.attempts == 2
    assert resumed.claimed_by == workitems.worker_id() and resumed.state == ItemState.CLAIMED


def test_items_of_a_silent_host_are_released_for_the_others(ledger):
    seed(ledger, 3)
    mine = workitems.claim_next(ledger, "haisha", "pc-a:10:1")
    theirs = [workitems.claim_next(ledger, "haisha", "pc-b:20:1") for _ in range(2)]
    assert workitems.release_held_by(ledger, "pc-b") == {"haisha": 2}
    taken = {workitems.claim_next(ledger, "haisha", "pc-c:30:1").id for _ in range(2)}
    assert taken == {i.id for i in theirs}
    assert workitems.claim_next(ledger, "haisha", "pc-c:30:1") is None  # pc-a's claim is untouched
    assert mine is not None


@pytest.mark.both_ledgers(backends=("postgresql",))
def test_a_claimer_never_waits_for_a_row_another_host_is_taking(ledger):
    """SKIP LOCKED: while one host's transaction holds the oldest item, another host's claim
    returns the next one at once instead of queueing behind it (the conditional UPDATE would wait)."""
    from sqlalchemy import select

    seed(ledger, 2)
    with ledger.engine.connect() as conn, conn.begin():
        first = conn.execute(select(WorkItem.id).order_by(WorkItem.id).limit(1).with_for_update()).scalar_one()
        result: list = []
        claimer = threading.Thread(target=lambda: result.append(workitems.claim_next(ledger, "haisha", "pc-b:2:1")))
        claimer.start()
        claimer.join(timeout=30)  # generous; it should not wait at all
        assert not claimer.is_alive(), "the claim waited for the row lock"
        assert result[0] is not None and result[0].id != first
