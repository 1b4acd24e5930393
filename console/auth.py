"""Sign-in: argon2 passwords, lock-out after repeated failures, server-side sessions, CSRF tokens.

Every sign-in, failure, lock-out and sign-out is written to the audit trail: 内部監査 asks
who tried to get in, not only who did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from daiko.console.models import ConsoleSession, ConsoleUser
from daiko.console.roles import Principal
from daiko.ledger import Ledger, utcnow

MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=15)
IDLE_TIMEOUT = dt.timedelta(minutes=60)  # a PC left signed in at lunch
SESSION_LIFETIME = dt.timedelta(hours=10)  # one working day, then sign in again
_TOUCH_EVERY = dt.timedelta(seconds=60)  # don't write the ledger on every click

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (Japanese), or None."""
    if len(password) < 10:
        return "パスワードは10文字以上にしてください"
    if password.strip() != password:
        return "パスワードの前後に空白は使えません"
    return None


@dataclass(frozen=True)
class LoginResult:
    principal: Principal | None
    message: str | None = None  # Japanese, shown on the sign-in screen


def principal_of(user: ConsoleUser) -> Principal:
    return Principal(user.id, user.name, user.display_name, user.role, user.section)


def authenticate(
    ledger: Ledger, name: str, password: str, *, client: str = "", now: dt.datetime | None = None
) -> LoginResult:
    """Check a name and password, counting failures; the 5th in a row locks the account 15 minutes.

    ``now`` is the moment of the attempt (default: the clock): the lock-out is a span of ledger
    time, so a test can step through its 15 minutes without waiting them.
    """
    wrong = LoginResult(None, "ログイン名またはパスワードが違います")
    now = now or utcnow()
    with ledger.session() as s:
        user = s.scalars(select(ConsoleUser).where(ConsoleUser.name == name)).one_or_none()
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
            ledger.audit(
                "anonymous",
                "login_failed",
                f"console_user:{user.name}" if user else "console_user:?",
                detail=f"{'無効化されたアカウント' if user else '存在しないログイン名'} from {client}",
                session=s,
            )
            return wrong
        target = f"console_user:{user.name}"
        if user.locked_until is not None and user.locked_until > now:
            ledger.audit(user.name, "login_refused_locked", target, detail=f"from {client}", session=s)
            return LoginResult(None, _locked_message(user.locked_until, now))
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            ledger.audit(
                user.name, "login_failed", target, detail=f"{user.failed_logins}回目の失敗 from {client}", session=s
            )
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + LOCK_FOR
                ledger.audit(
                    "system",
                    "account_locked",
                    target,
                    before={"failed_logins": user.failed_logins},
                    after={"locked_until": user.locked_until.isoformat()},
                    detail=f"{MAX_FAILURES}回連続で失敗したため{int(LOCK_FOR.total_seconds() // 60)}分間ロック",
                    session=s,
                )
                user.failed_logins = 0
                return LoginResult(None, _locked_message(user.locked_until, now))
            return wrong
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        ledger.audit(user.name, "login", target, detail=f"from {client}", session=s)
        return LoginResult(principal_of(user))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))  # 15 right after locking, not 16
    return f"ログインに続けて失敗したため、このアカウントはロックされています。約{minutes}分後にもう一度お試しください"


# ---- sessions ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(ledger: Ledger, user_id: int) -> str:
    """A new session for a user who just signed in; returns the random id for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with ledger.session() as s:
        s.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))  # housekeeping
        s.add(ConsoleSession(id=_digest(token), user_id=user_id, expires_at=now + SESSION_LIFETIME))
    return token


def resolve_session(ledger: Ledger, token: str | None) -> Principal | None:
    """The signed-in user for this cookie id, or None (expired, idle, signed out, account disabled)."""
    if not token:
        return None
    now = utcnow()
    with ledger.session() as s:
        row = s.get(ConsoleSession, _digest(token))
        if row is None:
            return None
        user = s.get(ConsoleUser, row.user_id)
        if row.expires_at <= now or now - row.last_seen_at > IDLE_TIMEOUT or user is None or not user.active:
            s.delete(row)
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            row.last_seen_at = now
        return principal_of(user)


def close_session(ledger: Ledger, token: str | None) -> None:
    if token:
        with ledger.session() as s:
            s.execute(delete(ConsoleSession).where(ConsoleSession.id == _digest(token)))


def close_sessions_of(ledger: Ledger, user_id: int) -> None:
    """Sign a user out everywhere (account disabled, password reset)."""
    with ledger.session() as s:
        s.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))


# ---- CSRF ------------------------------------------------------------------------------------


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
