"""抜き取り確認 (staff, admin), 訂正, and the 精度 page (admin, manager) with the threshold offers."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from daiko.console import review, sampling
from daiko.console.roles import Principal
from daiko.console.web import (
    Forbidden,
    cfg_of,
    csrf_protect,
    current_user,
    flash,
    ledger_of,
    opened_stamp,
    render,
    seconds_open,
)
from daiko.ledger import utcnow
from daiko.robots import accuracy
from daiko.robots.sampling import AuditRefused

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}
TREND_WEEKS = 12


def _reviewer(user: Principal) -> Principal:
    if not user.can_review:
        raise Forbidden("抜き取り確認は職員と管理者だけが使えます")
    return user


def _viewer(user: Principal) -> Principal:
    if not user.can_see_dashboard:
        raise Forbidden("精度の画面は管理者と管理職が見られます")
    return user


def _load(request: Request, user: Principal, sample_id: int):  # type: ignore[no-untyped-def]
    try:
        return sampling.load(ledger_of(request), cfg_of(request), user, sample_id)
    except review.ReviewError as exc:
        if exc.status == 403:
            raise Forbidden(exc.message) from None
        raise


@router.get("/sampling")
def sampling_queue(request: Request, user: Principal = Depends(current_user)) -> Response:
    _reviewer(user)
    cfg, ledger = cfg_of(request), ledger_of(request)
    return render(
        request,
        "sampling_queue.html",
        {"rows": sampling.pending(ledger, cfg, user), "corrections": sampling.open_corrections(ledger, cfg, user)},
    )


def _render(request: Request, user: Principal, sample_id: int, *, errors=None, typed=None, message=None, status=200):  # type: ignore[no-untyped-def]
    view, _ = _load(request, user, sample_id)
    response = render(
        request,
        "sampling_item.html",
        {
            "s": view,
            "errors": errors or {},
            "typed": typed or {},
            "message": message,
            "opened": opened_stamp(request, f"sample{sample_id}:{user.id}"),
        },
        status=status,
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/sampling/{sample_id}")
def sampling_item(request: Request, sample_id: int, user: Principal = Depends(current_user)) -> Response:
    return _render(request, _reviewer(user), sample_id)


def _elapsed(request: Request, token: str, sample_id: int, user: Principal) -> float | None:
    return seconds_open(request, token, f"sample{sample_id}:{user.id}")


@router.post("/sampling/{sample_id}", dependencies=[Depends(csrf_protect)])
async def sampling_verdict(request: Request, sample_id: int, user: Principal = Depends(current_user)) -> Response:
    """``w_<field>=1`` marks a value wrong, ``c_<field>`` is what the page says; the rest were right."""
    _reviewer(user)
    form = await request.form()
    flagged = {k[2:] for k, v in form.multi_items() if k.startswith("w_") and str(v) == "1"}
    typed = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("c_")}
    wrong = {name: typed.get(name, "") for name in flagged}
    elapsed = _elapsed(request, str(form.get("opened") or ""), sample_id, user)
    try:
        verdict = sampling.record(ledger_of(request), cfg_of(request), user, sample_id, wrong, elapsed=elapsed)
    except review.ReviewError as exc:
        if exc.status == 400:
            return _render(request, user, sample_id, errors=exc.fields, typed=typed, message=exc.message, status=400)
        if exc.status == 403:
            raise Forbidden(exc.message) from None
        flash(request, exc.message, "warning")
        return RedirectResponse("/sampling", status_code=303)
    if verdict.wrong:
        flash(request, f"抜き取り確認を記録しました。誤り {len(verdict.wrong)} 項目の訂正を作成しました", "warning")
    else:
        flash(request, f"抜き取り確認を記録しました（{verdict.checked} 項目すべて正しい）", "success")
    next_id = sampling.next_pending(ledger_of(request), cfg_of(request), user)
    return RedirectResponse(f"/sampling/{next_id}" if next_id else "/sampling", status_code=303)


@router.post("/corrections/{correction_id}/done", dependencies=[Depends(csrf_protect)])
def correction_done(request: Request, correction_id: int, user: Principal = Depends(current_user)) -> Response:
    _reviewer(user)
    try:
        sampling.resolve(ledger_of(request), cfg_of(request), user, correction_id)
    except review.ReviewError as exc:
        if exc.status == 403:
            raise Forbidden(exc.message) from None
        flash(request, exc.message, "warning")
        return RedirectResponse("/sampling", status_code=303)
    flash(request, "訂正を完了として記録しました", "success")
    return RedirectResponse("/sampling", status_code=303)


# ---- 精度 ------------------------------------------------------------------------------------------


@router.get("/accuracy")
def accuracy_page(request: Request, user: Principal = Depends(current_user)) -> Response:
    _viewer(user)
    cfg, ledger = cfg_of(request), ledger_of(request)
    since = utcnow() - dt.timedelta(weeks=TREND_WEEKS)
    robots = {r.id: r for r in cfg.robots}
    return render(
        request,
        "accuracy.html",
        {
            "rows": accuracy.field_table(ledger, cfg, since=since),
            "trend": accuracy.weekly_trend(ledger, cfg, weeks=TREND_WEEKS),
            "wrong": accuracy.wrong_items(ledger),
            "overrides": accuracy.overrides(ledger),
            "robots": robots,
            "robot_name": lambda rid: review.robot_name(cfg, rid),
            "type_ja": accuracy.type_ja,
            "week_label": accuracy.week_label,
            "weeks": TREND_WEEKS,
        },
    )


@router.post("/accuracy/offers/{offer_id}/{decision}", dependencies=[Depends(csrf_protect)])
def decide_offer(request: Request, offer_id: int, decision: str, user: Principal = Depends(current_user)) -> Response:
    """管理者 only: apply (適用) or decline (見送り) an offered looser threshold; audited."""
    if not user.can_admin:
        raise Forbidden("受入基準の変更は管理者だけができます")
    if decision not in ("accept", "decline"):
        return Response(status_code=404)
    try:
        if decision == "accept":
            accuracy.accept_offer(ledger_of(request), offer_id, user.name)
            flash(request, "受入基準の緩和を適用しました。次に読み取るページから使われます", "success")
        else:
            accuracy.decline_offer(ledger_of(request), offer_id, user.name)
            flash(request, "受入基準の緩和を見送りました", "info")
    except AuditRefused as exc:
        flash(request, exc.message, "warning")
    return RedirectResponse("/accuracy", status_code=303)
