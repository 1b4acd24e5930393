"""The review console in real Chromium: sign in, correct by keyboard only, accept, reject, refuse.

One module-scoped console and browser; the tests run in file order and build on each other
(the audit test reads what the review tests did), as one working morning at the 税務課 would.
Screenshots of each screen are saved under the pytest tmp dir (printed at the end).
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from daiko.console.auth import MAX_FAILURES
from daiko.console.users import add_user
from daiko.ledger import Audit, Event, FieldReview, Host, IntakeFile, ItemState
from tests.console.conftest import PASSWORD, item, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.both_ledgers(scope="module")]


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screens")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_sign_in_and_correct_a_wrong_field_by_keyboard_only(browser, console_url: str, hall, shots: Path):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ja-JP")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []  # script errors and CSP violations: the page must run clean
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{console_url}/queue")
    assert "/login?next=/queue" in page.url
    page.screenshot(path=shots / "01_login.png")
    page.keyboard.type("tanaka")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console_url}/queue")

    rows = page.locator("#queue tbody tr")
    assert rows.count() == 3  # the 税務課's three items; the 保険年金課's is not listed
    assert "保険年金課" not in page.inner_text("#queue")
    page.screenshot(path=shots / "02_queue.png", full_page=True)

    a = hall.items["a_wrong"]
    page.keyboard.press("Enter")  # the oldest item's 確認する has the focus
    page.wait_for_url(f"{console_url}/items/{a}")
    assert focused_id(page) == "f_owner_name"
    assert page.locator('.zone.active[data-field="owner_name"]').count() == 1
    assert page.locator('.rv-card[data-field="owner_name"] .rv-crop img').evaluate("i => i.naturalWidth") > 0
    page.screenshot(path=shots / "03_review.png")

    # Tab / Shift+Tab move between the fields under review.
    page.keyboard.press("Tab")
    assert focused_id(page) == "f_haisha_date"
    assert page.locator('.zone.active[data-field="haisha_date"]').count() == 1
    page.keyboard.press("Shift+Tab")
    assert focused_id(page) == "f_owner_name"

    # Type over the selected OCR value, Enter: checked by the kanji_name validator, on to the next.
    page.keyboard.type("山田 太郎")
    page.keyboard.press("Enter")
    expect(page.locator("#f_haisha_date")).to_be_focused()
    assert "is-ok" in page.get_attribute('.rv-card[data-field="owner_name"]', "class")

    # A date that does not exist is refused by the wareki_date validator, live.
    page.keyboard.type("令和6年13月1日")
    page.keyboard.press("Enter")
    page.wait_for_selector('.rv-card[data-field="haisha_date"].has-error')
    assert "存在しない日付" in page.inner_text("#msg_haisha_date")
    assert focused_id(page) == "f_haisha_date"
    page.screenshot(path=shots / "04_review_error.png")

    page.keyboard.type("令和6年4月1日")
    page.keyboard.press("Enter")  # last field accepted → the item is released, the next one opens
    b = hall.items["b_reject"]
    page.wait_for_url(f"{console_url}/items/{b}")
    assert "確定し、ロボットへ渡しました" in page.inner_text(".flash")

    done = item(hall, "a_wrong")
    assert done.state == ItemState.READY
    assert done.review_fields == []
    assert done.fields["owner_name"]["value"] == "山田\u3000太郎"
    assert done.fields["haisha_date"]["value"] == "2024-04-01"
    assert {f["decision"] for f in done.fields.values()} == {"accept"}
    assert done.fields["haisha_date"]["raw"] == "令和6年13月1日"  # the OCR's reading is kept
    assert done.review_seconds > 0
    with hall.ledger.session() as s:
        reviews = {r.field: r for r in s.scalars(select(FieldReview).where(FieldReview.item_id == a))}
        file_row = s.get(IntakeFile, done.file_id)
    assert set(reviews) == {"owner_name", "haisha_date"}
    assert reviews["owner_name"].before == "山田 大郎" and reviews["owner_name"].after == "山田\u3000太郎"
    assert all(r.reviewer == "tanaka" and r.seconds > 0 for r in reviews.values())
    assert abs(sum(r.seconds for r in reviews.values()) - done.review_seconds) < 0.05
    # intake moved the scan out of review/ now that nothing waits for a person
    assert not hall.files["a_wrong"].exists() and "/review/" not in file_row.current_path
    assert problems == []
    context.close()


def test_reject_with_a_reason_by_keyboard(browser, console_url: str, hall, shots: Path):
    page = sign_in(browser, console_url, "tanaka")
    b = hall.items["b_reject"]
    page.goto(f"{console_url}/items/{b}")
    page.keyboard.press("F4")
    assert focused_id(page) == "reject-reason"
    page.keyboard.type("判読できない箇所があります（標識番号）")
    page.screenshot(path=shots / "05_reject.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console_url}/items/{hall.items['c_mynumber']}")  # straight on to the next item
    assert "差し戻しました" in page.inner_text(".flash")

    rejected = item(hall, "b_reject")
    assert rejected.state == ItemState.REJECTED
    assert "判読できない箇所があります（標識番号）" in rejected.reason
    with hall.ledger.session() as s:
        file_row = s.get(IntakeFile, rejected.file_id)
    failed = Path(file_row.current_path)
    assert file_row.state == "failed" and failed.parent.name == "failed" and failed.exists()
    assert "判読できない箇所があります" in failed.with_name(failed.name + ".reason.txt").read_text(encoding="utf-8")

    page.click("text=ログアウト")
    page.wait_for_url(f"{console_url}/login")
    page.goto(f"{console_url}/items/{hall.items['c_mynumber']}")
    assert "/login?next=" in page.url  # the session is gone on the server, not only in this tab
    page.context.close()


def test_mynumber_is_checked_but_never_stored_or_shown(browser, console_url: str, hall, shots: Path):
    page = sign_in(browser, console_url, "tanaka")
    c = hall.items["c_mynumber"]
    page.goto(f"{console_url}/items/{c}")
    assert "チェックデジット不正" in page.inner_text(".rv-card")
    assert page.input_value("#f_mynumber") == ""  # never prefilled
    page.keyboard.type("1234 5678 9012")  # wrong check digit
    page.keyboard.press("Enter")
    page.wait_for_selector('.rv-card[data-field="mynumber"].has-error')
    assert "検査用数字" in page.inner_text("#msg_mynumber")
    page.keyboard.type("123456789018")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console_url}/queue")  # the 税務課's last item: back to the (empty) list
    done = item(hall, "c_mynumber")
    assert done.state == ItemState.READY and done.fields["mynumber"]["value"] == "*" * 12
    with hall.ledger.session() as s:
        stored = [
            *(str([a.before, a.after, a.detail]) for a in s.scalars(select(Audit))),
            *(str([r.before, r.after]) for r in s.scalars(select(FieldReview))),
            *(str([e.message, e.data]) for e in s.scalars(select(Event))),
        ]
    assert not [x for x in stored if "123456789018" in x.replace(" ", "")]
    page.context.close()

    # An admin may review, but the number's pixels are blacked out and its crop refused.
    admin = sign_in(browser, console_url, "admin1")
    assert admin.request.get(f"{console_url}/items/{c}/fields/mynumber/crop.png").status == 403
    assert admin.request.get(f"{console_url}/items/{c}/fields/owner_name/crop.png").status == 200
    admin.goto(f"{console_url}/items/{c}")
    assert "確認済" in admin.inner_text("#other-fields")  # now READY: shown read-only, number masked
    admin.screenshot(path=shots / "05b_admin_sees_mynumber_blacked_out.png")
    admin.context.close()


def test_staff_of_another_section_cannot_open_an_item(browser, console_url: str, hall, shots: Path):
    page = sign_in(browser, console_url, "suzuki")
    assert page.locator("#queue tbody tr").count() == 1  # only the 保険年金課's item
    for key in ("a_wrong", "e_failed"):
        response = page.goto(f"{console_url}/items/{hall.items[key]}")  # guessing the URL
        assert response.status == 403
        assert "権限がありません" in page.inner_text("h1")
    page.screenshot(path=shots / "06_forbidden.png")
    a = hall.items["a_wrong"]
    assert page.request.get(f"{console_url}/items/{a}/page.png").status == 403
    assert page.request.get(f"{console_url}/items/{a}/fields/owner_name/crop.png").status == 403
    csrf = page.get_attribute('form[action="/logout"] input[name="csrf_token"]', "value")
    assert (
        page.request.post(
            f"{console_url}/items/{hall.items['b_reject']}/reject", form={"csrf_token": csrf, "reason": "x"}
        ).status
        == 403
    )
    page.context.close()

    manager = sign_in(browser, console_url, "boss")
    assert manager.url.endswith("/dashboard")
    assert manager.goto(f"{console_url}/items/{hall.items['d_other']}").status == 403
    with hall.ledger.session() as s:
        denied = s.scalars(select(Audit).where(Audit.action == "access_denied")).all()
    assert {a.actor for a in denied} >= {"suzuki", "boss"}
    manager.context.close()


def test_a_post_without_csrf_token_is_refused(browser, console_url: str, hall):
    page = sign_in(browser, console_url, "suzuki")
    d = hall.items["d_other"]
    page.goto(f"{console_url}/items/{d}")
    for form in ({"f_address": "飯能市双柳1番地"}, {"f_address": "飯能市双柳1番地", "csrf_token": "forged"}):
        response = page.request.post(f"{console_url}/items/{d}/accept", form=form)
        assert response.status == 403
        assert "送信を拒否しました" in response.text()
    assert (
        page.request.post(f"{console_url}/api/items/{d}/check", data={"field": "address", "value": "x"}).status == 403
    )
    assert item(hall, "d_other").state == ItemState.REVIEW
    with hall.ledger.session() as s:
        assert s.scalars(select(Audit).where(Audit.action == "csrf_refused", Audit.actor == "suzuki")).all()
    page.context.close()


def test_audit_and_dashboard_show_what_happened(browser, console_url: str, hall, shots: Path):
    page = sign_in(browser, console_url, "admin1")
    page.goto(f"{console_url}/audit")
    a, b = hall.items["a_wrong"], hall.items["b_reject"]
    accepted = page.locator(f'#audit-table tr[data-action="item_accepted"][data-target="work_item:{a}"]')
    assert accepted.count() == 1
    text = accepted.inner_text()
    assert "tanaka" in text and "山田 大郎" in text and "山田\u3000太郎" in text and "2024-04-01" in text
    rejected = page.locator(f'#audit-table tr[data-action="item_rejected"][data-target="work_item:{b}"]')
    assert "判読できない箇所があります" in rejected.inner_text()
    assert page.locator('#audit-table tr[data-action="access_denied"]').count() >= 2
    assert page.locator('#audit-table tr[data-action="csrf_refused"]').count() >= 1
    page.screenshot(path=shots / "07_audit.png", full_page=True)

    page.goto(f"{console_url}/dashboard")
    assert "軽自動車 廃車登録ロボット" in page.inner_text("#state-table")
    failures = page.inner_text("#failures-table")
    assert "該当する車両がありません" in failures
    e = hall.items["e_failed"]
    assert page.locator(f'#failures-table a[href="/evidence/{e}/0"]').count() == 1
    shot = page.request.get(f"{console_url}/evidence/{e}/0")
    assert shot.status == 200 and shot.headers["content-type"] == "image/png"
    assert page.request.get(f"{console_url}/evidence/{e}/1").headers["content-disposition"].startswith("attachment")
    assert page.request.get(f"{console_url}/evidence/{e}/2").status == 404  # /etc/passwd: outside the data dir
    assert "PC が停止していた" in page.inner_text("#missed-table")
    assert page.locator("#runs-table tbody tr").count() == 1
    rows = {r.locator("th").inner_text(): r.inner_text() for r in page.locator("#hosts-table tbody tr").all()}
    assert "稼働中" in rows["robot-pc-01"] and "軽自動車 廃車登録ロボット、国保 加入届ロボット" in rows["robot-pc-01"]
    assert "応答なし" in rows["robot-pc-02"] and "12分応答がありません" in rows["robot-pc-02"]
    assert "他のPCへ引き継ぎました" in rows["robot-pc-02"] and "停止" in rows["robot-pc-03"]
    with hall.ledger.session() as s:  # the last heartbeat in Japan time, whatever the host clock's zone
        seen = s.get(Host, "robot-pc-02").last_seen_at
    assert seen.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%m/%d %H:%M:%S") in rows["robot-pc-02"]
    page.screenshot(path=shots / "08_dashboard.png", full_page=True)
    page.goto(f"{console_url}/admin/users")
    page.screenshot(path=shots / "09_users.png", full_page=True)
    page.context.close()

    # 管理職: the same dashboard, without names: the failure's reason is there, the screenshot is not.
    manager = sign_in(browser, console_url, "boss")
    assert manager.locator("#failures-table a").count() == 0
    assert "対象データなし" in manager.inner_text("#failures-table")
    assert "飯能 あ" not in manager.content()  # the plate quoted in the robot's reason stays hidden
    assert manager.request.get(f"{console_url}/evidence/{e}/0").status == 403
    assert manager.goto(f"{console_url}/audit").status == 403
    manager.goto(f"{console_url}/dashboard")
    manager.screenshot(path=shots / "10_dashboard_manager.png", full_page=True)
    manager.context.close()


def test_lock_out_after_repeated_failures(browser, console_url: str, hall, shots: Path):
    add_user(
        hall.ledger,
        name="locky",
        role="staff",
        section="税務課",
        display_name="ロック 試験",
        password=PASSWORD,
        actor="test",
    )
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{console_url}/login")

    def submit(password: str) -> None:
        """One login, waited for by the page it brings: after the first failure the old page already
        shows a #login-message, and waiting for that selector raced the next answer (a make test run
        read the 4th failure's message where the 5th had locked the account)."""
        page.fill("#name", "locky")
        page.fill("#password", password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_selector("#login-message")

    for _ in range(MAX_FAILURES):
        submit("wrong-password-1")
    assert "ロックされています" in page.inner_text("#login-message")
    submit(PASSWORD)  # the right password does not help while locked
    assert "/login" in page.url and "ロックされています" in page.inner_text("#login-message")
    page.screenshot(path=shots / "11_locked.png")
    with hall.ledger.session() as s:
        actions = [a.action for a in s.scalars(select(Audit).where(Audit.target == "console_user:locky"))]
    assert actions.count("login_failed") == MAX_FAILURES
    assert "account_locked" in actions and "login_refused_locked" in actions
    context.close()
    print(f"\nscreenshots: {shots}")


def test_review_works_without_javascript(browser, console_url: str, hall):
    """Enter submits the form; the server checks every field and shows what is wrong."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{console_url}/login")
    page.fill("#name", "suzuki")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console_url}/queue")
    d = hall.items["d_other"]
    page.goto(f"{console_url}/items/{d}")
    assert focused_id(page) == "f_address"  # autofocus, no script
    page.fill("#f_address", "")
    page.keyboard.press("Enter")
    page.wait_for_selector('.rv-card[data-field="address"].has-error')
    assert "正しくない値" in page.inner_text("#form-message")
    page.fill("#f_address", "飯能市双柳1番地の1")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console_url}/queue")
    done = item(hall, "d_other")
    assert done.state == ItemState.READY and done.fields["address"]["value"] == "飯能市双柳1番地の1"
    assert done.review_seconds > 0  # the server's own clock, without the browser's focus times
    context.close()
