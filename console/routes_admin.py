"""Dashboard, evidence and report downloads, accounts and the audit trail."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import or_, select
from starlette.background import BackgroundTask

from daiko import labels
from daiko.console import dashboard, images, review, users
from daiko.console.roles import ROLES, Principal
from daiko.console.web import Forbidden, cfg_of, csrf_protect, current_user, flash, ledger_of, render
from daiko.ledger import Audit, WorkItem
from daiko.schedules import controls

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}
REPORT_SUFFIXES = {".xlsx", ".csv", ".pdf"}


def _dashboard_viewer(user: Principal) -> Principal:
    if not user.can_see_dashboard:
        raise Forbidden("ダッシュボードは管理者と管理職が見られます")
    return user


def _admin(user: Principal) -> Principal:
    if not user.can_admin:
        raise Forbidden("この画面は管理者だけが使えます")
    return user


@router.get("/dashboard")
def dashboard_page(request: Request, user: Principal = Depends(current_user)) -> Response:
    _dashboard_viewer(user)
    data = dashboard.build(ledger_of(request), cfg_of(request))
    return render(
        request,
        "dashboard.html",
        {
            "d": data,
            "states": dashboard.STATE_ORDER,
            "state_label": dashboard.state_label,
            "trigger_ja": dashboard.TRIGGER_JA,
            "mode_ja": dashboard.MODE_JA,
            "status_ja": dashboard.RUN_STATUS_JA,
            "error_label": dashboard.error_label,
            "robot_name": lambda rid: review.robot_name(cfg_of(request), rid) if rid else "—",
            "missed_text": lambda e: dashboard.missed_text(e, cfg_of(request).defaults.timezone),
            "pauses": controls.pauses(ledger_of(request)),
        },
    )


@router.get("/evidence/{item_id}/{index}")
def evidence(request: Request, item_id: int, index: int, user: Principal = Depends(current_user)) -> Response:
    """A failure's screenshot or trace — only files under the data dir, only for who may see names.

    Opened one at a time from a link (no thumbnails on the dashboard), so every look at a
    screen full of someone's data is a deliberate act with its own audit row.
    """
    if not user.can_see_personal:
        raise Forbidden("証跡（画面の写し）には個人情報が含まれるため、管理職には表示しません")
    found = review.load_item(ledger_of(request), item_id)
    if found is None:
        return Response(status_code=404)
    item, _ = found
    if not user.can_review_section(review.item_section(cfg_of(request), item)):
        raise Forbidden("担当の課の証跡だけを表示できます")
    stored = item.evidence[index] if 0 <= index < len(item.evidence or []) else None
    path = images.safe_path(cfg_of(request).data_dir, str(stored) if stored else None)
    if path is None:
        return Response(status_code=404)
    kind = dashboard.evidence_kind(path.name)
    if kind == "trace" and not user.can_admin:
        # A trace holds the robot's session cookie (no password: login is never traced): 管理者 only.
        raise Forbidden("操作記録（trace）はロボットのセッション情報を含むため、管理者だけが取得できます")
    inline = kind in ("screenshot", "receipt")
    ledger_of(request).audit(user.name, "evidence_viewed", f"work_item:{item_id}", detail=path.name)
    return FileResponse(
        path, filename=path.name, content_disposition_type="inline" if inline else "attachment", headers=NO_STORE
    )


def _report_files(request: Request) -> list[Path]:
    folder = cfg_of(request).reports_dir
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)[:100]


@router.get("/reports")
def reports_page(request: Request, user: Principal = Depends(current_user)) -> Response:
    _dashboard_viewer(user)
    files = [
        (p.name, dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC), p.stat().st_size) for p in _report_files(request)
    ]
    return render(request, "reports.html", {"files": files})


WEEKS = {"this-week": "今週", "last-week": "先週"}


@router.get("/reports/this-week")
@router.get("/reports/last-week")
def week_report(request: Request, user: Principal = Depends(current_user)) -> Response:
    """今週の報告書 (this week so far) or 先週 (the last full week): the weekly workbook, made now.

    Written to a temporary file and sent, not into the reports folder: a half week must not stand
    beside (or be taken for) the Monday report of the same week number.
    """
    _dashboard_viewer(user)
    from daiko.reports.build import build_report
    from daiko.reports.output import FILE_PREFIX
    from daiko.reports.period import Period
    from daiko.reports.workbook import write_workbook

    cfg = cfg_of(request)
    which = request.url.path.rsplit("/", 1)[-1]
    today = dt.datetime.now(dashboard.tz_of(cfg)).date()
    period = Period.week_to_date(today) if which == "this-week" else Period.last_complete_week(today)
    report = build_report(cfg, ledger_of(request), period)
    folder = Path(tempfile.mkdtemp(prefix="daiko-report-"))
    suffix = f"_{today:%m%d}まで" if which == "this-week" else ""
    path = write_workbook(report, folder / f"{FILE_PREFIX}_{period.slug}{suffix}.xlsx")
    return FileResponse(
        path,
        filename=path.name,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=NO_STORE,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/reports/{name}")
def report_file(request: Request, name: str, user: Principal = Depends(current_user)) -> Response:
    _dashboard_viewer(user)
    for path in _report_files(request):
        if path.name == name and images.safe_path(cfg_of(request).data_dir, str(path)):
            return FileResponse(path, filename=path.name)
    return Response(status_code=404)


# ---- accounts ------------------------------------------------------------------------------------


@router.get("/admin/users")
def users_page(request: Request, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    return _users(request, {})


def _users(request: Request, form: dict[str, str], message: str | None = None, status: int = 200) -> Response:
    cfg, ledger = cfg_of(request), ledger_of(request)
    return render(
        request,
        "users.html",
        {
            "users": users.list_users(ledger),
            "form": form,
            "message": message,
            "sections": review.sections(cfg, ledger),
            "role_names": ROLES,
            "now_ts": time.time(),
        },
        status=status,
    )


@router.post("/admin/users", dependencies=[Depends(csrf_protect)])
async def add_user(request: Request, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    form = {k: str(v) for k, v in (await request.form()).items()}
    keep = {k: form.get(k, "") for k in ("name", "display_name", "role", "section")}
    if form.get("password") != form.get("password2"):
        return _users(request, keep, "2回入力したパスワードが一致しません", status=400)
    try:
        created = users.add_user(
            ledger_of(request),
            name=form.get("name", ""),
            role=form.get("role", ""),
            section=form.get("section"),
            display_name=form.get("display_name"),
            password=form.get("password", ""),
            actor=user.name,
        )
    except users.UserError as exc:
        return _users(request, keep, str(exc), status=400)
    flash(request, f"利用者「{created.name}」を作成しました", "success")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/unlock", dependencies=[Depends(csrf_protect)])
def unlock_user(request: Request, user_id: int, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    try:
        users.unlock(ledger_of(request), user_id, actor=user.name)
        flash(request, "ロックを解除しました", "success")
    except users.UserError as exc:
        flash(request, str(exc), "warning")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active", dependencies=[Depends(csrf_protect)])
async def set_active(request: Request, user_id: int, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    active = (await request.form()).get("active") == "1"
    try:
        users.set_active(ledger_of(request), user_id, active, actor=user.name)
        flash(request, "有効にしました" if active else "無効にしました（サインイン中の画面も閉じられます）", "success")
    except users.UserError as exc:
        flash(request, str(exc), "warning")
    return RedirectResponse("/admin/users", status_code=303)


# ---- audit trail ---------------------------------------------------------------------------------

ACTION_JA = labels.AUDIT  # one table for every screen: daiko.labels


@router.get("/audit")
def audit_page(request: Request, q: str | None = None, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    q = (q or "").strip()
    with ledger_of(request).session() as s:
        stmt = select(Audit).order_by(Audit.at.desc(), Audit.id.desc()).limit(300)
        if q:
            like = f"%{q}%"
            stmt = stmt.where(or_(Audit.target.like(like), Audit.actor.like(like), Audit.action.like(like)))
        rows = list(s.scalars(stmt))
        # Field names in the before/after records, as each item's form calls them (氏名, not owner_name).
        ids = {
            int(a.target.split(":", 1)[1])
            for a in rows
            if a.target.startswith("work_item:") and a.target.split(":", 1)[1].isdigit()
            and {"fields", "review_fields"} & {*(a.before or {}), *(a.after or {})}
        }  # fmt: skip
        names = {
            item_id: {n: str(spec.get("label") or n) for n, spec in (fields or {}).items() if isinstance(spec, dict)}
            for item_id, fields in s.execute(select(WorkItem.id, WorkItem.fields).where(WorkItem.id.in_(ids or {-1})))
        }
    return render(request, "audit.html", {"rows": rows, "q": q, "action_ja": ACTION_JA, "field_names": names})
