"""Issue 10 (robot path) and issue 17's robot-path promises: the robot proves it has the right
vehicle, never calls "not keyed" what the system may hold, never keys a 受付番号 twice or for
the wrong vehicle, keeps secrets out of evidence, and survives a kill at the worst moment.

Real Chromium, real mock 軽自動車税システム subprocesses, real files; what the robot claims is
checked against the mock's own audit table. Every test here failed before its fix.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from daiko.ledger import Audit, Event, ItemState, Ledger, Run
from daiko.mocks.keitax import find_vehicle
from daiko.mocks.keitax.process import start_keitax_fleet
from daiko.mocks.keitax.store import today_jst
from daiko.robots import runner, workitems
from daiko.robots.heartbeat import mark_dead_runs
from daiko.robots.runner import run_robot
from tests.robots.conftest import make_config
from tests.robots.test_haisha_robot import (
    PASSWORD_ENV,
    age,
    by_reference,
    drop_jlis,
    inbox_of,
    items_of,
    keyed,
    placement,
    take,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def pidfile(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kill") / "robot.pid"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, pidfile):
    specs = {
        "base": {},
        "down_after": {"faults": "down_after_commit=30"},  # 登録 saved, then 500 for everything, 受付番号検索 too
        "slow_after": {"faults": "slow_after_commit=4:30"},  # 登録 saved, then every answer 4 s late
        "slow_once": {"faults": "slow_after_commit=4:1"},  # 登録 saved, its own answer 4 s late
        "expire": {"faults": "expire_every=5"},  # sessions die every 5th request: re-logins mid-item
        "kill": {"faults": f"kill_after_commit={pidfile}"},
    }
    with start_keitax_fleet(tmp_path_factory.mktemp("keitax-safety"), specs) as fleet:
        yield fleet


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch):
    monkeypatch.setattr(runner, "BACKOFF_SECONDS", (0.2, 0.2, 0.2))


@pytest.fixture
def robot_config(tmp_path, monkeypatch):
    def make(server, extra: str = "", *, timeout: float | None = None, where: Path | None = None):
        monkeypatch.setenv(PASSWORD_ENV, server.password)
        if where is not None:
            where.mkdir(parents=True, exist_ok=True)
        cfg = make_config(where or tmp_path, url=server.url, extra=extra)
        if timeout is not None:
            cfg.targets["keitax"] = cfg.targets["keitax"].model_copy(update={"timeout_seconds": timeout})
        return cfg

    return make


def events(cfg, kind: str) -> list[Event]:
    with Ledger(cfg.ledger_url).session() as s:
        return list(s.scalars(select(Event).where(Event.kind == kind)))


# --- 1. the right vehicle ----------------------------------------------------------------------------


def _stranger(server, vehicle, exclude: set[int]):
    """Another 課税中 vehicle with a different owner and maker."""
    for other in server.sample_vehicles(200, unique_plate=True, seed=11):
        if other.id not in exclude and other.maker != vehicle.maker and other.owner_name != vehicle.owner_name:
            return other
    raise AssertionError("no stranger in the register")


def test_a_declaration_for_another_owner_is_never_keyed_and_both_sides_are_kept(servers, robot_config):
    """Issue 10.1: 山口 健太 / マツダ on the paper, 細田 浩 / ヤマハ in the register for that plate.
    With the 車台番号 blank, only the plate was compared: a stranger's vehicle was deregistered."""
    server = servers["base"]
    cfg = robot_config(server)
    target, honest = take(server, 2)
    stranger = _stranger(server, target, {target.id, honest.id})
    wrong = SimpleNamespace(
        plate=target.plate, chassis_no=None,  # the 車台番号 left blank, as in the issue
        owner_name=stranger.owner_name, owner_address=stranger.owner_address, maker=stranger.maker,
    )  # fmt: skip
    path, (ref_wrong, ref_honest) = drop_jlis(cfg, "jlis_identity.csv", [wrong, honest], "ID")

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    items = by_reference(cfg)
    item = items[ref_wrong]
    assert item.state == ItemState.FAILED and item.error_code == "identity_mismatch", (item.state, item.reason)
    assert not keyed(server, ref_wrong)
    assert find_vehicle(server.db_path, vehicle_id=target.id).status == "課税中"
    # Both sides, for the console's side-by-side view and for the reason staff read.
    by_name = {c["name"]: c for c in item.identity["fields"]}
    assert by_name["owner_name"]["declared"] == stranger.owner_name
    assert by_name["owner_name"]["register"] == target.owner_name and not by_name["owner_name"]["agree"]
    assert f"申告書: {stranger.owner_name} / 登録: {target.owner_name}" in item.reason
    assert by_name["car_name"]["register"] == target.maker and not by_name["car_name"]["agree"]
    # The honest declaration beside it is keyed, and its agreement is kept as evidence.
    assert items[ref_honest].state == ItemState.DONE and len(keyed(server, ref_honest)) == 1
    assert items[ref_honest].identity["verdict"] == "match"
    assert summary.done == 1 and summary.failed == 1
    assert placement(cfg) == {path.name: "failed"}


def test_names_in_old_characters_and_small_kana_still_match(servers, robot_config):
    """髙橋 in the register, 高橋 on the paper; a scan with large kana for small and the address
    written with hyphens and no prefecture: the same owner, keyed."""
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import Fake, declaration_for

    server = servers["base"]
    cfg = robot_config(server)
    old = next(
        v
        for v in server.sample_vehicles(300, unique_plate=True, seed=5)
        if any(ch in v.owner_name for ch in "髙齋邉﨑") and v.kind == "原付"
    )
    _, (reference,) = drop_jlis(cfg, "jlis_old.csv", [SimpleNamespace(**{**old.__dict__, "owner_name": old.owner_name.translate(str.maketrans("髙齋邉﨑", "高斎辺崎"))})], "OK")  # fmt: skip
    today = today_jst()
    (scanned,) = take(server, 1)
    scan_ref = f"R{today.year - 2018:02d}-{7801:05d}"
    values = declaration_for(
        random.Random(3), scanned, reference=scan_ref, deregistered=today - dt.timedelta(days=5), declared=today
    )
    values["owner_kana"] = Fake(scanned.owner_kana.replace("ョ", "ヨ").replace("ャ", "ヤ"), None)
    values["owner_address"] = Fake(
        scanned.owner_address.removeprefix("埼玉県").split("\u3000")[0].replace("丁目", "-").replace("番地", "").replace("番", "-").replace("号", ""),
        None,
    )  # fmt: skip
    page = make_page("keitax_haisha", seed=200, kind="printed", today=today, values=values)
    age(save_pages([page.image], inbox_of(cfg) / "scan_old.pdf", dpi=page.dpi))

    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    items = by_reference(cfg)
    assert items[reference].state == ItemState.DONE, items[reference].reason
    assert len(keyed(server, reference)) == 1
    scan = items[scan_ref]
    if scan.state == ItemState.REVIEW:  # an unsure keyed field: not this test's subject
        pytest.skip(f"the scan needs review ({scan.review_fields})")
    assert scan.state == ItemState.DONE, scan.reason
    checks = {c["name"]: c for c in scan.identity["fields"]}
    assert checks["owner_name"]["agree"] and checks["owner_address"]["agree"], checks


def test_a_declaration_with_nothing_to_prove_the_owner_is_not_keyed(servers, robot_config):
    server = servers["base"]
    cfg = robot_config(server)
    (vehicle,) = take(server, 1)
    bare = SimpleNamespace(plate=vehicle.plate, chassis_no=None, owner_name=None, owner_address=None, maker=None)
    _, (reference,) = drop_jlis(
        cfg, "jlis_bare.csv", [bare], "NP", changes={0: {"所有者氏名": "", "所有者住所": "", "車名": ""}}
    )
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    item = by_reference(cfg)[reference]
    assert (
        item.state == ItemState.FAILED and item.error_code == "identity_unproven" and "確かめられる項目" in item.reason
    )
    assert not keyed(server, reference)


# --- 2. never "not keyed" for what the system holds --------------------------------------------------


def test_500_after_commit_and_on_the_check_is_unknown_never_failed(servers, robot_config):
    """Issue 10.2: the 登録 is saved, its answer is a 500 and so is every question after it. Before:
    「3 回試みましたが入力できませんでした」— staff would key it again by hand. Now: 結果不明."""
    server = servers["down_after"]
    cfg = robot_config(server)
    (vehicle,) = take(server, 1)
    path, (reference,) = drop_jlis(cfg, "jlis_down.csv", [vehicle], "UK")

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    (row,) = keyed(server, reference)  # the system holds it
    item = by_reference(cfg)[reference]
    assert item.state == ItemState.UNKNOWN and item.error_code == "outcome_unknown", (item.state, item.reason)
    assert item.reason.startswith("システムで登録有無を確認してください") and item.commit_pressed_at
    assert summary.unknown == 1 and summary.failed == 0
    assert placement(cfg) == {path.name: "review"}  # visible, waiting for a person
    assert events(cfg, "item_unknown")
    # Nothing re-keys it: another run leaves it alone.
    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert by_reference(cfg)[reference].state == ItemState.UNKNOWN and again.done == 0
    assert len(keyed(server, reference)) == 1
    # A person looks in the system and records what they saw (audited); the file moves on.
    state = workitems.resolve_unknown(
        Ledger(cfg.ledger_url), item.id, "tanaka", keyed=True, system_record_id=row["after"]["shori_no"]
    )
    assert state == ItemState.DONE and by_reference(cfg)[reference].system_record_id == row["after"]["shori_no"]
    with Ledger(cfg.ledger_url).session() as s:
        (audit,) = s.scalars(select(Audit).where(Audit.action == "item_unknown_resolved")).all()
        assert audit.actor == "tanaka" and row["after"]["shori_no"] in audit.detail
    assert placement(cfg) == {path.name: "done"}


def test_slow_past_the_timeout_after_commit_is_unknown_and_a_wrong_resolution_is_still_safe(servers, robot_config):
    server = servers["slow_after"]
    cfg = robot_config(server, timeout=1.5)
    (vehicle,) = take(server, 1)
    _, (reference,) = drop_jlis(cfg, "jlis_slow.csv", [vehicle], "SL")

    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    item = by_reference(cfg)[reference]
    assert item.state == ItemState.UNKNOWN, (item.state, item.reason)
    assert len(keyed(server, reference)) == 1
    # The person wrongly says "not keyed": the robot still asks before keying, and finds it.
    workitems.resolve_unknown(Ledger(cfg.ledger_url), item.id, "tanaka", keyed=False)
    server.restart(faults=None)
    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert again.already_present == 1 and by_reference(cfg)[reference].state == ItemState.DONE
    assert len(keyed(server, reference)) == 1


def test_an_answer_late_past_the_timeout_is_settled_by_asking_at_once(servers, robot_config):
    server = servers["slow_once"]
    cfg = robot_config(server, timeout=1.5)
    vehicles = take(server, 2)
    _, references = drop_jlis(cfg, "jlis_late.csv", vehicles, "LT")
    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    for reference in references:
        item = by_reference(cfg)[reference]
        (row,) = keyed(server, reference)
        assert item.state == ItemState.DONE and item.attempts == 1 and item.system_record_id == row["after"]["shori_no"]
    assert summary.already_present == 2


# --- 3. never twice, never for the wrong vehicle -----------------------------------------------------


def test_a_reference_the_system_holds_for_another_vehicle_is_a_case_for_a_person(servers, robot_config, tmp_path):
    """Issue 10.3: two rows with one 受付番号 and different vehicles; the second was marked done with
    the first's 処理番号 and never deregistered. Here the first was keyed by another PC's ledger."""
    server = servers["base"]
    first, second = take(server, 2)
    elsewhere = robot_config(server, where=tmp_path / "other-pc")
    _, (reference,) = drop_jlis(elsewhere, "jlis_other.csv", [first], "RC")
    assert run_robot(elsewhere, "haisha", trigger="test", settle_seconds=0).done == 1

    cfg = robot_config(server)
    drop_jlis(cfg, "jlis_same_ref.csv", [second], "RC")  # same prefix and serial: the same 受付番号
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    item = by_reference(cfg)[reference]
    assert item.state == ItemState.FAILED and item.error_code == "reference_conflict", (item.state, item.reason)
    assert "別の対象" in item.reason and item.system_record_id is None
    assert find_vehicle(server.db_path, vehicle_id=second.id).status == "課税中"
    assert len(keyed(server, reference)) == 1


def test_duplicate_references_within_and_across_files_are_refused_naming_the_earlier(servers, robot_config):
    server = servers["base"]
    cfg = robot_config(server)
    a, b, c = take(server, 3)
    ref = f"DP{today_jst().year - 2018:02d}-000001"
    first, refs = drop_jlis(cfg, "jlis_dup_1.csv", [a, b], "DP", changes={1: {"受付番号": ref}})
    assert refs == [ref, ref]
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    second, _ = drop_jlis(cfg, "jlis_dup_2.csv", [c], "DP")  # DP..-000001 again, another vehicle
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    items = sorted(items_of(cfg), key=lambda i: i.id)
    assert [i.state for i in items] == [ItemState.DONE, ItemState.FAILED, ItemState.FAILED]
    assert items[1].error_code == items[2].error_code == "duplicate_reference"
    assert "同じファイルの1行目" in items[1].reason
    assert f"ファイル「{first.name}」の1行目" in items[2].reason and f"No.{items[0].id}" in items[2].reason
    assert len(keyed(server, ref)) == 1
    for vehicle in (b, c):
        assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "課税中"
    assert placement(cfg) == {first.name: "failed", second.name: "failed"}


# --- 4. secrets never in evidence ----------------------------------------------------------------


def _files_holding(root: Path, secret: bytes) -> list[str]:
    """Every file under root (zip members read one by one) whose bytes contain the secret."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if secret in data:
            found.append(str(path))
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                found += [f"{path}!{m}" for m in zf.namelist() if secret in zf.read(m)]
    return found


def test_no_evidence_file_holds_the_password_after_logins_expiries_and_failures(servers, robot_config):
    """Issue 10.4: 89 of 91 trace zips held the core system's password (the login's fill, its
    POST). Sessions here die every 5th request, so items re-login mid-flow and many fail."""
    server = servers["expire"]
    cfg = robot_config(server)
    vehicles = take(server, 2)
    gone = (f"飯能市 あ {9990}", None)
    drop_jlis(cfg, "jlis_secret.csv", [*vehicles, gone], "PW")

    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    evidence = cfg.data_dir / "evidence"
    traces = list(evidence.rglob("*.trace.zip"))
    assert len(traces) >= 3 and list(evidence.rglob("*.png"))
    assert sum(r["action"] == "login" for r in server.audit_rows()) >= 3  # re-logins happened
    assert _files_holding(cfg.data_dir, server.password.encode()) == []
    # A trace holds the session cookie: none of the robot's sessions is left usable after the run.
    with sqlite3.connect(server.db_path) as conn:
        active = conn.execute("SELECT COUNT(*) FROM sessions WHERE login = 'rpa01' AND state = 'active'").fetchone()[0]
    assert active == 0


# --- issue 17: the kill -9 window, forced ----------------------------------------------------------


def test_killed_right_after_the_system_committed_asks_before_keying_again(servers, robot_config, tmp_path, pidfile):
    """The mock SIGKILLs the robot the moment its first 登録 is saved: the ledger still says
    "claimed", the system holds it. The next run must ask and find it, never key it again; the
    killed run is found dead and marked 中断."""
    server = servers["kill"]
    cfg = robot_config(server)
    vehicles = take(server, 2)
    _, references = drop_jlis(cfg, "jlis_kill.csv", vehicles, "KA")
    pidfile.unlink(missing_ok=True)
    log = (tmp_path / "robot.log").open("wb")
    # The shell writes its own pid, then becomes the robot (exec keeps the pid): nothing to race.
    proc = subprocess.Popen(
        ["sh", "-c", f'echo $$ > "{pidfile}"; exec "$0" "$@"', sys.executable, "-m", "daiko.cli", "run", "haisha",
         "--config", str(tmp_path / "robots.yaml"), "--json"],
        env={**os.environ, PASSWORD_ENV: server.password}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.wait(timeout=180) == -9, (tmp_path / "robot.log").read_text(errors="replace")[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
        log.close()
    assert [r["action"] for r in server.audit_rows() if r["action"] == "fault_kill"] == ["fault_kill"]
    assert len(keyed(server, references[0])) == 1
    assert by_reference(cfg)[references[0]].state == ItemState.CLAIMED  # the ledger never heard
    with Ledger(cfg.ledger_url).session() as s:
        (run,) = s.scalars(select(Run)).all()
        assert run.status == "running" and run.pid == proc.pid

    assert mark_dead_runs(Ledger(cfg.ledger_url)) == [run.id]
    with Ledger(cfg.ledger_url).session() as s:
        assert s.get(Run, run.id).status == "interrupted"
    assert events(cfg, "run_interrupted")

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert summary.already_present == 1 and summary.done == 2
    for vehicle, reference in zip(vehicles, references, strict=True):
        (audit,) = keyed(server, reference)
        assert audit["target"] == f"vehicle:{vehicle.id}"
        assert by_reference(cfg)[reference].system_record_id == audit["after"]["shori_no"]


def test_a_run_of_another_pc_with_a_stale_heartbeat_is_marked_interrupted(cfg, ledger):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    with ledger.session() as s:
        s.add(Run(robot_id="haisha", trigger="schedule", mode="live", host="other-pc", pid=1, started_at=old,
                  heartbeat_at=old))  # fmt: skip
        s.add(Run(robot_id="haisha", trigger="schedule", mode="live", host="other-pc", pid=1,
                  heartbeat_at=dt.datetime.now(dt.UTC)))  # fmt: skip
    dead = mark_dead_runs(ledger)
    with ledger.session() as s:
        runs = s.scalars(select(Run).order_by(Run.id)).all()
        assert dead == [runs[0].id] and [r.status for r in runs] == ["interrupted", "running"]
        assert "中断" in runs[0].note


# --- issue 17: a doubtful scan field ends in review/, not keyed ------------------------------------


def test_a_doubtful_scan_field_waits_in_review_and_is_not_keyed(servers, robot_config):
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import Fake, declaration_for

    server = servers["base"]
    cfg = robot_config(server)
    (vehicle,) = take(server, 1)
    today = today_jst()
    reference = f"R{today.year - 2018:02d}-{7901:05d}"
    values = declaration_for(
        random.Random(4), vehicle, reference=reference, deregistered=today - dt.timedelta(days=3), declared=today
    )
    values["declared_on"] = Fake(None, None)  # 申告日 left blank: a required field nobody can guess
    page = make_page("keitax_haisha", seed=300, kind="printed", today=today, values=values)
    scan = age(save_pages([page.image], inbox_of(cfg) / "scan_doubt.pdf", dpi=page.dpi))

    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    (item,) = items_of(cfg)
    assert item.state == ItemState.REVIEW and "declared_on" in item.review_fields
    assert placement(cfg) == {scan.name: "review"}
    assert not keyed(server, reference)
    assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "課税中"


# --- 6. retry of failed items ----------------------------------------------------------------------


def test_daiko_retry_hands_failed_items_back_and_moves_their_files_out_of_failed(servers, robot_config, tmp_path):
    """Issue 10.6: failed items could not be retried (a re-dropped file is a duplicate). `daiko retry`
    (or the console) puts them back to 入力待ち, audited; the file leaves failed/ for processing/."""
    server = servers["base"]
    cfg = robot_config(server)
    (vehicle,) = take(server, 1)
    path, (reference,) = drop_jlis(
        cfg,
        "jlis_retry.csv",
        [vehicle],
        "RT",
        changes={0: {"車名": "カワサキ" if vehicle.maker != "カワサキ" else "ホンダ"}},
    )
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    item = by_reference(cfg)[reference]
    assert item.state == ItemState.FAILED and placement(cfg) == {path.name: "failed"}

    def daiko(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "daiko.cli", "retry", *args, "--config", str(tmp_path / "robots.yaml")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    refused = daiko("99999")
    assert refused.returncode == 1 and "No.99999 の案件はありません" in refused.stderr
    done = daiko("--robot", "haisha", "--failed")
    assert done.returncode == 0 and f"No.{item.id}" in done.stdout, done.stderr
    item = by_reference(cfg)[reference]
    assert item.state == ItemState.READY and item.attempts == 0 and item.error_code is None
    assert placement(cfg) == {path.name: "processing"}
    assert not (inbox_of(cfg) / "failed" / f"{path.name}.reason.txt").exists()
    with Ledger(cfg.ledger_url).session() as s:
        (audit,) = s.scalars(select(Audit).where(Audit.action == "item_retried")).all()
        assert audit.actor.startswith("cli:") and audit.before["error_code"] == "identity_mismatch"
    again = daiko(str(item.id))
    assert again.returncode == 1 and "入力待ち" in again.stderr  # only failed items can be retried


def test_a_system_refusing_connections_stops_the_run_without_using_up_items(servers, robot_config, monkeypatch):
    """Issue 10.6: system down → every item failed after 3 attempts each. Now the run stops after
    ``stop_after_failures`` items in a row, items untouched, one alert."""
    from daiko.mocks.keitax import free_port

    server = servers["base"]
    vehicles = take(server, 4)
    cfg = robot_config(server)
    cfg.targets["keitax"] = cfg.targets["keitax"].model_copy(update={"base_url": f"http://127.0.0.1:{free_port()}"})
    drop_jlis(cfg, "jlis_down.csv", vehicles, "DN")

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    assert not summary.ok and "システム停止" in summary.skipped_reason and summary.failed == 0
    items = by_reference(cfg)
    assert all(i.state == ItemState.READY and i.attempts == 0 for i in items.values())
    (alert,) = events(cfg, "run_stopped_systemic")
    assert alert.data["failure_kind"] == "down"


# --- 1b. agreement is evidence: the register confirms unsure readings ------------------------------


def _scanned_item(cfg, vehicle, reference: str, name: str, *, review: dict[str, str]) -> int:
    """A page as the form reader leaves it when it is unsure of some fields: the file in review/,
    the item with those fields' values as read (``review``: field → the reading) and the reason the
    reader gives for a valid reading with low confidence. (The OCR's confidence is the one thing
    set here: which real scan reads unsure is up to the engine; bench/identity.py measures that.)"""
    from daiko.ledger import IntakeFile, WorkItem

    inbox = inbox_of(cfg)
    (inbox / "review").mkdir(parents=True, exist_ok=True)
    scan = inbox / "review" / name
    scan.write_bytes(b"%PDF-1.4 " + name.encode())
    accepted = {"confidence": 0.99, "decision": "accept", "reason": None}
    unsure = {"confidence": 0.71, "decision": "review", "cause": "low_confidence",
              "reason": "読み取りの確信度が低いため確認してください（0.71 < 0.93）"}  # fmt: skip
    values = {
        "reference": ("受付番号", "code", reference), "plate": ("標識番号", "plate", vehicle.plate),
        "chassis_no": ("車台番号", "chassis_no", vehicle.chassis_no), "deregistered_on": ("廃車年月日", "wareki_date", "2025-04-01"),
        "declared_on": ("申告日", "wareki_date", "2025-04-03"), "reason": ("廃車事由", "choice", "scrap"),
        "owner_name": ("氏名", "kanji_name", vehicle.owner_name), "owner_kana": ("フリガナ", "kana_name", vehicle.owner_kana),
    }  # fmt: skip
    fields = {
        n: {"label": label, "type": t, "value": review.get(n, v), "raw": review.get(n, v), **(unsure if n in review else accepted)}
        for n, (label, t, v) in values.items()
    }  # fmt: skip
    with Ledger(cfg.ledger_url).session() as s:
        row = IntakeFile(robot_id="haisha", section="税務課", sha256=name.ljust(64, "0"), original_name=name,
                         current_path=str(scan), kind="scan", state="review", size_bytes=scan.stat().st_size)  # fmt: skip
        s.add(row)
        s.flush()
        item = WorkItem(robot_id="haisha", file_id=row.id, part=1, form="keitax_haisha", reference=reference,
                        state=ItemState.REVIEW, fields=fields, review_fields=list(review))  # fmt: skip
        s.add(item)
        s.flush()
        return item.id


def test_unsure_readings_the_register_confirms_exactly_need_no_person(servers, robot_config):
    """Issue 10.1: a 車台番号 in review only for low confidence, read exactly as the register holds it
    for the declaration's vehicle, is accepted as 登録で確認 (audited) and keyed; a reading one
    character off stays for a person. Issue 13: the plate found the vehicle, so its own agreement
    proves nothing — it is confirmed only where the record holds the page's surely read 車台番号;
    with that 車台番号 unsure too, or a plate misread as another vehicle's, it stays for a person."""
    server = servers["base"]
    cfg = robot_config(server)
    early: list = []
    while len(early) < 5:  # registered before the 廃車年月日 the items carry
        early += [v for v in take(server, 1) if v.registered_on < dt.date(2025, 4, 1)]
    exact, off, plate_unsure, plate_alone, misread = early
    (other,) = take(server, 1)  # whose plate the misread one is read as
    wrong = off.chassis_no[:-1] + ("1" if off.chassis_no[-1] != "1" else "2")
    ids = {
        "exact": _scanned_item(cfg, exact, "R07-08001", "scan_exact.pdf", review={"chassis_no": exact.chassis_no}),
        "off": _scanned_item(cfg, off, "R07-08002", "scan_off.pdf", review={"chassis_no": wrong}),
        "plate": _scanned_item(cfg, plate_unsure, "R07-08003", "scan_plate.pdf", review={"plate": plate_unsure.plate}),
        "plate_alone": _scanned_item(
            cfg, plate_alone, "R07-08004", "scan_plate_alone.pdf",
            review={"plate": plate_alone.plate, "chassis_no": plate_alone.chassis_no},
        ),
        "misread": _scanned_item(cfg, misread, "R07-08005", "scan_misread.pdf", review={"plate": other.plate}),
    }  # fmt: skip

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0)

    items = {i.id: i for i in items_of(cfg)}
    for key, vehicle, field in (("exact", exact, "chassis_no"), ("plate", plate_unsure, "plate")):
        done = items[ids[key]]
        assert done.state == ItemState.DONE, (key, done.state, done.reason)
        assert done.fields[field]["confirmed_by"] == "register" and done.fields[field]["decision"] == "accept"
        (row,) = keyed(server, done.reference)
        assert row["target"] == f"vehicle:{vehicle.id}"
    assert summary.confirmed_by_register == 2 and summary.fields_confirmed_by_register == 2
    for key in ("off", "plate_alone", "misread"):
        item = items[ids[key]]
        assert item.state == ItemState.REVIEW and item.review_fields, (key, item.state)
        assert not keyed(server, item.reference)
    assert items[ids["plate_alone"]].review_fields == ["plate", "chassis_no"]
    with Ledger(cfg.ledger_url).session() as s:
        audits = s.scalars(select(Audit).where(Audit.action == "fields_confirmed_by_register")).all()
        by_target = {a.target: a for a in audits}
        assert set(by_target) == {f"work_item:{ids['exact']}", f"work_item:{ids['plate']}"}
        assert all(a.actor == "robot:haisha" for a in audits)
        assert "車台番号" in by_target[f"work_item:{ids['exact']}"].detail
        assert "標識番号" in by_target[f"work_item:{ids['plate']}"].detail
    assert placement(cfg) == {
        "scan_exact.pdf": "done", "scan_off.pdf": "review", "scan_plate.pdf": "done",
        "scan_plate_alone.pdf": "review", "scan_misread.pdf": "review",
    }  # fmt: skip
    # Each is looked up once: a second run does not ask the system about them again.
    lookups = len([r for r in server.audit_rows() if r["action"] == "login"])
    run_robot(cfg, "haisha", trigger="test", settle_seconds=0)
    assert len([r for r in server.audit_rows() if r["action"] == "login"]) == lookups
