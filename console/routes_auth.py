"""Sign-in and sign-out pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from daiko.console.auth import authenticate, close_session, new_csrf_token, open_session, resolve_session
from daiko.console.roles import MANAGER, Principal
from daiko.console.web import csrf_protect, current_user, ledger_of, render, safe_next

router = APIRouter()


def home_for(principal: Principal) -> str:
    return "/dashboard" if principal.role == MANAGER else "/queue"


@router.get("/")
def home(user: Principal = Depends(current_user)) -> Response:
    return RedirectResponse(home_for(user), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    principal = resolve_session(ledger_of(request), request.session.get("sid"))
    if principal is not None:
        return RedirectResponse(safe_next(next, home_for(principal)), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, ""), "message": None, "name": ""})


@router.post("/login", dependencies=[Depends(csrf_protect)])
async def login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    next_path = safe_next(str(form.get("next") or ""), "")
    client = request.client.host if request.client else ""
    result = authenticate(ledger_of(request), name, password, client=client)
    if result.principal is None:
        return render(request, "login.html", {"next": next_path, "message": result.message, "name": name}, status=401)
    # A fresh session on sign-in: a session id planted before sign-in must not become a signed-in one.
    request.session.clear()
    request.session["sid"] = open_session(ledger_of(request), result.principal.id)
    request.session["csrf"] = new_csrf_token()
    return RedirectResponse(next_path or home_for(result.principal), status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, user: Principal = Depends(current_user)) -> Response:
    ledger = ledger_of(request)
    close_session(ledger, request.session.get("sid"))
    ledger.audit(user.name, "logout", f"console_user:{user.name}")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
