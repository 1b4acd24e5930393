"""Plumbing shared by the console's routes: templates, the signed-in user, CSRF, error pages.

Every state-changing request goes through :func:`csrf_protect` (token in the signed session,
echoed in each form or in the X-CSRF-Token header) — the console is reachable from every PC
of the 課 and a page elsewhere must not be able to post a decision in someone's name.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature

from daiko.config import DaikoConfig
from daiko.console.auth import csrf_ok, new_csrf_token, resolve_session
from daiko.console.roles import ROLES, Principal
from daiko.labels import choice_label, label
from daiko.ledger import Ledger
from daiko.localtime import local_time
from daiko.wareki import wareki_date, wareki_datetime

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))


class LoginRequired(Exception):
    """Raised by :func:`current_user`; the app answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        self.next_path = next_path


class Forbidden(Exception):
    """403 with a Japanese explanation; the attempt is written to the audit trail."""

    def __init__(self, message: str = "この画面を表示する権限がありません"):
        self.message = message


class CsrfRefused(Exception):
    pass


def cfg_of(request: Request) -> DaikoConfig:
    return request.app.state.cfg


def ledger_of(request: Request) -> Ledger:
    return request.app.state.ledger


def current_user(request: Request) -> Principal:
    """FastAPI dependency: the signed-in person, or a redirect to sign-in."""
    principal = resolve_session(ledger_of(request), request.session.get("sid"))
    if principal is None:
        request.session.pop("sid", None)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    request.state.user = principal
    return principal


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency for every POST: the session's token must come back, from our own origin."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise CsrfRefused()
    given = request.headers.get("x-csrf-token")
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            given = (await request.form()).get("csrf_token")  # cached: the route reads the same form
    if not csrf_ok(request.session.get("csrf"), given if isinstance(given, str) else None):
        raise CsrfRefused()


def safe_next(value: str | None, default: str = "/") -> str:
    """Only paths on this site: an open redirect would let a phishing mail borrow our sign-in page."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


# ---- how long a screen was open -----------------------------------------------------------------------

OPENED_MAX_AGE = 24 * 3600  # a stamp older than a day says nothing about the time spent on the screen


def opened_stamp(request: Request, key: str) -> str:
    """A signed "opened now" stamp for a screen (``key`` names the screen and the person), sent back
    with its form so the server knows how long it was open even without JavaScript."""
    return request.app.state.opened_signer.sign(key).decode()


def seconds_open(request: Request, stamp: str, key: str) -> float | None:
    """Seconds since :func:`opened_stamp` gave ``stamp`` for ``key``; None if forged, stale or another's."""
    try:
        value, at = request.app.state.opened_signer.unsign(stamp, max_age=OPENED_MAX_AGE, return_timestamp=True)
    except (BadSignature, TypeError):
        return None
    if value.decode() != key:
        return None
    return max(0.0, time.time() - at.timestamp())


# ---- template helpers ------------------------------------------------------------------------------


def _local(cfg: DaikoConfig, value: dt.datetime | None) -> dt.datetime | None:
    return local_time(value, cfg.defaults.timezone) if value is not None else None


def fmt_time(cfg: DaikoConfig, value: dt.datetime | None, pattern: str = "%m/%d %H:%M") -> str:
    local = _local(cfg, value)
    return local.strftime(pattern) if local else "—"


def fmt_age(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """「12分」「3時間」「2日」: how long an item has waited, at a glance."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    seconds = max(0, int(((now or dt.datetime.now(dt.UTC)) - value).total_seconds()))
    if seconds < 60:
        return "1分未満"
    if seconds < 3600:
        return f"{seconds // 60}分"
    if seconds < 86400:
        return f"{seconds // 3600}時間"
    return f"{seconds // 86400}日"


def fmt_wareki(
    cfg: DaikoConfig, value: dt.date | dt.datetime | None, *, time: bool = True, seconds: bool = False
) -> str:
    """「令和8年11月30日（月） 15:20」 in the configured zone; a plain date as 「令和8年11月30日（月）」."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        if not time:
            local = _local(cfg, value)
            return wareki_date(local.date()) if local else "—"
        return wareki_datetime(value, cfg.defaults.timezone, seconds=seconds)
    return wareki_date(value)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    cfg = cfg_of(request)
    ctx: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "roles": ROLES,
        "time": lambda v, p="%m/%d %H:%M": fmt_time(cfg, v, p),
        "age": fmt_age,
        # 和暦 as the paper writes it, times in the configured zone (issue 15).
        "wareki": lambda v, time=True, seconds=False: fmt_wareki(cfg, v, time=time, seconds=seconds),
        "label": label,
        "choice_label": choice_label,
        "path": request.url.path,
    }
    ctx.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)
