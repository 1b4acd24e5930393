"""`daiko schedule` end to end, nothing swapped: a real scan dropped into the watched inbox of a running
service is read by the real OCR, keyed by the real robot in Chromium into the mock system, and
after it no マイナンバー is stored anywhere in the ledger. The password comes from a password_file."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from bench.robots_yaml import HAISHA, keitax_target, robots_yaml
from daiko.forms.synth import make_page, save_pages
from daiko.forms.synth.fakes import Fake, declaration_for, mynumber
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, WorkItem
from daiko.mocks.keitax.process import start_keitax
from daiko.mocks.keitax.store import today_jst
from daiko.mocks.keitax.testing import take_vehicles
from tests.privacy import looks_like_mynumber

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def wait_until(predicate, proc: subprocess.Popen, log: Path, timeout: float = 240.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert proc.poll() is None, "the service exited:\n" + log.read_text(errors="replace")[-4000:]
        assert time.monotonic() < deadline, "not within the time:\n" + log.read_text(errors="replace")[-4000:]
        time.sleep(0.2)


def test_a_scan_dropped_into_a_running_service_is_keyed_and_no_mynumber_is_stored(tmp_path: Path, chromium_path):
    with start_keitax(tmp_path / "keitax") as server:
        secret = tmp_path / "keitax.secret"
        secret.write_text(server.password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        config = tmp_path / "robots.yaml"
        robots = robots_yaml(
            data="data",
            target_id="keitax",
            target=keitax_target(server.url, server.user, password_file=secret),
            robot=HAISHA | {"name": "軽自動車 廃車登録ロボット", "intake": {"settle_seconds": 1}},
        )
        config.write_text(robots, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.endswith("KEITAX_PASSWORD")}

        (vehicle,) = take_vehicles(server, 1)
        today = today_jst()
        deregistered = max(vehicle.registered_on, today - dt.timedelta(days=5))
        declared = min(today, deregistered + dt.timedelta(days=1))
        reference = f"R{today.year - 2018:02d}-{8801:05d}"
        number = mynumber(random.Random(20261130), valid=True)

        values = declaration_for(
            random.Random(300), vehicle, reference=reference, deregistered=deregistered, declared=declared
        )  # what the register's owner writes: the robot proves the vehicle before it keys
        values["mynumber"] = Fake(number, "valid")  # written on the paper, never to be stored
        page = make_page("keitax_haisha", seed=300, kind="printed", today=today, values=values)
        log = tmp_path / "service.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "daiko.cli", "schedule", "--config", str(config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp_path,
            )
        ledger_file = tmp_path / "data" / "ledger.sqlite3"
        try:
            inbox = tmp_path / "data" / "inbox" / "haisha"
            wait_until(lambda: (inbox / "processing").is_dir() and ledger_file.exists(), proc, log)
            save_pages([page.image], inbox / "scan_0001.pdf", dpi=page.dpi)  # the drop

            def keyed() -> list[dict]:
                return [r for r in server.audit_rows(action="deregister") if r["reference"] == reference]

            (row,) = wait_until(keyed, proc, log)  # in the mock system's own audit
            assert row["target"] == f"vehicle:{vehicle.id}"
            ledger = Ledger(f"sqlite:///{ledger_file}")

            def done_file() -> list[IntakeFile]:
                with ledger.session() as s:
                    return list(s.scalars(select(IntakeFile).where(IntakeFile.state == FileState.DONE)))

            (intake_row,) = wait_until(done_file, proc, log)
            assert Path(intake_row.current_path) == inbox / "done" / "scan_0001.pdf"
            with ledger.session() as s:
                (item,) = s.scalars(select(WorkItem)).all()
            assert item.state == ItemState.DONE and item.system_record_id == row["after"]["shori_no"]
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        assert proc.returncode == 0, log.read_text(errors="replace")[-4000:]
        assert server.password not in log.read_text(errors="replace")

    # Every table of the ledger, every column: no マイナンバー, neither the number on the paper nor
    # anything shaped like one.
    checked = 0
    with Ledger(f"sqlite:///{ledger_file}").engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for record in conn.execute(text(f'SELECT * FROM "{table}"')):
                for value in record:
                    checked += 1
                    assert number not in str(value), table
                    assert not looks_like_mynumber(value), (table, value)  # a digest's chance digits aside
    assert checked > 100
    assert number not in log.read_text(errors="replace")
