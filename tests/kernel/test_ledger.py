"""The ledger opens migrated, keeps UTC times, and records events and audit rows."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from daiko.ledger import Audit, Event, Ledger, Run, utcnow

pytestmark = pytest.mark.both_ledgers


def test_fresh_ledger_is_migrated_and_records(ledger_url: str):
    ledger = Ledger(ledger_url)
    tables = set(inspect(ledger.engine).get_table_names())
    assert {"runs", "work_items", "intake_files", "events", "audit", "field_reviews", "alembic_version"} <= tables
    ledger.event("run_started", "個人番号 123456789018 test", robot_id="haisha")
    ledger.audit("admin", "config_changed", "robots.yaml", detail="hash abc")
    with ledger.session() as s:
        s.add(Run(robot_id="haisha", trigger="manual", mode="live", host="pc1", pid=1))
    with ledger.session() as s:
        event = s.scalars(select(Event)).one()
        assert "123456789018" not in event.message
        assert s.scalars(select(Audit)).one().detail == "hash abc"
        run = s.scalars(select(Run)).one()
        assert run.started_at.tzinfo is not None and run.started_at <= utcnow()


def test_each_backend_is_really_used(ledger_backend: str, ledger_url: str):
    """The parametrised run on PostgreSQL must not quietly fall back to SQLite."""
    assert Ledger(ledger_url).engine.dialect.name == ledger_backend
