"""The 廃車登録 robot end to end (issue 4): real Chromium, real mock 軽自動車税システム subprocesses.

Input is mostly J-LIS 廃車情報 CSV (structured: every row ready at once, no OCR) so the tests spend
their time on keying; one test drops a generated scan to show the OCR path keys it too. What the
robot *claims* is always checked against what the mock *holds* (its audit table), never trusted.

Servers: one fleet per module, started in parallel — ``base`` (no faults; tests take their own
vehicles from it) and one server per injected fault. Batches are small (3-7 items) and the retry
back-off is shortened in-process, so the module stays within a few minutes on two busy cores.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.forms.fieldtypes import get_type
from daiko.forms.jlis import ENCODING
from daiko.forms.synth.jlis import generate_jlis_csv
from daiko.ledger import AuditCheck, Event, IntakeFile, ItemState, Ledger, WorkItem
from daiko.mocks.keitax import find_vehicle
from daiko.mocks.keitax.process import start_keitax_fleet
from daiko.mocks.keitax.store import today_jst
from daiko.mocks.keitax.testing import take_vehicles
from daiko.robots import runner
from daiko.robots.reconcile import MATCHED, MISMATCHED, MISSING, run_reconcile
from daiko.robots.runner import run_robot
from daiko.robots.tasks.haisha import KEYED_FIELDS
from tests.robots.conftest import make_config

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD_ENV = "DAIKO_TEST_KEITAX_PASSWORD"
TRIAL_REASON = "試行: 登録ボタンの手前まで確認済み"

# name → start_keitax options. Probabilities are per request (http500, slow) or per 廃車登録 opened
# (lock) or per 登録 (commit500); the draws are seeded, so every run meets the same faults.
SERVERS: dict[str, dict] = {
    "base": {},
    "http500": {"faults": "http500=0.08"},  # some attempts fail, retries mostly get through
    "commit_after": {"faults": "commit500=1.0:after"},  # every 登録 is saved, then answered with a 500
    "slow": {"faults": "slow=1.0:0.25"},  # every page 0.25 s late (under the 5 s timeout); also the kill test's
    "expire": {"faults": "expire_every=19"},  # a session dies at its 19th request, mid-flow (one item ≈ 9)
    "lock": {"faults": "lock=1.0"},  # every 廃車登録 screen finds the record held by another terminal
    "v2": {"faults": "layout=v2"},  # the 標準準拠 screen revision: the adapter's selectors no longer fit
}


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with start_keitax_fleet(tmp_path_factory.mktemp("keitax-robot"), SERVERS) as fleet:
        yield fleet


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch):
    """Retries wait 0.2 s instead of 2/10/30 s (the runner reads the tuple at each retry)."""
    monkeypatch.setattr(runner, "BACKOFF_SECONDS", (0.2, 0.2, 0.2))


@pytest.fixture
def robot_config(tmp_path, monkeypatch):
    """``robot_config(server, extra="")`` → a DaikoConfig whose haisha robot keys into ``server``."""

    def make(server, extra: str = ""):
        monkeypatch.setenv(PASSWORD_ENV, server.password)
        return make_config(tmp_path, url=server.url, extra=extra)

    return make


# --- helpers ----------------------------------------------------------------------------------------


def take(server, n: int = 1) -> list:
    """``n`` 課税中 vehicles no other test was given, whose plates the J-LIS reader accepts.

    Today every plate the mock issues passes daiko's plate field type; the check stays so that a
    new plate style in the mock shows up as a field-type question, not as a flaky keying test.
    """
    plate = get_type("plate")
    picked: list = []
    while len(picked) < n:
        (vehicle,) = take_vehicles(server, 1)
        if plate.check(vehicle.plate).ok:
            picked.append(vehicle)
    return picked


def inbox_of(cfg) -> Path:
    inbox = cfg.inbox(cfg.robot("haisha"))
    inbox.mkdir(parents=True, exist_ok=True)
    return inbox


def age(path: Path, seconds: float = 30.0) -> Path:
    """Make a dropped file look settled (the CLI run waits 2 s for scanners to finish writing)."""
    old = time.time() - seconds
    os.utime(path, (old, old))
    return path


def drop_jlis(
    cfg,
    name: str,
    vehicles: list,
    prefix: str,
    *,
    first_serial: int = 1,
    changes: dict[int, dict[str, str]] | None = None,
    bad_rows: int = 0,
) -> tuple[Path, list[str]]:
    """Write a J-LIS 廃車情報 CSV for ``vehicles`` (Vehicle: its owner and maker as J-LIS reports
    them; or (plate, chassis) with a made-up owner) into the inbox.

    ``changes`` overrides columns of data row i (from 0), e.g. a 処理年月日 the system will refuse.
    Returns the file and the 受付番号 of its rows, in order.
    """
    path = inbox_of(cfg) / name
    generate_jlis_csv(
        path, vehicles, seed=first_serial, processed_on=today_jst(), first_serial=first_serial,
        reference_prefix=prefix, bad_rows=bad_rows,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(ENCODING))))
    if changes:
        for index, columns in changes.items():
            rows[index].update(columns)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_bytes(buf.getvalue().encode(ENCODING))
    return age(path), [r["受付番号"] for r in rows]


def items_of(cfg) -> list[WorkItem]:
    with Ledger(cfg.ledger_url).session() as s:
        found = s.scalars(select(WorkItem).order_by(WorkItem.id)).all()
        s.expunge_all()
    return list(found)


def by_reference(cfg) -> dict[str, WorkItem]:
    return {i.reference: i for i in items_of(cfg)}


def files_of(cfg) -> list[IntakeFile]:
    with Ledger(cfg.ledger_url).session() as s:
        found = s.scalars(select(IntakeFile).order_by(IntakeFile.id)).all()
        s.expunge_all()
    return list(found)


def keyed(server, reference: str) -> list[dict]:
    """The mock's own record of 廃車登録 for this 受付番号 (the audit, not the robot's word)."""
    return [r for r in server.audit_rows(action="deregister") if r["reference"] == reference]


def placement(cfg) -> dict[str, str]:
    """Every file in the inbox → the one folder it is in (asserting it is in exactly one)."""
    inbox = inbox_of(cfg)
    seen: dict[str, list[str]] = {}
    for path in inbox.rglob("*"):
        if path.is_file() and not path.name.endswith(".reason.txt"):
            rel = path.relative_to(inbox).parts
            seen.setdefault(path.name, []).append(rel[0] if len(rel) > 1 else "inbox")
    doubled = {name: where for name, where in seen.items() if len(where) != 1}
    assert not doubled, f"files in more than one folder: {doubled}"
    return {name: where[0] for name, where in seen.items()}


def reason_file(cfg, name: str) -> str:
    return (inbox_of(cfg) / "failed" / f"{name}.reason.txt").read_text(encoding="utf-8")


def assert_final_with_reasons(cfg, server, references: list[str]) -> dict[str, WorkItem]:
    """The fault-run invariants: every item done/review/failed, failures explained, nothing keyed twice,
    every file in the folder its items call for."""
    items = by_reference(cfg)
    assert set(items) == set(references)
    for reference, item in items.items():
        assert item.state in (ItemState.DONE, ItemState.REVIEW, ItemState.FAILED), (reference, item.state, item.reason)
        rows = keyed(server, reference)
        assert len(rows) <= 1, f"{reference} keyed {len(rows)} times"
        if item.state == ItemState.DONE:
            assert len(rows) == 1 and rows[0]["after"]["shori_no"] == item.system_record_id
        else:
            assert item.reason and item.error_code, (reference, item.state)
            assert not rows, f"{reference} is {item.state} in the ledger but keyed in the system"
    where = placement(cfg)
    for row in files_of(cfg):
        states = {i.state for i in items.values() if i.file_id == row.id}
        want = "done" if states == {ItemState.DONE} else "review" if ItemState.REVIEW in states else "failed"
        assert where[Path(row.current_path).name] == want == row.state
        if want == "failed":
            text = reason_file(cfg, Path(row.current_path).name)
            for item in items.values():
                if item.file_id == row.id and item.state == ItemState.FAILED:
                    assert item.reason.splitlines()[0] in text
    return items


# --- the happy path ---------------------------------------------------------------------------------


def test_happy_path_keys_every_item_once_with_a_receipt_and_reconciles(servers, robot_config):
    server = servers["base"]
    cfg = robot_config(server)
    vehicles = take(server, 5)
    first, refs1 = drop_jlis(cfg, "jlis_a.csv", vehicles[:3], "HP", first_serial=1)
    second, refs2 = drop_jlis(cfg, "jlis_b.csv", vehicles[3:], "HP", first_serial=101)
    references = refs1 + refs2

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert summary.ok and summary.files_taken == 2
    assert (summary.done, summary.failed, summary.review, summary.retried) == (5, 0, 0, 0)
    items = by_reference(cfg)
    for vehicle, reference in zip(vehicles, references, strict=True):
        item = items[reference]
        assert item.state == ItemState.DONE and item.attempts == 1 and item.reason is None
        (row,) = keyed(server, reference)  # exactly once, in the system's own audit
        assert row["target"] == f"vehicle:{vehicle.id}"
        assert row["after"]["shori_no"] == item.system_record_id
        assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "廃車済"
        (receipt,) = item.evidence  # the 確認票, linked from the item
        assert receipt.endswith(".pdf") and item.system_record_id in receipt
        assert Path(receipt).read_bytes().startswith(b"%PDF")
        assert item.keying_seconds > 0  # measured; how fast is bench/keying.py's figure
    assert placement(cfg) == {first.name: "done", second.name: "done"}

    # 突合: the system's EUC extract against the ledger — every item 一致.
    out, lines = run_reconcile(cfg, "haisha", today_jst(), today_jst())
    ours = [ln for ln in lines if ln.reference in items]
    assert sorted(ln.reference for ln in ours) == sorted(references)
    assert {ln.verdict for ln in ours} == {MATCHED}
    assert not [ln for ln in lines if ln.verdict in (MISMATCHED, MISSING)]
    assert out.exists() and out.suffix == ".xlsx"

    # A second run finds nothing to do and keys nothing.
    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert (again.files_taken, again.done, again.failed) == (0, 0, 0)
    assert all(len(keyed(server, r)) == 1 for r in references)


# --- business exceptions ----------------------------------------------------------------------------


def _unknown_plate(server) -> str:
    for n in range(9999, 9000, -1):
        plate = f"飯能市 あ {n}"
        if find_vehicle(server.db_path, plate=plate) is None:
            return plate
    raise AssertionError("no free plate number")


def test_business_exceptions_fail_at_once_with_a_japanese_reason_and_the_batch_continues(servers, robot_config):
    server = servers["base"]
    cfg = robot_config(server)
    good = take(server, 3)
    spare = take(server, 2)
    gone = next(
        v
        for v in server.sample_vehicles(20, status="廃車済", unique_plate=True, seed=4)
        if get_type("plate").check(v.plate).ok
    )
    future = today_jst() + dt.timedelta(days=10)
    batch = [
        good[0],
        (_unknown_plate(server), None),  # row 2: not in the register
        gone,  # row 3: already 廃車済
        good[1],
        (spare[0].plate, "AF68-0000000"),  # row 5: the 車台番号 does not match the register
        spare[1],  # row 6: 申告日 / 廃車年月日 in the future — the system refuses the dates
        good[2],
    ]
    path, references = drop_jlis(
        cfg, "jlis_biz.csv", batch, "BZ",
        changes={5: {"処理年月日": f"{future:%Y%m%d}", "廃車年月日": f"{future - dt.timedelta(days=2):%Y%m%d}"}},
    )  # fmt: skip
    before = len(server.audit_rows(action="deregister"))

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert (summary.done, summary.failed, summary.retried) == (3, 4, 0)
    items = by_reference(cfg)
    expected = {
        references[1]: ("not_found", "見つかりません"),
        references[2]: ("already_deregistered", "廃車済"),
        references[4]: ("chassis_mismatch", "車台番号"),
        references[5]: ("rejected", "E0503"),
    }
    for reference, (code, words) in expected.items():
        item = items[reference]
        assert item.state == ItemState.FAILED and item.attempts == 1, (reference, item.state, item.attempts)
        assert item.error_code == code and words in item.reason, (code, item.reason)
        assert any("\u3040" <= ch <= "\u9fff" for ch in item.reason)  # Japanese, for staff
        assert not keyed(server, reference)
        assert all(Path(p).exists() for p in item.evidence) and any(p.endswith(".png") for p in item.evidence)
    for reference in (references[0], references[3], references[6]):  # the batch went on past each failure
        assert items[reference].state == ItemState.DONE and len(keyed(server, reference)) == 1
    assert len(server.audit_rows(action="deregister")) == before + 3
    assert find_vehicle(server.db_path, vehicle_id=spare[0].id).status == "課税中"

    assert placement(cfg) == {path.name: "failed"}
    text = reason_file(cfg, path.name)
    for n, reference in enumerate(references, start=1):
        item = items[reference]
        assert (f"{n}行目: 入力済み" if item.state == ItemState.DONE else f"{n}行目: {item.reason}") in text


# --- trial mode -------------------------------------------------------------------------------------


def test_trial_mode_changes_nothing_in_the_system(servers, robot_config, tmp_path):
    server = servers["base"]
    cfg = robot_config(server)
    vehicles = take(server, 2)
    path, references = drop_jlis(cfg, "jlis_trial.csv", vehicles, "TR")
    audit_before = server.audit_rows(action="deregister")

    summary = run_robot(cfg, "haisha", trigger="test", trial=True, settle_seconds=0)
    assert summary.mode == "trial" and (summary.trial_ok, summary.done, summary.failed) == (2, 0, 0)

    # The robot's mode in robots.yaml does the same without the flag.
    trial_cfg = robot_config(server, extra="    mode: trial\n")
    assert trial_cfg.robot("haisha").mode == "trial"
    again = run_robot(trial_cfg, "haisha", trigger="test", settle_seconds=0)
    assert again.mode == "trial" and again.trial_ok == 2

    assert server.audit_rows(action="deregister") == audit_before
    for vehicle, reference in zip(vehicles, references, strict=True):
        item = by_reference(cfg)[reference]
        assert item.state == ItemState.READY and item.reason == TRIAL_REASON and item.attempts == 0
        assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "課税中"
    assert placement(cfg) == {path.name: "processing"}

    # Nothing was left half-done (no 更新ロック): the live run keys each item once.
    live = run_robot(robot_config(server), "haisha", trigger="test", settle_seconds=0)
    assert live.done == 2
    assert all(len(keyed(server, r)) == 1 for r in references)
    assert placement(cfg) == {path.name: "done"}


# --- a scan, through OCR ----------------------------------------------------------------------------


def test_a_scanned_form_is_read_and_keyed_end_to_end(servers, robot_config):
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import Fake, declaration_for

    server = servers["base"]
    cfg = robot_config(server, extra="    audit: {share: 1.0}\n")  # every item keyed alone is sampled
    (vehicle,) = take(server, 1)
    today = today_jst()
    deregistered = max(vehicle.registered_on, today - dt.timedelta(days=6))
    declared = min(today, deregistered + dt.timedelta(days=2))
    reference = f"R{today.year - 2018:02d}-{7701:05d}"

    def wareki(day: dt.date) -> str:
        return f"令和{day.year - 2018}年{day.month}月{day.day}日"

    values = {
        **declaration_for(random.Random(1), vehicle, reference=reference, deregistered=deregistered, declared=declared),
        "deregistered_on": Fake(wareki(deregistered), deregistered.isoformat()),
        "declared_on": Fake(wareki(declared), declared.isoformat()),
    }
    page = make_page("keitax_haisha", seed=100, kind="printed", today=today, values=values)
    scan = age(save_pages([page.image], inbox_of(cfg) / "scan_0001.pdf", dpi=page.dpi))

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    (item,) = items_of(cfg)
    assert item.form == "keitax_haisha" and item.review_fields == [], item.review_fields
    assert summary.done == 1 and item.state == ItemState.DONE, (item.state, item.reason)
    assert item.reference == reference and item.ocr_seconds > 0
    assert item.page_image and Path(item.page_image).exists()
    (row,) = keyed(server, reference)
    assert row["target"] == f"vehicle:{vehicle.id}" and row["after"]["shori_no"] == item.system_record_id
    after = row["after"]
    assert deregistered.isoformat() in str(after) and declared.isoformat() in str(after), after
    (receipt,) = item.evidence
    assert Path(receipt).read_bytes().startswith(b"%PDF")
    assert placement(cfg) == {scan.name: "done"}
    # Keyed with no person looking: the run put it in 抜き取り確認 (a share of 100 % takes it),
    # with the values the robot keyed — never the 個人番号, never a field it does not key.
    assert summary.sampled == 1
    with Ledger(cfg.ledger_url).session() as s:
        sampled = set(s.scalars(select(AuditCheck.field).where(AuditCheck.item_id == item.id)))
    assert {"reference", "plate", "deregistered_on"} <= sampled <= KEYED_FIELDS


# --- injected faults --------------------------------------------------------------------------------


def _fault_batch(servers, robot_config, name: str, n: int = 4):
    server = servers[name]
    cfg = robot_config(server)
    vehicles = take(server, n)
    half = (n + 1) // 2
    _, refs1 = drop_jlis(cfg, f"jlis_{name}_1.csv", vehicles[:half], "FT", first_serial=1)
    _, refs2 = drop_jlis(cfg, f"jlis_{name}_2.csv", vehicles[half:], "FT", first_serial=501)
    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert summary.ok
    return summary, assert_final_with_reasons(cfg, server, refs1 + refs2)


def test_http500_pages_are_retried_and_every_item_ends_final(servers, robot_config):
    summary, items = _fault_batch(servers, robot_config, "http500")
    assert summary.retried >= 1  # the seed puts a 500 in the batch
    for item in items.values():
        if item.state == ItemState.FAILED:
            assert item.attempts == 3 and "システムエラー" in item.reason
    assert summary.done >= 1


def test_500_after_commit_never_keys_twice(servers, robot_config):
    server = servers["commit_after"]
    summary, items = _fault_batch(servers, robot_config, "commit_after")
    # Each 登録 went through, then came back as a 500; the robot asked the system at once (受付番号検索)
    # and found it — in the same attempt, nothing keyed twice.
    assert summary.done == summary.already_present == len(items)
    for reference, item in items.items():
        assert item.state == ItemState.DONE and item.attempts == 1
        (row,) = keyed(server, reference)
        assert row["after"]["shori_no"] == item.system_record_id
        assert all(Path(p).exists() for p in item.evidence)  # the failed attempt's screenshot and trace


def test_a_slow_system_is_waited_for(servers, robot_config):
    summary, items = _fault_batch(servers, robot_config, "slow", n=3)
    assert summary.done == 3 and all(i.state == ItemState.DONE for i in items.values())
    assert all(i.keying_seconds > 2.0 for i in items.values())  # ≥ 9 pages × 0.25 s each


def test_sessions_expiring_mid_flow_are_survived(servers, robot_config):
    server = servers["expire"]
    summary, items = _fault_batch(servers, robot_config, "expire")
    # expire_every=19: the 2nd item's session dies right after its 登録 (the 確認票 request), so the
    # re-login must find it keyed rather than key it again; the 4th's dies as 廃車登録 opens.
    assert summary.done == len(items)
    assert sum(r["action"] == "session_expired" for r in server.audit_rows()) >= 2
    for reference in items:
        assert len(keyed(server, reference)) == 1


def test_a_system_slower_than_the_targets_timeout_fails_with_timeout_and_keys_nothing(servers, robot_config):
    """robots.yaml targets.<key>.timeout_seconds is what the adapter waits for each screen."""
    server = servers["slow"]  # every page 0.25 s late
    cfg = robot_config(server)
    cfg.targets["keitax"] = cfg.targets["keitax"].model_copy(update={"timeout_seconds": 0.1})
    _, (reference,) = drop_jlis(cfg, "jlis_timeout.csv", take(server, 1), "TO", first_serial=1)
    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    item = by_reference(cfg)[reference]
    assert summary.failed == 1 and item.state == ItemState.FAILED and item.error_code == "timeout"
    assert "0.1秒以内に応答しません" in item.reason and item.attempts == 3
    assert not keyed(server, reference)


def test_locked_records_are_retried_then_given_up_with_a_reason(servers, robot_config):
    summary, items = _fault_batch(servers, robot_config, "lock", n=3)
    assert (summary.failed, summary.retried) == (3, 6)  # two retries each, then given up
    for item in items.values():
        assert item.state == ItemState.FAILED and item.attempts == 3 and item.error_code == "locked"
        assert "3 回試みましたが入力できませんでした" in item.reason and "他の端末で更新中" in item.reason


def test_a_changed_layout_stops_the_run_and_hands_the_items_back_untouched(servers, robot_config):
    """Issue 10.6: a failure that is the same for every item (the 標準準拠 layout: input ids renamed)
    stops the run after ``stop_after_failures`` items in a row, instead of 3 attempts for every item;
    the items wait as they were (no attempt used), with one alert and the evidence of what broke."""
    server = servers["v2"]
    cfg = robot_config(server)
    vehicles = take(server, 5)
    _, references = drop_jlis(cfg, "jlis_v2.csv", vehicles, "V2", first_serial=1)

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert not summary.ok and "実行を止めました" in summary.skipped_reason
    assert "画面レイアウトが変更された可能性" in summary.skipped_reason
    assert summary.failed == 0 and summary.done == 0
    items = by_reference(cfg)
    assert all(i.state == ItemState.READY and i.attempts == 0 and i.reason is None for i in items.values())
    assert not any(keyed(server, r) for r in references)
    attempts_made = [p for i in items.values() for p in i.evidence if p.endswith(".png")]
    assert len(attempts_made) == cfg.robot("haisha").stop_after_failures == 3  # 3 attempts, not 3 per item
    traces = [p for i in items.values() for p in i.evidence if p.endswith(".trace.zip")]
    assert traces and all(Path(p).read_bytes()[:2] == b"PK" for p in traces)
    with Ledger(cfg.ledger_url).session() as s:
        alerts = s.scalars(select(Event).where(Event.kind == "run_stopped_systemic")).all()
        assert len(alerts) == 1 and alerts[0].level == "ERROR" and "同じ種類の障害" in alerts[0].message
    assert placement(cfg) == {"jlis_v2.csv": "processing"}

    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)  # half-open: tries, stops again
    assert not again.ok and all(i.attempts == 0 for i in by_reference(cfg).values())


def test_a_wrong_password_stops_the_run_without_using_up_items_or_retrying(servers, robot_config, monkeypatch):
    """One refused login stops the run: retrying item after item would lock the robot's account."""
    server = servers["base"]
    cfg = robot_config(server)
    _, references = drop_jlis(cfg, "jlis_pw.csv", take(server, 3), "PW", first_serial=1)
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    failed_logins = lambda: sum(r["action"] == "login_failed" for r in server.audit_rows())  # noqa: E731
    before = failed_logins()

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert not summary.ok and "ログインできません" in summary.skipped_reason
    assert PASSWORD_ENV in summary.skipped_reason and "not-the-password" not in summary.skipped_reason
    assert failed_logins() - before == 1  # one try, not one per item
    items = by_reference(cfg)
    assert all(i.state == ItemState.READY and i.attempts == 0 for i in items.values())
    assert not any(keyed(server, r) for r in references)

    monkeypatch.setenv(PASSWORD_ENV, server.password)  # the admin fixes the secret; the next run keys all
    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert again.ok and again.done == 3
    assert all(len(keyed(server, r)) == 1 for r in references)


# --- killed mid-batch -------------------------------------------------------------------------------


def test_killed_mid_batch_and_restarted_keys_each_item_exactly_once(servers, robot_config, tmp_path):
    server = servers["slow"]  # 0.25 s a page: an item takes a few seconds, a wide window to kill in
    cfg = robot_config(server)
    vehicles = take(server, 3)
    _, refs1 = drop_jlis(cfg, "jlis_kill_1.csv", vehicles[:2], "KL", first_serial=1)
    _, refs2 = drop_jlis(cfg, "jlis_kill_2.csv", vehicles[2:], "KL", first_serial=501)
    references = refs1 + refs2

    def deregistered() -> int:
        return sum(bool(keyed(server, r)) for r in references)

    log = (tmp_path / "robot.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "daiko.cli", "run", "haisha", "--config", str(tmp_path / "robots.yaml"), "--json"],
        env={**os.environ, PASSWORD_ENV: server.password},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes its Chromium down with it
    )
    try:
        deadline = time.monotonic() + 90
        while deregistered() == 0:
            assert proc.poll() is None, (tmp_path / "robot.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the robot keyed nothing within 90 s"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # like a pulled plug: no cleanup, no finally blocks
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    assert proc.returncode == -signal.SIGKILL
    keyed_at_kill = deregistered()
    assert 1 <= keyed_at_kill < len(references), "the kill came too late to test anything"
    # What the ledger knew when the plug was pulled: items keyed in the system but not recorded done.
    known_done = {r for r, i in by_reference(cfg).items() if i.state == ItemState.DONE}
    unrecorded = {r for r in references if keyed(server, r) and r not in known_done}
    assert placement(cfg) == {"jlis_kill_1.csv": "processing", "jlis_kill_2.csv": "processing"}

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    for vehicle, reference in zip(vehicles, references, strict=True):
        (row,) = keyed(server, reference)  # exactly once, across the kill
        assert row["target"] == f"vehicle:{vehicle.id}"
    items = by_reference(cfg)
    assert set(items) == set(references)
    assert all(i.state == ItemState.DONE for i in items.values()), {r: i.state for r, i in items.items()}
    for reference, item in items.items():
        assert item.system_record_id == keyed(server, reference)[0]["after"]["shori_no"]
    assert summary.already_present == len(unrecorded)  # found by asking the system, not keyed again
    assert placement(cfg) == {"jlis_kill_1.csv": "done", "jlis_kill_2.csv": "done"}
