"""The console as `daiko console` serves it: the cookie's Secure flag, real argon2, a 15-minute lock-out."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from daiko.console import auth

PASSWORD = "correct-horse-42"
CONFIG = """\
version: 1
targets:
  keitax: {name: 軽自動車税システム, adapter: keitax, base_url: 'http://127.0.0.1:9', login: rpa01,
           password_env: DAIKO_KEITAX_PASSWORD}
robots:
  - {id: haisha, name: 廃車, section: 税務課, target: keitax, inbox: inbox/haisha, baseline_minutes: 6}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "robots.yaml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    return path


@contextmanager
def served_console(config: Path, **env: str) -> Iterator[str]:
    """`daiko console` in its own process (production settings, nothing swapped), until it answers."""
    port = free_port()
    log = config.parent / f"console-{port}.log"
    environ = {k: v for k, v in os.environ.items() if k != "DAIKO_CONSOLE_SECURE_COOKIE"} | env
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "daiko.cli", "console", "--config", str(config), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                httpx.get(f"{url}/login", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the console did not answer within 60 s"
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def session_cookie(url: str) -> str:
    response = httpx.get(f"{url}/login", timeout=10)
    assert response.status_code == 200
    (cookie,) = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    assert cookie.startswith("daiko_console=")
    return cookie.lower()


def test_the_cookie_is_secure_when_robots_yaml_or_the_environment_says_so(tmp_path: Path):
    with served_console(write_config(tmp_path, "console:\n  secure_cookie: true\n")) as url:
        cookie = session_cookie(url)
        assert "; secure" in cookie and "samesite=strict" in cookie and "httponly" in cookie
    with served_console(write_config(tmp_path), DAIKO_CONSOLE_SECURE_COOKIE="1") as url:
        assert "; secure" in session_cookie(url)


def test_real_argon2_parameters_from_user_add_to_sign_in(tmp_path: Path):
    """No cheap hasher here: `daiko console user add` and the served console run as shipped."""
    config = write_config(tmp_path)
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "daiko.cli",
            "console",
            "--config",
            str(config),
            "user",
            "add",
            "admin1",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert add.returncode == 0, add.stdout + add.stderr
    ledger_file = tmp_path / "data" / "ledger.sqlite3"

    def stored_hash() -> str:
        with sqlite3.connect(ledger_file) as conn:
            return conn.execute("SELECT password_hash FROM console_users WHERE name = 'admin1'").fetchone()[0]

    production = auth.PasswordHasher()  # argon2-cffi's defaults, which the console uses
    params = f"$m={production.memory_cost},t={production.time_cost},p={production.parallelism}$"
    assert stored_hash().startswith("$argon2id$") and params in stored_hash()
    assert production.memory_cost >= 65536 and production.time_cost >= 3

    with served_console(config) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        wrong = client.post("/login", data={"name": "admin1", "password": "not-it-at-all", "csrf_token": token})
        assert wrong.status_code == 401 and "違います" in wrong.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', wrong.text).group(1)
        right = client.post("/login", data={"name": "admin1", "password": PASSWORD, "csrf_token": token})
        assert right.status_code == 303, right.text
        assert client.get(right.headers["location"]).status_code == 200  # signed in
    assert params in stored_hash()  # verified as it was made; not re-hashed to other parameters


def test_the_lock_out_lasts_fifteen_minutes_of_the_clock(lone_user):
    ledger = lone_user.ledger
    t0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    for n in range(auth.MAX_FAILURES):
        result = auth.authenticate(ledger, "tanaka", "nope", now=t0 + dt.timedelta(seconds=n))
    locked_at = t0 + dt.timedelta(seconds=auth.MAX_FAILURES - 1)
    assert "約15分後" in result.message
    almost = auth.authenticate(ledger, "tanaka", PASSWORD, now=locked_at + dt.timedelta(minutes=14, seconds=59))
    assert almost.principal is None and "約1分後" in almost.message  # the right password does not help yet
    after = auth.authenticate(ledger, "tanaka", PASSWORD, now=locked_at + dt.timedelta(minutes=15))
    assert after.principal is not None and after.principal.name == "tanaka"
    assert dt.timedelta(minutes=15) == auth.LOCK_FOR


@pytest.fixture
def lone_user(tmp_path: Path):
    from daiko.console.users import add_user
    from daiko.ledger import Ledger

    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    add_user(ledger, name="tanaka", role="staff", section="税務課", display_name="田中", password=PASSWORD, actor="t")

    class Hall:
        pass

    hall = Hall()
    hall.ledger = ledger
    return hall
