"""Console accounts: created from the command line (the first admin) or by an admin in the browser.

The password is asked twice at a prompt or read from stdin — never a command-line argument,
which would be left in the shell history and visible in the process list.
"""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import re
import sys
from typing import TextIO

from sqlalchemy import select

from daiko.config import DaikoConfig
from daiko.console.auth import close_sessions_of, hash_password, password_problem, principal_of
from daiko.console.models import ConsoleUser
from daiko.console.roles import ROLES, STAFF, Principal, normalise_role
from daiko.ledger import Ledger
from daiko.wareki import wareki_datetime

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")


class UserError(ValueError):
    """A request about an account that cannot be done; the message is Japanese, for the admin."""


def check_section(section: str, known: list[str]) -> None:
    """A 課 no robot works for is a typo (税務 for 税務課): the account would see an empty queue
    forever. UserError names the closest 課 robots.yaml knows, and lists them all."""
    if section in known:
        return
    close = difflib.get_close_matches(section, known, n=1, cutoff=0.3) or [k for k in known if section in k][:1]
    hint = f"「{close[0]}」のことですか？ " if close else ""
    listed = "、".join(known) if known else "（robots.yaml にロボットがありません）"
    raise UserError(f"課「{section}」は robots.yaml のどのロボットの担当課でもありません。{hint}使える課: {listed}")


def add_user(
    ledger: Ledger,
    *,
    name: str,
    role: str,
    section: str | None,
    display_name: str | None,
    password: str,
    actor: str,
    sections: list[str] | None = None,
) -> Principal:
    """Create an account (audited as ``user_added`` by ``actor``); UserError says what to fix.

    ``sections``: the 課 an account may belong to (robots.yaml's, see :func:`known_sections`);
    None only where the caller has no configuration at hand."""
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
    if section is not None and sections is not None:
        check_section(section, sections)
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


def known_sections(cfg: DaikoConfig) -> list[str]:
    """The 課 robots.yaml's robots work for: the only ones whose items a staff account can see."""
    return sorted({robot.section for robot in cfg.robots if robot.section})


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


def user_id_of(ledger: Ledger, name: str) -> int:
    """The account's id by login name; UserError when there is none (with the names that exist)."""
    with ledger.session() as s:
        found = s.scalars(select(ConsoleUser.id).where(ConsoleUser.name == name.strip())).first()
        if found is None:
            names = list(s.scalars(select(ConsoleUser.name).order_by(ConsoleUser.name)))
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"「{close[0]}」のことですか？" if close else "`daiko console user list` で一覧を確認してください"
            raise UserError(f"ログイン名「{name}」の利用者はいません。{hint}")
        return found


def reset_password(ledger: Ledger, user_id: int, password: str, *, actor: str) -> None:
    """Set a new password (the person forgot theirs): lock-out lifted, signed out everywhere, audited.

    The audit row says that the password changed and by whom, never the password or its hash."""
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    with ledger.session() as s:
        user = s.get(ConsoleUser, user_id)
        if user is None:
            raise UserError("その利用者はいません")
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        ledger.audit(actor, "password_reset", f"console_user:{user.name}", before=None, after=None, session=s)
    close_sessions_of(ledger, user_id)


def _read_password(password_stdin: bool, stdin: TextIO) -> str:
    if password_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("パスワード: ")
    second = getpass.getpass("パスワード（確認）: ")
    if first != second:
        raise UserError("2回入力したパスワードが一致しません")
    return first


def cli_actor() -> str:
    """Who did it, for the audit trail: the OS account that ran the command."""
    return f"cli:{getpass.getuser()}"


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
    """`daiko console user add`: exit code 0 when created, 1 with the reason on stderr otherwise.

    The 課 is checked against robots.yaml before the password is asked for."""
    out = out or sys.stdout
    try:
        ledger = Ledger(cfg.ledger_url)
        sections = known_sections(cfg)
        if section and section.strip():
            check_section(section.strip(), sections)
        password = _read_password(password_stdin, stdin or sys.stdin)
        user = add_user(
            ledger,
            name=name,
            role=role,
            section=section,
            display_name=display_name,
            password=password,
            actor=cli_actor(),
            sections=sections,
        )
    except UserError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    where = f"（{user.section}）" if user.section else ""
    print(f"利用者「{user.name}」を作成しました: {user.display_name} / {user.role_ja}{where}", file=out)
    return 0


def _local(moment: dt.datetime | None, zone: str) -> str:
    """A time as staff read it: the configured zone (never the host's), 和暦 date."""
    return wareki_datetime(moment, zone, weekday=False) if moment is not None else "—"


def user_rows(cfg: DaikoConfig) -> list[dict[str, str | bool | None]]:
    """Every account as `daiko console user list` shows it (times in the configured zone)."""
    now = dt.datetime.now(dt.UTC)
    rows = []
    for user in list_users(Ledger(cfg.ledger_url)):
        locked = user.locked_until
        if locked is not None and locked.tzinfo is None:
            locked = locked.replace(tzinfo=dt.UTC)
        if not user.active:
            state = "無効"
        elif locked is not None and locked > now:
            state = f"ロック中（{_local(locked, cfg.defaults.timezone)} まで）"
        else:
            state = "有効"
        rows.append(
            {
                "name": user.name,
                "display_name": user.display_name,
                "role": ROLES.get(user.role, user.role),
                "section": user.section,
                "active": bool(user.active),
                "state": state,
                "last_login": _local(user.last_login_at, cfg.defaults.timezone),
            }
        )
    return rows


def list_users_command(cfg: DaikoConfig, *, as_json: bool = False, out: TextIO | None = None) -> int:
    """`daiko console user list`: a table (or JSON) of every account; never a password hash."""
    import json

    from rich.console import Console
    from rich.table import Table

    rows = user_rows(cfg)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out or sys.stdout)
        return 0
    console = Console(file=out, soft_wrap=True, highlight=False)
    if not rows:
        console.print(
            "利用者はまだいません。`daiko console user add NAME --role admin` で最初の管理者を作成してください"
        )
        return 0
    table = Table(title=f"確認コンソールの利用者（{len(rows)} 人）")
    for header in ("ログイン名", "表示名", "役割", "課", "状態", "最終ログイン"):
        table.add_column(header)
    for row in rows:
        table.add_row(*(str(row[k] or "—") for k in ("name", "display_name", "role", "section", "state", "last_login")))
    console.print(table)
    return 0


def reset_password_command(
    cfg: DaikoConfig, name: str, password_stdin: bool, *, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    """`daiko console user reset-password NAME`: new password asked twice (or read from stdin)."""
    try:
        ledger = Ledger(cfg.ledger_url)
        user_id = user_id_of(ledger, name)
        password = _read_password(password_stdin, stdin or sys.stdin)
        reset_password(ledger, user_id, password, actor=cli_actor())
    except UserError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    print(
        f"利用者「{name.strip()}」のパスワードを変更しました（ロックは解除、サインイン中の画面は閉じられます）",
        file=out or sys.stdout,
    )
    return 0


def set_active_command(cfg: DaikoConfig, name: str, active: bool, *, out: TextIO | None = None) -> int:
    """`daiko console user enable|disable NAME`: audited; disabling signs the person out at once."""
    try:
        ledger = Ledger(cfg.ledger_url)
        set_active(ledger, user_id_of(ledger, name), active, actor=cli_actor())
    except UserError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    done = "有効にしました" if active else "無効にしました（サインイン中の画面も閉じられます）"
    print(f"利用者「{name.strip()}」を{done}", file=out or sys.stdout)
    return 0
