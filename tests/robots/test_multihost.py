"""Several robot PCs, one PostgreSQL ledger, one inbox on a share — with the real robot and the mock.

- Issue 17: an item whose holder is a process on *another PC* (its pid means nothing here) is left
  alone while its lease runs and taken over once it has expired — asking the system first.
- Issue 14: three ``daiko schedule`` processes (separate data folders, their own names in the
  ledger) share an inbox and the ledger against the mock 軽自動車税システム with
  ``max_sessions: 2``; one is SIGKILLed mid-batch. The mock's own tables are the judge: every
  vehicle deregistered exactly once, never more than two sessions in use at once, and the dead
  PC's items finished by the others.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bench.fleet import jlis_files, max_concurrent_sessions, scan_files, start_fleet, usable_vehicles, wait_until
from daiko.config.schema import LEDGER_URL_ENV
from daiko.console.review import accept
from daiko.console.roles import Principal
from daiko.ledger import Event, FileState, Host, IntakeFile, ItemState, Ledger, Run, WorkItem, utcnow
from daiko.mocks.keitax.process import start_keitax
from daiko.mocks.keitax.store import today_jst
from daiko.robots import runner
from daiko.robots.runner import run_robot
from daiko.schedules import hosts
from tests.robots.conftest import make_config

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.both_ledgers(backends=("postgresql",))]

PASSWORD_ENV = "DAIKO_TEST_KEITAX_PASSWORD"
PCS = ("pc-1", "pc-2", "pc-3")
CSV_ITEMS, SCAN_ITEMS = 15, 3  # 18 items: J-LIS rows are cheap to read, scans go through OCR
KILL_AFTER = (CSV_ITEMS + SCAN_ITEMS) // 3  # done items before a PC is killed: mid-batch, not at its end
CLERK = Principal(id=0, name="tanaka", display_name="田中 一郎", role="admin", section=None)


@pytest.fixture(scope="module")
def keitax(tmp_path_factory):
    """One mock for the module. A robot account may hold several sessions here (the limit under
    test is daiko's max_sessions, measured from the mock's session table), and a 更新ロック left
    by a killed PC's session goes stale after 5 s instead of the session's 15 minutes."""
    with start_keitax(
        tmp_path_factory.mktemp("keitax-multihost"), records=800, sessions_per_user=0, lock_timeout=5
    ) as server:
        yield server


def deregistrations(server) -> dict[str, list[dict]]:
    by_reference: dict[str, list[dict]] = collections.defaultdict(list)
    for row in server.audit_rows(action="deregister"):
        by_reference[row["reference"]].append(row)
    return by_reference


# --- issue 17: a lease that expires for a holder on another PC ----------------------------------------


def test_an_item_held_by_another_pc_is_resumed_only_after_its_lease_and_never_keyed_twice(
    keitax, tmp_path, monkeypatch
):
    monkeypatch.setenv(PASSWORD_ENV, keitax.password)
    monkeypatch.setattr(runner, "BACKOFF_SECONDS", (0.2, 0.2, 0.2))
    cfg = make_config(tmp_path, url=keitax.url)
    assert cfg.ledger_url == os.environ[LEDGER_URL_ENV]
    ledger = Ledger(cfg.ledger_url)
    inbox = cfg.inbox(cfg.robot("haisha"))
    inbox.mkdir(parents=True, exist_ok=True)
    other_pc = "robot-pc-02:4242:31"  # a worker of another PC: its pid means nothing on this one
    past, future = utcnow() - dt.timedelta(minutes=1), utcnow() + dt.timedelta(minutes=10)

    def held_by_other_pc(item_id: int, lease_until: dt.datetime) -> None:
        with ledger.session() as s:
            s.execute(
                update(WorkItem)
                .where(WorkItem.id == item_id)
                .values(state=ItemState.CLAIMED, claimed_by=other_pc, lease_until=lease_until, attempts=1)
            )

    def item(reference: str) -> WorkItem:
        with ledger.session() as s:
            return s.scalars(select(WorkItem).where(WorkItem.reference == reference)).one()

    # X: the other PC keyed it in the system, then died before its ledger said so.
    [(_, [x])] = jlis_files(inbox, usable_vehicles(keitax, 1, seed=17), per_file=1, prefix="LX", today=today_jst())
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert len(deregistrations(keitax)[x]) == 1
    held_by_other_pc(item(x).id, past)
    # Y: held by the other PC, whose lease has run out. Z: held by it, lease still running.
    [(_, [y, z])] = jlis_files(inbox, usable_vehicles(keitax, 2, seed=18), per_file=2, prefix="LY", today=today_jst())
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)  # read only: two ready items
    held_by_other_pc(item(y).id, past)
    held_by_other_pc(item(z).id, future)

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert item(x).state == ItemState.DONE and summary.already_present == 1  # asked the system, not keyed
    assert len(deregistrations(keitax)[x]) == 1
    assert item(y).state == ItemState.DONE and item(y).attempts == 2 and len(deregistrations(keitax)[y]) == 1
    assert item(z).state == ItemState.CLAIMED and item(z).claimed_by == other_pc  # its lease still runs
    assert deregistrations(keitax)[z] == []

    with ledger.session() as s:  # the other PC never came back: its lease runs out
        s.execute(update(WorkItem).where(WorkItem.reference == z).values(lease_until=past))
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert item(z).state == ItemState.DONE and len(deregistrations(keitax)[z]) == 1


# --- issue 14: three PCs, a shared inbox, a SIGKILL --------------------------------------------------


def test_three_pcs_share_inbox_and_ledger_and_finish_the_work_of_one_killed_mid_batch(keitax, tmp_path):
    url = os.environ[LEDGER_URL_ENV]
    ledger = Ledger(url)
    today = today_jst()
    began = time.time()
    vehicles = usable_vehicles(keitax, CSV_ITEMS + SCAN_ITEMS, seed=14)
    fleet = start_fleet(tmp_path, PCS, server=keitax, ledger_url=url, max_sessions=2, heartbeat_seconds=2)

    def survivors_alive(dead: str | None = None):
        def check() -> None:
            for pc in fleet.pcs:
                if pc.name != dead and not pc.alive:
                    raise AssertionError(f"{pc.name} exited:\n{pc.log_tail()}")

        return check

    def count(*states: str) -> int:
        with ledger.session() as s:
            return s.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.state.in_(states))) or 0

    try:
        wait_until(
            lambda: {h.name for h in hosts.overview(ledger) if h.state == "running"} == set(PCS),
            180, "three PCs heartbeating", check=survivors_alive(),
        )  # fmt: skip
        csvs = jlis_files(fleet.inbox, vehicles[:CSV_ITEMS], per_file=5, prefix="MH", today=today)
        scans = scan_files(fleet.inbox, vehicles[CSV_ITEMS:], today=today)
        vehicle_of = dict(zip([r for _, refs in csvs for r in refs], vehicles[:CSV_ITEMS], strict=True))
        vehicle_of.update({s.reference: s.vehicle for s in scans})
        dropped = [p.name for p, _ in csvs] + [s.path.name for s in scans]

        def a_pc_in_the_middle_of_keying() -> tuple[str, set[int]] | None:
            """Once a third of the batch is done: a live PC holding a claimed item."""
            if count(ItemState.DONE) < KILL_AFTER:
                return None
            with ledger.session() as s:
                claimed = s.scalars(select(WorkItem).where(WorkItem.state == ItemState.CLAIMED)).all()
            for item in claimed:
                name = (item.claimed_by or "").split(":")[0]
                if name in PCS and fleet[name].alive:
                    return name, {i.id for i in claimed if (i.claimed_by or "").startswith(f"{name}:")}
            return None

        victim, _ = wait_until(a_pc_in_the_middle_of_keying, 900, "a PC keying mid-batch", check=survivors_alive())
        fleet[victim].kill()
        with ledger.session() as s:  # what it held when the plug was pulled
            held = set(
                s.scalars(
                    select(WorkItem.id).where(
                        WorkItem.state == ItemState.CLAIMED, WorkItem.claimed_by.startswith(f"{victim}:")
                    )
                )
            )
        done_at_kill = count(ItemState.DONE)
        assert held and done_at_kill < CSV_ITEMS + SCAN_ITEMS, "the kill came too late to test anything"

        wait_until(
            lambda: count(ItemState.NEW, ItemState.READY, ItemState.CLAIMED) == 0
            and count(*ItemState.FINAL, ItemState.REVIEW) == CSV_ITEMS + SCAN_ITEMS,
            900, "every item done or waiting for a person", check=survivors_alive(victim),
        )  # fmt: skip
        with ledger.session() as s:
            failed = s.execute(
                select(WorkItem.reference, WorkItem.reason).where(
                    WorkItem.state.in_([ItemState.FAILED, ItemState.REJECTED])
                )
            ).all()
        assert failed == [], failed
        # People check in the console what the OCR was unsure of (typing what the paper says);
        # the PCs key those at their next heartbeat.
        truth = {s.reference: s for s in scans}
        with ledger.session() as s:
            waiting = s.scalars(select(WorkItem).where(WorkItem.state == ItemState.REVIEW)).all()
        (tmp_path / "console").mkdir()
        cfg = make_config(tmp_path / "console", url=keitax.url)
        for item in waiting:
            typed = truth[item.reference].typed if item.reference in truth else {}
            accept(ledger, cfg, CLERK, item.id, {n: typed.get(n, "") for n in item.review_fields})
        wait_until(
            lambda: count(ItemState.DONE) == CSV_ITEMS + SCAN_ITEMS,
            600, "every item keyed", check=survivors_alive(victim),
        )  # fmt: skip
        placed = wait_until(lambda: all_files_placed(ledger, dropped), 300, "every file in done/")
    finally:
        fleet.stop()

    # --- the mock's own audit -----------------------------------------------------------------
    keyed = deregistrations(keitax)
    for reference, vehicle in vehicle_of.items():
        assert len(keyed[reference]) == 1, (reference, keyed[reference])  # exactly once, across the kill
        assert keyed[reference][0]["target"] == f"vehicle:{vehicle.id}"
    ours = [r for r in keyed if r in vehicle_of]
    assert len(ours) == CSV_ITEMS + SCAN_ITEMS
    sessions = [s for s in keitax.session_rows() if s["created_at"] >= began]
    assert max_concurrent_sessions(sessions) == 2  # max_sessions across all PCs, and both used

    # --- the ledger and the share ---------------------------------------------------------------
    with ledger.session() as s:
        files = s.scalars(select(IntakeFile)).all()
        items = {i.id: i for i in s.scalars(select(WorkItem))}
        finishers = dict(
            s.execute(
                select(Event.item_id, Run.host)
                .join(Run, Run.id == Event.run_id)
                .where(Event.kind.in_(["item_done", "item_already_keyed"]), Event.item_id.in_(held))
            ).all()
        )
        silent = s.get(Host, victim)
        orphaned = s.scalars(select(Event.item_id).where(Event.kind == "item_orphaned")).all()
    assert sorted(f.original_name for f in files) == sorted(dropped)  # each file taken once, by one PC
    assert {f.state for f in files} == {FileState.DONE} and placed == sorted(dropped)
    assert {i.state for i in items.values()} == {ItemState.DONE} and len(items) == CSV_ITEMS + SCAN_ITEMS
    assert {i.system_record_id for i in items.values()} == {
        keyed[i.reference][0]["after"]["shori_no"] for i in items.values()
    }
    # The dead PC's items: released when it fell silent, finished by the PCs still alive.
    assert held <= set(orphaned)
    assert set(finishers) == held and victim not in set(finishers.values()), finishers
    assert silent.state == "silent" and silent.released_at is not None
    print(
        f"\n{len(items)} items over {len(files)} files; {victim} killed with {len(held)} item(s) in hand "
        f"after {done_at_kill} done; {len(waiting)} scan item(s) went to review; "
        f"sessions used {len(sessions)}, at most {max_concurrent_sessions(sessions)} at once"
    )


def all_files_placed(ledger: Ledger, dropped: list[str]) -> list[str] | None:
    """The dropped files' names, once each is in done/ and nowhere else (else None)."""
    with ledger.session() as s:
        rows = s.scalars(select(IntakeFile)).all()
    if len(rows) != len(dropped) or any(r.state != FileState.DONE for r in rows):
        return None
    inbox = Path(rows[0].current_path).parent.parent
    everywhere = sorted(str(p.relative_to(inbox)) for p in inbox.rglob("*") if p.is_file())
    expected = sorted(f"done/{n}" for n in dropped)
    return sorted(dropped) if everywhere == expected else None
