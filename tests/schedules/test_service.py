"""The service's scheduling rules: missed runs shown, no run started twice, timeouts, office hours."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from daiko.schedules.service import make_jobstore

pytestmark = [pytest.mark.usefixtures("cheap_task"), pytest.mark.both_ledgers]

ANYTIME_EVERY_MINUTE = """\
interval_minutes: 1
misfire_grace_minutes: 0
office_hours_only: false
"""


def fire_now(service, job_id: str) -> None:
    """Make a scheduled job due now (what the clock would do at its time)."""
    service.scheduler.modify_job(job_id, next_run_time=dt.datetime.now(dt.UTC))


def move_next_run(harness, job_id: str, when: dt.datetime) -> None:
    """Rewrite the stored next run time, as if the PC had been off since ``when``.

    Straight on the job store, with no scheduler thread that could process the job meanwhile.
    """
    store = make_jobstore(harness.ledger())
    store.start(BackgroundScheduler(timezone="Asia/Tokyo"), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)


def test_runs_missed_while_the_pc_was_off_are_recorded(harness):
    harness.write(harness.config_text(harness.robot_yaml(schedule=ANYTIME_EVERY_MINUTE)))
    recorder = harness.Recorder(real=False)
    service = harness.start(run_fn=recorder)
    assert service.scheduler.get_job("robot:kozin") is not None
    service.stop()

    off_since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10, seconds=30)).replace(microsecond=0)
    move_next_run(harness, "robot:kozin", off_since)
    service = harness.start(run_fn=recorder)  # the job is kept (same robots.yaml), so its past time is due

    missed = harness.wait_until(lambda: [e for e in harness.events("missed_run") if e.data["reason"] == "grace"])
    latest = off_since + dt.timedelta(minutes=10)  # the last due time: 30 s late, grace is 1 s → missed
    assert missed[0].robot_id == "kozin"
    assert dt.datetime.fromisoformat(missed[0].data["scheduled"]) == latest
    assert "実行は行われませんでした" in missed[0].message
    folded = harness.wait_until(
        lambda: (
            len(found := [e for e in harness.events("missed_run") if e.data["reason"] == "coalesced"]) >= 10 and found
        )
    )
    assert [dt.datetime.fromisoformat(e.data["scheduled"]) for e in folded] == [
        off_since + dt.timedelta(minutes=n) for n in range(10)
    ]
    assert "schedule" not in recorder.triggers()  # nothing ran late
    assert service.scheduler.get_job("robot:kozin").next_run_time > dt.datetime.now(dt.UTC)


def test_a_late_run_inside_the_grace_still_runs_and_the_folded_ones_are_shown(harness):
    schedule = ANYTIME_EVERY_MINUTE.replace("misfire_grace_minutes: 0", "misfire_grace_minutes: 5")
    harness.write(harness.config_text(harness.robot_yaml(schedule=schedule)))
    recorder = harness.Recorder(real=False)
    harness.start(run_fn=recorder).stop()
    off_since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2, seconds=30)).replace(microsecond=0)
    move_next_run(harness, "robot:kozin", off_since)
    harness.start(run_fn=recorder)
    harness.wait_until(lambda: "schedule" in recorder.triggers())
    folded = harness.wait_until(lambda: len(found := harness.events("missed_run")) >= 2 and found)
    assert {e.data["reason"] for e in folded} == {"coalesced"} and len(folded) == 2


def test_a_run_still_going_is_not_started_twice(harness):
    harness.write(harness.config_text(harness.robot_yaml(schedule=ANYTIME_EVERY_MINUTE)))
    hold = threading.Event()
    recorder = harness.Recorder(real=False, hold=hold)
    service = harness.start(run_fn=recorder)

    fire_now(service, "robot:kozin")  # a scheduled run starts and keeps going
    harness.wait_until(lambda: recorder.calls)
    fire_now(service, "robot:kozin")  # its next tick comes while it runs: APScheduler max_instances
    harness.wait_until(lambda: harness.events("run_overlap"))
    dropped = harness.drop(harness.inbox() / "x.csv", "X-1\n")  # a drop while it runs: remembered, run after
    # … and seen by the watcher while this run still holds (it asks on its first poll after the file
    # settled; two polls after that it surely has). Released later, it would start a run of its own.
    harness.wait_until(lambda: time.time() - dropped.stat().st_mtime > service.settle_seconds)
    polls = service.reloader.checks
    harness.wait_until(lambda: service.reloader.checks >= polls + 2)
    service.scheduled_run("kozin")  # and a tick arriving through the coordinator directly
    harness.wait_until(lambda: len(harness.events("run_overlap")) >= 2)
    assert len(recorder.calls) == 1 and service.coordinator.is_running("kozin")

    hold.set()
    harness.wait_until(lambda: len(recorder.calls) == 2)  # exactly one follow-up run
    harness.wait_until(lambda: not service.coordinator.is_running("kozin"))
    assert len(recorder.calls) == 2
    assert recorder.triggers()[0] == "schedule"


def test_another_process_holding_the_robot_is_respected(harness):
    from daiko.robots import locks
    from daiko.robots.workitems import HOST
    from daiko.schedules.runs import robot_lease

    harness.write(harness.config_text(harness.robot_yaml()))
    locks.acquire(harness.ledger(), robot_lease("kozin"), f"{HOST}:{os.getppid()}", dt.timedelta(minutes=5))
    recorder = harness.Recorder(real=False)
    harness.start(run_fn=recorder)
    harness.drop(harness.inbox() / "y.csv", "Y-1\n")
    skipped = harness.wait_until(lambda: harness.events("run_skipped"))
    assert robot_lease("kozin") in skipped[0].message and recorder.calls == []
    assert harness.files_in(harness.inbox(), "processing") == []  # untouched: still waiting in the inbox
    assert (harness.inbox() / "y.csv").exists()


def test_a_run_past_its_timeout_is_asked_to_stop(harness):
    harness.write(harness.config_text(harness.robot_yaml(extra="run_timeout_minutes: 1")))
    recorder = harness.Recorder(real=False, hold=threading.Event())  # never released: only stop ends it
    service = harness.start(run_fn=recorder)
    service.coordinator.minute_seconds = 0.2  # one "minute" of timeout = 0.2 s
    harness.drop(harness.inbox() / "z.csv", "Z-1\n")
    harness.wait_until(lambda: recorder.calls)
    harness.wait_until(lambda: recorder.calls[0]["stop"].is_set(), timeout=60)  # the flag itself
    (event,) = harness.wait_until(lambda: harness.events("run_timeout"))
    assert "run_timeout_minutes=1" in event.message
    harness.wait_until(lambda: not service.coordinator.is_running("kozin"))


@pytest.mark.parametrize(
    ("now", "keying"),
    [
        (dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), True),  # 火曜 10:00
        (dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), False),  # 勤労感謝の日
        (dt.datetime(2026, 11, 24, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), False),  # after hours
    ],
)
def test_a_drop_outside_office_hours_is_read_but_keying_waits(harness, now, keying):
    office = "cron: '0 9 * * 1-5'\noffice_hours_only: true\n"
    harness.write(harness.config_text(harness.robot_yaml(schedule=office)))
    recorder = harness.Recorder()  # the real runner (read-only run when keying must wait)
    harness.start(run_fn=recorder, clock=lambda: now)
    harness.drop(harness.inbox() / "w.csv", "W-1\n")
    harness.wait_until(lambda: harness.files_in(harness.inbox(), "review") == ["w.csv"])
    assert recorder.calls[0]["keying"] is keying


def test_the_weekly_report_job_calls_the_reports_layer_and_survives_its_absence(harness):
    reports = "schedule:\n  cron: '0 8 * * 1'\n  office_hours_only: false\n"
    harness.write(harness.config_text(harness.robot_yaml(), reports=reports))
    made = []
    service = harness.start(report_fn=made.append)
    fire_now(service, "report:weekly")
    harness.wait_until(lambda: made == [str(harness.config)])

    service.report_fn = lambda path: __import__("daiko.reports.no_such_module")
    fire_now(service, "report:weekly")
    event = harness.wait_until(lambda: harness.events("report_unavailable"))
    assert "週次レポートを作れませんでした" in event[0].message


def test_a_tick_due_while_the_service_stops_is_kept_for_the_next_start(harness):
    harness.write(harness.config_text(harness.robot_yaml(schedule=ANYTIME_EVERY_MINUTE)))
    recorder = harness.Recorder(real=False)
    service = harness.start(run_fn=recorder)
    service.scheduler.pause()  # as stop() does while it waits for runs to finish their item
    # The tick falls due after the pause: a pass the scheduler's thread began before it took its
    # "now" earlier and cannot see the tick as due (a tick set 5 s back, it could — a loaded CI did).
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).replace(microsecond=0)
    service.scheduler.modify_job("robot:kozin", next_run_time=due)
    harness.wait_until(lambda: dt.datetime.now(dt.UTC) > due + dt.timedelta(seconds=2))  # due, past its 1 s grace
    service.stop()

    store = make_jobstore(harness.ledger())
    store.start(BackgroundScheduler(timezone="Asia/Tokyo"), "default")
    assert store.lookup_job("robot:kozin").next_run_time == due  # not silently advanced
    harness.start(run_fn=recorder)
    missed = harness.wait_until(lambda: harness.events("missed_run"))
    assert dt.datetime.fromisoformat(missed[0].data["scheduled"]) == due


def test_a_schedule_that_never_falls_in_office_hours_is_flagged(harness):
    # reports default to office_hours_only: false (a report needs no core system); ask for it here
    reports = "schedule:\n  cron: '0 8 * * 1'\n  office_hours_only: true\n"  # 8:00 is before 08:30
    harness.write(harness.config_text(harness.robot_yaml(), reports=reports))
    service = harness.start(run_fn=harness.Recorder(real=False))
    assert service.scheduler.get_job("report:weekly").next_run_time is None
    assert "開庁時間に一度も入らない" in harness.events("schedule_never_fires")[0].message


def test_an_item_checked_in_the_console_is_keyed_without_waiting_for_a_trigger(harness, monkeypatch):
    """A robot with no clock schedule still picks up what staff release, once (no run per heartbeat)."""
    from sqlalchemy import update

    from daiko.ledger import FieldReview, ItemState, WorkItem, utcnow

    monkeypatch.delenv("DAIKO_KEITAX_PASSWORD", raising=False)  # the run then stops before any browser
    harness.write(harness.config_text(harness.robot_yaml()))
    recorder = harness.Recorder(real=True)
    service = harness.start(run_fn=recorder, heartbeat_seconds=0.1)
    harness.drop(harness.inbox() / "list.csv", "0001\n")
    harness.wait_until(lambda: recorder.triggers() == ["watch"] and not service.coordinator.is_running("kozin"))
    ledger = harness.ledger()
    with ledger.session() as s:
        (item_id,) = s.scalars(select(WorkItem.id).where(WorkItem.state == ItemState.REVIEW)).all()

    with ledger.session() as s:  # what the console's 確定 writes
        s.execute(update(WorkItem).where(WorkItem.id == item_id).values(state=ItemState.READY, review_fields=[]))
        s.add(FieldReview(item_id=item_id, field="no", reviewer="tanaka", before="0001", after="0001", at=utcnow()))

    harness.wait_until(lambda: "review" in recorder.triggers())
    harness.wait_until(lambda: not service.coordinator.is_running("kozin"))
    beats = service.beats
    harness.wait_until(lambda: service.beats >= beats + 6)  # six heartbeats: the item is still ready (no
    assert recorder.triggers() == ["watch", "review"]  # password), yet no second run starts
