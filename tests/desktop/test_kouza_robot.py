"""The 口座振替 robot through the RUNNER, as `daiko run kouza` runs it: the real Tk client under Xvfb,
real PyAutoGUI keys, real xclip, the ledger deciding what is keyed. The client's own audit table is
the truth about what was registered.

Input is the 口座振替受付データ CSV a bank's 受付サービス sends (Shift_JIS): every value goes through
the form's field types and the 全銀 check, exactly like a scan's fields.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from bench.robots_yaml import KOUZA, robots_yaml, shuno_target
from daiko.config.loader import parse_config
from daiko.ledger import ItemState, Ledger, WorkItem
from daiko.mocks.shuno.applications import application, write_csv, written
from daiko.mocks.shuno.store import now_jst
from daiko.robots.adapters.shuno import SCREENS_DIR
from daiko.robots.drivers.desktop import Template
from daiko.robots.reconcile import MATCHED, run_reconcile
from daiko.robots.runner import run_robot

pytestmark = [pytest.mark.slow]

PASSWORD_ENV = "DAIKO_TEST_SHUNO_PASSWORD"


def configure(tmp_path: Path, client, monkeypatch, **robot):
    monkeypatch.setenv(PASSWORD_ENV, client.password)  # the robot reads its password from the environment
    text = robots_yaml(
        data=tmp_path / "data",
        target_id="shuno",
        target=shuno_target(client.user, password_env=PASSWORD_ENV, timeout_seconds=8),
        robot=KOUZA | {"max_attempts": 3, "retry_backoff_seconds": [1],
                       "intake": {"settle_seconds": 0}} | robot,  # the CSV is written whole (renamed into place)
    )  # fmt: skip
    (tmp_path / "robots.yaml").write_text(text, encoding="utf-8")
    return parse_config(text, base_dir=tmp_path)


def items_of(cfg) -> dict[str, WorkItem]:
    with Ledger(cfg.ledger_url).session() as s:
        return {i.reference or f"part{i.part}": i for i in s.scalars(select(WorkItem).order_by(WorkItem.id))}


def shows(path: str, screen: str) -> bool:
    import cv2

    image = np.asarray(Image.open(path).convert("L"))
    template = Template.load(SCREENS_DIR / f"title_{screen}.png")
    return cv2.minMaxLoc(cv2.matchTemplate(image, template.image, cv2.TM_CCOEFF_NORMED))[1] > 0.95


def test_runner_keys_direct_debits_into_the_desktop_client_once_trial_first(shuno, people_of, tmp_path, monkeypatch):
    client = shuno()
    cfg = configure(tmp_path, client, monkeypatch)
    a, b, c = people_of(client, 3)
    rows = [
        application(a, "R08-20001", 0),
        application(b, "R08-20002", 1, by_number=True),
        application(c, "R08-20003", 2),
    ]
    write_csv(cfg.inbox(cfg.robot("kouza")) / "kouza_20261130.csv", rows)

    # 試行: every item goes as far as the filled 口座振替登録 screen, nothing is registered.
    trial = run_robot(cfg, "kouza", trial=True, settle_seconds=0)
    assert trial.trial_ok == 3 and trial.done == 0, trial.describe()
    assert not any(client.registrations(r["受付番号"]) for r in rows)

    summary = run_robot(cfg, "kouza", settle_seconds=0)
    assert summary.done == 3 and summary.failed == 0, summary.describe()
    items = items_of(cfg)
    for row, person in zip(rows, (a, b, c), strict=True):
        item = items[row["受付番号"]]
        assert item.state == ItemState.DONE and item.system_record_id.startswith("SN")
        (registered,) = client.registrations(row["受付番号"])  # exactly once, for the right person
        assert registered["target"] == f"atena:{person.atena_no}"
        assert item.identity["verdict"] == "match"  # the runner compared the 宛名 found with the form
        (shot,) = item.evidence
        assert shows(shot, "done")  # evidence: the 登録完了 screen with its 処理番号
    assert summary.files["kouza_20261130.csv"] == "done"

    # Run again: nothing left to key, nothing registered twice.
    again = run_robot(cfg, "kouza", settle_seconds=0)
    assert again.done == 0 and all(len(client.registrations(r["受付番号"])) == 1 for r in rows)

    # 突合 with the client's own Shift_JIS extract: every keyed item 一致.
    today = now_jst().date()
    path, lines = run_reconcile(cfg, "kouza", today, today)
    ours = {ln.reference: ln.verdict for ln in lines if ln.reference in {r["受付番号"] for r in rows}}
    assert ours == dict.fromkeys(ours, MATCHED) and len(ours) == 3
    assert path.exists()


def test_business_exceptions_reach_staff_in_japanese_and_nothing_is_registered(shuno, people_of, tmp_path, monkeypatch):
    client = shuno()
    cfg = configure(tmp_path, client, monkeypatch)
    a, b, c, d, e = people_of(client, 5)
    (has_account,) = people_of(client, 1, has_account=True)
    rows = [
        application(a, "R08-20101", 0, 氏名="該当　無子", フリガナ="ガイトウ　ナイコ"),  # no such 宛名
        application(b, "R08-20102", 1, by_number=True, 宛名番号=c.atena_no),  # the number is somebody else's
        application(d, "R08-20103", 2, 住所=written(e.address)),  # the name is found, at another address
        application(has_account, "R08-20104", 0),  # an account is already registered for them
        application(e, "R08-20105", 1, 金融機関コード="0999"),  # no such bank in the 全銀 data
    ]
    write_csv(cfg.inbox(cfg.robot("kouza")) / "kouza_ng.csv", rows)
    before = len(client.audit_rows("register"))

    summary = run_robot(cfg, "kouza", settle_seconds=0)
    assert summary.failed == 4 and summary.review == 1, summary.describe()
    items = items_of(cfg)
    expected = {
        "R08-20101": ("not_found", "該当する宛名がありません"),
        "R08-20102": ("identity_mismatch", "氏名"),
        "R08-20103": ("identity_mismatch", "住所"),
        "R08-20104": ("already_registered", "既に口座が登録されています"),
    }
    for reference, (code, words) in expected.items():
        item = items[reference]
        assert (item.state, item.error_code) == (ItemState.FAILED, code), (reference, item.reason)
        assert words in item.reason, item.reason
        assert item.attempts == 1  # a business exception is never retried
        assert item.evidence and all(Path(p).is_file() for p in item.evidence)  # the screen as it was
    # The unknown bank code never reached the client: a person checks the form first.
    unknown_bank = items["R08-20105"]
    assert unknown_bank.state == ItemState.REVIEW and "bank_code" in unknown_bank.review_fields
    assert "存在しません" in unknown_bank.fields["bank_code"]["reason"]
    assert len(client.audit_rows("register")) == before
    # Identity mismatches show both sides to staff.
    assert items["R08-20102"].identity["verdict"] == "mismatch"


def test_sigkill_mid_batch_then_restart_registers_each_account_exactly_once(shuno, people_of, tmp_path, monkeypatch):
    client = shuno()
    cfg = configure(tmp_path, client, monkeypatch)
    people = people_of(client, 5)
    rows = [application(p, f"R08-203{i:02d}", i) for i, p in enumerate(people)]
    write_csv(cfg.inbox(cfg.robot("kouza")) / "kouza_kill.csv", rows)
    env = {**os.environ, "DAIKO_CONFIG": str(tmp_path / "robots.yaml")}
    with open(tmp_path / "robot.log", "wb") as log:
        robot = subprocess.Popen(
            [sys.executable, "-m", "daiko.cli", "run", "kouza", "--json"], env=env, cwd=tmp_path,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    ledger = Ledger(cfg.ledger_url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and robot.poll() is None:
            with ledger.session() as s:
                done = s.scalars(select(WorkItem.id).where(WorkItem.state == ItemState.DONE)).all()
            if len(done) >= 2:
                break
            time.sleep(0.05)  # polling the ledger row the robot writes, bounded by the deadline
        assert robot.poll() is None, (tmp_path / "robot.log").read_text(encoding="utf-8", errors="replace")
        os.kill(robot.pid, signal.SIGKILL)  # mid-batch: the next item is somewhere on its way
    finally:
        robot.wait(timeout=30)
    assert sum(bool(client.registrations(r["受付番号"])) for r in rows) < 5

    summary = run_robot(cfg, "kouza", settle_seconds=0)  # the next run takes over
    assert summary.failed == 0 and summary.unknown == 0, summary.describe()
    items = items_of(cfg)
    assert {items[r["受付番号"]].state for r in rows} == {ItemState.DONE}
    # every done item carries its evidence, also one found already registered after the kill
    assert all(items[r["受付番号"]].evidence and Path(items[r["受付番号"]].evidence[0]).is_file() for r in rows)
    for row in rows:
        assert len(client.registrations(row["受付番号"])) == 1, row["受付番号"]  # the client's audit: once each


def test_injected_faults_through_the_runner_end_with_each_account_registered_once(shuno, people_of, tmp_path, monkeypatch):  # fmt: skip
    """Every fault the client can inject, at once and at random (seeded), under the runner as
    `daiko run` drives it: pop-ups and stolen focus are survived, error dialogs retried, a 登録 that
    reports an error after committing is asked about before keying again — the client's audit shows
    each account once (the adapter tests pin which path each fault takes)."""
    client = shuno("popup=0.3,focus=0.2,slow=0.2:1.5,error=0.15,commit_error=0.2:after")
    cfg = configure(tmp_path, client, monkeypatch, max_attempts=6, retry_backoff_seconds=[0])
    people = people_of(client, 6)
    rows = [application(p, f"R08-204{i:02d}", i) for i, p in enumerate(people)]
    write_csv(cfg.inbox(cfg.robot("kouza")) / "kouza_faults.csv", rows)

    retried = 0
    for _ in range(6):  # a run the circuit breaker ends early hands its items to the next one
        summary = run_robot(cfg, "kouza", settle_seconds=0)
        retried += summary.retried
        if {i.state for i in items_of(cfg).values()} <= {ItemState.DONE}:
            break
    items = items_of(cfg)
    assert {items[r["受付番号"]].state for r in rows} == {ItemState.DONE}, summary.describe()
    for row in rows:
        assert len(client.registrations(row["受付番号"])) == 1, row["受付番号"]  # the client's audit: once each
    assert retried > 0  # the faults did fire (seeded: the same draws every run)
