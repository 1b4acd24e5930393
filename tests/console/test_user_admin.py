"""An IT admin manages console accounts from the command line: a mistyped 課 is refused with the
right one suggested, accounts are listed, passwords reset, accounts disabled and enabled — each
change in the audit trail under the OS account that ran the command."""

from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import select

from daiko.console import auth
from daiko.console.models import ConsoleUser
from daiko.console.users import (
    add_user_command,
    list_users_command,
    reset_password_command,
    set_active_command,
)
from daiko.ledger import Audit
from tests.console.conftest import PASSWORD

NEW_PASSWORD = "battery-staple-77"


def _audits(ledger, action: str) -> list[Audit]:
    with ledger.session() as s:
        return list(s.scalars(select(Audit).where(Audit.action == action)))


def test_a_mistyped_section_is_refused_with_the_right_one_suggested(fresh_hall, capsys):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    stdin = io.StringIO(PASSWORD + "\n")
    assert add_user_command(cfg, "sato.k", "staff", "税務", "佐藤 健", True, stdin=stdin) == 1
    err = capsys.readouterr().err
    assert "課「税務」は robots.yaml のどのロボットの担当課でもありません" in err
    assert "「税務課」のことですか" in err and "保険年金課" in err  # the right one, and the list
    assert stdin.read() == PASSWORD + "\n"  # refused before the password was even asked for
    with ledger.session() as s:
        assert s.scalars(select(ConsoleUser).where(ConsoleUser.name == "sato.k")).first() is None
    # the 課 as robots.yaml spells it is taken
    assert add_user_command(cfg, "sato.k", "staff", "税務課", "佐藤 健", True, stdin=io.StringIO(PASSWORD)) == 0


def test_list_reset_disable_and_enable_are_audited(fresh_hall, capsys):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    for _ in range(auth.MAX_FAILURES):
        auth.authenticate(ledger, "tanaka", "wrong")  # tanaka locked out: it shows in the list

    out = io.StringIO()
    assert list_users_command(cfg, out=out) == 0
    table = out.getvalue()
    assert "田中 一郎" in table and "職員" in table and "税務課" in table and "ロック中" in table
    assert "argon2" not in table
    rows = json.loads(_capture_json(cfg))
    assert {r["name"] for r in rows} == {"tanaka", "suzuki", "admin1", "boss"}
    locked = next(r for r in rows if r["name"] == "tanaka")["state"]
    assert locked.startswith("ロック中（令和")  # until when, in 和暦 and the configured zone

    # reset: the forgotten password is replaced, the lock-out lifted, the old password refused
    assert reset_password_command(cfg, "tanaka", True, stdin=io.StringIO(NEW_PASSWORD + "\n")) == 0
    assert auth.authenticate(ledger, "tanaka", PASSWORD).principal is None
    assert auth.authenticate(ledger, "tanaka", NEW_PASSWORD).principal is not None
    (reset,) = _audits(ledger, "password_reset")
    assert reset.actor.startswith("cli:") and reset.target == "console_user:tanaka"
    assert NEW_PASSWORD not in json.dumps([reset.before, reset.after, reset.detail], ensure_ascii=False)
    # a too-short password or an unknown name changes nothing
    assert reset_password_command(cfg, "tanaka", True, stdin=io.StringIO("short\n")) == 1
    assert reset_password_command(cfg, "tanaka.i", True, stdin=io.StringIO(NEW_PASSWORD)) == 1
    assert "「tanaka」のことですか" in capsys.readouterr().err
    assert len(_audits(ledger, "password_reset")) == 1

    assert set_active_command(cfg, "suzuki", False) == 0
    assert auth.authenticate(ledger, "suzuki", PASSWORD).principal is None
    assert next(r for r in json.loads(_capture_json(cfg)) if r["name"] == "suzuki")["state"] == "無効"
    assert set_active_command(cfg, "suzuki", True) == 0
    assert auth.authenticate(ledger, "suzuki", PASSWORD).principal is not None
    assert [a.actor.startswith("cli:") for a in _audits(ledger, "user_disabled") + _audits(ledger, "user_enabled")] == [
        True,
        True,
    ]


def test_last_sign_in_is_shown_in_the_configured_zone(fresh_hall):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    with ledger.session() as s:
        user = s.scalars(select(ConsoleUser).where(ConsoleUser.name == "boss")).one()
        user.last_login_at = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo
    (boss,) = [r for r in json.loads(_capture_json(cfg)) if r["name"] == "boss"]
    assert boss["last_login"] == "令和8年11月30日 09:30"


def _capture_json(cfg) -> str:
    out = io.StringIO()
    assert list_users_command(cfg, as_json=True, out=out) == 0
    return out.getvalue()
