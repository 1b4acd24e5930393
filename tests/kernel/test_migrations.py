"""Alembic makes every table of the ledger, on SQLite and on PostgreSQL; `daiko db` drives it."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, inspect, select
from typer.testing import CliRunner

import daiko.console.models  # noqa: F401 - the console's tables are part of the ledger's metadata
from daiko.cli.app import app
from daiko.config.schema import LEDGER_URL_ENV
from daiko.ledger import Ledger, ScheduleJob
from daiko.ledger.db import alembic_config, head_revision
from daiko.ledger.models import Base
from daiko.robots.tasks import load_tasks

load_tasks()  # a task may bring tables of its own (the survey's responses): all are the ledger's

pytestmark = pytest.mark.both_ledgers

CONFIG = """\
version: 1
targets:
  keitax: {name: 軽自動車税システム, adapter: keitax, base_url: 'http://127.0.0.1:8765', login: rpa01,
           password_env: DAIKO_KEITAX_PASSWORD}
robots:
  - {id: haisha, name: 廃車, section: 税務課, target: keitax, inbox: inbox/haisha, baseline_minutes: 6}
"""


@pytest.fixture
def empty_url(ledger_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all (on PostgreSQL, not the migrated template copy)."""
    if ledger_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    url = server.empty_url()
    request.addfinalizer(lambda: server.drop(url))
    return url


def test_the_migrations_make_exactly_the_tables_the_models_describe(empty_url: str):
    Ledger(empty_url)  # opening migrates to head
    engine = create_engine(empty_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == []
    assert {"hosts", "schedule_jobs", "work_items", "locks", "console_users"} <= tables
    assert not [t for t in tables if t.startswith("daiko_schedule_jobs_") or t == "apscheduler_jobs"]


def test_db_upgrade_and_current_on_an_empty_database(empty_url: str, tmp_path: Path):
    config = tmp_path / "robots.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    env = {LEDGER_URL_ENV: empty_url}
    before = runner.invoke(app, ["db", "current", "--config", str(config), "--json"], env=env)
    assert before.exit_code == 1 and json.loads(before.output)["current"] is None
    upgraded = runner.invoke(app, ["db", "upgrade", "--config", str(config)], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"→ {head_revision()}" in upgraded.output
    after = runner.invoke(app, ["db", "current", "--config", str(config), "--json"], env=env)
    assert after.exit_code == 0 and json.loads(after.output)["current"] == head_revision()
    again = runner.invoke(app, ["db", "upgrade", "--config", str(config)], env=env)
    assert again.exit_code == 0 and "最新" in again.output


def test_a_password_in_the_ledger_url_is_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "robots.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv(LEDGER_URL_ENV, "postgresql+psycopg://daiko:Sekret-42@db.city.local/daiko")
    result = CliRunner().invoke(app, ["validate", str(config)])
    assert result.exit_code == 0
    assert "Sekret-42" not in result.output and "DAIKO_LEDGER_URL" in result.output


def test_per_host_job_tables_of_before_are_moved_into_schedule_jobs(empty_url: str):
    """A ledger from before 0004 had one APScheduler table per host; the upgrade keeps their jobs
    (with their next run times, so a run missed across the upgrade is still noticed)."""
    engine = create_engine(empty_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(empty_url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
        legacy = SQLAlchemyJobStore(engine=engine, tablename="daiko_schedule_jobs_pc_01")
        scheduler = BackgroundScheduler(jobstores={"default": legacy}, timezone="Asia/Tokyo")
        scheduler.start(paused=True)
        when = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
        scheduler.add_job(print, "date", run_date=when, id="robot:haisha", args=("x",))
        scheduler.shutdown(wait=False)
    finally:
        engine.dispose()
    ledger = Ledger(empty_url)  # upgrade to head
    with ledger.session() as s:
        rows = s.execute(select(ScheduleJob.host, ScheduleJob.id, ScheduleJob.next_run_time)).all()
    assert [(r.host, r.id) for r in rows] == [("pc_01", "robot:haisha")]
    assert rows[0].next_run_time == when.timestamp()
    assert "daiko_schedule_jobs_pc_01" not in inspect(ledger.engine).get_table_names()


def test_the_environment_decides_the_ledger(tmp_path: Path, ledger_url: str):
    from daiko.config.loader import parse_config

    cfg = parse_config(CONFIG, base_dir=tmp_path)
    if os.environ.get(LEDGER_URL_ENV):
        assert cfg.ledger_url == ledger_url and "DAIKO_LEDGER_URL" in cfg.ledger_source
    else:
        assert cfg.ledger_url == f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite3'}"
