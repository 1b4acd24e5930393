"""Editing robots.yaml while the service runs: valid edits applied and audited, invalid ones refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from daiko.config import config_hash
from daiko.ledger import Audit

pytestmark = [pytest.mark.usefixtures("cheap_task"), pytest.mark.both_ledgers]

EVERY_5 = "interval_minutes: 5\noffice_hours_only: false\n"
EVERY_10 = "interval_minutes: 10\noffice_hours_only: false\n"


def audits(harness, action: str) -> list[Audit]:
    with harness.ledger().session() as s:
        return list(s.scalars(select(Audit).where(Audit.action == action).order_by(Audit.id)))


def test_an_invalid_edit_is_refused_and_the_old_jobs_keep_running(harness):
    good = harness.config_text(harness.robot_yaml(schedule=EVERY_5))
    harness.write(good)
    recorder = harness.Recorder()
    service = harness.start(run_fn=recorder)
    before = service.scheduler.get_job("robot:kozin")

    bad = good.replace("interval_minutes: 5", "interval_minute: 5").replace(
        "baseline_minutes: 6", "baseline_minutes: -1"
    )
    harness.write(bad)
    rejected = harness.wait_until(lambda: harness.events("config_rejected"))
    assert rejected[0].level == "ERROR"
    problems = " ".join(rejected[0].data["problems"])
    assert "interval_minute" in problems and "baseline_minutes" in problems and "robots.yaml:" in problems
    assert rejected[0].data["kept"] == config_hash(good)

    after = service.scheduler.get_job("robot:kozin")
    # The same job on the same trigger: its time may have come meanwhile (a run due on the 5-minute
    # mark a second after start moved next_run_time on a loaded CI machine), never a new schedule.
    assert (after.name, str(after.trigger)) == (before.name, str(before.trigger))
    assert after.next_run_time >= before.next_run_time
    service.scheduler.modify_job("robot:kozin", next_run_time=dt.datetime.now(dt.UTC))  # its time comes
    harness.wait_until(lambda: "schedule" in recorder.triggers())
    harness.drop(harness.inbox() / "still.csv", "S-1\n")  # and the inbox is still watched
    harness.wait_until(lambda: harness.files_in(harness.inbox(), "review") == ["still.csv"])
    assert audits(harness, "config_changed") == []
    assert len(harness.events("config_rejected")) == 1  # judged once, not on every poll


def test_a_valid_edit_is_applied_and_audited_with_its_hash(harness):
    first = harness.config_text(harness.robot_yaml(schedule=EVERY_5))
    harness.write(first)
    recorder = harness.Recorder()
    service = harness.start(run_fn=recorder)
    old_name = service.scheduler.get_job("robot:kozin").name

    second = harness.config_text(
        harness.robot_yaml(schedule=EVERY_10),
        harness.robot_yaml("hoiku", inbox="inbox/hoiku"),  # a new robot, watch-only
    )
    harness.write(second)
    changed = harness.wait_until(lambda: audits(harness, "config_changed"))
    assert changed[0].actor == "system" and changed[0].target == "robots.yaml"
    assert changed[0].detail == f"sha256 {config_hash(first)} → {config_hash(second)}"
    job = service.scheduler.get_job("robot:kozin")
    assert job.name != old_name and "0:10:00" in str(job.trigger)
    assert service.cfg.robot("hoiku")  # the running service uses the new file

    harness.drop(harness.inbox("hoiku") / "new.csv", "N-1\n")  # the new robot's inbox is watched
    harness.wait_until(lambda: harness.files_in(harness.inbox("hoiku"), "review") == ["new.csv"])

    third = harness.config_text(
        harness.robot_yaml(schedule=EVERY_10, extra="enabled: false"), harness.robot_yaml("hoiku", inbox="inbox/hoiku")
    )
    harness.write(third)
    harness.wait_until(lambda: len(audits(harness, "config_changed")) == 2)
    assert service.scheduler.get_job("robot:kozin") is None  # disabled: unscheduled, inbox unwatched
    assert "kozin" not in service.watcher.inboxes()


@pytest.mark.both_ledgers(backends=("sqlite",))  # on PostgreSQL the ledger is DAIKO_LEDGER_URL, not data_dir
def test_a_change_of_ledger_needs_a_restart(harness):
    first = harness.config_text(harness.robot_yaml())
    harness.write(first)
    service = harness.start(run_fn=harness.Recorder(real=False))
    harness.write(first.replace("data_dir: data", "data_dir: elsewhere"))
    rejected = harness.wait_until(lambda: harness.events("config_rejected"))
    assert "restart" in rejected[0].message
    assert service.cfg.data_dir == harness.data.resolve()


def test_start_records_the_hash_and_edits_made_while_stopped(harness):
    first = harness.config_text(harness.robot_yaml())
    harness.write(first)
    harness.start(run_fn=harness.Recorder(real=False)).stop()
    second = first.replace("baseline_minutes: 6", "baseline_minutes: 7")
    harness.write(second)
    harness.start(run_fn=harness.Recorder(real=False))
    started = audits(harness, "schedule_started")
    assert [a.detail for a in started] == [f"sha256 {config_hash(first)}", f"sha256 {config_hash(second)}"]
    changed = audits(harness, "config_changed")
    assert changed[0].detail.startswith(f"sha256 {config_hash(first)} → {config_hash(second)}")


@pytest.mark.parametrize("closed_day", ["2026-02-30", "2026-13-01"])
def test_an_impossible_date_is_refused_once_with_its_line_not_a_traceback(harness, closed_day):
    good = harness.config_text(harness.robot_yaml(schedule=EVERY_5))
    harness.write(good)
    service = harness.start(run_fn=harness.Recorder())
    before = service.scheduler.get_job("robot:kozin")
    bad = good.replace("  data_dir: data\n", f"  data_dir: data\n  calendar:\n    extra_closed_days: [{closed_day}]\n")
    harness.write(bad)
    (rejected,) = harness.wait_until(lambda: harness.events("config_rejected"))
    assert rejected.level == "ERROR" and rejected.data["rejected"] == config_hash(bad)
    (problem,) = rejected.data["problems"]
    assert problem.startswith("robots.yaml:5:25:") and closed_day in problem and "実在しない日付" in problem
    checks = service.reloader.checks
    harness.wait_until(lambda: service.reloader.checks >= checks + 5)  # five more polls of the same file
    assert len(harness.events("config_rejected")) == 1  # judged once, not again on every poll
    after = service.scheduler.get_job("robot:kozin")
    # The same job on the same trigger: its time may have come meanwhile (a run due on the 5-minute
    # mark a second after start moved next_run_time on a loaded CI machine), never a new schedule.
    assert (after.name, str(after.trigger)) == (before.name, str(before.trigger))
    assert after.next_run_time >= before.next_run_time


def test_an_emptied_robots_yaml_is_refused_and_every_robot_keeps_running(harness):
    good = harness.config_text(harness.robot_yaml(schedule=EVERY_5))
    harness.write(good)
    service = harness.start(run_fn=harness.Recorder())
    harness.write("")  # an editor that crashed mid-save, a copy cut short
    (rejected,) = harness.wait_until(lambda: harness.events("config_rejected"))
    assert "空です" in rejected.data["problems"][0]
    assert service.scheduler.get_job("robot:kozin") is not None and "kozin" in service.watcher.inboxes()
    assert audits(harness, "config_changed") == []
    harness.drop(harness.inbox() / "after-empty.csv", "E-1\n")
    harness.wait_until(lambda: harness.files_in(harness.inbox(), "review") == ["after-empty.csv"])
