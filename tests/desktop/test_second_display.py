"""A robot process that moves to a second screen (the demo starting its own Xvfb beside the one a
test session or a person uses) must type and click THERE. PyAutoGUI binds its X connection at
import; before the fix the demo's login went to the first screen and timed out under xdist."""

from __future__ import annotations

import os

from Xlib.display import Display

from daiko.robots.drivers.desktop import DesktopDriver
from daiko.robots.drivers.xdisplay import ensure_display


def pointer(display_name: str) -> tuple[int, int]:
    x = Display(display_name)
    try:
        data = x.screen().root.query_pointer()._data
        return data["root_x"], data["root_y"]
    finally:
        x.close()


def test_the_mouse_moves_on_the_drivers_own_screen_after_pyautogui_met_another(monkeypatch):
    first = os.environ["DISPLAY"]
    DesktopDriver(first).close()  # PyAutoGUI imported and bound to the first screen
    with ensure_display(private=True) as second:
        monkeypatch.setenv("DISPLAY", second)
        driver = DesktopDriver(second)
        try:
            before = pointer(first)
            target = (37, 41) if before != (37, 41) else (43, 47)
            driver._gui.moveTo(*target)
            assert pointer(second) == target
            assert pointer(first) == before
        finally:
            driver.close()
