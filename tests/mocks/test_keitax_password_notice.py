"""`daiko mock keitax` reads the password from the variable the robot reads, and every start says
which password is in force — a restart on existing data included."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from daiko.mocks.keitax import store


def start_and_read_notice(db: Path, **env: str) -> str:
    """Start the mock as an operator would, return what it printed about passwords, stop it."""
    environ = {k: v for k, v in os.environ.items() if "KEITAX_PASSWORD" not in k} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "daiko.cli", "mock", "keitax", "--db", str(db), "--port", "0", "--records", "40"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environ,
        text=True,
    )
    lines: list[str] = []
    give_up = threading.Timer(120, proc.terminate)  # a mock that never says it would hang the read
    give_up.start()
    try:
        for line in proc.stdout:  # the notice is printed, whole, before the server starts listening
            lines.append(line)
            if "デモ利用者" in line:
                break
    finally:
        proc.terminate()
        lines.append(proc.stdout.read())  # the notice's other lines, already written (and buffered here)
        proc.wait(timeout=60)
        give_up.cancel()
    text = "".join(lines)
    assert "デモ利用者" in text, text
    return text


def password_works(db: Path, password: str) -> bool:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return store.check_password(conn, "rpa01", password) is not None
    finally:
        conn.close()


def test_the_mock_takes_the_robots_variable_and_says_so_on_every_start(tmp_path: Path):
    db = tmp_path / "keitax.sqlite3"
    first = start_and_read_notice(db, DAIKO_KEITAX_PASSWORD="given-by-the-operator")
    assert "DAIKO_KEITAX_PASSWORD" in first and "given-by-the-operator" not in first  # named, not shown
    assert password_works(db, "given-by-the-operator")

    again = start_and_read_notice(db)  # restarted on the same data, the variable not set this time
    assert "DAIKO_KEITAX_PASSWORD" in again and "以前" in again
    assert password_works(db, "given-by-the-operator")  # unchanged


def test_a_generated_password_is_shown_again_after_a_restart(tmp_path: Path):
    db = tmp_path / "keitax.sqlite3"
    first = start_and_read_notice(db, KEITAX_PASSWORD="the-old-name")  # the old name is not read …
    assert "KEITAX_PASSWORD は使われなくなりました" in first  # … and the operator is told
    assert not password_works(db, "the-old-name")
    generated = store_password(db)
    assert generated and f"パスワード {generated}" in first and "DAIKO_KEITAX_PASSWORD" in first
    assert f"パスワード {generated}" in start_and_read_notice(db)


def store_password(db: Path) -> str | None:
    from daiko.mocks.keitax import demo_password

    return demo_password(db)
