"""管理者 only: robots (今すぐ実行, 一時停止/再開), run history, one run with its items. Every change audited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from daiko.console import robots_admin
from daiko.console.roles import Principal
from daiko.console.web import Forbidden, cfg_of, csrf_protect, current_user, flash, ledger_of, render
from daiko.schedules import controls, hosts

router = APIRouter()


def _admin(user: Principal) -> Principal:
    if not user.can_admin:
        raise Forbidden("ロボットの操作は管理者だけができます")
    return user


def _robot(request: Request, robot_id: str):  # type: ignore[no-untyped-def]
    for robot in cfg_of(request).robots:
        if robot.id == robot_id:
            return robot
    raise Forbidden("そのロボットは robots.yaml にありません")


@router.get("/admin/robots")
def robots_page(request: Request, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    ledger, cfg = ledger_of(request), cfg_of(request)
    serving = [h for h in hosts.overview(ledger) if h.state == "running"]
    return render(
        request,
        "robots.html",
        {
            "robots": robots_admin.robots(ledger, cfg),
            "requests": controls.recent_requests(ledger),
            "serving": {rid for h in serving for rid in h.robots},
            "any_host": bool(serving),
            "robot_name": lambda rid: robots_admin.robot_name(cfg, rid),
        },
    )


@router.post("/admin/robots/{robot_id}/run", dependencies=[Depends(csrf_protect)])
def run_now(request: Request, robot_id: str, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    robot = _robot(request, robot_id)
    if not robot.enabled:
        flash(request, f"{robot.name} は robots.yaml で無効（enabled: false）のため実行できません", "warning")
        return RedirectResponse("/admin/robots", status_code=303)
    controls.request_run(ledger_of(request), robot_id, user.name)
    flash(request, f"{robot.name} の実行を依頼しました。ロボットPCが次の応答（数十秒以内）で開始します", "success")
    return RedirectResponse("/admin/robots", status_code=303)


@router.post("/admin/robots/{robot_id}/pause", dependencies=[Depends(csrf_protect)])
async def pause(request: Request, robot_id: str, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    robot = _robot(request, robot_id)
    form = await request.form()
    paused = str(form.get("paused") or "") == "1"
    changed = controls.set_paused(ledger_of(request), robot_id, paused, user.name, str(form.get("note") or ""))
    if not changed:
        flash(request, f"{robot.name} は既に{'一時停止中' if paused else '稼働中'}です", "info")
    elif paused:
        flash(
            request,
            f"{robot.name} の自動起動を一時停止しました（実行中の処理は、今の案件を終えてから止まります）",
            "success",
        )
    else:
        flash(request, f"{robot.name} の自動起動を再開しました。止めている間に届いた書類も処理します", "success")
    return RedirectResponse("/admin/robots", status_code=303)


@router.get("/admin/runs")
def runs_page(request: Request, robot: str | None = None, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    cfg = cfg_of(request)
    robot = robot if robot in {r.id for r in cfg.robots} else None
    return render(
        request,
        "runs.html",
        {
            "runs": robots_admin.runs(ledger_of(request), robot),
            "robot": robot,
            "robot_choices": [(r.id, r.name) for r in cfg.robots],
            "robot_name": lambda rid: robots_admin.robot_name(cfg, rid),
        },
    )


@router.get("/admin/runs/{run_id}")
def run_page(request: Request, run_id: int, user: Principal = Depends(current_user)) -> Response:
    _admin(user)
    detail = robots_admin.run_detail(ledger_of(request), cfg_of(request), run_id)
    if detail is None:
        return render(request, "error.html", {"title": "見つかりません", "message": "その実行はありません"}, status=404)
    return render(request, "run.html", {"d": detail})
