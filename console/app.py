"""The console's application factory: ``create_app(cfg)`` wires the ledger, sessions and routes.

Tests build it against a ledger in a temporary directory and serve it with uvicorn on a free
port; ``daiko console`` does the same on the configured host and port.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import TimestampSigner
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from daiko.config import DaikoConfig
from daiko.console import routes_admin, routes_auth, routes_review, routes_robots
from daiko.console.auth import resolve_session
from daiko.console.review import ReviewError
from daiko.console.secret import load_or_create_secret
from daiko.console.web import HERE, CsrfRefused, Forbidden, LoginRequired, ledger_of, login_url, render
from daiko.ledger import Ledger

SESSION_COOKIE = "daiko_console"
# Everything from this server; no inline script; no framing (click-jacking a 確定 button).
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def create_app(cfg: DaikoConfig, ledger: Ledger | None = None, *, https_only: bool | None = None) -> FastAPI:
    """The console as an ASGI app. ``https_only`` marks the cookie Secure (served over HTTPS or behind
    a TLS proxy); by default robots.yaml's ``console.secure_cookie`` (or DAIKO_CONSOLE_SECURE_COOKIE) says."""
    if https_only is None:
        https_only = cfg.console.secure_cookie_in_force()
    # Importing the models registers the console tables on the ledger's metadata.
    import daiko.console.models  # noqa: F401

    ledger = ledger or Ledger(cfg.ledger_url)
    secret = load_or_create_secret(cfg.data_dir)
    app = FastAPI(title="daiko 確認コンソール", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.cfg = cfg
    app.state.ledger = ledger
    app.state.opened_signer = TimestampSigner(secret, salt="daiko-console-opened")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Added last = outermost: the session is decoded before the routes and headers run.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=None,  # a browser-session cookie; the server-side session sets the real limits
        same_site="strict",
        https_only=https_only,
    )

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(routes_auth.router)
    app.include_router(routes_review.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_robots.router)
    _error_handlers(app)
    return app


def _actor(request: Request) -> str:
    """Who to name in the audit row (the CSRF check runs before the route has looked the user up)."""
    user = getattr(request.state, "user", None) or resolve_session(ledger_of(request), request.session.get("sid"))
    return user.name if user else "anonymous"


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.method != "GET" or request.url.path.startswith("/api/"):
            return Response("ログインしてください", status_code=401, media_type="text/plain; charset=utf-8")
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        # Only the path: it holds ids, never names or 個人番号 (by design of the URLs).
        ledger_of(request).audit(_actor(request), "access_denied", request.url.path[:128], detail=exc.message)
        return render(request, "error.html", {"title": "権限がありません", "message": exc.message}, status=403)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        ledger_of(request).audit(
            _actor(request), "csrf_refused", request.url.path[:128], detail="CSRFトークンがないか一致しません"
        )
        message = "送信を受け付けられませんでした（画面が古いか、別のサイトからの送信です）。画面を開き直してください。"
        return render(request, "error.html", {"title": "送信を拒否しました", "message": message}, status=403)

    @app.exception_handler(ReviewError)
    async def _review(request: Request, exc: ReviewError) -> Response:
        title = {404: "見つかりません", 403: "権限がありません", 409: "処理済みです"}.get(exc.status, "処理できません")
        return render(request, "error.html", {"title": title, "message": exc.message}, status=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return render(
                request, "error.html", {"title": "見つかりません", "message": "そのページはありません"}, status=404
            )
        return Response(str(exc.detail), status_code=exc.status_code, media_type="text/plain; charset=utf-8")
