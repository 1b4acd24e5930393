"""The 収納管理システム client: a Tk program in the style of a 2000s Japanese client-server system.

What a robot meets here is what a clerk meets: a fixed-size window titled 収納管理システム, a
login dialog, a 業務メニュー, screens with a header (screen name + screen ID) and a row of
function keys (F1 戻る … F12 登録), entry fields in a fixed tab order, a result list, and modal
dialogs (エラー, 確認, 情報, システムエラー, お知らせ). Widgets sit at fixed pixel positions, as a
VB6-era client's do. Windows-like conventions a robot may rely on: Ctrl+A selects a field's text,
Ctrl+C copies it (and, in a dialog, the dialog's whole text; in the result list, the selected rows
as tab-separated text with a header line).

The client never sleeps to pace itself; a ``slow`` fault freezes it the way a busy client does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import tkinter as tk
import tkinter.font as tkfont
from pathlib import Path
from tkinter import ttk

from daiko.mocks.common.wareki import ERA_NAMES, format_wareki, to_wareki
from daiko.mocks.shuno import messages as msg
from daiko.mocks.shuno.faults import FaultConfig, FaultDice
from daiko.mocks.shuno.store import DEPOSIT_LABELS, TAX_LABELS, Store, bank_master, now_jst

TITLE = "収納管理システム"
WIDTH, HEIGHT = 1024, 720
HEADER_H, FKEYS_Y, STATUS_Y = 60, 636, 690
BG, HEADER_BG, FIELD_BG = "#e9edf3", "#1f3a68", "#ffffff"
FONT_FAMILY = "Noto Sans CJK JP"
MONO_FAMILY = "Noto Sans Mono CJK JP"
KANA_RE = re.compile(r"^[ァ-ヶー]+(?:\u3000[ァ-ヶー]+)*$")
REFERENCE_RE = re.compile(r"^[A-Z]\d{2}-\d{5}$")
SEPARATOR = "-" * 27


def window(app: ShunoApp, title: str, geometry: str) -> tk.Toplevel:
    """A modal window of the client. There may be no window manager to draw a frame (Xvfb), so
    the client draws its own title strip, as some legacy clients do."""
    top = tk.Toplevel(app.root, bg=BG, highlightthickness=2, highlightbackground="#41506b")
    top.title(title)
    top.resizable(False, False)
    top.transient(app.root)
    top.geometry(geometry)
    strip = tk.Frame(top, bg=HEADER_BG)
    strip.place(x=0, y=0, relwidth=1.0, height=28)
    tk.Label(strip, text=title, font=app.font_small, fg="white", bg=HEADER_BG).place(x=8, y=4)
    return top


class Dialog:
    """A modal message box. Keys: Return = default button, Escape = cancel, Y/N = はい/いいえ,
    Ctrl+C = the box's whole text (title, message, buttons), as Windows message boxes do."""

    ICONS = {"エラー": ("×", "#c62828"), "システムエラー": ("×", "#c62828"), "確認": ("？", "#1565c0"),
             "情報": ("ｉ", "#1565c0"), "お知らせ": ("！", "#ef6c00")}  # fmt: skip

    def __init__(self, app: ShunoApp, title: str, message: str, buttons: list[tuple[str, str]], default: str):
        self.app = app
        self.result = default if len(buttons) == 1 else None
        w, h = 460, 216
        rx, ry = app.root.winfo_rootx(), app.root.winfo_rooty()
        self.top = top = window(app, title, f"{w}x{h}+{rx + (WIDTH - w) // 2}+{ry + (HEIGHT - h) // 2 - 40}")
        icon, colour = self.ICONS.get(title, ("ｉ", "#1565c0"))
        tk.Label(top, text=icon, font=app.font_icon, fg="white", bg=colour, width=2).place(x=20, y=52)
        tk.Label(top, text=message, font=app.font, bg=BG, justify="left", wraplength=360, anchor="nw").place(
            x=78, y=48, width=370, height=100
        )
        self.text = "\n".join(
            [SEPARATOR, title, SEPARATOR, message, SEPARATOR, "   ".join(label for label, _ in buttons), SEPARATOR]
        )
        x = w - 20 - 110 * len(buttons)
        for label, value in buttons:
            button = tk.Button(top, text=label, font=app.font, width=9, command=lambda v=value: self.close(v))
            button.place(x=x, y=h - 54)
            if value == default:
                button.configure(default="active")
                self.default_button = button
            x += 110
        top.bind("<Return>", lambda e: self.close(default))
        top.bind("<KP_Enter>", lambda e: self.close(default))
        top.bind("<Escape>", lambda e: self.close(buttons[-1][1]))
        for label, value in buttons:
            accel = re.search(r"\(([A-Z])\)", label)
            if accel:
                top.bind(f"<KeyPress-{accel.group(1).lower()}>", lambda e, v=value: self.close(v))
        top.bind("<Control-c>", self._copy)
        top.protocol("WM_DELETE_WINDOW", lambda: self.close(buttons[-1][1]))
        top.update_idletasks()
        top.grab_set()
        self.default_button.focus_force()

    def _copy(self, _event=None) -> str:
        self.app.root.clipboard_clear()
        self.app.root.clipboard_append(self.text)
        return "break"

    def close(self, value: str) -> None:
        self.result = value
        self.top.grab_release()
        self.top.destroy()

    def wait(self) -> str:
        self.app.root.wait_window(self.top)
        return self.result or ""


class Screen:
    """One screen of the client: builds its widgets in the body and handles its function keys."""

    screen_id = ""
    title = ""
    keys: dict[str, str] = {}  # "F1": "戻る" …

    def __init__(self, app: ShunoApp):
        self.app = app
        self.body = app.body
        self.entries: list[tk.Widget] = []  # in tab order
        self._focus_stolen = False

    def build(self) -> None: ...

    def on_char(self, char: str) -> None:
        """A plain key pressed anywhere on the screen (the menu's 番号キー)."""

    def first_focus(self) -> tk.Widget | None:
        return self.entries[0] if self.entries else None

    def on_key(self, key: str) -> None:
        handler = getattr(self, f"key_{key.lower()}", None)
        if handler is not None:
            handler()

    # --- helpers used by the screens ---

    def label(self, text: str, x: int, y: int, **kw) -> tk.Label:
        widget = tk.Label(self.body, text=text, font=kw.pop("font", self.app.font), bg=kw.pop("bg", BG), **kw)
        widget.place(x=x, y=y)
        return widget

    def entry(self, x: int, y: int, chars: int, *, readonly: bool = False, secret: bool = False) -> tk.Entry:
        widget = tk.Entry(
            self.body, font=self.app.mono, width=chars, bg=FIELD_BG, readonlybackground="#f4f4f4",
            relief="sunken", bd=2, highlightthickness=1, highlightcolor="#3d6fb6",
        )  # fmt: skip
        widget.place(x=x, y=y, height=28)
        if readonly:
            widget.configure(state="readonly", takefocus=1)
        if not readonly:
            self.entries.append(widget)
            widget.bind("<ButtonRelease-1>", self._maybe_steal_focus, add="+")
        return widget

    def _maybe_steal_focus(self, event) -> None:
        """The ``focus`` fault: the first field clicked on this visit hands the focus straight on
        to the screen's last field, so what is typed next lands there (an event handler of the
        client moving focus, as legacy clients' validation handlers do)."""
        entries = [e for e in self.entries if isinstance(e, tk.Entry)]
        if self._focus_stolen or len(entries) < 2:
            return
        self._focus_stolen = True
        if self.app.dice.steal_focus():
            [e for e in entries if e is not event.widget][-1].focus_set()

    @staticmethod
    def set_readonly(widget: tk.Entry, text: str) -> None:
        widget.configure(state="normal")
        widget.delete(0, "end")
        widget.insert(0, text)
        widget.configure(state="readonly")


class Blank(Screen):
    screen_id, title = "SNK0000", "ログイン待ち"

    def build(self) -> None:
        self.label("利用者IDとパスワードを入力してログインしてください。", 40, 30)


class Menu(Screen):
    screen_id, title = "SNK0100", "業務メニュー"
    keys = {"F1": "ログアウト"}
    ITEMS = [("1", "宛名検索・口座振替登録"), ("2", "口座振替登録照会（受付番号）"), ("3", "口座振替データ抽出")]

    def build(self) -> None:
        self.label("業務を選択してください（番号キーまたはクリック）", 300, 40)
        for i, (key, text) in enumerate(self.ITEMS):
            button = tk.Button(
                self.body, text=f" {key}．{text}", font=self.app.font_big, anchor="w", width=30,
                command=lambda k=key: self.choose(k),
            )  # fmt: skip
            button.place(x=300, y=100 + i * 70)
            self.entries.append(button)

    def choose(self, key: str) -> None:
        screens = {"1": Search, "2": Inquiry, "3": Extract}
        self.app.show(screens[key])

    def on_char(self, char: str) -> None:
        if char in dict(self.ITEMS):
            self.choose(char)

    def key_f1(self) -> None:
        self.app.logout()


class Search(Screen):
    screen_id, title = "SNK0200", "宛名検索"
    keys = {"F1": "戻る", "F2": "検索", "F5": "クリア", "F12": "口座登録"}

    def build(self) -> None:
        self.label("宛名番号", 40, 30)
        self.atena = self.entry(150, 26, 12)
        self.label("氏名", 40, 70)
        self.name = self.entry(150, 66, 24)
        self.label("住所", 40, 110)
        self.address = self.entry(150, 106, 44)
        self.label("※宛名番号、または氏名（＋住所の一部）で検索します。", 540, 30, font=self.app.font_small)
        self.count = self.label("", 40, 150)
        self.tree: ttk.Treeview | None = None
        self.rows: list = []

    def key_f2(self) -> None:
        atena, name, address = self.atena.get().strip(), self.name.get().strip(), self.address.get().strip()
        if not atena and not name:
            self.app.error(msg.NO_CONDITION)
            return
        if not self.app.operation("search"):
            return
        rows = self.app.store.search(atena_no=atena, name=name, address=address, limit=201)
        self.app.store.audit(
            self.app.login, "search", None, None, {"atena": bool(atena), "name": bool(name), "rows": len(rows)}
        )
        if not rows:
            self.app.error(msg.NOT_FOUND)
            return
        if len(rows) > 200:
            self.app.dialog("確認", msg.TOO_MANY.format(n="200超"), [("OK", "ok")], "ok")
            return
        self.show_rows(rows)

    def show_rows(self, rows: list) -> None:
        if self.tree is not None:
            self.tree.destroy()
        self.rows = rows
        self.count.configure(text=f"検索結果　{len(rows)}件")
        columns = [("atena", "宛名番号", 110), ("name", "氏名", 140), ("kana", "カナ氏名", 170),
                   ("birth", "生年月日", 110), ("address", "住所", 360), ("account", "口座", 50)]  # fmt: skip
        tree = ttk.Treeview(self.body, columns=[c for c, _, _ in columns], show="headings", height=14,
                            selectmode="extended", style="Shuno.Treeview")  # fmt: skip
        for key, text, width in columns:
            tree.heading(key, text=text, anchor="w")
            tree.column(key, width=width, stretch=False, anchor="w")
        for r in rows:
            tree.insert("", "end", iid=r.atena_no, values=(r.atena_no, r.name, r.kana, self._birth(r.birth), r.address,
                                                           "有" if r.has_account else "無"))  # fmt: skip
        tree.place(x=40, y=180, width=944, height=380)
        tree.bind("<Control-a>", lambda e: (tree.selection_set(tree.get_children()), "break")[1])
        tree.bind("<Control-c>", self._copy_rows)
        tree.bind("<Return>", lambda e: self.key_f12())
        self.tree = tree
        self.entries.append(tree)

    @staticmethod
    def _birth(iso: str) -> str:
        """'昭45.03.12': the list's 生年月日, the 元号 by its first kanji as such lists print it."""
        code, year, month, day = to_wareki(dt.date.fromisoformat(iso))
        return f"{ERA_NAMES[code][0]}{year:02d}.{month:02d}.{day:02d}"

    def _copy_rows(self, _event=None) -> str:
        assert self.tree is not None
        lines = ["\t".join(self.tree.heading(c)["text"] for c in self.tree["columns"])]
        for iid in self.tree.selection():
            lines.append("\t".join(str(v) for v in self.tree.item(iid, "values")))
        self.app.root.clipboard_clear()
        self.app.root.clipboard_append("\n".join(lines))
        return "break"

    def key_f5(self) -> None:
        self.app.show(Search)

    def key_f1(self) -> None:
        self.app.show(Menu)

    def key_f12(self) -> None:
        selected = self.tree.selection() if self.tree is not None else ()
        if len(selected) != 1:
            self.app.error(msg.NO_SELECTION)
            return
        if not self.app.operation("open"):
            return
        atena_no = selected[0]
        if self.app.store.account_of(atena_no):
            self.app.error(msg.ALREADY_REGISTERED)
            return
        self.app.show(Register, atena_no=atena_no)


class Register(Screen):
    screen_id, title = "SNK0300", "口座振替登録"
    keys = {"F1": "戻る", "F5": "クリア", "F12": "登録"}

    def __init__(self, app: ShunoApp, atena_no: str):
        super().__init__(app)
        self.atena_no = atena_no

    def build(self) -> None:
        person = self.app.store.taxpayer(self.atena_no)
        assert person is not None
        box = tk.LabelFrame(self.body, text="納税義務者", font=self.app.font_small, bg=BG)
        box.place(x=30, y=10, width=964, height=92)
        for x, y, caption, value in ((14, 4, "宛名番号", person.atena_no), (300, 4, "氏名", person.name),
                                     (600, 4, "カナ氏名", person.kana), (14, 36, "住所", person.address)):  # fmt: skip
            tk.Label(box, text=caption, font=self.app.font_small, bg=BG).place(x=x, y=y + 4)
            tk.Label(box, text=value, font=self.app.font, bg=BG).place(x=x + 80, y=y)
        y0 = 118
        self.label("受付番号", 40, y0 + 4)
        self.reference = self.entry(200, y0, 10)
        self.label("金融機関コード", 40, y0 + 44)
        self.bank = self.entry(200, y0 + 40, 5)
        self.bank_name = self.label("", 290, y0 + 44)
        self.label("支店コード", 40, y0 + 84)
        self.branch = self.entry(200, y0 + 80, 4)
        self.branch_name = self.label("", 290, y0 + 84)
        self.label("預金種目", 40, y0 + 124)
        self.deposit = self.entry(200, y0 + 120, 2)
        self.label("（1：普通　2：当座）", 250, y0 + 124, font=self.app.font_small)
        self.label("口座番号", 40, y0 + 164)
        self.account = self.entry(200, y0 + 160, 8)
        self.label("口座名義（カナ）", 40, y0 + 204)
        self.holder = self.entry(200, y0 + 200, 30)
        self.label("振替税目", 40, y0 + 244)
        self.taxes: dict[str, tk.IntVar] = {}
        for i, (key, text) in enumerate(TAX_LABELS.items()):
            var = tk.IntVar(value=0)
            check = tk.Checkbutton(self.body, text=text, variable=var, font=self.app.font, bg=BG,
                                   activebackground=BG, highlightthickness=1, anchor="w")  # fmt: skip
            check.place(x=200 + (i % 2) * 300, y=y0 + 240 + (i // 2) * 36)
            self.taxes[key] = var
            self.entries.append(check)
        self.label("振替開始年月", 40, y0 + 324)
        self.label("令和", 200, y0 + 324)
        self.start_year = self.entry(250, y0 + 320, 3)
        self.label("年", 300, y0 + 324)
        self.start_month = self.entry(330, y0 + 320, 3)
        self.label("月から", 380, y0 + 324)
        self.label("※届出印の照合は金融機関で行います。", 560, y0 + 324, font=self.app.font_small)
        self.bank.bind("<FocusOut>", lambda e: self._show_bank(), add="+")
        self.branch.bind("<FocusOut>", lambda e: self._show_bank(), add="+")

    def _show_bank(self) -> None:
        bank, branch = bank_master(self.bank.get().strip(), self.branch.get().strip() or None)
        self.bank_name.configure(text=bank or ("（該当なし）" if self.bank.get().strip() else ""))
        self.branch_name.configure(text=branch or ("（該当なし）" if self.branch.get().strip() and bank else ""))

    def _dirty(self) -> bool:
        texts = [w.get() for w in self.entries if isinstance(w, tk.Entry)]
        return any(t.strip() for t in texts) or any(v.get() for v in self.taxes.values())

    def key_f1(self) -> None:
        if (
            self._dirty()
            and self.app.dialog("確認", msg.CONFIRM_DISCARD, [("はい(Y)", "yes"), ("いいえ(N)", "no")], "no") != "yes"
        ):
            return
        self.app.show(Search)

    def key_f5(self) -> None:
        self.app.show(Register, atena_no=self.atena_no)

    def _values(self) -> tuple[dict[str, str] | None, tk.Widget | None, str]:
        """The keyed values checked as the real client would, or the first problem and its field."""
        reference = self.reference.get().strip()
        bank, branch = self.bank.get().strip(), self.branch.get().strip()
        deposit, account, holder = self.deposit.get().strip(), self.account.get().strip(), self.holder.get().strip()
        if not REFERENCE_RE.match(reference):
            return None, self.reference, msg.REFERENCE_FORMAT
        bank_name, branch_name = bank_master(bank, branch) if re.fullmatch(r"\d{4}", bank) else (None, None)
        if bank_name is None:
            return None, self.bank, msg.BANK_UNKNOWN
        if not re.fullmatch(r"\d{3}", branch) or branch_name is None:
            return None, self.branch, msg.BRANCH_UNKNOWN
        if deposit not in DEPOSIT_LABELS:
            return None, self.deposit, msg.DEPOSIT_TYPE
        if not re.fullmatch(r"\d{7}", account):
            return None, self.account, msg.ACCOUNT_NO
        if not KANA_RE.match(holder):
            return None, self.holder, msg.HOLDER_KANA
        taxes = [k for k, v in self.taxes.items() if v.get()]
        if not taxes:
            return None, None, msg.NO_TAX
        try:
            year, month = int(self.start_year.get()), int(self.start_month.get())
            start = dt.date(2018 + year, month, 1)
        except ValueError:
            return None, self.start_year, msg.START_MONTH
        if start < now_jst().date().replace(day=1) or year < 1:
            return None, self.start_year, msg.START_MONTH
        if self.app.store.by_reference(reference):
            return None, self.reference, msg.REFERENCE_USED
        values = {
            "reference": reference, "atena_no": self.atena_no, "bank_code": bank, "bank_name": bank_name,
            "branch_code": branch, "branch_name": branch_name, "deposit_type": deposit, "account_no": account,
            "holder_kana": holder, "taxes": ",".join(taxes), "start_month": f"{start:%Y-%m}",
        }  # fmt: skip
        return values, None, ""

    def key_f12(self) -> None:
        values, field, problem = self._values()
        if values is None:
            self.app.error(problem)
            if field is not None:
                field.focus_set()
            return
        if self.app.dialog("確認", msg.CONFIRM_REGISTER, [("はい(Y)", "yes"), ("いいえ(N)", "no")], "yes") != "yes":
            return
        if not self.app.operation("register", slow=False):
            return
        fail = self.app.dice.commit_error()
        if fail and not self.app.faults.commit_error_after:
            self.app.dialog("システムエラー", msg.SYSTEM_ERROR, [("OK", "ok")], "ok")
            return
        try:
            shori_no = self.app.store.register(self.app.login, values)
        except ValueError as exc:
            self.app.error(str(exc))
            return
        self.app.freeze()  # saved; a slow client takes its time to say so
        if fail:  # saved, then the answer is lost: the robot cannot tell whether it went through
            self.app.dialog("システムエラー", msg.SYSTEM_ERROR, [("OK", "ok")], "ok")
            return
        self.app.show(Done, values=values, shori_no=shori_no)


class Done(Screen):
    screen_id, title = "SNK0310", "口座振替登録完了"
    keys = {"F1": "メニュー", "F2": "宛名検索"}

    def __init__(self, app: ShunoApp, values: dict[str, str], shori_no: str):
        super().__init__(app)
        self.values, self.shori_no = values, shori_no

    def build(self) -> None:
        v = self.values
        self.label("口座振替の登録が完了しました。", 40, 24, font=self.app.font_big, fg="#1b5e20")
        person = self.app.store.taxpayer(v["atena_no"])
        rows = [
            ("処理番号", self.shori_no), ("受付番号", v["reference"]), ("宛名番号", v["atena_no"]),
            ("氏名", person.name if person else ""), ("金融機関", f"{v['bank_code']} {v['bank_name']}"),
            ("支店", f"{v['branch_code']} {v['branch_name']}"),
            ("預金種目・口座番号", f"{DEPOSIT_LABELS[v['deposit_type']]} {v['account_no']}"),
            ("口座名義", v["holder_kana"]), ("振替税目", "、".join(TAX_LABELS[k] for k in v["taxes"].split(","))),
            ("振替開始年月", f"令和{int(v['start_month'][:4]) - 2018}年{int(v['start_month'][5:])}月"),
        ]  # fmt: skip
        self.fields: dict[str, tk.Entry] = {}
        for i, (caption, value) in enumerate(rows):
            self.label(caption, 40, 84 + i * 44)
            widget = self.entry(240, 80 + i * 44, 56, readonly=True)
            self.set_readonly(widget, value)
            self.fields[caption] = widget

    def key_f1(self) -> None:
        self.app.show(Menu)

    def key_f2(self) -> None:
        self.app.show(Search)


class Inquiry(Screen):
    screen_id, title = "SNK0400", "口座振替登録照会"
    keys = {"F1": "戻る", "F2": "検索", "F5": "クリア"}

    def build(self) -> None:
        self.label("受付番号", 40, 30)
        self.reference = self.entry(150, 26, 12)
        self.result: tk.LabelFrame | None = None

    def key_f2(self) -> None:
        reference = self.reference.get().strip()
        if not reference:
            self.app.error(msg.NO_CONDITION)
            return
        if self.result is not None:
            self.result.destroy()
            self.result = None
        if not self.app.operation("inquiry"):
            return
        found = self.app.store.by_reference(reference)
        if not found:
            self.app.dialog("情報", msg.REFERENCE_NOT_FOUND, [("OK", "ok")], "ok")
            return
        box = tk.LabelFrame(self.body, text="照会結果", font=self.app.font, bg=BG)
        box.place(x=30, y=80, width=964, height=240)
        for i, (caption, value) in enumerate(
            [
                ("処理番号", found["shori_no"]),
                ("受付番号", found["reference"]),
                ("宛名番号", found["atena_no"]),
                ("氏名", found["name"]),
                ("登録日時", found["registered_at"]),
            ]
        ):
            tk.Label(box, text=caption, font=self.app.font, bg=BG).place(x=14, y=10 + i * 40)
            widget = tk.Entry(box, font=self.app.mono, width=30, readonlybackground="#f4f4f4")
            widget.place(x=150, y=6 + i * 40, height=28)
            self.set_readonly(widget, value)
        self.result = box

    def key_f1(self) -> None:
        self.app.show(Menu)

    def key_f5(self) -> None:
        self.app.show(Inquiry)


class Extract(Screen):
    screen_id, title = "SNK0500", "口座振替データ抽出"
    keys = {"F1": "戻る", "F12": "出力"}

    def build(self) -> None:
        today = now_jst().date()
        self.label("登録日（開始）", 40, 30)
        self.date_from = self.entry(200, 26, 10)
        self.label("登録日（終了）", 40, 70)
        self.date_to = self.entry(200, 66, 10)
        self.label("出力ファイル", 40, 110)
        self.path = self.entry(200, 106, 60)
        for widget, value in ((self.date_from, f"{today:%Y%m%d}"), (self.date_to, f"{today:%Y%m%d}"),
                              (self.path, str(self.app.export_dir / f"kouza_{today:%Y%m%d}.csv"))):  # fmt: skip
            widget.insert(0, value)
        self.label("※文字コード Shift_JIS（CSV形式）で出力します。", 200, 146, font=self.app.font_small)

    def key_f1(self) -> None:
        self.app.show(Menu)

    def key_f12(self) -> None:
        try:
            start = dt.datetime.strptime(self.date_from.get().strip(), "%Y%m%d").date()
            end = dt.datetime.strptime(self.date_to.get().strip(), "%Y%m%d").date()
        except ValueError:
            self.app.error(msg.EXTRACT_DATES)
            return
        if start > end:
            self.app.error(msg.EXTRACT_DATES)
            return
        if not self.app.operation("extract"):
            return
        data, count = self.app.store.export_csv(start, end, self.app.login)
        try:
            path = Path(self.path.get().strip())
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            self.app.error(msg.EXTRACT_PATH)
            return
        self.app.dialog("情報", msg.EXTRACT_DONE.format(n=count), [("OK", "ok")], "ok")


class ShunoApp:
    """The client's main window and its state (who is logged in, which screen is shown)."""

    def __init__(self, store: Store, faults: FaultConfig, seed: int, *, ready_file: Path | None = None,
                 export_dir: Path | None = None):  # fmt: skip
        self.store = store
        self.faults = faults
        self.dice = FaultDice(faults, seed)
        self.login: str | None = None
        self.display_name = ""
        self.ready_file = ready_file
        self.export_dir = export_dir or Path.cwd()
        self.root = root = tk.Tk(className="Shuno")
        root.title(TITLE)
        root.geometry(f"{WIDTH}x{HEIGHT}+0+0")
        root.resizable(False, False)
        root.configure(bg=BG)
        self.font = tkfont.Font(root, family=FONT_FAMILY, size=-15)
        self.font_small = tkfont.Font(root, family=FONT_FAMILY, size=-12)
        self.font_big = tkfont.Font(root, family=FONT_FAMILY, size=-18)
        self.font_bold = tkfont.Font(root, family=FONT_FAMILY, size=-20, weight="bold")
        self.font_icon = tkfont.Font(root, family=FONT_FAMILY, size=-26, weight="bold")
        self.mono = tkfont.Font(root, family=MONO_FAMILY, size=-15)
        style = ttk.Style(root)
        style.configure("Shuno.Treeview", font=self.font, rowheight=26)
        style.configure("Shuno.Treeview.Heading", font=self.font_small)
        root.option_add("*selectBackground", "#3d6fb6")
        # Windows conventions the client's users expect: Ctrl+A selects all of a field.
        root.bind_class("Entry", "<Control-a>", self._select_all)
        for n in range(1, 13):
            root.bind_all(f"<F{n}>", lambda e, k=f"F{n}": self._fkey(k))
        root.bind_all("<Key>", self._char, add="+")
        header = tk.Frame(root, bg=HEADER_BG)
        header.place(x=0, y=0, width=WIDTH, height=HEADER_H)
        tk.Label(header, text=TITLE, font=self.font, fg="#cfd8e6", bg=HEADER_BG).place(x=12, y=6)
        self.title_label = tk.Label(header, text="", font=self.font_bold, fg="white", bg=HEADER_BG)
        self.title_label.place(relx=0.5, y=14, anchor="n")
        self.id_label = tk.Label(header, text="", font=self.font_small, fg="#cfd8e6", bg=HEADER_BG)
        self.id_label.place(x=WIDTH - 12, y=8, anchor="ne")
        self.user_label = tk.Label(header, text="", font=self.font_small, fg="#cfd8e6", bg=HEADER_BG)
        self.user_label.place(x=12, y=34)
        self.date_label = tk.Label(header, text="", font=self.font_small, fg="#cfd8e6", bg=HEADER_BG)
        self.date_label.place(x=WIDTH - 12, y=34, anchor="ne")
        self.body = tk.Frame(root, bg=BG)
        self.body.place(x=0, y=HEADER_H, width=WIDTH, height=FKEYS_Y - HEADER_H)
        fbar = tk.Frame(root, bg="#c9d1dc")
        fbar.place(x=0, y=FKEYS_Y, width=WIDTH, height=STATUS_Y - FKEYS_Y)
        self.fbuttons: dict[str, tk.Button] = {}
        for n in range(1, 13):
            key = f"F{n}"
            button = tk.Button(fbar, text=key, font=self.font_small, takefocus=0, command=lambda k=key: self._fkey(k))
            button.place(x=8 + (n - 1) * 84 + (6 if n > 4 else 0) + (6 if n > 8 else 0), y=6, width=78, height=42)
            self.fbuttons[key] = button
        self.status = tk.Label(root, text="", font=self.font_small, bg="#dde3ea", anchor="w")
        self.status.place(x=0, y=STATUS_Y, width=WIDTH, height=HEIGHT - STATUS_Y)
        self.screen: Screen | None = None
        self.busy = False
        self.show(Blank)
        self.login_dialog: tk.Toplevel | None = None
        root.after_idle(self.ask_login)

    # --- plumbing ---

    @staticmethod
    def _select_all(event) -> str:
        event.widget.selection_range(0, "end")
        event.widget.icursor("end")
        return "break"

    def _fkey(self, key: str) -> None:
        if self.busy or self.screen is None or key not in self.screen.keys:
            return
        if self.root.grab_current() is not None:  # a modal dialog is up: the main window is blocked
            return
        self.busy = True
        try:
            self.screen.on_key(key)
        finally:
            self.busy = False

    def _char(self, event) -> None:
        if self.busy or self.screen is None or not event.char or self.root.grab_current() is not None:
            return
        if isinstance(event.widget, tk.Entry):  # typing into a field is not a menu choice
            return
        self.busy = True
        try:
            self.screen.on_char(event.char)
        finally:
            self.busy = False

    def show(self, cls: type[Screen], **kwargs) -> None:
        """Replace the body with a new screen. A ``popup`` fault opens its notice first, so it is
        already on top when the new screen becomes visible."""
        if self.login and cls not in (Blank,) and self.dice.popup():
            self.dialog("お知らせ", msg.NOTICE, [("OK", "ok")], "ok")
        for child in self.body.winfo_children():
            child.destroy()
        screen = cls(self, **kwargs)
        screen.build()
        self.screen = screen
        self.title_label.configure(text=screen.title)
        self.id_label.configure(text=screen.screen_id)
        for key, button in self.fbuttons.items():
            label = screen.keys.get(key, "")
            button.configure(text=f"{key}\n{label}" if label else key, state="normal" if label else "disabled")
        self.status.configure(text="")
        first = screen.first_focus()
        if first is not None and self.login:
            first.focus_set()

    def operation(self, what: str, *, slow: bool = True) -> bool:
        """A screen change that talks to the server: the ``slow`` and ``error`` faults strike
        here. False when the システムエラー dialog was shown (nothing was done)."""
        if slow:
            self.freeze()
        if self.dice.error():
            self.store.audit(self.login, "system_error", None, None, {"operation": what})
            self.dialog("システムエラー", msg.SYSTEM_ERROR, [("OK", "ok")], "ok")
            return False
        return True

    def freeze(self) -> None:
        """The ``slow`` fault: the client stops responding for a while (応答なし)."""
        delay = self.dice.slow_delay()
        if delay:
            self.status.configure(text="処理中です。しばらくお待ちください…")
            self.root.configure(cursor="watch")
            self.root.update_idletasks()
            time.sleep(delay)  # frozen, as a busy legacy client is: no events handled meanwhile
            self.root.configure(cursor="")
            self.status.configure(text="")

    def dialog(self, title: str, message: str, buttons: list[tuple[str, str]], default: str) -> str:
        return Dialog(self, title, message, buttons, default).wait()

    def error(self, message: str) -> None:
        self.dialog("エラー", message, [("OK", "ok")], "ok")

    # --- login / logout ---

    def ask_login(self) -> None:
        top = window(self, "ログイン", f"400x250+{(WIDTH - 400) // 2}+{(HEIGHT - 250) // 2}")
        tk.Label(top, text=f"{TITLE}　ログイン", font=self.font_big, bg=BG).place(x=20, y=38)
        tk.Label(top, text="利用者ID", font=self.font, bg=BG).place(x=30, y=90)
        user = tk.Entry(top, font=self.mono, width=16)
        user.place(x=140, y=86, height=28)
        tk.Label(top, text="パスワード", font=self.font, bg=BG).place(x=30, y=132)
        password = tk.Entry(top, font=self.mono, width=16, show="●")
        password.place(x=140, y=128, height=28)

        def submit(_event=None) -> None:
            login, secret = user.get().strip(), password.get()
            name = self.store.check_login(login, secret)
            if name is None:
                self.store.audit(login or None, "login_failed")
                password.delete(0, "end")
                self.error(msg.LOGIN_FAILED)
                password.focus_set()
                return
            self.store.audit(login, "login")
            self.login, self.display_name = login, name
            top.grab_release()
            top.destroy()
            self.login_dialog = None
            self.user_label.configure(text=f"利用者：{name}（{login}）")
            self.date_label.configure(text=format_wareki(now_jst().date()))
            self.root.focus_force()
            self.show(Menu)

        tk.Button(top, text="ログイン", font=self.font, width=9, command=submit).place(x=150, y=186)
        tk.Button(top, text="終了", font=self.font, width=9, command=self.root.destroy).place(x=270, y=186)
        top.bind("<Return>", submit)
        top.protocol("WM_DELETE_WINDOW", self.root.destroy)
        top.update_idletasks()
        top.grab_set()
        user.focus_force()
        self.login_dialog = top
        if self.ready_file is not None:
            self.root.after_idle(self._write_ready)

    def _write_ready(self) -> None:
        """Tell whoever started the client that its window is up (pid + the X windows to look for)."""
        self.root.update_idletasks()
        info = {"pid": os.getpid(), "main": self.root.winfo_id(), "frame": int(self.root.wm_frame(), 16)}
        tmp = self.ready_file.with_name(self.ready_file.name + ".part")
        tmp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, self.ready_file)
        self.ready_file = None

    def logout(self) -> None:
        if self.dialog("確認", msg.CONFIRM_LOGOUT, [("はい(Y)", "yes"), ("いいえ(N)", "no")], "no") != "yes":
            return
        self.store.audit(self.login, "logout")
        self.login = None
        self.user_label.configure(text="")
        self.show(Blank)
        self.ask_login()

    def run(self) -> None:
        self.root.mainloop()


def run(store: Store, faults: FaultConfig, seed: int, **kwargs) -> None:
    ShunoApp(store, faults, seed, **kwargs).run()
