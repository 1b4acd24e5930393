"""How a robot works a desktop client under X: eyes (template images, window titles), hands
(PyAutoGUI keys and mouse) and a clipboard for Japanese text. Knows no city system.

Why it is built this way:

- **Screens are recognised by what a person sees.** A screen is "up" when a template image of a
  part of it (a screen title, a field label) is found on screen with OpenCV's normalised
  correlation; a dialog is "up" when a window with its title is mapped (python-xlib reads the
  UTF-8 ``_NET_WM_NAME``: ``xdotool search --name`` cannot match Tk's Japanese titles).
- **Every wait polls the application's own state** (pixels, windows, clipboard) against a
  deadline, never a fixed sleep; a deadline passed raises :class:`ApplicationError` with code
  ``timeout``, the same as the browser path, so the runner treats both robots alike.
- **Japanese goes in through the clipboard.** ``pyautogui.write`` drops non-ASCII and
  ``xdotool type`` garbles it under load; ``xclip`` holds the text, it is read back until it
  matches, then Ctrl+V pastes it.
- **Every keyed field is read back** (select all, copy, compare): a desktop robot cannot see a
  DOM, so what the field holds after typing is its only proof. A field that does not hold what
  was keyed is keyed again, then the item fails with ``readback_mismatch``.
- **No screenshot while a secret is on screen.** :meth:`DesktopDriver.secret_window` marks the
  window a password is typed into; screenshots are refused until that window has closed.

Under Xvfb there is no window manager: the keyboard goes to the window under the pointer, so
every key press is preceded by a click (or a pointer move) into the window that should get it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from loguru import logger

from daiko.i18n import tr
from daiko.robots.drivers.base import DriverUnavailable
from daiko.robots.errors import ApplicationError

T = TypeVar("T")

DEFAULT_THRESHOLD = 0.92  # normalised correlation a template must reach to count as seen
POLL_S = 0.005  # how often waits look again: each look is one or two X round trips, so look often
CLIPBOARD_TIMEOUT_S = 2.0
COPY_TIMEOUT_S = (
    3.0  # a read-back that copies nothing this long is taken as empty (keyed again); generous: a loaded machine
)


class DesktopUnavailable(DriverUnavailable):
    """No X display, or a tool the driver needs (xclip) is missing: a set-up problem, not an item's."""


@dataclass(frozen=True)
class Window:
    """A mapped top-level window: X id, title as the user sees it, position and size on screen."""

    id: int
    title: str
    x: int
    y: int
    width: int
    height: int
    transient_for: int | None = None

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


@dataclass(frozen=True)
class Template:
    """A picture of part of a screen, and where (relative to a window) to look for it.

    ``region`` is ``(x, y, width, height)`` inside the window; None searches the whole window.
    """

    name: str
    image: np.ndarray = field(repr=False)  # greyscale uint8
    region: tuple[int, int, int, int] | None = None
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def load(cls, path: Path | str, *, name: str | None = None, region=None, threshold=DEFAULT_THRESHOLD) -> Template:
        from PIL import Image

        path = Path(path)
        with Image.open(path) as img:
            grey = np.asarray(img.convert("L"))
        if grey.std() < 1.0:
            raise ValueError(f"template {path.name} is flat: nothing to match on")
        return cls(name or path.stem, grey, tuple(region) if region else None, threshold)


@dataclass(frozen=True)
class Match:
    """Where a template was found, in screen coordinates."""

    name: str
    x: int
    y: int
    width: int
    height: int
    score: float

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


def normalise_text(text: str) -> str:
    """How two field values are compared after read-back: NFC, line ends dropped (not widths:
    a half-width ｶﾅ where full-width was keyed is a difference the system would store)."""
    return unicodedata.normalize("NFC", text).replace("\r", "").replace("\n", "")


class DesktopDriver:
    """One X display: windows, pixels, keys, mouse and the clipboard.

    ``timeout_s`` bounds every wait (robots.yaml ``timeout_seconds`` of the target); waits that
    expect a slow screen may pass a longer one.
    """

    def __init__(
        self, display: str | None = None, *, timeout_s: float = 5.0, select_all: tuple[str, ...] = ("ctrl", "a")
    ):
        self.display_name = display or os.environ.get("DISPLAY")
        if not self.display_name:
            raise DesktopUnavailable("DISPLAY が設定されていません（X または Xvfb の画面が必要です）")
        os.environ.setdefault("DISPLAY", self.display_name)
        if shutil.which("xclip") is None:
            raise DesktopUnavailable("xclip がありません（sudo apt-get install xclip）")
        from Xlib import X, Xatom
        from Xlib import display as xdisplay

        self._X, self._Xatom = X, Xatom
        self.x = xdisplay.Display(self.display_name)
        self.root = self.x.screen().root
        self._net_wm_name = self.x.intern_atom("_NET_WM_NAME")
        self._utf8 = self.x.intern_atom("UTF8_STRING")
        self._clipboard_atom = self.x.intern_atom("CLIPBOARD")
        self.timeout_s = timeout_s
        self.select_all_keys = select_all
        self._secret_windows: set[int] = set()
        _pyautogui(self.display_name)  # fails here, at set-up, if PyAutoGUI cannot start
        self.fields_keyed_again = 0  # read-backs that found a field wrong or empty (for the bench and logs)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.x.close()

    @property
    def _gui(self):
        """PyAutoGUI, pointed at this driver's screen for every call: its X connection is one per
        process, and another driver made since (the demo's own Xvfb, since stopped) may have
        moved it away — keys and clicks would go to a screen that is gone."""
        return _pyautogui(self.display_name)

    # ---- waiting --------------------------------------------------------------------------------

    def wait_until(self, what: str, check: Callable[[], T | None], *, timeout: float | None = None) -> T:
        """Poll ``check`` until it returns something other than None; ``what`` names the awaited
        thing in the Japanese timeout message (e.g. 「宛名検索」画面)."""
        limit = self.timeout_s if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            result = check()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise ApplicationError(f"{what}が{limit:g}秒以内に表示されません", code="timeout")
            time.sleep(POLL_S)

    # ---- windows --------------------------------------------------------------------------------

    def windows(self) -> list[Window]:
        """Mapped top-level windows that have a title, topmost last (X stacking order)."""
        out = []
        try:
            children = self.root.query_tree().children
        except Exception as exc:  # the X server went away
            raise ApplicationError(f"画面（X ディスプレイ）に接続できません：{exc}", code="display_lost") from None
        for w in children:
            try:
                if w.get_attributes().map_state != self._X.IsViewable:
                    continue
                title = self._title(w)
                if not title:
                    continue
                g = w.get_geometry()
                transient = w.get_wm_transient_for()
                out.append(Window(w.id, title, g.x, g.y, g.width, g.height, transient.id if transient else None))
            except Exception:  # the window vanished while we looked: it is not there
                continue
        return out

    def _title(self, w) -> str:
        prop = w.get_full_property(self._net_wm_name, self._utf8)
        if prop is not None and prop.value:
            return prop.value.decode("utf-8", errors="replace")
        name = w.get_wm_name()
        return name if isinstance(name, str) else ""

    def find_window(self, title: str, *, transient_for: int | None = None) -> Window | None:
        for w in reversed(self.windows()):
            if w.title == title and (transient_for is None or w.transient_for == transient_for):
                return w
        return None

    def wait_window(self, title: str, *, timeout: float | None = None) -> Window:
        return self.wait_until(f"ウィンドウ「{title}」", lambda: self.find_window(title), timeout=timeout)

    def window_shown(self, window_id: int) -> bool:
        """Is this window still mapped? (One round trip, not a scan of every window.)"""
        try:
            w = self.x.create_resource_object("window", window_id)
            return w.get_attributes().map_state == self._X.IsViewable
        except Exception:  # BadWindow: it is gone
            return False

    def wait_window_gone(self, window: Window, *, timeout: float | None = None) -> None:
        self.wait_until(
            f"ウィンドウ「{window.title}」が閉じる状態",
            lambda: True if not self.window_shown(window.id) else None,
            timeout=timeout,
        )
        self._secret_windows.discard(window.id)

    @contextlib.contextmanager
    def secret_window(self, window: Window) -> Iterator[None]:
        """While a secret is typed into ``window`` (and until it closes) no screenshot is taken."""
        self._secret_windows.add(window.id)
        yield

    # ---- pixels ---------------------------------------------------------------------------------

    def grab(
        self, window: Window, region: tuple[int, int, int, int] | None = None, *, colour: bool = False
    ) -> np.ndarray:
        """The window (or a region inside it) as a greyscale (or RGB) array.

        Read with GetImage on the driver's own X connection: a fresh connection per capture (what
        Pillow's ImageGrab opens) cost 15-40 ms on a loaded machine, this well under 1 ms.
        """
        import cv2

        x, y, w, h = region or (0, 0, window.width, window.height)
        try:
            raw = self.root.get_image(window.x + x, window.y + y, w, h, self._X.ZPixmap, 0xFFFFFFFF)
        except Exception as exc:  # BadMatch (off screen) or the server went away
            raise ApplicationError(f"画面を取得できません：{exc}", code="display_lost") from None
        bgrx = np.frombuffer(raw.data, dtype=np.uint8).reshape(h, w, 4)
        return cv2.cvtColor(bgrx, cv2.COLOR_BGRA2RGB if colour else cv2.COLOR_BGRA2GRAY)

    def locate(self, window: Window, templates: Sequence[Template], image: np.ndarray | None = None) -> Match | None:
        """The best of ``templates`` visible in ``window`` now, or None.

        Without ``image`` only each template's region is captured (one capture per region):
        a screen title is found in a strip of the header, not in the whole window.
        """
        import cv2

        best: Match | None = None
        shots: dict[tuple[int, int, int, int] | None, np.ndarray] = {}
        for t in templates:
            if image is not None:
                rx, ry, rw, rh = t.region or (0, 0, image.shape[1], image.shape[0])
                area = image[ry : ry + rh, rx : rx + rw]
            else:
                rx, ry = (t.region or (0, 0, 0, 0))[:2]
                if t.region not in shots:
                    shots[t.region] = self.grab(window, t.region)
                area = shots[t.region]
            th, tw = t.image.shape
            if area.shape[0] < th or area.shape[1] < tw:
                continue
            scores = cv2.matchTemplate(area, t.image, cv2.TM_CCOEFF_NORMED)
            _, score, _, (mx, my) = cv2.minMaxLoc(scores)
            if score >= t.threshold and (best is None or score > best.score):
                best = Match(t.name, window.x + rx + mx, window.y + ry + my, tw, th, float(score))
        return best

    def screenshot(self, window: Window, path: Path) -> Path:
        """Keep what the window shows as evidence (PNG). Refused while a secret may be on screen."""
        from PIL import Image

        if self._secret_windows:
            live = {w.id for w in self.windows()} & self._secret_windows
            if live:
                raise ApplicationError("パスワード入力中の画面は保存しません", code="secret_on_screen")
            self._secret_windows.clear()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(self.grab(window, colour=True)).save(path, compress_level=1)  # fast: one per item
        return path

    # ---- hands ----------------------------------------------------------------------------------

    def click(self, x: int, y: int) -> None:
        self._gui.click(x, y)

    def move_to(self, x: int, y: int) -> None:
        self._gui.moveTo(x, y)

    def point_into(self, window: Window, at: tuple[int, int] | None = None) -> None:
        """Put the pointer over ``window`` — at ``at`` (window coordinates; else its centre) — unless it
        is over it already. Where no window manager gives a window the focus (a robot PC's kiosk
        session, Xvfb), keys go to the window under the pointer, and a robot killed mid-way or a person
        at the PC may have left it anywhere: a restarted run's key for a menu item was lost three times
        and the run stopped as if the system were down (CI, round 24)."""
        x, y = self._gui.position()
        if window.x <= x < window.x + window.width and window.y <= y < window.y + window.height:
            return
        ax, ay = at if at is not None else (window.width // 2, window.height // 2)
        self.move_to(window.x + ax, window.y + ay)

    def press(self, *keys: str) -> None:
        """Press keys one after the other (``"f12"``, ``"tab"``, ``"down"`` …)."""
        for key in keys:
            self._gui.press(key)

    def hotkey(self, *keys: str) -> None:
        self._gui.hotkey(*keys)

    def type_ascii(self, text: str) -> None:
        """Type printable ASCII key by key (codes, digits, a password: never through the clipboard)."""
        if any(not (" " <= ch <= "~") for ch in text):
            raise ValueError("type_ascii takes printable ASCII only; use paste() for Japanese")
        self._gui.write(text)

    # ---- clipboard ------------------------------------------------------------------------------

    def _clipboard_owner(self) -> int:
        """The X window owning the CLIPBOARD now (0: nobody). Each program that takes it — a new
        xclip, the client copying — shows up as another owner, so waiting for the owner to change
        proves the hand-over without reading the contents back through another process."""
        owner = self.x.get_selection_owner(self._clipboard_atom)
        return owner if isinstance(owner, int) else owner.id  # X.NONE comes back as a plain 0

    def set_clipboard(self, text: str) -> None:
        """Put ``text`` on the CLIPBOARD (an xclip in the background serves it) and wait until
        that xclip really owns it: xclip forks before its claim reaches the X server."""
        before = self._clipboard_owner()
        try:
            subprocess.run(
                ["xclip", "-selection", "clipboard", "-i"], input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=CLIPBOARD_TIMEOUT_S,
                env={**os.environ, "DISPLAY": self.display_name},
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError) as exc:
            raise ApplicationError(f"クリップボードに書き込めません：{exc}", code="clipboard") from None
        self.wait_until(
            "クリップボードの内容",
            lambda: True if self._clipboard_owner() not in (before, 0) else None,
            timeout=CLIPBOARD_TIMEOUT_S,
        )

    def clipboard(self) -> str | None:
        """The CLIPBOARD's text now; None when no program holds one (or it does not answer)."""
        try:
            done = subprocess.run(
                ["xclip", "-selection", "clipboard", "-o"], capture_output=True, timeout=CLIPBOARD_TIMEOUT_S,
                env={**os.environ, "DISPLAY": self.display_name},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return None
        if done.returncode != 0:
            return None
        return done.stdout.decode("utf-8", errors="replace")

    def clear_clipboard(self) -> None:
        """Leave no personal data on the clipboard after an item: the CLIPBOARD gets no owner at
        all (the xclip or client holding it is told so and lets go; no process is left behind)."""
        with contextlib.suppress(Exception):
            self.x.set_selection_owner(self._clipboard_atom, self._X.NONE, self._X.CurrentTime)
            self.x.sync()

    def paste(self, text: str) -> None:
        """Insert ``text`` where the keyboard focus is, through the clipboard (any script).

        The xclip serving the text runs in the foreground for exactly one request (``-loops 1``)
        and is waited for: the application has then really fetched the text. Taking the
        clipboard back sooner (the read-back's marker) could end the xclip before it answered,
        and the paste would be lost while the application waits for it (seen ~5 % under load).
        """
        before = self._clipboard_owner()
        try:
            proc = subprocess.Popen(
                ["xclip", "-selection", "clipboard", "-i", "-loops", "1", "-quiet"], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "DISPLAY": self.display_name},
            )  # fmt: skip
            assert proc.stdin is not None
            proc.stdin.write(text.encode("utf-8"))
            proc.stdin.close()
        except OSError as exc:
            raise ApplicationError(f"クリップボードに書き込めません：{exc}", code="clipboard") from None
        try:
            self.wait_until(
                "クリップボードの内容",
                lambda: True if self._clipboard_owner() not in (before, 0) else None,
                timeout=CLIPBOARD_TIMEOUT_S,
            )
            self.hotkey("ctrl", "v")
            proc.wait(timeout=min(COPY_TIMEOUT_S, self.timeout_s))  # the paste has been served
        except subprocess.TimeoutExpired:
            pass  # nobody asked (focus was elsewhere?): the read-back will tell
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def copy_selection(self, *, copy_keys: tuple[str, ...] = ("ctrl", "c"), expect_text: bool = True) -> str:
        """Press Ctrl+C and return what the application put on the clipboard.

        A marker goes on the clipboard first, so a copy that has not happened (yet) is told from
        one that has. ``expect_text`` False: nothing selected is a valid answer — after a short
        grace the empty string is returned instead of raising.
        """
        marker = f"daiko-{uuid.uuid4().hex}"
        self.set_clipboard(marker)
        owner = self._clipboard_owner()
        self.hotkey(*copy_keys)
        timeout = min(COPY_TIMEOUT_S, self.timeout_s) if expect_text else min(0.4, self.timeout_s)
        try:
            self.wait_until(
                "コピーした内容", lambda: True if self._clipboard_owner() != owner else None, timeout=timeout
            )
        except ApplicationError:
            if expect_text:
                raise ApplicationError("画面の内容をコピーできません（応答がありません）", code="clipboard") from None
            return ""
        copied = self.clipboard()
        if copied is None or copied == marker:
            raise ApplicationError("コピーした内容を読み取れません", code="clipboard")
        return copied

    # ---- fields ---------------------------------------------------------------------------------

    def select_field(self, x: int, y: int) -> None:
        """Click into a field and select all of its text."""
        self.click(x, y)
        self.hotkey(*self.select_all_keys)

    def replace_text(self, x: int, y: int, text: str) -> None:
        """Click the field at (x, y), clear it and key ``text`` (ASCII typed, the rest pasted)."""
        self.select_field(x, y)
        self.press("backspace")
        if not text:
            return
        if all(" " <= ch <= "~" for ch in text):
            self.type_ascii(text)
        else:
            self.paste(text)

    def read_text(self, x: int, y: int, *, expect_text: bool = True) -> str:
        """What the field at (x, y) holds: click, select all, copy, read the clipboard."""
        self.select_field(x, y)
        return self.copy_selection(expect_text=expect_text)

    def key_field(self, x: int, y: int, text: str, *, what: str, attempts: int = 3) -> int:
        """Key ``text`` into the field and prove it is there; key it again if it is not.

        Returns how many tries it took: more than one means keystrokes may have gone astray
        (focus taken away), so a caller checks the other fields of the screen once more.

        Raises ApplicationError ``readback_mismatch`` when the field still differs after
        ``attempts`` tries (focus taken away each time, a field that refuses characters …).
        """
        shown = ""
        for attempt in range(attempts):
            self.replace_text(x, y, text)
            try:
                shown = self.read_text(x, y, expect_text=bool(text))
            except ApplicationError as exc:  # nothing to copy: the field stayed empty
                if exc.code != "clipboard":
                    raise
                shown = ""
            if normalise_text(shown) == normalise_text(text):
                return attempt + 1
            self.fields_keyed_again += 1
            logger.info(
                tr(
                    "デスクトップ: {} の読み返しが {} 回目で違っていました。入力し直します",
                    "desktop: {} read back wrong on attempt {}; keying it again",
                ),
                what,
                attempt + 1,
            )
        # Not the values themselves: a field may hold personal data, and this reason reaches logs.
        raise ApplicationError(
            f"{what}に入力した内容を読み返すと{attempts}回とも一致しません", code="readback_mismatch"
        )


@functools.cache
def _pyautogui_set_up():
    """PyAutoGUI set up for a robot, once per process: no pause after every call (waits are on the
    application's state instead: 0.1 s a call was most of the time per record), no fail-safe corner
    (the client window sits at the top-left corner), and screenshots through Pillow's X11 capture."""
    import pyscreeze

    pyscreeze.GNOMESCREENSHOT_EXISTS = True  # bare Xvfb has neither scrot nor gnome-screenshot
    import pyautogui

    pyautogui.PAUSE = 0.0
    pyautogui.FAILSAFE = False
    pyautogui.MINIMUM_DURATION = 0.0
    return pyautogui


def _pyautogui(display_name: str):
    """PyAutoGUI on ``display_name``. It opens its X connection once, at import, on whatever
    ``DISPLAY`` said then. A process that later works on another screen (the demo starting its own
    Xvfb, a second robot on another display) would type into the first one: its connection is
    pointed at this driver's display whenever they differ (one name compared per call)."""
    pyautogui = _pyautogui_set_up()
    x11 = getattr(pyautogui, "_pyautogui_x11", None)
    current = getattr(x11, "_display", None)
    if current is not None and current.get_display_name() != display_name:
        from Xlib.display import Display

        x11._display = Display(display_name)
        with contextlib.suppress(Exception):  # its screen may have gone already
            current.close()
    return pyautogui
