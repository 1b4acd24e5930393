"""The queue and the review screen: open an item, correct by keyboard, accept or reject.

Each screen carries a signed "opened at" stamp so the server knows how long the item was on
screen even without JavaScript; the browser's per-field focus times refine that when present.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from daiko.console import images, review
from daiko.console.roles import Principal
from daiko.console.validation import check_value, is_sensitive
from daiko.console.web import (
    Forbidden,
    cfg_of,
    csrf_protect,
    current_user,
    flash,
    ledger_of,
    opened_stamp,
    render,
    safe_next,
    seconds_open,
)
from daiko.labels import label
from daiko.ledger import WorkItem

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


def _reviewer(user: Principal) -> Principal:
    if not user.can_review:
        raise Forbidden("確認画面は職員と管理者だけが使えます")
    return user


def _item_for(request: Request, user: Principal, item_id: int) -> tuple[WorkItem, str]:
    """The item if it exists and this person may open it: 404 / 403 (audited) otherwise."""
    found = review.load_item(ledger_of(request), item_id)
    if found is None:
        raise review.ReviewError("その案件はありません", status=404)
    item, file_name = found
    try:
        review.authorise(cfg_of(request), user, item)
    except review.ReviewError as exc:
        raise Forbidden(exc.message) from None
    return item, file_name


@router.get("/queue")
def queue_page(request: Request, section: str | None = None, user: Principal = Depends(current_user)) -> Response:
    _reviewer(user)
    cfg, ledger = cfg_of(request), ledger_of(request)
    section = section if user.can_admin else None
    rows = review.queue(ledger, cfg, user, section)
    unknown, failed = review.needing_attention(ledger, cfg, user, section)
    return render(
        request,
        "queue.html",
        {
            "rows": rows,
            "unknown": unknown,
            "failed": failed,
            "section": section,
            "sections": review.sections(cfg, ledger) if user.can_admin else [],
        },
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/done")
def finished_page(
    request: Request,
    q: str = "",
    state: str = "",
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    mine: str | None = None,
    section: str | None = None,
    user: Principal = Depends(current_user),
) -> Response:
    """処理済み: the items this person's 課 has finished, searchable, each one re-openable while unkeyed."""
    _reviewer(user)
    cfg, ledger = cfg_of(request), ledger_of(request)
    search = review.FinishedSearch(
        q=q[:64], state=state, date_from=_date(date_from), date_to=_date(date_to), mine=bool(mine),
        section=section if user.can_admin else None,
    )  # fmt: skip
    rows = review.finished(ledger, cfg, user, search)
    return render(
        request,
        "done.html",
        {
            "rows": rows,
            "search": search,
            "states": [(s, label("item_state", s)) for s in review.FINISHED_STATES],
            "sections": review.sections(cfg, ledger) if user.can_admin else [],
        },
    )


@router.post("/items/{item_id}/reopen", dependencies=[Depends(csrf_protect)])
async def reopen_item(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    """A finished item back to 確認待ち — only while it is certainly not in the core system (audited)."""
    _item_for(request, _reviewer(user), item_id)
    note = str((await request.form()).get("note") or "")
    try:
        review.reopen(ledger_of(request), cfg_of(request), user, item_id, note)
    except review.ReviewError as exc:
        flash(request, exc.message, "warning")
        return RedirectResponse(f"/items/{item_id}", status_code=303)
    flash(request, f"No.{item_id} を確認待ちに戻しました。内容を確かめて確定してください", "success")
    return RedirectResponse(f"/items/{item_id}", status_code=303)


def _render_item(
    request: Request,
    user: Principal,
    item: WorkItem,
    file_name: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    cfg = cfg_of(request)
    view = review.item_view(cfg, item, file_name)
    errors = errors or {}
    if typed:
        for f in view.fields:
            if f.name in typed and not f.sensitive:
                f.input_value = typed[f.name]
    active = next((f.name for f in view.review if f.name in errors), view.review[0].name if view.review else None)
    response = render(
        request,
        "item.html",
        {
            "item": view,
            "errors": errors,
            "message": message,
            "active": active,
            "opened": opened_stamp(request, f"{item.id}:{user.id}"),
            "reject_reasons": review.REJECT_REASONS,
            "show_mynumber_image": user.can_see_mynumber_image,
            "quote": quote,
        },
        status=status,
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    item, file_name = _item_for(request, _reviewer(user), item_id)
    return _render_item(request, user, item, file_name)


@router.get("/items/{item_id}/page.png")
def page_image(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    item, _ = _item_for(request, _reviewer(user), item_id)
    cfg = cfg_of(request)
    path = images.safe_path(cfg.data_dir, item.page_image)
    if path is None:
        return Response(status_code=404, headers=NO_STORE)
    hidden = review.hidden_boxes(cfg, item, user)
    if not hidden:
        return FileResponse(path, media_type="image/png", headers=NO_STORE)
    return Response(images.masked_page(path, hidden), media_type="image/png", headers=NO_STORE)


@router.get("/items/{item_id}/fields/{name}/crop.png")
def field_crop(request: Request, item_id: int, name: str, user: Principal = Depends(current_user)) -> Response:
    item, _ = _item_for(request, _reviewer(user), item_id)
    cfg = cfg_of(request)
    spec = item.fields.get(name)
    path = images.safe_path(cfg.data_dir, item.page_image)
    if not isinstance(spec, dict) or path is None:
        return Response(status_code=404, headers=NO_STORE)
    if is_sensitive(item.form, name, spec) and not user.can_see_mynumber_image:
        raise Forbidden("個人番号の画像は、担当課の職員だけが表示できます")
    box = images.clamp_box(spec.get("box"), images.image_size(path))
    if box is None:
        return Response(status_code=404, headers=NO_STORE)
    return Response(images.crop(path, box), media_type="image/png", headers=NO_STORE)


@router.post("/api/items/{item_id}/check", dependencies=[Depends(csrf_protect)])
async def live_check(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    """Run the field's validator on what is being typed (the screen calls it on Enter)."""
    item, _ = _item_for(request, _reviewer(user), item_id)
    try:
        body = await request.json()
        name, text = str(body["field"]), str(body.get("value") or "")
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"ok": False, "reason": "要求の形式が違います"}, status_code=400)
    spec = item.fields.get(name)
    if not isinstance(spec, dict):
        return JSONResponse({"ok": False, "reason": "その項目はありません"}, status_code=404)
    result = check_value(item.form, name, spec, text)
    sensitive = is_sensitive(item.form, name, spec)
    return JSONResponse(
        {"ok": result.ok, "value": None if sensitive else result.value, "reason": result.reason},
        headers=NO_STORE,
    )


def typed_values(pairs: Any) -> dict[str, str]:
    """``f_<field>`` form values → {field: text}. A mark field edited as check boxes sends one value
    per ticked box (and an empty one, so that no box ticked still says so): joined with commas,
    the way the reader writes marks."""
    parts: dict[str, list[str]] = {}
    for key, value in pairs:
        if key.startswith("f_"):
            parts.setdefault(key[2:], []).append(str(value))
    return {k: v[0] if len(v) == 1 else ",".join(x for x in v if x) for k, v in parts.items()}


def _elapsed(request: Request, token: str, item_id: int, user: Principal) -> float | None:
    return seconds_open(request, token, f"{item_id}:{user.id}")


def _timings(raw: Any) -> dict[str, float]:
    try:
        data = json.loads(str(raw or "{}"))
        return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}
    except (ValueError, AttributeError):
        return {}


def _after_decision(request: Request, user: Principal, message: str) -> Response:
    flash(request, message, "success")
    next_id = review.next_waiting(ledger_of(request), cfg_of(request), user)
    return RedirectResponse(f"/items/{next_id}" if next_id else "/queue", status_code=303)


@router.post("/items/{item_id}/accept", dependencies=[Depends(csrf_protect)])
async def accept_item(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    item, file_name = _item_for(request, _reviewer(user), item_id)
    form = await request.form()
    typed = typed_values(form.multi_items())
    elapsed = _elapsed(request, str(form.get("opened") or ""), item_id, user)
    try:
        decision = review.accept(
            ledger_of(request),
            cfg_of(request),
            user,
            item_id,
            typed,
            measured=_timings(form.get("timings")),
            elapsed=elapsed,
        )
    except review.ReviewError as exc:
        return _refused(request, user, item, file_name, exc, typed)
    fixed = f"（{len(decision.changed)}項目を修正）" if decision.changed else ""
    return _after_decision(request, user, f"No.{item_id} を確定し、ロボットへ渡しました{fixed}")


def _refused(
    request: Request, user: Principal, item: WorkItem, file_name: str, exc: review.ReviewError, typed: Any = None
) -> Response:
    """A decision the console refused: someone was faster (409 → back to the queue with a notice),
    or what was typed does not pass (400 → the item again, the fields marked). Anything else raises."""
    if exc.status == 409:
        flash(request, exc.message, "warning")
        return RedirectResponse("/queue", status_code=303)
    if exc.status != 400:
        raise exc
    extra = {} if typed is None else {"typed": typed}
    return _render_item(request, user, item, file_name, errors=exc.fields, message=exc.message, status=400, **extra)


@router.post("/items/{item_id}/reject", dependencies=[Depends(csrf_protect)])
async def reject_item(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    item, file_name = _item_for(request, _reviewer(user), item_id)
    form = await request.form()
    elapsed = _elapsed(request, str(form.get("opened") or ""), item_id, user)
    try:
        review.reject(
            ledger_of(request), cfg_of(request), user, item_id, str(form.get("reason") or ""), elapsed=elapsed
        )
    except review.ReviewError as exc:
        return _refused(request, user, item, file_name, exc)
    return _after_decision(request, user, f"No.{item_id} を差し戻しました（ファイルは failed フォルダへ）")


@router.post("/items/{item_id}/retry", dependencies=[Depends(csrf_protect)])
async def retry_item(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    """A failed item back to its robot: 管理者, or 職員 of the item's 課 (audited)."""
    _item_for(request, _reviewer(user), item_id)
    back = safe_next(str((await request.form()).get("next") or ""), f"/items/{item_id}")
    try:
        review.retry(ledger_of(request), cfg_of(request), user, item_id)
    except review.ReviewError as exc:
        flash(request, exc.message, "warning")
        return RedirectResponse(f"/items/{item_id}", status_code=303)
    flash(
        request,
        f"No.{item_id} を再試行します（ロボットの次の実行で入力します。ファイルは processing フォルダへ）",
        "success",
    )
    return RedirectResponse(back, status_code=303)


@router.post("/items/{item_id}/resolve", dependencies=[Depends(csrf_protect)])
async def resolve_item(request: Request, item_id: int, user: Principal = Depends(current_user)) -> Response:
    """結果不明: the person looked in the core system — 登録されていた (with its 処理番号) or not."""
    item, file_name = _item_for(request, _reviewer(user), item_id)
    form = await request.form()
    keyed = str(form.get("outcome") or "") == "keyed"
    record = str(form.get("system_record_id") or "")
    try:
        state = review.resolve_unknown(
            ledger_of(request), cfg_of(request), user, item_id, keyed=keyed, system_record_id=record
        )
    except review.ReviewError as exc:
        if exc.status == 400:
            return _render_item(request, user, item, file_name, errors=exc.fields, message=exc.message, status=400)
        flash(request, exc.message, "warning")
        return RedirectResponse("/queue", status_code=303)
    done = (
        "登録済みとして完了にしました"
        if state == "done"
        else "未登録として入力待ちに戻しました（ロボットが入力します）"
    )
    flash(request, f"No.{item_id} を{done}", "success")
    return RedirectResponse("/queue", status_code=303)
