"""An admin's 一時停止 and 今すぐ実行 from the console reach the separate ``daiko schedule`` through the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from daiko.ledger import Audit, RunRequest
from daiko.robots import workitems
from daiko.schedules import controls

pytestmark = [pytest.mark.usefixtures("cheap_task")]

EVERY_MINUTE = """\
interval_minutes: 1
misfire_grace_minutes: 5
office_hours_only: false
"""


def test_a_pause_holds_every_automatic_start_and_run_now_still_runs(harness):
    harness.write(harness.config_text(harness.robot_yaml(schedule=EVERY_MINUTE)))
    ledger = harness.ledger()
    # Paused before the service starts: the pause is in the ledger, not in any process.
    assert controls.set_paused(ledger, "kozin", True, "admin1", "システム保守のため")
    recorder = harness.Recorder(real=False)
    service = harness.start(run_fn=recorder, heartbeat_seconds=0.2)

    harness.drop(harness.inbox() / "list.csv", "1\n")
    harness.wait_until(lambda: "kozin" in service.coordinator.held())  # the file asked for a run: held
    service.scheduler.modify_job("robot:kozin", next_run_time=dt.datetime.now(dt.UTC))
    skipped = harness.wait_until(lambda: [e for e in harness.events("run_skipped") if e.data.get("paused")])
    assert skipped[0].robot_id == "kozin"
    assert recorder.calls == []  # neither the file nor the tick started a run

    controls.request_run(ledger, "kozin", "admin1")  # 今すぐ実行 runs even while paused
    harness.wait_until(lambda: "console" in recorder.triggers())
    with ledger.session() as s:
        request = s.scalars(select(RunRequest)).one()
    assert request.taken_by.startswith(f"{workitems.HOST}:") and request.taken_at is not None

    assert controls.set_paused(ledger, "kozin", False, "admin1")
    harness.wait_until(lambda: "watch" in recorder.triggers())  # the held run starts on resume
    assert not service.coordinator.held()
    with ledger.session() as s:
        actions = list(s.scalars(select(Audit.action).where(Audit.actor == "admin1").order_by(Audit.id)))
    assert actions == ["schedule_paused", "robot_run_requested", "schedule_resumed"]


def test_a_run_request_is_taken_by_exactly_one_pc_and_never_run_late(tmp_path):
    from daiko.ledger import Ledger

    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    first = controls.request_run(ledger, "kozin", "admin1")
    assert controls.take_requests(ledger, ["kozin"], "pc-1:1") == ["kozin"]
    assert controls.take_requests(ledger, ["kozin"], "pc-2:1") == []
    assert controls.take_requests(ledger, ["other"], "pc-2:1") == []
    controls.request_run(ledger, "kozin", "admin1")
    later = dt.datetime.now(dt.UTC) + controls.REQUEST_MAX_AGE + dt.timedelta(minutes=1)
    assert controls.take_requests(ledger, ["kozin"], "pc-2:1", now=later) == []  # nobody took it in time
    views = {v.id: v for v in controls.recent_requests(ledger, now=later)}
    assert views[first].status == "pc-1 が開始"
    assert [v.status for v in views.values() if v.id != first] == ["期限切れ（受け取るPCがありませんでした）"]
    assert not controls.set_paused(ledger, "kozin", False, "admin1")  # resuming what was never paused: no-op
