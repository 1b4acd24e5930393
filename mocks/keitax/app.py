"""The 軽自動車税システム web application: server-rendered screens over the mock's own database.

Screens follow the flow staff use: ログイン → 業務メニュー → 車両検索 → 検索結果一覧 → 車両詳細 →
廃車登録入力 → 入力内容確認 → 登録完了 → 確認票, plus 受付番号検索 and EUCデータ抽出. State that a
real system keeps on the server (the entry waiting for 登録, the 更新ロック) is kept in the
database, keyed by the session, so a browser cannot tamper with it between 確認 and 登録.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import secrets
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from daiko.mocks.keitax import extract, rules, store
from daiko.mocks.keitax.faults import FaultConfig, FaultDice
from daiko.mocks.keitax.messages import Message, msg
from daiko.mocks.keitax.screens import SCREENS, UI
from daiko.mocks.keitax.wareki import ERAS, format_wareki, format_wareki_short

HERE = Path(__file__).parent
COOKIE = "KTXSESSIONID"
COMMIT_PATH = "/haisha/toroku"
RESULT_LIMIT = 50
NO_FAULT_PATHS = ("/static/", "/healthz", "/favicon.ico")


@dataclass(frozen=True)
class Settings:
    db_path: Path
    seed: int = 42
    records: int = 3000
    faults: FaultConfig = field(default_factory=FaultConfig)
    idle_timeout: float = 900.0  # seconds without a request before the session expires
    lock_timeout: float | None = None  # a 更新ロック older than this is stale; default: idle_timeout
    sessions_per_user: int = 1  # sessions one user may hold at once (0: any number)


class SessionProblem(Exception):
    """The request has no usable session; the session error screen says why."""

    def __init__(self, message_id: str):
        super().__init__(message_id)
        self.message_id = message_id


class InjectedFault(Exception):
    """Raised by the fault injector inside a transaction: proves a 500 there leaves nothing half-done."""


class _Rejected(Exception):
    def __init__(self, messages: list[Message], bad_fields: set[str] | None = None):
        super().__init__(messages[0].text)
        self.messages = messages
        self.bad_fields = bad_fields or set()


class _AfterCommit:
    """The after-commit faults: what the next requests meet, and the test hook that kills a robot."""

    def __init__(self, faults: FaultConfig):
        self.faults = faults
        self._lock = threading.Lock()
        self._left = 0
        self._kind: str | None = None
        self._commits = 0

    def take(self) -> str | None:
        with self._lock:
            if self._left <= 0:
                return None
            self._left -= 1
            return self._kind

    def committed(self) -> int | None:
        """Called once a 登録 is saved; returns the pid to kill when a kill is due. The caller writes
        the audit row first and then calls :meth:`kill`: a test that sees the robot die must find
        the row (killing first raced the row's INSERT)."""
        with self._lock:
            self._commits += 1
            if self.faults.down_after_commit:
                self._kind, self._left = "down", self.faults.down_after_commit - 1
            elif self.faults.slow_after_commit:
                self._kind, self._left = "slow", self.faults.slow_after_commit_n - 1
            due = self.faults.kill_after_commit and self._commits % self.faults.kill_after_commit_every == 0
        if not due:
            return None
        try:
            return int(Path(self.faults.kill_after_commit).read_text().strip())
        except (OSError, ValueError):
            return None

    def kill(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        Path(self.faults.kill_after_commit).unlink(missing_ok=True)


@dataclass
class Ctx:
    """One authenticated request: its database connection, session and user."""

    conn: sqlite3.Connection
    sid: str
    session: sqlite3.Row
    user: sqlite3.Row
    remote: str | None


def _wareki_iso(value: str | None) -> str:
    return format_wareki(dt.date.fromisoformat(value[:10])) if value else ""


def _wareki_short_iso(value: str | None) -> str:
    return format_wareki_short(dt.date.fromisoformat(value[:10])) if value else ""


def _datetime_jp(value: str | None) -> str:
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    return f"{format_wareki(moment.date())} {moment:%H:%M:%S}"


def create_app(settings: Settings, *, password: str | None = None) -> FastAPI:
    """Build the app; creates and seeds the database on first use."""
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = store.connect(settings.db_path)
    try:
        store.initialise(conn, seed=settings.seed, records=settings.records)
        demo_password = store.ensure_users(conn, password)
    finally:
        conn.close()
    lock_timeout = settings.lock_timeout if settings.lock_timeout is not None else settings.idle_timeout
    faults = settings.faults
    dice = FaultDice(faults, settings.seed)
    ui = UI[faults.layout]
    after_commit = _AfterCommit(faults)

    app = FastAPI(title="軽自動車税システム（模擬）", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.demo_password = demo_password
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters.update(wareki=_wareki_iso, wareki_short=_wareki_short_iso, jdatetime=_datetime_jp)
    templates.env.globals.update(ui=ui, layout=faults.layout, eras=ERAS, reasons=rules.REASONS)

    def render(
        request: Request,
        template: str,
        screen_id: str,
        *,
        user: sqlite3.Row | None = None,
        messages: list[Message] | None = None,
        status: int = 200,
        **context: object,
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            template,
            {
                "screen_id": screen_id,
                "title": SCREENS[screen_id],
                "user": user,
                "messages": messages or [],
                "business_date": format_wareki(store.today_jst()),
                **context,
            },
            status_code=status,
        )

    def system_error(request: Request) -> HTMLResponse:
        return render(request, "system_error.html", "KTX-9000", messages=[msg("E9000")], status=500)

    # --- plumbing ----------------------------------------------------------------------------

    @app.middleware("http")
    async def inject_faults(request: Request, call_next):
        path = request.url.path
        if path.startswith(NO_FAULT_PATHS):
            response = await call_next(request)
            if path.startswith("/static/"):
                response.headers["Cache-Control"] = "max-age=86400"  # as the real one: no re-fetch per screen
            return response
        effect = after_commit.take()
        if effect == "down":
            return system_error(request)
        delay = dice.slow_delay() + (faults.slow_after_commit if effect == "slow" else 0.0)
        if delay:
            await asyncio.sleep(delay)
        if dice.http500():
            if path != COMMIT_PATH:
                return system_error(request)
            request.state.fail_in_transaction = True  # strike inside the transaction instead
        return await call_next(request)

    @app.exception_handler(SessionProblem)
    async def session_problem(request: Request, exc: SessionProblem) -> HTMLResponse:
        response = render(request, "session_error.html", "KTX-0002", messages=[msg(exc.message_id)])
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        # A hand-edited URL or a form from another screen: old systems answer 不正な画面遷移.
        return render(request, "session_error.html", "KTX-0002", messages=[msg("E0005")])

    @app.exception_handler(InjectedFault)
    async def injected(request: Request, exc: InjectedFault) -> HTMLResponse:
        return system_error(request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> HTMLResponse:
        return system_error(request)

    def db() -> Iterator[sqlite3.Connection]:
        conn = store.connect(settings.db_path)
        try:
            yield conn
        finally:
            conn.close()

    def authenticated(request: Request, conn: sqlite3.Connection = Depends(db)) -> Ctx:
        sid = request.cookies.get(COOKIE)
        session = store.get_session(conn, sid)
        remote = request.client.host if request.client else None
        if session is None:
            raise SessionProblem("E0004")
        if session["state"] == "killed":
            raise SessionProblem("E0003")
        if session["state"] != "active":
            raise SessionProblem("E0002" if session["state"] == "expired" else "E0004")
        idle = dt.datetime.now().timestamp() - session["last_seen"]
        count = store.touch_session(conn, sid)
        if idle > settings.idle_timeout or (faults.expire_every and count >= faults.expire_every):
            store.end_session(conn, sid, "expired")
            store.add_audit(conn, login=session["login"], action="session_expired", sid=sid, remote=remote)
            raise SessionProblem("E0002")
        user = store.get_user(conn, session["login"])
        return Ctx(conn, sid, store.get_session(conn, sid), user, remote)

    # --- ログイン ----------------------------------------------------------------------------

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> PlainTextResponse:
        # The pid lets a starter tell *its* server from another one that took the port first.
        return PlainTextResponse("ok", headers={"X-Keitax-Pid": str(os.getpid())})

    @app.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @app.get("/login")
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html", "KTX-0001")

    @app.post("/login")
    def login(
        request: Request,
        user_id: str = Form(""),
        password: str = Form(""),
        conn: sqlite3.Connection = Depends(db),
    ) -> Response:
        remote = request.client.host if request.client else None
        user = store.check_password(conn, user_id.strip(), password)
        if user is None:
            store.add_audit(conn, login=user_id.strip()[:40] or None, action="login_failed", remote=remote)
            return render(request, "login.html", "KTX-0001", messages=[msg("E0001")], user_id=user_id)
        sid = store.create_session(conn, user["login"], remote=remote, per_user=settings.sessions_per_user)
        response = RedirectResponse("/menu", status_code=303)
        response.set_cookie(COOKIE, sid, httponly=True, samesite="lax", path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, conn: sqlite3.Connection = Depends(db)) -> HTMLResponse:
        sid = request.cookies.get(COOKIE)
        session = store.get_session(conn, sid)
        if session is not None and session["state"] == "active":
            store.end_session(conn, sid, "logout")
            store.add_audit(conn, login=session["login"], action="logout", sid=sid)
        response = render(request, "login.html", "KTX-0001", messages=[msg("I0001")])
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/menu")
    def menu(request: Request, ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        return render(request, "menu.html", "KTX-0100", user=ctx.user)

    # --- 車両検索 ----------------------------------------------------------------------------

    @app.get("/sharyo/kensaku")
    def search_page(request: Request, ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        return render(request, "search.html", "KTX-0310", user=ctx.user, q={})

    @app.get("/sharyo/kensaku/kekka")
    def search_results(
        request: Request, plate: str = "", chassis: str = "", kana: str = "", ctx: Ctx = Depends(authenticated)
    ) -> HTMLResponse:
        q = {"plate": plate.strip(), "chassis": chassis.strip(), "kana": kana.strip()}
        if not any(q.values()):
            return render(request, "search.html", "KTX-0310", user=ctx.user, q=q, messages=[msg("E0301")])
        rows = store.search_vehicles(ctx.conn, **q, limit=RESULT_LIMIT + 1)
        if not rows:
            return render(request, "search.html", "KTX-0310", user=ctx.user, q=q, messages=[msg("I0301")])
        messages = [msg("W0302", limit=RESULT_LIMIT)] if len(rows) > RESULT_LIMIT else []
        return render(
            request, "results.html", "KTX-0320", user=ctx.user, q=q, rows=rows[:RESULT_LIMIT], messages=messages
        )

    def detail(request: Request, ctx: Ctx, vehicle: sqlite3.Row, messages: list[Message] | None = None):
        last = store.processed_for_vehicle(ctx.conn, vehicle["id"])
        return render(request, "detail.html", "KTX-0330", user=ctx.user, v=vehicle, last=last, messages=messages)

    def vehicle_or_search(request: Request, ctx: Ctx, vehicle_id: int | None):
        vehicle = store.get_vehicle(ctx.conn, vehicle_id) if vehicle_id else None
        if vehicle is None:
            return None, render(request, "search.html", "KTX-0310", user=ctx.user, q={}, messages=[msg("E0303")])
        return vehicle, None

    @app.get("/sharyo/shosai")
    def detail_page(
        request: Request,
        id: int | None = None,
        plate: str = "",
        chassis: str = "",
        kana: str = "",
        ctx: Ctx = Depends(authenticated),
    ) -> HTMLResponse:
        if id is None and any((plate, chassis, kana)):
            # 詳細 pressed with no row chosen: the list comes back with a message, as on the real screen.
            q = {"plate": plate, "chassis": chassis, "kana": kana}
            rows = store.search_vehicles(ctx.conn, **q, limit=RESULT_LIMIT)
            return render(request, "results.html", "KTX-0320", user=ctx.user, q=q, rows=rows, messages=[msg("E0304")])
        vehicle, error = vehicle_or_search(request, ctx, id)
        return error or detail(request, ctx, vehicle)

    # --- 廃車登録 ----------------------------------------------------------------------------

    def haisha_input(request: Request, ctx: Ctx, vehicle, form: rules.HaishaInput, checked=None) -> HTMLResponse:
        return render(
            request, "haisha_input.html", "KTX-0340", user=ctx.user, v=vehicle, f=form,
            messages=checked.messages if checked else [], bad=checked.bad_fields if checked else set(),
        )  # fmt: skip

    def lock_or_error(request: Request, ctx: Ctx, vehicle) -> HTMLResponse | None:
        if vehicle["status"] != "課税中":
            return detail(request, ctx, vehicle, [msg("E0402", date=_wareki_iso(vehicle["deregistered_on"]))])
        if dice.locked():
            return detail(request, ctx, vehicle, [msg("E0401", holder="shokuin02")])
        holder = store.acquire_lock(ctx.conn, vehicle["id"], ctx.sid, ctx.user["login"], lock_timeout)
        if holder is not None:
            return detail(request, ctx, vehicle, [msg("E0401", holder=holder)])
        return None

    @app.post("/haisha/nyuryoku")
    def haisha_open(request: Request, vehicle_id: int = Form(0), ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        vehicle, error = vehicle_or_search(request, ctx, vehicle_id)
        if error:
            return error
        error = lock_or_error(request, ctx, vehicle)
        if error:
            return error
        store.set_pending(ctx.conn, ctx.sid, None)
        return haisha_input(request, ctx, vehicle, rules.HaishaInput())

    @app.post("/haisha/kakunin")
    def haisha_confirm(
        request: Request,
        vehicle_id: int = Form(0),
        haisha_era: str = Form("R"),
        haisha_year: str = Form(""),
        haisha_month: str = Form(""),
        haisha_day: str = Form(""),
        reason: str = Form(""),
        shinkoku_era: str = Form("R"),
        shinkoku_year: str = Form(""),
        shinkoku_month: str = Form(""),
        shinkoku_day: str = Form(""),
        reference: str = Form(""),
        ctx: Ctx = Depends(authenticated),
    ) -> HTMLResponse:
        vehicle, error = vehicle_or_search(request, ctx, vehicle_id)
        if error:
            return error
        form = rules.HaishaInput(
            haisha_era, haisha_year.strip(), haisha_month.strip(), haisha_day.strip(), reason,
            shinkoku_era, shinkoku_year.strip(), shinkoku_month.strip(), shinkoku_day.strip(), reference.strip(),
        )  # fmt: skip
        if not store.holds_lock(ctx.conn, vehicle["id"], ctx.sid):
            error = lock_or_error(request, ctx, vehicle)  # e.g. the lock went stale; take it again if free
            if error:
                return error
        checked = rules.check(ctx.conn, vehicle, form, store.today_jst())
        if not checked.ok:
            return haisha_input(request, ctx, vehicle, form, checked)
        token = secrets.token_urlsafe(16)
        store.set_pending(ctx.conn, ctx.sid, {"token": token, "vehicle_id": vehicle["id"], "form": asdict(form)})
        return render(
            request, "haisha_confirm.html", "KTX-0350", user=ctx.user, v=vehicle, f=form, token=token,
            haisha=form.deregistered_on, shinkoku=form.declared_on,
        )  # fmt: skip

    def pending_or_error(request: Request, ctx: Ctx, token: str):
        pending = store.get_pending(ctx.session)
        if not pending or not token or not secrets.compare_digest(pending["token"], token):
            # Double submit, browser back, or a stale screen: never act on it.
            return None, render(request, "search.html", "KTX-0310", user=ctx.user, q={}, messages=[msg("E0005")])
        return pending, None

    @app.post("/haisha/modoru")
    def haisha_back(request: Request, token: str = Form(""), ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        pending, error = pending_or_error(request, ctx, token)
        if error:
            return error
        vehicle = store.get_vehicle(ctx.conn, pending["vehicle_id"])
        return haisha_input(request, ctx, vehicle, rules.HaishaInput(**pending["form"]))

    @app.post("/haisha/chushi")
    def haisha_cancel(vehicle_id: int = Form(0), ctx: Ctx = Depends(authenticated)) -> RedirectResponse:
        store.release_lock(ctx.conn, vehicle_id, ctx.sid)
        store.set_pending(ctx.conn, ctx.sid, None)
        return RedirectResponse(f"/sharyo/shosai?id={vehicle_id}", status_code=303)

    @app.post(COMMIT_PATH)
    def haisha_commit(request: Request, token: str = Form(""), ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        pending, error = pending_or_error(request, ctx, token)
        if error:
            return error
        form = rules.HaishaInput(**pending["form"])
        fail_inside = getattr(request.state, "fail_in_transaction", False)
        commit500 = dice.commit500()
        try:
            with store.transaction(ctx.conn):
                vehicle = store.get_vehicle(ctx.conn, pending["vehicle_id"])
                if not store.holds_lock(ctx.conn, vehicle["id"], ctx.sid):
                    raise _Rejected([msg("E0401", holder="不明")])
                checked = rules.check(ctx.conn, vehicle, form, store.today_jst())
                if not checked.ok:
                    raise _Rejected(checked.messages, checked.bad_fields)
                shori_no = store.deregister(
                    ctx.conn, vehicle=vehicle, reference=form.reference, deregistered_on=form.deregistered_on,
                    reason=form.reason, declared_on=form.declared_on, login=ctx.user["login"], sid=ctx.sid,
                    remote=ctx.remote,
                )  # fmt: skip
                store.set_pending(ctx.conn, ctx.sid, None)
                if fail_inside or (commit500 and not faults.commit500_after):
                    raise InjectedFault("injected failure before commit")
        except _Rejected as rejected:
            vehicle = store.get_vehicle(ctx.conn, pending["vehicle_id"])
            if rejected.messages[0].id in ("E0401", "E0402"):
                return detail(request, ctx, vehicle, rejected.messages)
            return haisha_input(request, ctx, vehicle, form, rules.Checked(rejected.messages, rejected.bad_fields))
        kill = after_commit.committed()
        if kill is not None:
            store.add_audit(
                ctx.conn, login="system", action="fault_kill", target=f"pid {kill}", reference=form.reference
            )
            after_commit.kill(kill)
        if faults.down_after_commit:
            return system_error(request)  # saved; the system then stays down for a while
        if faults.slow_after_commit:
            time.sleep(faults.slow_after_commit)  # saved; the answer comes too late
        if commit500:
            return system_error(request)  # saved, but the answer is lost: the robot must not key it again
        row = store.processed_by_no(ctx.conn, shori_no)
        return render(
            request, "haisha_done.html", "KTX-0360", user=ctx.user, p=row, v=store.get_vehicle(ctx.conn, row["vehicle_id"]),
            messages=[msg("I0601", shori=shori_no)],
        )  # fmt: skip

    @app.get("/haisha/kakuninhyo")
    def receipt(request: Request, no: str = "", ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        row = store.processed_by_no(ctx.conn, no)
        if row is None:
            return render(request, "uketsuke.html", "KTX-0410", user=ctx.user, no="", rows=[], messages=[msg("I0411")])
        vehicle = store.get_vehicle(ctx.conn, row["vehicle_id"])
        return render(
            request, "kakuninhyo.html", "KTX-0370", user=ctx.user, p=row, v=vehicle, printed_at=store.now_jst()
        )

    # --- 受付番号検索 ------------------------------------------------------------------------

    @app.get("/uketsuke/kensaku")
    def reference_search(request: Request, no: str | None = None, ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        if no is None:
            return render(request, "uketsuke.html", "KTX-0410", user=ctx.user, no="", rows=[])
        no = no.strip()
        if not no:
            return render(request, "uketsuke.html", "KTX-0410", user=ctx.user, no="", rows=[], messages=[msg("E0411")])
        row = store.processed_by_reference(ctx.conn, no)
        rows = [row] if row else []
        return render(
            request, "uketsuke.html", "KTX-0410", user=ctx.user, no=no, rows=rows,
            messages=[] if rows else [msg("I0411")],
        )  # fmt: skip

    # --- EUCデータ抽出 -----------------------------------------------------------------------

    @app.get("/chushutsu")
    def extract_page(request: Request, ctx: Ctx = Depends(authenticated)) -> HTMLResponse:
        today = store.today_jst()
        return render(
            request, "extract.html", "KTX-0510", user=ctx.user, date_from=f"{today:%Y%m%d}", date_to=f"{today:%Y%m%d}",
            encoding="sjis",
        )  # fmt: skip

    @app.get("/chushutsu/haisha.csv")
    def extract_csv(
        request: Request,
        date_from: str = "",
        date_to: str = "",
        encoding: str = "sjis",
        ctx: Ctx = Depends(authenticated),
    ) -> Response:
        first, last = extract.parse_day(date_from), extract.parse_day(date_to)
        problem = None
        if first is None or last is None or encoding not in extract.ENCODINGS:
            problem = msg("E0701")
        elif first > last:
            problem = msg("E0702")
        if problem:
            return render(
                request, "extract.html", "KTX-0510", user=ctx.user, date_from=date_from, date_to=date_to,
                encoding=encoding if encoding in extract.ENCODINGS else "sjis", messages=[problem],
            )  # fmt: skip
        body = extract.build_csv(store.processed_between(ctx.conn, first, last), encoding)
        charset = "Shift_JIS" if encoding == "sjis" else "UTF-8"
        store.add_audit(
            ctx.conn, login=ctx.user["login"], action="extract", target="processed", sid=ctx.sid, remote=ctx.remote,
            after={"from": first.isoformat(), "to": last.isoformat(), "encoding": encoding},
        )  # fmt: skip
        return Response(
            body,
            media_type=f"text/csv; charset={charset}",
            headers={"Content-Disposition": f'attachment; filename="{extract.filename(first, last)}"'},
        )

    return app
