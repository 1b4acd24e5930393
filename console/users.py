"""Console accounts: created from the command line (the first admin) or by an admin in the browser.

The password is asked twice at a prompt or read from stdin — never a command-line argument,
which would be left in the shell history and visible in the process list.
"""

from __future__ import annotations

import getpass
import re
import sys
from typing import TextIO

from sqlalchemy import select

from daiko.config import DaikoConfig
from daiko.console.auth import close_sessions_of, hash_password, password_problem, principal_of
from daiko.console.models import ConsoleUser
from daiko.console.roles import STAFF, Principal, normalise_role
from daiko.ledger import Ledger

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")


class UserError(ValueError):
    """A request about an account that cannot be done; the message is Japanese, for the admin."""


def add_user(
    ledger: Ledger,
    *,
    name: str,
    role: str,
    section: str | None,
    display_name: str | None,
    password: str,
    actor: str,
) -> Principal:
    """Create an account (audited as ``user_added`` by ``actor``); UserError says what to fix."""
    name = name.strip()
    if not NAME_RE.match(name):
        raise UserError("ログイン名は半角英数字（と . _ -）2〜64文字にしてください（例: yamada.h）")
    try:
        role = normalise_role(role)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    section = (section or "").strip() or None
    if role == STAFF and section is None:
        raise UserError("職員には担当の課を指定してください（例: --section 税務課）")
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    display = (display_name or "").strip() or name
    with ledger.session() as s:
        if s.scalars(select(ConsoleUser.id).where(ConsoleUser.name == name)).first() is not None:
            raise UserError(f"ログイン名「{name}」は既に使われています")
        user = ConsoleUser(
            name=name, display_name=display, role=role, section=section, password_hash=hash_password(password)
        )
        s.add(user)
        s.flush()
        ledger.audit(
            actor,
            "user_added",
            f"console_user:{name}",
            after={"role": role, "section": section, "display_name": display},
            session=s,
        )
        return principal_of(user)


def list_users(ledger: Ledger) -> list[ConsoleUser]:
    with ledger.session() as s:
        return list(s.scalars(select(ConsoleUser).order_by(ConsoleUser.role, ConsoleUser.section, ConsoleUser.name)))


def set_active(ledger: Ledger, user_id: int, active: bool, *, actor: str) -> None:
    """Disable (or re-enable) an account; disabling signs it out everywhere at once."""
    with ledger.session() as s:
        user = s.get(ConsoleUser, user_id)
        if user is None:
            raise UserError("その利用者はいません")
        if user.name == actor and not active:
            raise UserError("自分自身は無効にできません")
        before = user.active
        user.active = active
        ledger.audit(
            actor,
            "user_enabled" if active else "user_disabled",
            f"console_user:{user.name}",
            before={"active": before},
            after={"active": active},
            session=s,
        )
    if not active:
        close_sessions_of(ledger, user_id)


def unlock(ledger: Ledger, user_id: int, *, actor: str) -> None:
    """Lift a lock-out before its 15 minutes are up (the person phoned the help desk)."""
    with ledger.session() as s:
        user = s.get(ConsoleUser, user_id)
        if user is None:
            raise UserError("その利用者はいません")
        before = user.locked_until.isoformat() if user.locked_until else None
        user.locked_until = None
        user.failed_logins = 0
        ledger.audit(
            actor, "user_unlocked", f"console_user:{user.name}", before={"locked_until": before}, after=None, session=s
        )


def _read_password(password_stdin: bool, stdin: TextIO) -> str:
    if password_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("パスワード: ")
    second = getpass.getpass("パスワード（確認）: ")
    if first != second:
        raise UserError("2回入力したパスワードが一致しません")
    return first


def add_user_command(
    cfg: DaikoConfig,
    name: str,
    role: str,
    section: str | None,
    display_name: str | None,
    password_stdin: bool,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """`daiko console user add`: exit code 0 when created, 1 with the reason on stderr otherwise."""
    out = out or sys.stdout
    try:
        password = _read_password(password_stdin, stdin or sys.stdin)
        ledger = Ledger(cfg.ledger_url)
        user = add_user(
            ledger, name=name, role=role, section=section, display_name=display_name, password=password, actor="cli"
        )
    except UserError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    where = f"（{user.section}）" if user.section else ""
    print(f"利用者「{user.name}」を作成しました: {user.display_name} / {user.role_ja}{where}", file=out)
    return 0
