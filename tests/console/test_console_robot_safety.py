"""Issue 10 in the console, in real Chromium: the declaration beside the register on a mismatch,
結果不明 resolved by a person (audited), failed items retried (管理者, 職員 of the 課), traces for
管理者 only, and the dashboard's alerts, 結果不明 count and dead runs marked 中断."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from daiko.ledger import Audit, Event, IntakeFile, ItemState, Run, WorkItem
from tests.console.conftest import _add_item, fields_for
from tests.console.test_console_browser import sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(scope="module")
def cases(hall):
    """A mismatch (failed, with evidence), a 結果不明 item and a killed run, added to the hall."""
    cfg, ledger = hall.cfg, hall.ledger
    boxes = {n: [0, 0, 10, 10] for n in ("owner_name", "address", "plate", "haisha_date", "mynumber")}
    evidence = cfg.data_dir / "evidence"
    evidence.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (200, 120), (250, 230, 230)).save(evidence / "mismatch.png")
    (evidence / "mismatch.trace.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    identity = {
        "verdict": "mismatch",
        "fields": [
            {"name": "owner_name", "label": "所有者氏名", "declared": "山口 健太", "register": "細田　浩", "agree": False, "unsure": False},
            {"name": "car_name", "label": "車名", "declared": "マツダ", "register": "ヤマハ", "agree": False, "unsure": False},
            {"name": "chassis_no", "label": "車台番号", "declared": "SA36J-123456", "register": "SA36J-123456", "agree": True, "unsure": True},
        ],
        "missing": [],
    }  # fmt: skip
    (hall.cfg.data_dir / "pages" / "mismatch.png").write_bytes((hall.cfg.data_dir / "pages" / "page.png").read_bytes())
    mismatch, _ = _add_item(
        ledger, cfg, "haisha", "mismatch", fields_for(boxes), [], state=ItemState.FAILED, error_code="identity_mismatch",
        reason="軽自動車税システムで見つかった登録内容が申告内容と一致しないため入力していません（所有者氏名 申告書: 山口 健太 / 登録: 細田　浩）",
        identity=identity, attempts=1, evidence=[str(evidence / "mismatch.png"), str(evidence / "mismatch.trace.zip")],
    )  # fmt: skip
    (hall.cfg.data_dir / "pages" / "unknown.png").write_bytes((hall.cfg.data_dir / "pages" / "page.png").read_bytes())
    unknown, _ = _add_item(
        ledger, cfg, "haisha", "unknown", fields_for(boxes), [], state=ItemState.UNKNOWN, error_code="outcome_unknown",
        reason="システムで登録有無を確認してください（登録ボタンを押した後に応答がありません）", reference="R08-00077",
    )  # fmt: skip
    with ledger.session() as s:
        # Move the failed one's file to failed/ as intake would have.
        row = s.get(IntakeFile, s.get(WorkItem, mismatch).file_id)
        failed_dir = Path(row.current_path).parent.parent / "failed"
        failed_dir.mkdir(parents=True, exist_ok=True)
        target = failed_dir / Path(row.current_path).name
        Path(row.current_path).rename(target)
        row.current_path, row.state = str(target), "failed"
        old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
        s.add(Run(robot_id="haisha", trigger="schedule", mode="live", host="other-pc", pid=4242, started_at=old,
                  heartbeat_at=old))  # fmt: skip
        s.add(Event(kind="run_stopped_systemic", level="ERROR", robot_id="haisha", data={},
                    message="軽自動車税システムで同じ種類の障害が3件続いたため、実行を止めました"))  # fmt: skip
    return {"mismatch": mismatch, "unknown": unknown, "failed_dir": failed_dir}


def test_a_mismatch_shows_both_sides_and_staff_may_retry_it(browser, console_url, hall, cases):
    page = sign_in(browser, console_url, "tanaka")  # 職員 of 税務課
    page.goto(f"{console_url}/queue")
    assert page.locator("#failed-queue").inner_text().count(str(cases["mismatch"])) >= 1
    page.goto(f"{console_url}/items/{cases['mismatch']}")
    table = page.locator("#identity-table")
    row = table.locator("tr", has_text="所有者氏名")
    assert "山口 健太" in row.locator("td.declared").inner_text()
    assert "細田　浩" in row.locator("td.register").inner_text() and "不一致" in row.inner_text()
    assert "登録で確認" in table.locator("tr", has_text="車台番号").inner_text()
    # Screenshots are for staff; the trace (a live session cookie) only for 管理者.
    assert page.request.get(f"{console_url}/evidence/{cases['mismatch']}/0").status == 200
    assert page.request.get(f"{console_url}/evidence/{cases['mismatch']}/1").status == 403
    page.click("#retry-button")
    page.wait_for_url(f"**/items/{cases['mismatch']}")
    with hall.ledger.session() as s:
        item = s.get(WorkItem, cases["mismatch"])
        assert item.state == ItemState.READY and item.attempts == 0 and item.reason is None
        file = s.get(IntakeFile, item.file_id)
        assert "/processing/" in file.current_path and Path(file.current_path).exists()
        (audit,) = s.scalars(select(Audit).where(Audit.action == "item_retried")).all()
        assert audit.actor == "tanaka" and audit.target == f"work_item:{cases['mismatch']}"
    assert not list(cases["failed_dir"].glob("mismatch*"))  # out of failed/: one visible place
    page.context.close()

    suzuki = sign_in(browser, console_url, "suzuki")  # another 課: may not retry
    response = suzuki.request.post(f"{console_url}/items/{cases['mismatch']}/retry")
    assert response.status in (403, 400)
    suzuki.context.close()


def test_unknown_is_resolved_by_a_person_with_the_record_number(browser, console_url, hall, cases):
    page = sign_in(browser, console_url, "tanaka")
    page.goto(f"{console_url}/queue")
    assert str(cases["unknown"]) in page.locator("#unknown-queue").inner_text()
    page.goto(f"{console_url}/items/{cases['unknown']}")
    assert "システムで登録有無を確認してください" in page.locator("#unknown-alert").inner_text()
    page.click("#resolve-keyed")  # without the 処理番号: refused, nothing changes
    assert "処理番号を入力してください" in page.content()
    with hall.ledger.session() as s:
        assert s.get(WorkItem, cases["unknown"]).state == ItemState.UNKNOWN
    page.fill("#system_record_id", "2026000321")
    page.click("#resolve-keyed")
    page.wait_for_url("**/queue")
    with hall.ledger.session() as s:
        item = s.get(WorkItem, cases["unknown"])
        assert item.state == ItemState.DONE and item.system_record_id == "2026000321"
        (audit,) = s.scalars(select(Audit).where(Audit.action == "item_unknown_resolved")).all()
        assert audit.actor == "tanaka" and "2026000321" in audit.detail
    page.context.close()


def test_the_dashboard_shows_alerts_and_marks_dead_runs_interrupted(browser, console_url, hall, cases):
    page = sign_in(browser, console_url, "admin1")
    page.goto(f"{console_url}/dashboard")
    assert "同じ種類の障害が3件続いたため" in page.locator("#alerts").inner_text()
    assert (
        "中断" in page.locator("#runs-table").inner_text()
        or "途中で止まっていました" in page.locator("#alerts").inner_text()
    )
    with hall.ledger.session() as s:
        run = s.scalars(select(Run).where(Run.host == "other-pc")).one()
        assert run.status == "interrupted" and "中断" in run.note
    assert page.locator("#unknown-count").inner_text().strip().isdigit()
    page.context.close()
