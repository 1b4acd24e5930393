"""Adapter for the 軽自動車税システム ("keitax"): every selector and the whole screen flow.

When the system is replaced by its 標準準拠システム release, this file is what changes; robots
only see :class:`~daiko.robots.adapters.base.WebAdapter`.

The flow it drives (画面ID in brackets)::

    ログイン[KTX-0001] → 業務メニュー[KTX-0100]
    車両検索[KTX-0310] → 検索結果一覧[KTX-0320] → 車両詳細[KTX-0330] → 廃車登録入力[KTX-0340]
      → 入力内容確認[KTX-0350] → 登録完了[KTX-0360] → 確認票[KTX-0370] (saved as PDF)
    受付番号検索[KTX-0410]   EUCデータ抽出[KTX-0510]

How it decides what went wrong: the system shows a screen ID in the footer and gives every
message an ID (E0401 他の端末で更新中です …). Those IDs, not the wording, map to
:class:`BusinessError` (staff must act) or :class:`ApplicationError` (retry may help). Every wait
is short (``timeout_s``, 5 s by default) and every element a step needs is checked before it is
used, so a changed screen fails at once with ``element_missing`` instead of hanging.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from daiko.i18n import tr
from daiko.robots.adapters.base import KeyedRecord, KeyingResult, WebAdapter
from daiko.robots.errors import ApplicationError, BusinessError, LoginRejected, OutcomeUnknown
from daiko.robots.identity import same_code
from daiko.robots.tasks.haisha import REASONS, Deregistration

T = TypeVar("T")

# --- the system's screens, URLs and elements -------------------------------------------------

LOGIN, SESSION_ERROR, MENU = "KTX-0001", "KTX-0002", "KTX-0100"
SEARCH, RESULTS, DETAIL = "KTX-0310", "KTX-0320", "KTX-0330"
INPUT, CONFIRM, DONE, RECEIPT = "KTX-0340", "KTX-0350", "KTX-0360", "KTX-0370"
REFERENCE_SEARCH, EXTRACT, SYSTEM_ERROR = "KTX-0410", "KTX-0510", "KTX-9000"

PATH_LOGIN = "/login"
PATH_MENU = "/menu"
PATH_SEARCH = "/sharyo/kensaku"
PATH_REFERENCE_SEARCH = "/uketsuke/kensaku"
PATH_EXTRACT = "/chushutsu"

SCREEN_ID = "#screenId"
SCREEN_TITLE = "#screenTitle"
MESSAGES = "#messages li"

SEL = {
    "login.user": "#userId",
    "login.password": "#password",
    "login.submit": "#btnLogin",
    "logout": "#btnLogout",
    "search.plate": "#searchPlate",
    "search.submit": "#btnSearch",
    "results.table": "#tblResult",
    **{f"results.row{i}": f"#tblResult tbody tr:nth-child({i + 1}) input[type=radio]" for i in range(50)},
    "results.detail": "#btnDetail",
    "detail.status": "#dtStatus",
    "detail.plate": "#dtPlate",
    "detail.maker": "#dtMaker",
    "detail.model": "#dtModelName",
    "detail.owner": "#dtOwner",
    "detail.owner_kana": "#dtOwnerKana",
    "detail.address": "#dtAddress",
    "detail.chassis": "#dtChassis",
    "detail.dereg_date": "#dtHaishaDate",
    "detail.deregister": "#btnHaisha",
    "input.haisha_era": "#haishaEra",
    "input.haisha_year": "#haishaYear",
    "input.haisha_month": "#haishaMonth",
    "input.haisha_day": "#haishaDay",
    "input.reason": "#haishaReason",
    "input.shinkoku_era": "#shinkokuEra",
    "input.shinkoku_year": "#shinkokuYear",
    "input.shinkoku_month": "#shinkokuMonth",
    "input.shinkoku_day": "#shinkokuDay",
    "input.reference": "#uketsukeNo",
    "input.confirm": "#btnConfirm",
    "input.cancel": "#btnCancel",
    "confirm.haisha_date": "#cfHaishaDate",
    "confirm.reason": "#cfReason",
    "confirm.shinkoku_date": "#cfShinkokuDate",
    "confirm.reference": "#cfUketsukeNo",
    "confirm.register": "#btnRegister",
    "confirm.cancel": "#btnCancel",
    "done.shori_no": "#shoriNo",
    "done.reference": "#doneUketsukeNo",
    "done.receipt": "#lnkKakuninhyo",
    "receipt.shori_no": "#khShoriNo",
    "reference.input": "#qUketsukeNo",
    "reference.submit": "#btnUketsukeSearch",
    "reference.table": "#tblUketsuke",
    "reference.reprint": "#tblUketsuke tbody tr:first-child a[href*='kakuninhyo']",
    "extract.from": "#exFrom",
    "extract.to": "#exTo",
    "extract.utf8": "#encUtf8",
    "extract.submit": "#btnExtract",
}

# What the labels on screen call each element, for messages staff and operators read.
WHAT = {
    "login.user": "利用者ID", "login.password": "パスワード", "login.submit": "ログインボタン", "logout": "ログアウトボタン",
    "search.plate": "標識番号", "search.submit": "検索ボタン", "results.table": "検索結果一覧",
    "results.detail": "詳細ボタン", **{f"results.row{i}": f"検索結果{i + 1}行目の選択" for i in range(50)}, "detail.status": "課税状態", "detail.chassis": "車台番号",
    "detail.plate": "標識番号（詳細）", "detail.maker": "車名（メーカー）", "detail.model": "車名（型）", "detail.owner": "所有者氏名",
    "detail.owner_kana": "所有者氏名（カナ）", "detail.address": "所有者住所",
    "detail.deregister": "廃車登録ボタン", "input.haisha_era": "廃車年月日（元号）", "input.haisha_year": "廃車年月日（年）",
    "input.haisha_month": "廃車年月日（月）", "input.haisha_day": "廃車年月日（日）", "input.reason": "廃車事由",
    "input.shinkoku_era": "申告日（元号）", "input.shinkoku_year": "申告日（年）", "input.shinkoku_month": "申告日（月）",
    "input.shinkoku_day": "申告日（日）", "input.reference": "受付番号", "input.confirm": "確認ボタン",
    "input.cancel": "中止ボタン", "confirm.haisha_date": "廃車年月日（確認）", "confirm.reason": "廃車事由（確認）",
    "confirm.shinkoku_date": "申告日（確認）", "confirm.reference": "受付番号（確認）", "confirm.register": "登録ボタン",
    "confirm.cancel": "中止ボタン", "done.shori_no": "処理番号", "done.reference": "受付番号（完了）",
    "done.receipt": "確認票印刷", "receipt.shori_no": "確認票の処理番号", "reference.input": "受付番号",
    "reference.submit": "検索ボタン", "reference.reprint": "再印刷リンク", "extract.from": "処理日（開始）", "extract.to": "処理日（終了）",
    "extract.utf8": "文字コード UTF-8", "extract.submit": "抽出ボタン",
}  # fmt: skip

# Message IDs the system shows → (kind, code). Anything not listed is information only.
MESSAGE_ERRORS: dict[str, tuple[type[Exception], str]] = {
    "E0001": (LoginRejected, "login_failed"),  # wrong ID/password: the run stops, no retries (account lock)
    "E0005": (ApplicationError, "invalid_transition"),
    "E0301": (ApplicationError, "invalid_search"),
    "I0301": (BusinessError, "not_found"),
    "E0303": (BusinessError, "not_found"),
    "E0304": (ApplicationError, "element_missing"),
    "E0401": (ApplicationError, "locked"),
    "E0402": (BusinessError, "already_deregistered"),
    "E9000": (ApplicationError, "http_500"),
}
REJECTION_PREFIX = "E05"  # 廃車登録 input checks (dates, 事由, 受付番号; E0508 = 受付番号 used) → staff
MESSAGE_RE = re.compile(r"^([EWI]\d{4})\s*(.*)$", re.S)

ERAS = [("R", "令和", dt.date(2019, 5, 1)), ("H", "平成", dt.date(1989, 1, 8))]

_READ_SCREEN = """([idSel, titleSel, messageSel]) => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent.trim() : ''; };
  return {
    id: text(idSel),
    title: text(titleSel) || document.title,
    messages: Array.from(document.querySelectorAll(messageSel)).map(li => li.textContent.trim()),
  };
}"""

_MISSING = """(selectors) => selectors.filter(sel => !document.querySelector(sel))"""

_READ_TABLE = """(sel) => {
  const t = document.querySelector(sel);
  if (!t) return null;
  const heads = Array.from(t.querySelectorAll('thead th')).map(th => th.textContent.trim());
  const rows = Array.from(t.querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent.trim()));
  return {heads, rows};
}"""

# Fill a whole screen in one round trip: [selector, value, kind] with kind "text", "option"
# (a <select> by value), "label" (a <select> by its visible text) or "check" (radio/checkbox).
# Values go in with the input/change events a typing user would cause; the 入力内容確認 screen's
# read-back is what proves the system understood them.
_FILL = """(entries) => {
  const problems = [];
  for (const [sel, value, kind] of entries) {
    const el = document.querySelector(sel);
    if (!el) { problems.push(['missing', sel]); continue; }
    if (kind === 'label' || kind === 'option') {
      const option = Array.from(el.options || []).find(o => kind === 'label' ? o.text.trim() === value : o.value === value);
      if (!option) { problems.push(['no_option', sel]); continue; }
      el.value = option.value;
    } else if (kind === 'check') {
      el.checked = true;
    } else {
      el.focus();
      el.value = value;
    }
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
  }
  return problems;
}"""

# Press a button or link: the browser's own activation (what Enter on a focused button does).
_PRESS = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return 'missing';
  if (el.disabled) return 'disabled';
  el.click();
  return 'ok';
}"""

_READ_TEXTS = """(sels) => sels.map(sel => { const el = document.querySelector(sel); return el ? el.textContent.trim() : null; })"""


@dataclass(frozen=True)
class Screen:
    id: str
    title: str
    messages: list[tuple[str, str]]  # (message ID, text)

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}".strip()


class _SessionLost(ApplicationError):
    """The session ended under us. Internal: handled by one transparent re-login."""

    def __init__(self, reason: str, *, killed: bool):
        super().__init__(reason, code="session_killed" if killed else "session_expired")
        self.killed = killed


# --- helpers that know this system's conventions ------------------------------------------------


def to_wareki(day: dt.date) -> tuple[str, int, int, int]:
    """(元号 code, year, month, day) as the input screen wants them."""
    for code, _name, start in ERAS:
        if day >= start:
            return code, day.year - start.year + 1, day.month, day.day
    from daiko.wareki import wareki_date

    # Said as the paper says it (昭和63年…): staff read this reason beside the form.
    raise BusinessError(f"{wareki_date(day, weekday=False)}は平成より前の日付のため入力できません。", code="rejected")


def wareki_text(day: dt.date) -> str:
    """'令和7年4月1日' as the confirmation screen shows it (for the read-back check)."""
    code, year, month, dd = to_wareki(day)
    name = dict((c, n) for c, n, _ in ERAS)[code]
    return f"{name}{'元' if year == 1 else year}年{month}月{dd}日"


def normalise(text: str | None) -> str:
    """Compare plates and 車台番号 as people type them: widths, spaces and dashes ignored."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐－―ー・.")


def reason_label(reason: str) -> str:
    """The 廃車事由 option text for a ``REASONS`` key ('scrap') or the Japanese label itself."""
    if reason in REASONS:
        return REASONS[reason]
    if reason in REASONS.values():
        return reason
    raise BusinessError(f"廃車事由「{reason}」はシステムの選択肢にありません。", code="rejected")


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "item"


class KeitaxAdapter(WebAdapter):
    """Drives the 軽自動車税システム in one logged-in page, reused from item to item."""

    system_name = "軽自動車税システム"

    def __init__(
        self,
        page: Page,
        base_url: str,
        login: str,
        password: str,
        evidence_dir: Path,
        *,
        timeout_s: float = 5.0,
    ):
        super().__init__(page, base_url, login, password, Path(evidence_dir), timeout_s=timeout_s)
        self._logged_in = False
        self._trace: list[str] = []

    @property
    def _ms(self) -> float:
        return self.timeout_s * 1000

    # --- WebAdapter -----------------------------------------------------------------------------

    def ensure_logged_in(self) -> None:
        """Log in once; later calls reuse the session until a screen says it has ended."""
        if not self._logged_in:
            self._login()

    def find_keyed(self, reference: str) -> str | None:
        record = self.find_record(reference)
        return record.system_record_id if record else None

    def find_record(self, reference: str) -> KeyedRecord | None:
        return self._with_relogin(lambda: self._find_record(reference))

    def register_record(self, locator: dict[str, str]) -> dict[str, str]:
        """車両検索 → 詳細, read only: no 廃車登録 screen is opened, so no 更新ロック is taken."""

        def look() -> dict[str, str]:
            self._open_detail(locator.get("plate", ""), locator.get("chassis_no"))
            return self._read_register()

        return self._with_relogin(look)

    def close(self) -> None:
        """Log out: the session cookie a trace may hold stops working."""
        if not self._logged_in:
            return
        with contextlib.suppress(Exception):
            self._goto(PATH_MENU, expect=(MENU,))  # the 業務メニュー has the ログアウト button
            self._submit("logout", expect=(LOGIN,))
        self._logged_in = False

    def key(self, request: Deregistration, *, dry_run: bool = False) -> KeyingResult:
        return self.deregister(request, dry_run=dry_run)

    def deregister(self, item: Deregistration, *, dry_run: bool = False) -> KeyingResult:
        self._trace = []
        reason = reason_label(item.reason)  # fail fast, before touching the system

        def resume() -> KeyingResult | None:
            # The session died mid-flow: the 登録 may have gone through just before. Look first.
            record = self._find_record(item.reference)
            if record is None or dry_run:
                return None
            self._same_vehicle(item, record)
            return self._already_present(item, record.system_record_id)

        return self._with_relogin(lambda: self._deregister(item, reason, dry_run), resume=resume)

    def receipt_for(self, reference: str, system_record_id: str) -> Path | None:
        def reprint() -> Path | None:
            record = self._find_record(reference)
            if record is None or record.system_record_id != system_record_id:
                return None
            return self._save_receipt_from(SEL["reference.reprint"], reference, system_record_id)

        return self._with_relogin(reprint)

    def export_extract(self, date_from: dt.date, date_to: dt.date) -> bytes:
        if date_from > date_to:
            raise ValueError(f"date_from {date_from} is after date_to {date_to}")
        return self._with_relogin(lambda: self._export(date_from, date_to))

    @staticmethod
    def parse_extract(data: bytes) -> list[dict[str, str]]:
        """EUCデータ: cp932 (or UTF-8) CSV, dates YYYY/MM/DD, 事由 in Japanese → daiko's terms."""
        import csv
        import io

        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("the EUC extract is neither UTF-8 nor Shift_JIS")
        by_label = {label: key for key, label in REASONS.items()}
        rows = []
        for row in csv.DictReader(io.StringIO(text)):
            rows.append(
                {
                    "system_record_id": row.get("処理番号", ""),
                    "reference": row.get("受付番号", ""),
                    "plate": row.get("標識番号", ""),
                    "chassis_no": row.get("車台番号", ""),
                    "deregistered_on": (row.get("廃車年月日") or "").replace("/", "-"),
                    "reason": by_label.get(row.get("廃車事由", ""), row.get("廃車事由", "")),
                    "declared_on": (row.get("申告日") or "").replace("/", "-"),
                }
            )
        return rows

    # --- the flows ------------------------------------------------------------------------------

    def _login(self) -> None:
        # Untraced: a trace records every evaluate()'s arguments (the password), the login POST and
        # DOM snapshots; the runner pauses tracing and screenshots for these three steps.
        with self.untraced():
            self._goto(PATH_LOGIN, expect=(LOGIN,))
            self._fill_form([("login.user", self.login_name, "text"), ("login.password", self.password, "text")])
            self._submit("login.submit", expect=(MENU,))
        self._logged_in = True
        logger.debug("keitax: logged in as {}", self.login_name)

    def _with_relogin(self, operation: Callable[[], T], *, resume: Callable[[], T | None] | None = None) -> T:
        """Run ``operation``; if the session expired, log in again once and carry on."""
        self.ensure_logged_in()
        try:
            return operation()
        except _SessionLost as lost:
            self._logged_in = False
            if lost.killed:
                # Someone logged in with this account elsewhere; logging straight back in would
                # throw them out in turn. Let the robot's retry policy decide.
                raise ApplicationError(lost.reason, code=lost.code) from None
            logger.info(
                tr(
                    "keitax: セッションが切れました（{}）。もう一度だけログインします",
                    "keitax: session expired ({}); logging in again once",
                ),
                lost.reason,
            )
        try:
            self._login()
            if resume is not None:
                result = resume()
                if result is not None:
                    return result
            return operation()
        except _SessionLost as lost:
            self._logged_in = False
            raise ApplicationError(f"再ログイン後もセッションが切れました：{lost.reason}", code=lost.code) from None

    def _find_record(self, reference: str) -> KeyedRecord | None:
        self._goto(PATH_REFERENCE_SEARCH, expect=(REFERENCE_SEARCH,))
        self._fill_form([("reference.input", reference, "text")])
        self._submit("reference.submit", expect=(REFERENCE_SEARCH,), allow=("I0411",))
        table = self._table("reference.table", required=False)
        if table is None:
            return None
        for row in table:
            if row.get("受付番号") == reference and row.get("処理番号"):
                subject = {"plate": row.get("標識番号", ""), "chassis_no": row.get("車台番号", "")}
                return KeyedRecord(row["処理番号"], {k: v for k, v in subject.items() if v})
        return None

    def _same_vehicle(self, item: Deregistration, record: KeyedRecord) -> None:
        """A 受付番号 found in the system must be *this* vehicle's: another vehicle's is a person's case."""
        plate, chassis = record.subject.get("plate"), record.subject.get("chassis_no")
        if (plate and normalise(plate) != normalise(item.plate)) or (
            chassis and item.chassis_no and not same_code(item.chassis_no, chassis)
        ):
            raise BusinessError(
                f"受付番号「{item.reference}」は基幹システムで別の車両（標識番号 {plate}、処理番号 "
                f"{record.system_record_id}）に登録済みです。申告の車両（標識番号 {item.plate}）は入力していません。",
                code="reference_conflict",
            )

    def _open_detail(self, plate: str, chassis_no: str | None) -> None:
        """車両検索 → 検索結果一覧 → 車両詳細 of the one vehicle the plate (and 車台番号) name."""
        self._goto(PATH_SEARCH, expect=(SEARCH,))
        self._fill_form([("search.plate", plate, "text")])
        self._submit("search.submit", expect=(RESULTS,))
        index = self._choose_row(plate, chassis_no)
        self._fill_form([(f"results.row{index}", "", "check")])
        self._submit("results.detail", expect=(DETAIL,))

    def _read_register(self) -> dict[str, str]:
        """What 車両詳細 shows for the vehicle, in daiko.robots.identity's record keys."""
        keys = ("plate", "maker", "model", "chassis_no", "owner_name", "owner_kana", "owner_address", "status")
        selectors = ("detail.plate", "detail.maker", "detail.model", "detail.chassis", "detail.owner",
                     "detail.owner_kana", "detail.address", "detail.status")  # fmt: skip
        self._require(*selectors)
        return dict(zip(keys, self._texts(*selectors), strict=True))

    def _deregister(self, item: Deregistration, reason: str, dry_run: bool) -> KeyingResult:
        # 車両検索 → 検索結果一覧 → 車両詳細
        self._open_detail(item.plate, item.chassis_no)
        self._check_detail(item)
        if self.verify is not None:
            self.verify(self._read_register())  # the right vehicle? raises before anything is locked
        # 廃車登録入力
        self._submit("detail.deregister", expect=(INPUT,))
        self._fill_input(item, reason)
        try:
            self._submit("input.confirm", expect=(CONFIRM,))
        except BusinessError:
            self._cancel_quietly()  # let go of the 更新ロック so staff can open the record
            raise
        # 入力内容確認: read back what the system understood before anything is saved
        self._read_back(item, reason)
        if dry_run:
            self._submit("confirm.cancel", expect=(DETAIL,))
            logger.debug("keitax: 試行 {} stopped before 登録", item.reference)
            return KeyingResult(item.reference, "", dry_run=True, screens=list(self._trace))
        # 登録 → 登録完了. From the press on, the 廃車 may be saved whatever comes back.
        if self.before_commit is not None:
            self.before_commit()
        try:
            self._submit("confirm.register", expect=(DONE,))
            shori_no, shown_reference = self._texts("done.shori_no", "done.reference")
            if not shori_no or shown_reference != item.reference:
                raise ApplicationError(
                    f"登録完了画面の内容が想定と異なります（処理番号「{shori_no}」受付番号「{shown_reference}」）",
                    code="readback_mismatch",
                )
        except _SessionLost:
            raise  # _with_relogin logs in again and asks (resume) before anything else
        except ApplicationError as unclear:
            return self._ask_after_commit(item, unclear)
        logger.debug("keitax: {} keyed as 処理番号 {}", item.reference, shori_no)
        try:
            receipt = self._save_receipt("done.receipt", item.reference, shori_no)
        except _SessionLost:
            raise  # logging in again, _with_relogin finds it keyed (resume) and re-prints the 確認票
        except ApplicationError as exc:
            # Saved for certain (処理番号 on screen): a 確認票 that did not load is not a failed 廃車.
            logger.warning(
                tr(
                    "keitax: {} は処理番号 {} で入力済みですが、確認票を保存できませんでした: {}",
                    "keitax: {} keyed as {}, but the 確認票 could not be saved: {}",
                ),
                item.reference,
                shori_no,
                exc.reason,
            )
            receipt = None
        return KeyingResult(item.reference, shori_no, evidence=[receipt] if receipt else [], screens=list(self._trace))

    def _ask_after_commit(self, item: Deregistration, unclear: ApplicationError) -> KeyingResult:
        """登録 was pressed and no clear answer came: ask the system (受付番号検索) at once."""
        try:
            record = self._with_relogin(lambda: self._find_record(item.reference))
        except ApplicationError as ask:
            raise OutcomeUnknown(
                f"登録ボタンを押した後の応答がなく（{unclear.reason}）、登録されたかどうかを確認できませんでした"
                f"（{ask.reason}）"
            ) from None
        if record is None:
            raise unclear  # the system says it is not there: an ordinary failed attempt
        self._same_vehicle(item, record)
        return self._already_present(item, record.system_record_id)

    def _already_present(self, item: Deregistration, shori_no: str) -> KeyingResult:
        """Found keyed already (e.g. 登録 went through just before the session died): keep evidence only."""
        logger.info(
            tr(
                "keitax: {} は処理番号 {} で入力済みです。二重に入力しません",
                "keitax: {} already keyed as 処理番号 {}; not keying again",
            ),
            item.reference,
            shori_no,
        )
        receipt = None
        if self._table("reference.table", required=False):
            receipt = self._save_receipt_from(SEL["reference.reprint"], item.reference, shori_no)
        return KeyingResult(
            item.reference,
            shori_no,
            evidence=[receipt] if receipt else [],
            already_present=True,
            screens=list(self._trace),
        )

    def _choose_row(self, plate: str, chassis_no: str | None) -> int:
        """The result row to open: the one with the given 車台番号, else the one still 課税中."""
        rows = self._table("results.table")
        want_plate = normalise(plate)
        candidates = [(i, r) for i, r in enumerate(rows) if normalise(r.get("標識番号")) == want_plate]
        if not candidates:
            raise BusinessError(f"標識番号「{plate}」の車両が見つかりません。", code="not_found")
        if chassis_no:
            matching = [(i, r) for i, r in candidates if same_code(chassis_no, r.get("車台番号"))]
            if not matching:
                found = "、".join(r.get("車台番号", "") for _, r in candidates)
                raise BusinessError(
                    f"標識番号「{plate}」の車両の車台番号（{found}）が申告の車台番号「{chassis_no}」と一致しません。",
                    code="chassis_mismatch",
                )
            candidates = matching
        active = [(i, r) for i, r in candidates if r.get("課税状態") == "課税中"]
        if len(active) == 1:
            return active[0][0]
        if not active:
            raise BusinessError(f"標識番号「{plate}」の車両は既に廃車済です。", code="already_deregistered")
        raise BusinessError(
            f"標識番号「{plate}」に課税中の車両が{len(active)}件あり特定できません。車台番号を確認してください。",
            code="ambiguous",
        )

    def _check_detail(self, item: Deregistration) -> None:
        self._require("detail.status", "detail.chassis", "detail.deregister")
        status, chassis, dereg_date = self._texts("detail.status", "detail.chassis", "detail.dereg_date")
        if status != "課税中":
            raise BusinessError(f"この車両は既に廃車済です。（廃車年月日：{dereg_date}）", code="already_deregistered")
        if item.chassis_no and not same_code(item.chassis_no, chassis):
            raise BusinessError(
                f"車台番号が一致しません（登録：{chassis}　申告：{item.chassis_no}）。", code="chassis_mismatch"
            )

    def _fill_input(self, item: Deregistration, reason: str) -> None:
        entries = []
        for prefix, day in (("haisha", item.deregistered_on), ("shinkoku", item.declared_on)):
            era, year, month, dd = to_wareki(day)
            entries += [
                (f"input.{prefix}_era", era, "option"),
                (f"input.{prefix}_year", str(year), "text"),
                (f"input.{prefix}_month", str(month), "text"),
                (f"input.{prefix}_day", str(dd), "text"),
            ]
        entries += [("input.reason", reason, "label"), ("input.reference", item.reference, "text")]
        self._fill_form(entries)

    def _read_back(self, item: Deregistration, reason: str) -> None:
        keys = ("confirm.haisha_date", "confirm.reason", "confirm.shinkoku_date", "confirm.reference")
        self._require(*keys, "confirm.register", "confirm.cancel")
        shown = self._texts(*keys)
        expected = [wareki_text(item.deregistered_on), reason, wareki_text(item.declared_on), item.reference]
        if shown != expected:
            diff = "、".join(f"{WHAT[k]}：{s}≠{e}" for k, s, e in zip(keys, shown, expected, strict=True) if s != e)
            raise ApplicationError(f"確認画面の表示が入力と一致しません（{diff}）", code="readback_mismatch")

    def _cancel_quietly(self) -> None:
        # Best effort: the lock also lapses on its own, and the business error is what matters.
        with contextlib.suppress(ApplicationError, BusinessError):
            self._submit("input.cancel", expect=(DETAIL,))

    def _save_receipt(self, link_key: str, reference: str, shori_no: str) -> Path:
        return self._save_receipt_from(SEL[link_key], reference, shori_no)

    def _save_receipt_from(self, selector: str, reference: str, shori_no: str) -> Path:
        """Open the 確認票 and keep it as evidence: a PDF, or a PNG where the browser cannot print."""
        self._navigate(lambda: self._press(selector, "確認票"), "確認票", expect=(RECEIPT,))
        (shown,) = self._texts("receipt.shori_no")
        if shown != shori_no:
            raise ApplicationError(f"確認票の処理番号「{shown}」が「{shori_no}」と異なります", code="readback_mismatch")
        self.evidence_dir.mkdir(parents=True, exist_ok=True)
        stem = self.evidence_dir / f"{_safe_name(reference)}_{shori_no}_kakuninhyo"
        try:
            path = stem.with_suffix(".pdf")
            self.page.pdf(path=str(path), format="A4", print_background=True)
        except PlaywrightError:
            # Playwright documents page.pdf() for headless Chromium only (Debian's 156 also prints
            # headed); where it is refused, a full-page screenshot is kept as the evidence instead.
            path = stem.with_suffix(".png")
            self.page.screenshot(path=str(path), full_page=True)
        return path

    def _export(self, date_from: dt.date, date_to: dt.date) -> bytes:
        self._goto(PATH_EXTRACT, expect=(EXTRACT,))
        self._fill_form(
            [
                ("extract.from", f"{date_from:%Y%m%d}", "text"),
                ("extract.to", f"{date_to:%Y%m%d}", "text"),
                ("extract.utf8", "", "check"),
            ]
        )
        data = self._download("extract.submit")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            # The UTF-8 choice did not take (older release?): the default is Shift_JIS; convert.
            data = data.decode("cp932").encode("utf-8")
        return data

    # --- low-level steps: every browser call goes through these ----------------------------------

    def _goto(self, path: str, *, expect: tuple[str, ...], allow: tuple[str, ...] = ()) -> Screen:
        return self._navigate(
            lambda: self.page.goto(self.base_url + path, wait_until="domcontentloaded", timeout=self._ms),
            path,
            expect=expect,
            allow=allow,
            direct=True,
        )

    def _submit(self, key: str, *, expect: tuple[str, ...], allow: tuple[str, ...] = ()) -> Screen:
        return self._navigate(lambda: self._press(SEL[key], WHAT[key]), WHAT[key], expect=expect, allow=allow)

    def _press(self, selector: str, what: str) -> None:
        """Press a button or link, checked to be there and enabled, in one round trip.

        Not Playwright's mouse click: its pointer checks cost ~40 ms a screen on these machines
        and prove nothing more for a server-rendered form. A disabled button stays a failure.
        """
        outcome = self.page.evaluate(_PRESS, selector)
        if outcome == "missing":
            screen = self._read_screen()
            raise ApplicationError(
                f"画面 {screen.label} に {what} が見つかりません（画面レイアウトが変更された可能性があります）",
                code="element_missing",
            )
        if outcome == "disabled":
            raise ApplicationError(f"{what} が押せない状態です", code="element_disabled")

    def _navigate(
        self,
        action: Callable[[], object],
        step: str,
        *,
        expect: tuple[str, ...],
        allow: tuple[str, ...] = (),
        direct: bool = False,
    ) -> Screen:
        """Run one action that loads a new screen, then check what came back."""
        try:
            if direct:
                response = action()
            else:
                with self.page.expect_navigation(wait_until="domcontentloaded", timeout=self._ms) as navigation:
                    action()
                response = navigation.value
        except PlaywrightTimeoutError:
            raise ApplicationError(
                f"{self.system_name}が{self.timeout_s:g}秒以内に応答しません（{step}）", code="timeout"
            ) from None
        except PlaywrightError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ApplicationError(
                f"{self.system_name}に接続できません（{step}）：{first_line}", code="connection"
            ) from None
        return self._check(response, step, expect=expect, allow=allow)

    def _read_screen(self) -> Screen:
        try:
            data = self.page.evaluate(_READ_SCREEN, [SCREEN_ID, SCREEN_TITLE, MESSAGES])
        except PlaywrightError as exc:
            raise ApplicationError(f"画面を読み取れません：{exc}", code="element_missing") from None
        messages = []
        for text in data["messages"]:
            match = MESSAGE_RE.match(text)
            messages.append((match.group(1), match.group(2).strip()) if match else ("", text))
        return Screen(data["id"], data["title"], messages)

    def _check(
        self, response: Response | None, step: str, *, expect: tuple[str, ...], allow: tuple[str, ...]
    ) -> Screen:
        screen = self._read_screen()
        self._trace.append(screen.label)
        status = response.status if response is not None else 200
        if status >= 500 or screen.id == SYSTEM_ERROR:
            raise ApplicationError(f"システムエラーが発生しました（HTTP {status}、{step}）", code="http_500")
        ids = [mid for mid, _ in screen.messages]
        text = "／".join(f"{mid} {t}".strip() for mid, t in screen.messages)
        if screen.id == SESSION_ERROR and "E0005" not in ids:
            raise _SessionLost(text or "セッションが無効です", killed="E0003" in ids)
        for mid, message in screen.messages:
            if not mid or mid in allow:
                continue
            if mid.startswith(REJECTION_PREFIX):
                # Input checks: report every one at once, so staff see all that is wrong.
                rejected = "／".join(f"{i} {t}" for i, t in screen.messages if i.startswith(REJECTION_PREFIX))
                raise BusinessError(rejected, code="duplicate_reference" if "E0508" in ids else "rejected")
            if mid in MESSAGE_ERRORS:
                kind, code = MESSAGE_ERRORS[mid]
                raise kind(f"{mid} {message}", code=code)
            if mid.startswith("E"):
                raise ApplicationError(f"{mid} {message}（{step}）", code="unexpected_message")
        if screen.id == LOGIN and LOGIN not in expect:
            raise _SessionLost(f"ログイン画面に戻されました（{step}）", killed=False)
        if screen.id not in expect:
            raise ApplicationError(
                f"想定外の画面です：{screen.label}（{step} の後、想定：{'、'.join(expect)}）", code="unexpected_screen"
            )
        return screen

    def _require(self, *keys: str) -> None:
        """All these elements must be on the current screen — checked at once, without waiting."""
        missing = self.page.evaluate(_MISSING, [SEL[k] for k in keys])
        if missing:
            names = "、".join(WHAT.get(k, k) for k in keys if SEL[k] in missing)
            screen = self._read_screen()
            raise ApplicationError(
                f"画面 {screen.label} に {names} が見つかりません（画面レイアウトが変更された可能性があります）",
                code="element_missing",
            )

    def _fill_form(self, entries: list[tuple[str, str, str]]) -> None:
        """Fill several elements at once: (key, value, kind) — see ``_FILL`` for the kinds."""
        problems = self.page.evaluate(_FILL, [[SEL[k], v, kind] for k, v, kind in entries])
        if not problems:
            return
        by_selector = {SEL[k]: (k, v) for k, v, _ in entries}
        missing = [WHAT[by_selector[sel][0]] for kind, sel in problems if kind == "missing"]
        if missing:
            screen = self._read_screen()
            raise ApplicationError(
                f"画面 {screen.label} に {'、'.join(missing)} が見つかりません（画面レイアウトが変更された可能性があります）",
                code="element_missing",
            )
        key, value = by_selector[problems[0][1]]
        if key == "input.reason":
            raise BusinessError(f"廃車事由に「{value}」の選択肢がありません。", code="rejected")
        raise ApplicationError(f"{WHAT[key]} に「{value}」の選択肢がありません", code="element_missing")

    def _texts(self, *keys: str) -> list[str]:
        return [t if t is not None else "" for t in self.page.evaluate(_READ_TEXTS, [SEL[k] for k in keys])]

    def _table(self, key: str, *, required: bool = True) -> list[dict[str, str]] | None:
        data = self.page.evaluate(_READ_TABLE, SEL[key])
        if data is None:
            if required:
                self._require(key)
            return None
        return [dict(zip(data["heads"], cells, strict=False)) for cells in data["rows"]]

    def _download(self, key: str) -> bytes:
        """Click a button that answers with a file. An HTML screen instead (error, session) is checked."""
        downloads: list = []
        loaded: list = []

        def on_download(download) -> None:
            downloads.append(download)

        def on_load(*_args) -> None:
            loaded.append(True)

        self.page.on("download", on_download)
        self.page.on("domcontentloaded", on_load)
        try:
            self._press(SEL[key], WHAT[key])
            deadline = time.monotonic() + self.timeout_s
            while not downloads and not loaded and time.monotonic() < deadline:
                self.page.wait_for_timeout(25)
        finally:
            self.page.remove_listener("download", on_download)
            self.page.remove_listener("domcontentloaded", on_load)
        if downloads:
            download = downloads[0]
            failure = download.failure()
            if failure:
                raise ApplicationError(f"抽出ファイルを受け取れません：{failure}", code="download_failed")
            return Path(download.path()).read_bytes()
        if loaded:
            self._check(None, WHAT[key], expect=())  # raises what the screen says
        raise ApplicationError(
            f"{self.system_name}が{self.timeout_s:g}秒以内に抽出ファイルを返しません", code="timeout"
        )
