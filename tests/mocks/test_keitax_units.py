"""Pieces of the mock that need no server: fault syntax, seeded draws, 和暦, demo accounts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from daiko.mocks.keitax import FaultConfig, demo_password, store
from daiko.mocks.keitax.fakedata import generate
from daiko.mocks.keitax.faults import FaultDice, FaultSyntaxError
from daiko.mocks.keitax.wareki import format_wareki, format_wareki_short, parse_wareki


def test_fault_syntax():
    config = FaultConfig.parse(["http500=0.2", "slow=0.3:2.0,expire_every=5", "lock=0.1", "layout=v2"])
    assert (config.http500, config.slow, config.slow_seconds, config.expire_every, config.lock, config.layout) == (
        0.2, 0.3, 2.0, 5, 0.1, "v2",
    )  # fmt: skip
    assert FaultConfig.parse(config.to_specs()) == config
    assert FaultConfig.parse("commit500=1:before").commit500_after is False
    assert FaultConfig.from_env({"KEITAX_FAULTS": "lock=0.5"}).lock == 0.5
    assert not FaultConfig.parse(None).any
    for bad in ["http500=2", "slow=x", "expire_every=0", "layout=v9", "nonsense=1", "http500"]:
        with pytest.raises(FaultSyntaxError):
            FaultConfig.parse(bad)


def test_fault_draws_are_reproducible_and_independent():
    one = FaultDice(FaultConfig(http500=0.5, lock=0.5), seed=42)
    two = FaultDice(FaultConfig(http500=0.5, lock=0.5, slow=0.5, slow_seconds=1), seed=42)
    assert [one.http500() for _ in range(50)] == [two.http500() for _ in range(50)]
    assert [one.locked() for _ in range(50)] == [two.locked() for _ in range(50)]


def test_wareki_dates_respect_era_boundaries():
    assert parse_wareki("H", "31", "4", "30") == dt.date(2019, 4, 30)
    assert parse_wareki("R", "1", "5", "1") == dt.date(2019, 5, 1)
    assert parse_wareki("R", "1", "4", "30") is None  # 令和 began on 5月1日
    assert parse_wareki("H", "31", "5", "1") is None  # and 平成 ended the day before
    assert parse_wareki("R", "7", "2", "30") is None
    assert parse_wareki("R", "x", "1", "1") is None
    assert format_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki_short(dt.date(2025, 4, 1)) == "R07.04.01"


def test_generated_demo_password_is_kept_in_the_mock_database(tmp_path):
    db = tmp_path / "k.sqlite3"
    conn = store.connect(db)
    store.initialise(conn, seed=1, records=20)
    generated = store.ensure_users(conn, None)
    assert generated and demo_password(db) == generated
    assert store.check_password(conn, "rpa01", generated) and not store.check_password(conn, "rpa01", "x")
    assert store.ensure_users(conn, None) == generated  # a restart keeps it
    store.ensure_users(conn, "given-by-env")
    assert demo_password(db) is None and store.check_password(conn, "shokuin01", "given-by-env")
    conn.close()


@pytest.mark.parametrize(("per_user", "left_active"), [(1, 1), (2, 2), (0, 3)])
def test_a_user_holds_as_many_sessions_as_the_system_allows(tmp_path, per_user: int, left_active: int):
    """One session per user by default (二重ログイン禁止: the older one is ended); some systems allow
    more at once (``--sessions-per-user``), or any number (0)."""
    from daiko.mocks.keitax import truth

    db = tmp_path / "k.sqlite3"
    conn = store.connect(db)
    store.initialise(conn, seed=1, records=5)
    for _ in range(3):
        store.create_session(conn, "rpa01", remote=None, per_user=per_user)
    conn.close()
    states = [row["state"] for row in truth.session_rows(db)]
    assert states.count("active") == left_active
    assert states[: 3 - left_active] == ["killed"] * (3 - left_active)  # the oldest go first


def test_every_owners_postal_code_is_the_one_japan_post_gives_their_address():
    """The 詳細 screen shows 〒 beside the owner's address: the code must be the town's (名栗 and
    南高麗 are area names Japan Post does not list; the register keeps its own code for them)."""
    from daiko.forms.reference.postal import agreement

    register = generate(42, 600, dt.date(2026, 4, 1))
    towns = {(v["owner_zip"], re.match(r"\D+", v["owner_address"]).group()) for v in register.vehicles}
    wrong = [
        (code, town)
        for code, town in sorted(towns)  # one check per town: up to the first number of the address
        if "名栗" not in town and "南高麗" not in town and agreement(code, town).status != "agree"
    ]
    assert len(towns) >= 20 and wrong == []


def test_the_kill_after_commit_is_audited_before_the_robot_dies(tmp_path):
    # The mock killed the robot, then wrote the audit row: a test that saw the robot die could read
    # the audit before the row was there (a loaded CI run did). Now the caller writes the row
    # between committed() and kill().
    import subprocess

    from daiko.mocks.keitax.app import _AfterCommit

    proc = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        pidfile = tmp_path / "robot.pid"
        pidfile.write_text(str(proc.pid))
        after = _AfterCommit(FaultConfig(kill_after_commit=str(pidfile)))
        assert after.committed() == proc.pid
        assert proc.poll() is None  # still alive: the audit row goes in first
        after.kill(proc.pid)
        assert proc.wait(timeout=30) == -9 and not pidfile.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
