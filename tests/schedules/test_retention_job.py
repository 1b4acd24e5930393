"""`daiko schedule` runs the retention purge every night for robots with retention_days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from daiko.ledger import Audit, IntakeFile, ItemState, WorkItem, utcnow
from daiko.robots import intake

pytestmark = pytest.mark.usefixtures("cheap_task")


def test_the_nightly_purge_job_deletes_what_is_past_its_days(harness):
    harness.write(harness.config_text(harness.robot_yaml(extra="retention_days: 7")))
    service = harness.start(run_fn=harness.Recorder())
    job = service.scheduler.get_job("purge:retention")
    assert job is not None and "hour='3'" in str(job.trigger) and str(job.trigger.timezone) == "Asia/Tokyo"

    harness.drop(harness.inbox() / "list.csv", "0001\n")
    (row,) = harness.wait_until(lambda: [r for r in harness.intake_rows() if r.state == "review"])
    ledger = harness.ledger()
    long_ago = utcnow() - dt.timedelta(days=8)
    with ledger.session() as s:  # keyed a week and a day ago
        s.execute(update(WorkItem).values(state=ItemState.DONE, review_fields=[], finished_at=long_ago))
    intake.sync_file(ledger, row.id)
    with ledger.session() as s:
        s.execute(update(IntakeFile).where(IntakeFile.id == row.id).values(finished_at=long_ago))
    done = harness.inbox() / "done" / "list.csv"
    # The robot may still be finishing its own move into review/: whichever mover is last puts it here.
    harness.wait_until(done.exists)
    assert not (harness.inbox() / "review" / "list.csv").exists()

    service.scheduler.modify_job("purge:retention", next_run_time=dt.datetime.now(dt.UTC))  # 03:00 comes
    harness.wait_until(lambda: harness.events("retention_purged"))
    assert not done.exists()
    with ledger.session() as s:
        (audit,) = s.scalars(select(Audit).where(Audit.action == "retention_purged")).all()
    assert audit.target == "robot:kozin" and audit.after["scans"] == 1


def test_no_purge_job_without_retention_days(harness):
    harness.write(harness.config_text(harness.robot_yaml()))
    service = harness.start(run_fn=harness.Recorder(real=False))
    assert service.scheduler.get_job("purge:retention") is None
