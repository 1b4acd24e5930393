"""Adapter for the 収納管理システム ("shuno"), a desktop client: its screens in one place.

Built on :class:`~daiko.robots.drivers.desktop.DesktopDriver`; nothing else in daiko knows where a
field of this client is or what its messages mean. When the client is replaced, this file (and
the template images in ``shuno_screens/``) is what changes.

The flow it drives (画面ID in brackets)::

    ログイン (dialog) → 業務メニュー[SNK0100]
    1 宛名検索[SNK0200] → result list → F12 口座振替登録[SNK0300] → F12 登録 → 確認 (dialog)
      → 口座振替登録完了[SNK0310]  (処理番号 read, screenshot kept as evidence)
    2 口座振替登録照会[SNK0400] (by 受付番号: the never-key-twice question)
    3 口座振替データ抽出[SNK0500] (Shift_JIS CSV, for 突合)

How it proves before it acts: the 宛名 found must carry the form's 氏名 and 住所 (and フリガナ when
given) or a person decides (:class:`BusinessError` ``identity_mismatch``); the row it opens is
copied back from the list and checked; every field it keys is read back through the clipboard,
and once more all together before 登録; after a システムエラー on 登録 it asks the system by
受付番号 whether the account went in before saying anything.

How it decides what went wrong: every message of the client has an ID (SNK-E0201 …). Those IDs,
not the wording, map to :class:`BusinessError` (staff must act) or :class:`ApplicationError`
(a retry may help). The unexpected お知らせ window is closed and the work goes on.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loguru import logger

from daiko.i18n import tr
from daiko.robots.adapters.base import DesktopAdapter, KeyedRecord, KeyingResult
from daiko.robots.drivers.desktop import DesktopDriver, Match, Template, Window
from daiko.robots.errors import ApplicationError, BusinessError, LoginRejected
from daiko.robots.tasks.kouza import TAXES, DirectDebitRequest

LOGIN_TIMEOUT_S = 30.0  # the longest a login (password check, a freshly started client) is waited for

# The request is the 口座振替 task's (robots/tasks/kouza.py); what the system calls its choices is here.
DEPOSIT_TYPES = {"futsu": ("1", "普通"), "toza": ("2", "当座")}  # 預金種目 key → (code keyed, label shown)


# --- the client's windows, screens and fields ---------------------------------------------------

MAIN_TITLE = "収納管理システム"
LOGIN_TITLE = "ログイン"
NOTICE_TITLE = "お知らせ"
SCREENS_DIR = Path(__file__).resolve().parent / "shuno_screens"
HEADER = (260, 6, 504, 52)  # where screen titles are drawn (window coordinates)
# Where the pointer rests for keys that move between screens: on the title, no control under it.
KEYS_AT = (HEADER[0] + HEADER[2] // 2, HEADER[1] + HEADER[3] // 2)

MENU, SEARCH, REGISTER, DONE, INQUIRY, EXTRACT = "menu", "search", "register", "done", "inquiry", "extract"
SCREEN_NAMES = {
    MENU: "業務メニュー", SEARCH: "宛名検索", REGISTER: "口座振替登録", DONE: "口座振替登録完了",
    INQUIRY: "口座振替登録照会", EXTRACT: "口座振替データ抽出",
}  # fmt: skip
MENU_KEYS = {SEARCH: "1", INQUIRY: "2", EXTRACT: "3"}

# Click points of fields, relative to the window they are in: the client's layout is fixed
# (a VB6-era client's controls sit at fixed pixels), so a point per field is what a clerk's
# muscle memory is too. The screen is always recognised by its template first.
AT = {
    "login.user": (200, 100), "login.password": (200, 142),
    "search.atena": (170, 100), "search.name": (170, 140), "search.address": (170, 180),
    "search.first_row": (300, 274),
    "register.reference": (215, 192), "register.bank": (215, 232), "register.branch": (215, 272),
    "register.deposit": (210, 312), "register.account": (215, 352), "register.holder": (215, 392),
    "register.year": (262, 512), "register.month": (342, 512),
    "done.shori_no": (300, 154), "done.reference": (300, 198),
    "inquiry.reference": (170, 100), "inquiry.shori_no": (250, 185), "inquiry.atena": (250, 265),
    "extract.from": (215, 100), "extract.to": (215, 140), "extract.path": (215, 180),
}  # fmt: skip
ROW_HEIGHT = 26
# The 振替税目 check boxes, in TAXES order: the indicator's box and the point to click.
CHECKS = {key: (200 + (i % 2) * 300, 418 + (i // 2) * 36) for i, key in enumerate(TAXES)}
CHECK_SIZE = (26, 32)

WHAT = {
    "register.reference": "受付番号", "register.bank": "金融機関コード", "register.branch": "支店コード",
    "register.deposit": "預金種目", "register.account": "口座番号", "register.holder": "口座名義（カナ）",
    "register.year": "振替開始年", "register.month": "振替開始月", "search.atena": "宛名番号", "search.name": "氏名",
    "inquiry.reference": "受付番号", "extract.from": "抽出開始日", "extract.to": "抽出終了日", "extract.path": "出力ファイル",
}  # fmt: skip

# Message IDs → (kind, code). SNK-E03xx are the 登録 screen's input checks: staff must look.
MESSAGE_ERRORS: dict[str, tuple[type[Exception], str]] = {
    "SNK-E0001": (LoginRejected, "login_failed"),
    "SNK-E0200": (ApplicationError, "invalid_search"),
    "SNK-E0201": (BusinessError, "not_found"),
    "SNK-W0202": (BusinessError, "ambiguous"),
    "SNK-E0203": (ApplicationError, "invalid_transition"),
    "SNK-E0302": (BusinessError, "already_registered"),
    "SNK-E0304": (BusinessError, "bank_unknown"),
    "SNK-E0305": (BusinessError, "bank_unknown"),
    "SNK-E0308": (BusinessError, "duplicate_reference"),
    "SNK-E0502": (ApplicationError, "export_failed"),
    "SNK-E9001": (ApplicationError, "system_error"),
}
REJECTION_PREFIX = "SNK-E03"
MESSAGE_RE = re.compile(r"(SNK-[EWI]\d{4})\s*(.*)", re.S)


@dataclass(frozen=True)
class Dialog:
    window: Window
    title: str
    message_id: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.message_id} {self.text}".strip()


def _templates() -> dict[str, Template]:
    out = {name: Template.load(SCREENS_DIR / f"title_{name}.png", name=name, region=HEADER) for name in SCREEN_NAMES}
    out["results"] = Template.load(SCREENS_DIR / "results_header.png", region=(30, 230, 500, 40))
    out["inquiry_result"] = Template.load(SCREENS_DIR / "inquiry_result.png", region=(20, 130, 120, 50))
    out["check_on"] = Template.load(SCREENS_DIR / "check_on.png", threshold=0.8)
    out["check_off"] = Template.load(SCREENS_DIR / "check_off.png", threshold=0.8)
    return out


# --- comparing what the form says with what the register holds --------------------------------


def name_key(text: str | None) -> str:
    """氏名/フリガナ compared without widths and spaces; small kana as large (ｯ/ッ → ツ)."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    return text.translate(str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ"))


def address_key(text: str | None) -> str:
    """住所 compared as people write it: 埼玉県/大字 optional, 番地・番・号・の and dashes alike."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    text = re.sub(r"^埼玉県", "", text).replace("大字", "")
    text = re.sub(r"(\d)(?:丁目|番地の|番地|番|の|号|[-‐－―ー−])(?=\d)", r"\1-", text)
    return re.sub(r"(\d)(?:番地|番|号)", r"\1", text)


def same_address(form: str, register: str) -> bool:
    """Equal, or one is the other plus a building name (the register may or may not carry it)."""
    a, b = address_key(form), address_key(register)
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return bool(short) and long.startswith(short) and not long[len(short)].isdigit() and long[len(short)] != "-"


def wareki_month(iso_month: str) -> tuple[int, int]:
    """'2026-04' → (8, 4): 令和 year and month, as the 振替開始年月 fields take them."""
    year, month = (int(v) for v in iso_month.split("-"))
    if (year, month) < (2019, 5):
        raise BusinessError(f"振替開始月 {iso_month} は令和より前のため入力できません。", code="rejected")
    return year - 2018, month


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "item"


class ShunoAdapter(DesktopAdapter):
    """Drives one running 収納管理システム client through a :class:`DesktopDriver`."""

    system_name = "収納管理システム"

    def __init__(self, driver: DesktopDriver, login: str, password: str, evidence_dir: Path, *,
                 timeout_s: float = 5.0, export_dir: Path | None = None, window_title: str | None = None):  # fmt: skip
        super().__init__(
            driver, login, password, evidence_dir, timeout_s=timeout_s, window_title=window_title or MAIN_TITLE
        )
        self.export_dir = Path(export_dir) if export_dir else Path(tempfile.gettempdir())
        self.templates = _templates()
        self._main: Window | None = None
        self._trace: list[str] = []
        self._rows: list[dict[str, str]] = []  # the last 宛名検索 result, in list order

    # --- the contract ----------------------------------------------------------------------------

    def ensure_logged_in(self) -> None:
        """Log in when the client shows its login dialog; otherwise reuse the session.

        A client just started may show its main window a moment before its login dialog: wait
        until either the dialog or one of the client's screens is there, never guess from a
        half-drawn start. A rejected login is tried once more with the password pasted whole (a
        keystroke lost on a loaded PC looks exactly like a wrong password); a second rejection
        is the password's fault and stops the run.
        """
        main = self._main_window()
        screens = [self.templates[s] for s in SCREEN_NAMES]

        def settled() -> Window | str | None:
            login = self.driver.find_window(LOGIN_TITLE)
            if login is not None:
                return login
            return "screen" if self.driver.locate(main, screens) is not None else None

        found = self.driver.wait_until(f"{self.system_name}のログイン画面または業務画面", settled)
        if not isinstance(found, Window):
            self._close_stray_dialogs()
            return
        try:
            self._login(main, found)
        except LoginRejected:
            again = self.driver.find_window(LOGIN_TITLE)
            if again is None:
                raise
            logger.warning("shuno: login rejected; keying it once more with the password pasted")
            self._login(main, again, paste=True)

    def find_keyed(self, reference: str) -> str | None:
        """The 処理番号 if an account was registered under this 受付番号, else None."""
        record = self.find_record(reference)
        return record.system_record_id if record else None

    def find_record(self, reference: str) -> KeyedRecord | None:
        """照会 by 受付番号: the 処理番号 and whose account it is (the 宛名番号), or None."""
        with self._client_alive():
            self.ensure_logged_in()
            found = self._inquire(reference)
            return KeyedRecord(found[0], {"atena_no": found[1]}) if found else None

    def receipt_for(self, reference: str, system_record_id: str) -> Path | None:
        """For an item found already registered (an earlier attempt went through): a screenshot of
        the 照会 screen showing its 処理番号 — the evidence every done item has."""
        with self._client_alive():
            self.ensure_logged_in()
            found = self._inquire(reference)
            if not found or found[0] != system_record_id:
                return None
            return self._evidence(f"{_safe_name(reference)}_{system_record_id}_shokai")

    def close(self) -> None:
        """Log out (業務メニュー → F1 ログアウト → はい): the next user of the PC finds the login
        dialog, and nothing of the last item stays on screen or on the clipboard."""
        with contextlib.suppress(ApplicationError, BusinessError):
            if self.driver.find_window(self.window_title) and self.driver.find_window(LOGIN_TITLE) is None:
                self._goto(MENU)
                self.driver.press("f1")
                self._close(self._wait_dialog("ログアウト", ok=("SNK-W0101",)), "y")
                self.driver.wait_window(LOGIN_TITLE)
        self.driver.clear_clipboard()

    def key(self, request: DirectDebitRequest, *, dry_run: bool = False) -> KeyingResult:
        return self.register(request, dry_run=dry_run)

    def register(self, item: DirectDebitRequest, *, dry_run: bool = False) -> KeyingResult:
        """Find the taxpayer, prove it is them, key the account, read it back, 登録 (unless 試行)."""
        self._trace = []
        self._check_request(item)  # fail fast, before touching the client
        with self._client_alive():
            return self._register(item, dry_run)

    def _register(self, item: DirectDebitRequest, dry_run: bool) -> KeyingResult:
        self.ensure_logged_in()
        row = self._find_taxpayer(item)
        if row["口座"] == "有":
            return self._already_there(item, row["宛名番号"])
        resumed = self._open_register(row, item)
        if resumed is not None:
            return resumed
        self._fill(item)
        if dry_run:
            shot = self._evidence(f"{_safe_name(item.reference)}_shiko")
            self._leave_register()
            logger.debug("shuno: 試行 {} stopped before 登録", item.reference)
            return KeyingResult(item.reference, "", evidence=[shot], dry_run=True, screens=list(self._trace))
        return self._commit(item, row["宛名番号"])

    def export_extract(self, date_from: dt.date, date_to: dt.date) -> bytes:
        """The client's CSV extract (Shift_JIS, as it writes it) of accounts registered in the range."""
        if date_from > date_to:
            raise ValueError(f"date_from {date_from} is after date_to {date_to}")
        with self._client_alive():
            return self._export(date_from, date_to)

    def _export(self, date_from: dt.date, date_to: dt.date) -> bytes:
        self.ensure_logged_in()
        self._goto(EXTRACT)
        self.export_dir.mkdir(parents=True, exist_ok=True)
        path = self.export_dir / f"shuno_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv"
        path.unlink(missing_ok=True)
        self._key_all(
            EXTRACT,
            {"extract.from": f"{date_from:%Y%m%d}", "extract.to": f"{date_to:%Y%m%d}", "extract.path": str(path)},
        )
        self.driver.press("f12")
        self._close(self._wait_dialog("抽出", ok=("SNK-I0503",)), "enter")
        if not path.is_file():
            raise ApplicationError("抽出ファイルが出力されませんでした", code="export_failed")
        data = path.read_bytes()
        path.unlink(missing_ok=True)
        return data

    @staticmethod
    def parse_extract(data: bytes) -> list[dict[str, str]]:
        """The extract's rows in daiko's terms (keys as in :class:`DirectDebitRequest`, dates ISO,
        taxes as a comma-joined list of TAXES keys), plus ``system_record_id``."""
        text = data.decode("cp932")
        deposit = {label: key for key, (_, label) in DEPOSIT_TYPES.items()}
        tax_columns = {"市県民税": "shikenmin", "固定資産税": "kotei", "軽自動車税": "keijidosha", "国保税": "kokuho"}
        rows = []
        for row in csv.DictReader(io.StringIO(text)):
            era_year, month = row["振替開始年月"].lstrip("R").split(".")
            rows.append(
                {
                    "system_record_id": row["処理番号"],
                    "reference": row["受付番号"],
                    "atena_no": row["宛名番号"],
                    "name": row["氏名"],
                    "bank_code": row["金融機関コード"],
                    "branch_code": row["支店コード"],
                    "deposit_type": deposit.get(row["預金種目"], row["預金種目"]),
                    "account_no": row["口座番号"],
                    "holder_kana": row["口座名義"],
                    "taxes": ",".join(key for column, key in tax_columns.items() if row.get(column) == "1"),
                    "start_month": f"{int(era_year) + 2018:04d}-{int(month):02d}",
                    "registered_on": _registered_on(row["登録日時"]),
                }
            )
        return rows

    def capture_failure(self, stem: str) -> list[Path]:
        """A screenshot of the client as it is now, for a failed item (never while logging in)."""
        try:
            return [self._evidence(f"{_safe_name(stem)}_error")]
        except ApplicationError:
            return []

    # --- the flows -------------------------------------------------------------------------------

    @staticmethod
    def _check_request(item: DirectDebitRequest) -> None:
        if item.deposit_type not in DEPOSIT_TYPES:
            raise BusinessError(f"預金種目「{item.deposit_type}」はシステムの選択肢にありません。", code="rejected")
        unknown = [t for t in item.taxes if t not in TAXES]
        if unknown or not item.taxes:
            raise BusinessError(f"振替税目が正しくありません（{'、'.join(unknown) or 'なし'}）。", code="rejected")
        wareki_month(item.start_month)

    def _login(self, main: Window, login: Window, *, paste: bool = False) -> None:
        d = self.driver
        with self.untraced(), d.secret_window(login):
            d.replace_text(login.x + AT["login.user"][0], login.y + AT["login.user"][1], self.login_name)
            x, y = login.x + AT["login.password"][0], login.y + AT["login.password"][1]
            d.select_field(x, y)
            d.press("backspace")
            if not paste and all(" " <= ch <= "~" for ch in self.password):
                d.type_ascii(self.password)
            else:  # through the clipboard, which is emptied again at once
                d.paste(self.password)
                d.clear_clipboard()
            d.press("enter")
            # A login checks the password (slow by design) and often follows the client's own start:
            # it gets the start-up's patience, not one screen's (a wait, never a speed limit).
            patience = max(d.timeout_s, LOGIN_TIMEOUT_S)
            outcome = d.wait_until(
                "ログインの結果",
                lambda: ("ok" if not d.window_shown(login.id) else None) or self._dialog(main),
                timeout=patience,
            )
            if isinstance(outcome, Dialog):
                self._close(outcome, "enter")
                self._raise_for(outcome, "ログイン")
            d.wait_window_gone(login, timeout=patience)
        self._wait(MENU, timeout=max(d.timeout_s, LOGIN_TIMEOUT_S))
        logger.debug("shuno: logged in as {}", self.login_name)

    def _find_taxpayer(self, item: DirectDebitRequest) -> dict[str, str]:
        """宛名検索, then the identity check on the rows the system lists."""
        self._goto(SEARCH)
        by_number = bool(item.atena_no)
        self._key_all(
            SEARCH,
            {"search.atena": item.atena_no or "", "search.name": "" if by_number else item.name, "search.address": ""},
        )
        self.driver.press("f2")
        self._wait(SEARCH, until="results")
        rows = self._result_rows()
        self._rows = rows
        if item.atena_no:
            candidates = [r for r in rows if r["宛名番号"] == item.atena_no]
        else:  # the list may hold similar names: only the form's own name finds the person
            candidates = [r for r in rows if name_key(r["氏名"]) == name_key(item.name)]
        if not candidates:
            raise BusinessError(
                f"{'宛名番号 ' + item.atena_no if item.atena_no else '「' + item.name + '」'}の宛名がありません。",
                code="not_found",
            )
        if len(candidates) > 1:  # namesakes: the address (and フリガナ) tells them apart
            candidates = [
                r for r in candidates
                if same_address(item.address, r["住所"]) and (not item.kana or name_key(r["カナ氏名"]) == name_key(item.kana))
            ]  # fmt: skip
            if len(candidates) > 1:
                raise BusinessError(
                    f"氏名・住所が一致する宛名が{len(candidates)}件あり特定できません（宛名番号を確認してください）。",
                    code="ambiguous",
                )
            if not candidates:
                raise BusinessError(
                    f"「{item.name}」の宛名は複数ありますが、依頼書の住所（{item.address}）"
                    f"{'・フリガナ' if item.kana else ''}と一致するものがありません。",
                    code="identity_mismatch",
                )
        row = candidates[0]
        if self.verify is not None:
            # The runner compares what the system shows with the form (robots.yaml identity) and
            # stops here, before 口座振替登録 is opened, when it is somebody else.
            self.verify({"owner_name": row["氏名"], "owner_kana": row["カナ氏名"], "owner_address": row["住所"],
                         "atena_no": row["宛名番号"]})  # fmt: skip
        elif not self._same_person(item, row):
            kana = "・フリガナ" if item.kana else ""
            raise BusinessError(
                f"宛名番号 {row['宛名番号']} の宛名（{row['氏名']}、{row['住所']}）が依頼書の氏名{kana}・住所"
                f"（{item.name}、{item.address}）と一致しません。",
                code="identity_mismatch",
            )
        return row

    @staticmethod
    def _same_person(item: DirectDebitRequest, row: dict[str, str]) -> bool:
        """Without a runner's identity rule: 氏名, 住所 and (when given) フリガナ must all agree."""
        return (
            name_key(row["氏名"]) == name_key(item.name)
            and same_address(item.address, row["住所"])
            and (not item.kana or name_key(row["カナ氏名"]) == name_key(item.kana))
        )

    def _result_rows(self) -> list[dict[str, str]]:
        """The result list as the client copies it: Ctrl+A, Ctrl+C → tab-separated, header first."""
        d = self.driver
        x, y = self._at("search.first_row")
        d.click(x, y)
        d.hotkey("ctrl", "a")
        return _parse_tsv(d.copy_selection())

    def _open_register(self, row: dict[str, str], item: DirectDebitRequest) -> KeyingResult | None:
        """Select the row (proved by copying it back), then F12 口座登録. A result when the
        client says the account exists and it is this very item's (resumed after a crash)."""
        d = self.driver
        index = next(i for i, r in enumerate(self._rows) if r["宛名番号"] == row["宛名番号"])
        x, y = self._at("search.first_row")
        d.click(x, y)
        if index:
            d.press(*["down"] * index)
        selected = _parse_tsv(d.copy_selection())
        if [r["宛名番号"] for r in selected] != [row["宛名番号"]]:
            raise ApplicationError(
                f"宛名 {row['宛名番号']} を選択できません（選択：{'、'.join(r['宛名番号'] for r in selected)}）",
                code="readback_mismatch",
            )
        d.press("f12")
        outcome = self._wait(REGISTER, dialogs_ok=("SNK-E0302",))
        if isinstance(outcome, Dialog):  # 既に口座が登録されています: ours (a resumed item) or not?
            self._close(outcome, "enter")
            return self._already_there(item, row["宛名番号"])
        return None

    def _already_there(self, item: DirectDebitRequest, atena_no: str) -> KeyingResult:
        """The taxpayer has an account. Registered by this very 受付番号 (an earlier attempt that
        went through) → done, nothing keyed twice; anything else → staff decide."""
        found = self._inquire(item.reference)
        if found and found[1] == atena_no:
            logger.info(
                tr(
                    "shuno: {} は処理番号 {} で登録済みです。二重に入力しません",
                    "shuno: {} already registered as 処理番号 {}; not keying again",
                ),
                item.reference,
                found[0],
            )
            shot = self._evidence(f"{_safe_name(item.reference)}_{found[0]}_shokai")
            return KeyingResult(
                item.reference, found[0], evidence=[shot], already_present=True, screens=list(self._trace)
            )
        raise BusinessError(
            f"宛名番号 {atena_no} の納税義務者には既に口座が登録されています（口座の変更は別の手続きです）。",
            code="already_registered",
        )

    def _fill(self, item: DirectDebitRequest) -> None:
        """Key every field of 口座振替登録 and tick the 税目, all proved by read-back."""
        year, month = wareki_month(item.start_month)
        values = {
            "register.reference": item.reference,
            "register.bank": item.bank_code,
            "register.branch": item.branch_code,
            "register.deposit": DEPOSIT_TYPES[item.deposit_type][0],
            "register.account": item.account_no,
            "register.holder": item.holder_kana,
            "register.year": str(year),
            "register.month": str(month),
        }
        self._key_all(REGISTER, values, {tax: tax in item.taxes for tax in TAXES})

    def _key_all(self, screen: str, values: dict[str, str], checks: dict[str, bool] | None = None) -> None:
        """Key a screen's fields (each read back), with ``""`` for a field that must stay empty,
        and set its 税目 check boxes. When a field had to be keyed again (focus taken away
        mid-way), its keystrokes may have landed in another field of the screen: then every
        field is read back once more, and what is wrong is keyed again or emptied."""
        checks = checks or {}
        keyed = [k for k, v in values.items() if v]
        tries = sum(self._key(key, values[key]) for key in keyed)
        for tax, wanted in checks.items():
            self._set_check(tax, wanted)
        if tries == len(keyed):
            return  # every field right at the first try: no keystroke went anywhere else
        for _ in range(2):
            # A field that must stay empty is emptied, not read: "nothing copied" and "the client
            # has not answered yet" look the same, and stray text there must not survive either way.
            for key in (k for k, v in values.items() if not v):
                self.driver.replace_text(*self._at(key), "")
            wrong = [k for k, v in values.items() if v and self._read(k) != v]
            wrong_checks = [t for t, wanted in checks.items() if self._check_state(t) != wanted]
            if not wrong and not wrong_checks:
                return
            logger.info(
                tr(
                    "shuno: 最後の読み返しで {} の項目を直しました: {}",
                    "shuno: {} fields fixed after the final read-back: {}",
                ),
                SCREEN_NAMES[screen],
                wrong + wrong_checks,
            )
            for key in wrong:
                self._key(key, values[key])
            for tax in wrong_checks:
                self._set_check(tax, checks[tax])
        raise ApplicationError(
            f"{SCREEN_NAMES[screen]}画面の入力内容を確定できません（読み返しが一致しません）", code="readback_mismatch"
        )

    def _commit(self, item: DirectDebitRequest, atena_no: str) -> KeyingResult:
        d = self.driver
        d.press("f12")
        self._close(self._wait_dialog("登録", ok=("SNK-W0312",)), "y")
        try:
            self._wait(DONE)
        except ApplicationError as exc:
            # The 登録 may have gone through before the error (or the client died after it).
            # Ask the system before saying anything; only "not there" is safe to retry.
            logger.warning(
                tr("shuno: {}（{} の登録後）。システムに確認します", "shuno: {} after 登録 of {}; asking the system"),
                exc.code,
                item.reference,
            )
            if not self.driver.find_window(self.window_title):
                raise ApplicationError(
                    f"登録中に{self.system_name}が終了しました（{exc.reason}）", code="result_unknown"
                ) from None
            found = self._inquire(item.reference)
            if found and found[1] == atena_no:
                shot = self._evidence(f"{_safe_name(item.reference)}_{found[0]}_shokai")
                return KeyingResult(item.reference, found[0], evidence=[shot], screens=list(self._trace))
            raise
        shori_no = self._read("done.shori_no")
        shown_reference = self._read("done.reference")
        if not re.fullmatch(r"SN\d{8}", shori_no) or shown_reference != item.reference:
            raise ApplicationError(
                f"登録完了画面の内容が想定と異なります（処理番号「{shori_no}」受付番号「{shown_reference}」）",
                code="readback_mismatch",
            )
        shot = self._evidence(f"{_safe_name(item.reference)}_{shori_no}_kanryo")
        d.clear_clipboard()
        logger.debug("shuno: {} registered as 処理番号 {}", item.reference, shori_no)
        return KeyingResult(item.reference, shori_no, evidence=[shot], screens=list(self._trace))

    def _leave_register(self) -> None:
        """F1 戻る from the 登録 screen, discarding what was keyed (試行)."""
        self.driver.press("f1")
        dialog = self._wait(SEARCH, dialogs_ok=("SNK-W0313",))
        if isinstance(dialog, Dialog):
            self._close(dialog, "y")
            self._wait(SEARCH)
        self.driver.clear_clipboard()

    def _inquire(self, reference: str) -> tuple[str, str] | None:
        """(処理番号, 宛名番号) registered under ``reference``, from the 照会 screen; None if none."""
        self._goto(INQUIRY)
        self._key_all(INQUIRY, {"inquiry.reference": reference})
        self.driver.press("f2")
        outcome = self._wait(INQUIRY, until="inquiry_result", dialogs_ok=("SNK-I0401",))
        if isinstance(outcome, Dialog):
            self._close(outcome, "enter")
            return None
        return self._read("inquiry.shori_no"), self._read("inquiry.atena")

    # --- screens, dialogs and fields ---------------------------------------------------------------

    @contextlib.contextmanager
    def _client_alive(self) -> Iterator[None]:
        """Whatever step failed (a copy, a wait), if the client's window is gone the cause is the
        client, not the step: say so with one code (``not_running``) the runner can count as a
        systemic failure. ``result_unknown`` (gone while 登録 was under way) stays as it is."""
        try:
            yield
        except ApplicationError as exc:
            if exc.code in ("not_running", "result_unknown") or self.driver.find_window(self.window_title) is not None:
                raise
            raise ApplicationError(f"{self.system_name}が終了しました（{exc.reason}）", code="not_running") from exc

    def _main_window(self) -> Window:
        main = self.driver.find_window(self.window_title)
        if main is None:
            self._main = None
            raise ApplicationError(
                f"{self.system_name}が起動していません（ウィンドウがありません）", code="not_running"
            )
        self._main = main
        return main

    def _at(self, key: str) -> tuple[int, int]:
        assert self._main is not None
        x, y = AT[key]
        return self._main.x + x, self._main.y + y

    def _key(self, key: str, value: str) -> int:
        """Key one field with its read-back; the number of tries it took."""
        x, y = self._at(key)
        return self.driver.key_field(x, y, value, what=WHAT.get(key, key))

    def _read(self, key: str) -> str:
        x, y = self._at(key)
        try:
            return self.driver.read_text(x, y)
        except ApplicationError as exc:  # nothing to copy: an empty field
            if exc.code != "clipboard":
                raise
            return ""

    def _check_state(self, tax: str) -> bool:
        assert self._main is not None
        x, y = CHECKS[tax]
        w, h = CHECK_SIZE
        area = (x - 4, y - 4, w + 8, h + 8)
        on = Template(self.templates["check_on"].name, self.templates["check_on"].image, area, 0.8)
        off = Template(self.templates["check_off"].name, self.templates["check_off"].image, area, 0.8)
        found = self.driver.locate(self._main, [on, off])
        if found is None:
            raise ApplicationError(f"振替税目「{TAXES[tax]}」のチェック欄が見つかりません", code="element_missing")
        return found.name == "check_on"

    def _set_check(self, tax: str, wanted: bool) -> None:
        if self._check_state(tax) == wanted:
            return
        assert self._main is not None
        x, y = CHECKS[tax]
        self.driver.click(self._main.x + x + 12, self._main.y + y + 16)
        self.driver.wait_until(
            f"振替税目「{TAXES[tax]}」のチェック", lambda: True if self._check_state(tax) == wanted else None
        )

    def _evidence(self, stem: str) -> Path:
        main = self._main_window()
        return self.driver.screenshot(main, self.evidence_dir / f"{stem}.png")

    def _goto(self, screen: str) -> None:
        """To ``screen`` from wherever the client is: F1 back to the menu, then its number key — with
        the pointer over the client first, where those keys go (``DesktopDriver.point_into``)."""
        d = self.driver
        d.point_into(self._main_window(), KEYS_AT)
        for _ in range(4):
            current = self._current()
            if current == screen and screen != SEARCH and screen != INQUIRY:
                return
            if current == MENU:
                d.press(MENU_KEYS[screen])
                self._wait(screen)
                return
            if current == REGISTER:
                self._leave_register()
                continue
            d.press("f1")
            self._wait(MENU)  # F1 leads back to the menu from every other screen
        raise ApplicationError(f"{SCREEN_NAMES[screen]}画面へ移動できません", code="unexpected_screen")

    def _current(self) -> str:
        """The screen shown now (dialogs handled on the way)."""
        return self._wait(*SCREEN_NAMES)

    def _wait(
        self, *screens: str, until: str | None = None, dialogs_ok: tuple[str, ...] = (), timeout: float | None = None
    ) -> str | Dialog:
        """Wait until one of ``screens`` is shown (and ``until`` — a part of it — too), or a
        dialog listed in ``dialogs_ok`` opens (returned). お知らせ is closed on the way; any other
        dialog is closed and raised as what its message ID means."""
        d = self.driver
        main = self._main_window()
        wanted = [self.templates[s] for s in screens]
        extra = self.templates[until] if until else None
        names = "・".join(SCREEN_NAMES[s] for s in screens)

        def check() -> str | Dialog | None:
            dialog = self._dialog(main)
            if dialog is not None:
                return dialog
            if not d.window_shown(main.id):
                raise ApplicationError(f"{self.system_name}のウィンドウが閉じられました", code="not_running")
            seen: Match | None = d.locate(main, wanted)
            if seen is None or (extra is not None and d.locate(main, [extra]) is None):
                return None
            return seen.name

        while True:
            outcome = d.wait_until(f"「{names}」画面", check, timeout=timeout)
            if not isinstance(outcome, Dialog):
                self._trace.append(SCREEN_NAMES[outcome])
                return outcome
            if outcome.title == NOTICE_TITLE:
                logger.info(
                    tr("shuno: 予期しないお知らせを閉じました: {}", "shuno: closed an unexpected お知らせ: {}"),
                    outcome.text[:60],
                )
                self._close(outcome, "enter")
                continue
            if outcome.message_id in dialogs_ok:
                return outcome
            self._close(outcome, "enter")
            self._raise_for(outcome, names)

    def _wait_dialog(self, step: str, *, ok: tuple[str, ...]) -> Dialog:
        """Wait for the dialog an action opens (its screen stays as it was underneath)."""
        main = self._main_window()

        def check() -> Dialog | None:
            if not self.driver.window_shown(main.id):
                raise ApplicationError(f"{self.system_name}のウィンドウが閉じられました", code="not_running")
            return self._dialog(main)

        while True:
            dialog = self.driver.wait_until(f"{step}のダイアログ", check)
            if dialog.title == NOTICE_TITLE:
                self._close(dialog, "enter")
                continue
            if dialog.message_id in ok:
                return dialog
            self._close(dialog, "enter")
            self._raise_for(dialog, step)

    def _dialog(self, main: Window) -> Dialog | None:
        """The modal dialog over ``main`` (not the login window), read through Ctrl+C, or None."""
        d = self.driver
        found = [w for w in d.windows() if w.transient_for == main.id and w.title != LOGIN_TITLE]
        if not found:
            return None
        window = found[-1]
        d.move_to(*window.center)  # no window manager: keys go where the pointer is
        text = d.copy_selection()
        parts = [p.strip() for p in text.split("-" * 27)]
        message = parts[2] if len(parts) > 2 else text.strip()
        match = MESSAGE_RE.search(message)
        message_id, body = (match.group(1), match.group(2).strip()) if match else ("", message)
        return Dialog(window, window.title, message_id, body)

    def _close(self, dialog: Dialog, key: str) -> None:
        d = self.driver
        d.move_to(*dialog.window.center)
        d.press(key)
        d.wait_window_gone(dialog.window)

    def _close_stray_dialogs(self) -> None:
        """A dialog left open (a crash of the robot mid-way) blocks everything: close it first."""
        main = self._main_window()
        for _ in range(3):
            dialog = self._dialog(main)
            if dialog is None:
                return
            logger.info(
                tr("shuno: 開いたままのダイアログを閉じます: {} {}", "shuno: closing a dialog left open: {} {}"),
                dialog.title,
                dialog.label,
            )
            self._close(dialog, "escape" if dialog.message_id.startswith("SNK-W") else "enter")

    def _raise_for(self, dialog: Dialog, step: str) -> None:
        mid = dialog.message_id
        if mid in MESSAGE_ERRORS:
            kind, code = MESSAGE_ERRORS[mid]
            raise kind(dialog.label, code=code)
        if mid.startswith(REJECTION_PREFIX):
            raise BusinessError(dialog.label, code="rejected")
        raise ApplicationError(
            f"想定外のダイアログ「{dialog.title}」：{dialog.label}（{step}）", code="unexpected_dialog"
        )


def _parse_tsv(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    heads = lines[0].split("\t")
    return [dict(zip(heads, line.split("\t"), strict=False)) for line in lines[1:]]


def _registered_on(text: str) -> str:
    """'R08.11.30 10:02:03' → '2026-11-30'."""
    match = re.match(r"R(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        return ""
    year, month, day = (int(v) for v in match.groups())
    return dt.date(year + 2018, month, day).isoformat()
