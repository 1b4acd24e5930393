"""Console accounts and sign-in sessions, in the ledger's own database.

They share the ledger's ``Base`` (and so its Alembic history, revision 0002) because the
audit trail must join people to what they did, and a city hall runs one database, not two.
Sessions live server-side so that signing out, disabling an account or a lock-out takes
effect at once — a signed cookie alone would stay valid until it expires.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from daiko.ledger.models import Base, UTCDateTime, utcnow


class ConsoleUser(Base):
    """A member of staff who signs in to the console. The password is only ever an argon2 hash."""

    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # login name, ASCII
    display_name: Mapped[str] = mapped_column(String(64))  # 表示名, e.g. 山田 花子
    role: Mapped[str] = mapped_column(String(16))  # staff / admin / manager (see roles.py)
    section: Mapped[str | None] = mapped_column(String(64))  # 課, required for staff
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # consecutive, reset on success
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ConsoleSession(Base):
    """One signed-in browser. The cookie carries a random id; only its SHA-256 is stored here."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's id
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
