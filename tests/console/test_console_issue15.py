"""What a clerk, an admin and a manager met on a first try (issue 15), in real Chromium on the real console.

Labels instead of codes, 和暦 dates, 個人番号 空欄, reasons in words, choices as radio buttons,
the 処理済み list with search and re-opening, the admin's robot screen (pause, 今すぐ実行, run
history with items), 今週の報告書. One console and one browser for the module; the tests run
in file order like one working day. Screenshots go to the pytest tmp dir (printed at the end).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select, update

from daiko.console import review
from daiko.console.routes_review import typed_values
from daiko.ledger import Audit, Event, FieldReview, ItemState, Run, WorkItem, utcnow
from daiko.robots import workitems
from daiko.schedules import controls
from tests.console import conftest
from tests.console.conftest import _add_item, build_hall, draw_page, fields_for, item

pytestmark = [pytest.mark.browser]


def _field(label: str, type_: str, value, *, decision: str = "accept", reason=None, box=None, raw=None) -> dict:
    return {"label": label, "type": type_, "value": value, "raw": raw, "confidence": 0.95, "decision": decision,
            "reason": reason, "box": box or [255, 135, 935, 195]}  # fmt: skip


@pytest.fixture(scope="module")
def hall(module_ledger_backend: str, tmp_path_factory: pytest.TempPathFactory):
    """The console tests' city hall, plus items of the real 廃車申告書 form, finished items and a run."""
    h = build_hall(tmp_path_factory.mktemp("hall15"))
    pages = h.cfg.data_dir / "pages"
    form_fields = {
        "reference": _field("受付番号", "code", "R8-0777"),
        "owner_name": _field("氏名", "kanji_name", "山田 太郎", decision="review",
                             reason="読み取りに自信のない文字があります（0.90 < 0.90）"),  # written by an older reader
        "deregistered_on": _field("廃車年月日", "wareki_date", "2026-11-30", raw="令和8年11月30日"),
        "reason": _field("廃車事由", "choice", None, decision="review", reason="どれに印があるか判定できません"),
        "plate_return": _field("標識の返納", "choice", "returned"),
        "mynumber": _field("個人番号", "mynumber", None),  # all 12 cells blank
    }  # fmt: skip
    finished = {
        "g_ready": (ItemState.READY, "R8-0888", {}),
        "h_done": (ItemState.DONE, "R8-0999", {"system_record_id": "K-000123"}),
    }
    keys = {"f_choice": (ItemState.REVIEW, "R8-0777", {}), **finished}
    for key, (state, reference, extra) in keys.items():
        shutil.copy(pages / "page.png", pages / f"{key}.png")
        fields = form_fields if key == "f_choice" else fields_for(draw_page(pages / f"{key}.png"))
        review_fields = ["owner_name", "reason"] if key == "f_choice" else []
        h.items[key], h.files[key] = _add_item(h.ledger, h.cfg, "haisha", key, fields, review_fields, state=state)
        with h.ledger.session() as s:
            s.execute(
                update(WorkItem).where(WorkItem.id == h.items[key])
                .values(form="keitax_haisha" if key == "f_choice" else WorkItem.form, reference=reference, **extra)
            )  # fmt: skip
    with h.ledger.session() as s:
        s.add(FieldReview(item_id=h.items["g_ready"], field="plate", reviewer="tanaka", before="a", after="b"))
        run = Run(robot_id="haisha", trigger="review", mode="live", host="robot-pc-01", pid=4100,
                  status="finished", ended_at=utcnow(), done=1, review=0, failed=0)  # fmt: skip
        s.add(run)
        s.flush()
        h.items["run"] = run.id
        s.execute(update(WorkItem).where(WorkItem.id == h.items["h_done"]).values(run_id=run.id))
        s.add(Event(kind="item_done", robot_id="haisha", run_id=run.id, item_id=h.items["h_done"],
                    message="item keyed", data={}))  # fmt: skip
        s.add(Event(kind="missed_run", level="WARNING", robot_id="haisha", message="robot:haisha: missed",
                    data={"scheduled": "2026-11-30T00:00:00+00:00", "reason": "grace"}))  # fmt: skip
    return h


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screens15")


def sign_in(chromium, url: str, name: str):
    """Signed in with downloads allowed (the CSV export) and a longer patience."""
    return conftest.sign_in(chromium, url, name, timeout_ms=15_000, accept_downloads=True)


# ---- the review screen ------------------------------------------------------------------------------


def test_choices_dates_mynumber_and_reasons_read_as_a_clerk_reads_them(chromium, console_url, hall, shots):
    page = sign_in(chromium, console_url, "tanaka")
    page.goto(f"{console_url}/items/{hall.items['f_choice']}")
    # 廃車事由 is a set of radio buttons with the form's labels, not a box for "scrap".
    options = page.locator('#f_reason input[type="radio"]')
    expect(options).to_have_count(5)
    expect(page.locator("#f_reason")).to_contain_text("解体")
    expect(page.locator("#f_reason")).to_contain_text("その他")
    others = page.locator("#other-fields")
    expect(others.locator('tr[data-field="plate_return"] input[value="returned"]')).to_be_checked()
    expect(others.locator('tr[data-field="plate_return"]')).to_contain_text("返納")
    expect(others.locator('tr[data-field="plate_return"]')).to_contain_text("紛失等")
    expect(others.locator('tr[data-field="plate_return"]')).to_contain_text("印なし")  # optional: can be cleared
    expect(others.locator('tr[data-field="deregistered_on"] input')).to_have_value("令和8年11月30日")
    expect(others.locator('tr[data-field="mynumber"]')).to_contain_text("空欄")
    expect(others.locator('tr[data-field="mynumber"]')).not_to_contain_text("確認済")
    message = page.locator("#msg_owner_name")
    expect(message).to_contain_text("原本と見比べてください")
    expect(message).not_to_contain_text("0.90")
    expect(page.locator(".facts")).to_contain_text("令和")
    page.screenshot(path=str(shots / "01_choice_as_radio_buttons.png"), full_page=True)

    # Keyboard only: Enter accepts 氏名, Space ticks 解体, Enter releases the item.
    expect(page.locator("#f_owner_name")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('#f_reason input[value="scrap"]')).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: f"/items/{hall.items['f_choice']}" not in u)
    done = item(hall, "f_choice")
    assert done.state == ItemState.READY and done.fields["reason"]["value"] == "scrap"
    assert done.fields["plate_return"]["value"] == "returned"  # an untouched choice stays as it was
    page.context.close()


def test_the_finished_list_searches_and_reopens_only_what_is_not_keyed(chromium, console_url, hall, shots):
    page = sign_in(chromium, console_url, "tanaka")
    page.click("#nav-done")
    table = page.locator("#done-table")
    for key in ("f_choice", "g_ready", "h_done", "e_failed"):
        expect(table.locator(f'tr[data-item="{hall.items[key]}"]')).to_have_count(1)
    expect(table).not_to_contain_text("保険年金課")  # only the 課's own items
    expect(table.locator(f'tr[data-item="{hall.items["h_done"]}"]')).to_contain_text("完了")
    expect(table).to_contain_text("令和")
    page.fill("#q", "R8-0888")
    page.click('#done-search button[type="submit"]')
    expect(page.locator("#done-table tbody tr")).to_have_count(1)
    page.goto(f"{console_url}/done?state=done")
    expect(page.locator("#done-table tbody tr")).to_have_count(1)
    page.goto(f"{console_url}/done?mine=1")
    expect(page.locator("#done-table tbody tr")).to_have_count(1)  # the item tanaka accepted this morning
    expect(page.locator(f'#done-table tr[data-item="{hall.items["f_choice"]}"]')).to_have_count(1)
    page.goto(f"{console_url}/done")
    page.screenshot(path=str(shots / "02_finished_list.png"), full_page=True)

    # Keyed into the system: cannot be re-opened, and the screen says why.
    page.goto(f"{console_url}/items/{hall.items['h_done']}")
    expect(page.locator("#reopen-refusal")).to_contain_text("入力済み（処理番号 K-000123）")
    expect(page.locator("#reopen-form")).to_have_count(0)
    # Accepted but not keyed yet: back to 確認待ち, audited with the reason given.
    page.goto(f"{console_url}/items/{hall.items['g_ready']}")
    page.click("#reopen-panel summary")
    page.fill("#reopen-note", "標識番号を打ち間違えた")
    page.click("#reopen-button")
    expect(page.locator("#item-state")).to_have_text("確認待ち")
    expect(page.locator('.rv-card[data-field="plate"]')).to_have_count(1)  # the field checked last time
    page.screenshot(path=str(shots / "03_reopened.png"), full_page=True)
    reopened = item(hall, "g_ready")
    assert reopened.state == ItemState.REVIEW and reopened.review_fields == ["plate"]
    with hall.ledger.session() as s:
        audit = s.scalars(select(Audit).where(Audit.action == "item_reopened")).one()
    assert audit.actor == "tanaka" and "標識番号を打ち間違えた" in audit.detail
    assert audit.before["state"] == ItemState.READY
    page.context.close()


# ---- the admin's robots ------------------------------------------------------------------------------


def test_admin_pauses_runs_now_and_reads_the_history_with_items(chromium, console_url, hall, shots):
    page = sign_in(chromium, console_url, "admin1")
    page.click("#nav-robots")
    row = page.locator('#robots-table tr[data-robot="haisha"]')
    row.locator('input[name="note"]').fill("システム保守のため")
    page.click("#pause-haisha")
    expect(row.locator(".robot-state")).to_contain_text("一時停止中")
    expect(row.locator(".robot-state")).to_contain_text("システム保守のため")
    assert controls.is_paused(hall.ledger, "haisha")
    page.click("#run-haisha")
    expect(page.locator("#requests-table")).to_contain_text("受付済み（ロボットPCの受け取り待ち）")
    page.screenshot(path=str(shots / "04_robots_paused.png"), full_page=True)
    page.goto(f"{console_url}/dashboard")
    expect(page.locator("#paused-robots")).to_contain_text("軽自動車 廃車登録ロボット")
    page.goto(f"{console_url}/admin/robots")
    page.click("#resume-haisha")
    expect(row.locator(".robot-state")).not_to_contain_text("一時停止中")
    assert not controls.is_paused(hall.ledger, "haisha")

    page.click("#run-history")
    history = page.locator("#runs-history")
    expect(history).to_contain_text("確認後")  # the trigger "review", in words
    expect(history).not_to_contain_text("review")
    page.click(f'#runs-history a[href="/admin/runs/{hall.items["run"]}"]')
    expect(page.locator("#run-items")).to_contain_text("R8-0999")
    expect(page.locator("#run-events")).to_contain_text("入力完了")
    page.screenshot(path=str(shots / "05_run_with_items.png"), full_page=True)

    page.goto(f"{console_url}/audit")
    for words in ("スケジュールの一時停止", "ロボットの今すぐ実行", "スケジュールの再開", "処理済みの案件を再確認へ"):
        expect(page.locator("#audit-table")).to_contain_text(words)
    expect(page.locator("#audit-table")).to_contain_text("令和")
    reopened = page.locator('#audit-table tr[data-action="item_reopened"]')
    expect(reopened).to_contain_text("状態: 入力待ち")  # codes in the before/after records, in words too
    expect(reopened).to_contain_text("確認する項目: 標識番号")

    page.goto(f"{console_url}/dashboard")
    expect(page.locator("#today")).to_contain_text("令和")
    expect(page.locator("#runs-table")).to_contain_text("確認後")
    expect(page.locator("#failures-table")).to_contain_text("対象データなし")
    expect(page.locator("#missed-table")).to_contain_text("実行しませんでした")
    expect(page.locator("#missed-table")).not_to_contain_text("missed")
    page.screenshot(path=str(shots / "06_dashboard.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#weekly-report")
    saved = shots / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.startswith("削減効果_") and "まで" in saved.name
    assert load_workbook(saved).sheetnames[0] == "概要"
    page.context.close()


def test_a_manager_gets_the_report_but_not_the_robots(chromium, console_url, hall):
    page = sign_in(chromium, console_url, "boss")
    assert page.goto(f"{console_url}/admin/robots").status == 403
    page.goto(f"{console_url}/reports")
    expect(page.locator("#this-week-report")).to_have_text("今週の報告書（今日までの途中経過）")
    page.context.close()


# ---- the rules behind the screens (no browser) ---------------------------------------------------------


def test_reopen_refusals_name_the_reason_for_every_state():
    def refusal(**values) -> str | None:
        return workitems.reopen_refusal(WorkItem(fields={"a": {}}, **values))

    assert refusal(state=ItemState.READY) is None
    assert refusal(state=ItemState.REJECTED) is None
    assert refusal(state=ItemState.FAILED, error_code="not_found") is None
    assert "入力済み" in refusal(state=ItemState.DONE)
    assert "入力中" in refusal(state=ItemState.CLAIMED)
    assert "結果不明" in refusal(state=ItemState.UNKNOWN)
    assert "登録ボタン" in refusal(state=ItemState.FAILED, commit_pressed_at=dt.datetime.now(dt.UTC))
    assert "二重入力" in refusal(state=ItemState.FAILED, error_code=workitems.DUPLICATE)
    assert "確認待ち" in refusal(state=ItemState.REVIEW)


def test_the_values_a_clerk_reads_and_sends():
    assert review.sensitive_display({"value": None, "raw": None, "decision": "accept"}) == "空欄"
    assert review.sensitive_display({"value": "*" * 12, "decision": "accept"}) == "確認済"
    assert review.reason_words("読み取りに自信のない文字があります（0.90 < 0.90）") == (
        "読み取りに自信のない文字があります。原本と見比べてください"
    )
    date = {"type": "wareki_date", "value": "2026-11-30"}
    assert review.display_text(None, "d", date) == "令和8年11月30日（2026年）"
    assert review.input_text(date) == "令和8年11月30日"
    assert review.display_text("keitax_haisha", "reason", {"type": "choice", "value": "scrap"}) == "解体"
    # A J-LIS CSV row (no form definition, no field types) reads the same.
    assert review.display_text("jlis_haisha_csv", "reason", {"value": "theft"}) == "盗難"
    assert (
        review.display_text("jlis_haisha_csv", "deregistered_on", {"value": "2026-04-01"}) == "令和8年4月1日（2026年）"
    )
    assert review.display_text("jlis_haisha_csv", "car_name", {"type": "text", "value": "other"}) == "other"
    # Check boxes send one value per ticked box (and an empty one): joined the way the reader writes marks.
    pairs = [("f_q", ""), ("f_q", "2"), ("f_q", "5"), ("f_name", "山田"), ("opened", "x")]
    assert typed_values(pairs) == {"q": "2,5", "name": "山田"}


def test_a_rejected_item_reopened_brings_its_file_back_from_failed_and_is_reviewed_again(fresh_hall):
    """Nothing lost on the way back: the scan leaves failed/ for review/, the decision is audited, and
    a second re-open after the robot pressed 登録 is refused."""
    from daiko.console.roles import Principal
    from daiko.ledger import IntakeFile

    hall = fresh_hall
    tanaka = Principal(1, "tanaka", "田中 一郎", "staff", "税務課")
    item_id = hall.items["b_reject"]

    def file_folder() -> str:
        with hall.ledger.session() as s:
            row = s.get(IntakeFile, s.get(WorkItem, item_id).file_id)
            assert Path(row.current_path).exists()
            return Path(row.current_path).parent.name

    review.reject(hall.ledger, hall.cfg, tanaka, item_id, "記入漏れがあります")
    assert file_folder() == "failed"
    review.reopen(hall.ledger, hall.cfg, tanaka, item_id, "差し戻しは誤りでした")
    assert item(hall, "b_reject").state == ItemState.REVIEW and file_folder() == "review"
    review.accept(hall.ledger, hall.cfg, tanaka, item_id, {"plate": "飯能 あ 12-34"})
    assert item(hall, "b_reject").state == ItemState.READY
    workitems.mark_commit_pressed(hall.ledger, item_id)  # the robot is pressing 登録
    with pytest.raises(review.ReviewError, match="登録ボタン"):
        review.reopen(hall.ledger, hall.cfg, tanaka, item_id)
    with pytest.raises(review.ReviewError, match="権限"):
        review.reopen(hall.ledger, hall.cfg, Principal(2, "suzuki", "鈴木", "staff", "保険年金課"), item_id)
