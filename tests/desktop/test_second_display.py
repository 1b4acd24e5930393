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


def test_the_mouse_moves_on_the_drivers_own_screen_after_pyautogui_met_another():
    first = os.environ["DISPLAY"]
    DesktopDriver(first).close()  # PyAutoGUI imported and bound to the first screen
    # ensure_display sets DISPLAY while inside and puts the first one back on leaving (a
    # monkeypatch here would "restore" the second, dead screen for every later test).
    with ensure_display(private=True) as second:
        driver = DesktopDriver(second)
        try:
            before = pointer(first)
            target = (37, 41) if before != (37, 41) else (43, 47)
            driver._gui.moveTo(*target)
            assert pointer(second) == target
            assert pointer(first) == before
        finally:
            driver.close()
    assert os.environ["DISPLAY"] == first  # later tests find the session's screen, not a dead one


def test_a_driver_made_before_a_second_screen_still_types_on_its_own_after_that_screen_went():
    """The session's driver (made first), then a driver on a second Xvfb that is stopped again (the
    demo's, a bench's): PyAutoGUI's one connection stayed on the dead second screen and the first
    driver's next key failed with "Display connection closed by server" (a CI run of make test)."""
    first = os.environ["DISPLAY"]
    driver = DesktopDriver(first)
    try:
        with ensure_display(private=True) as second:
            DesktopDriver(second).close()
        target = (51, 53) if pointer(first) != (51, 53) else (57, 59)
        driver._gui.moveTo(*target)
        assert pointer(first) == target
    finally:
        driver.close()


def test_a_display_that_has_gone_gets_a_screen_of_its_own(monkeypatch):
    """DISPLAY left pointing at a screen that is gone (a closed session; a CI run once): the demo's
    desktop robot failed with 「画面に接続できません」 instead of starting an Xvfb of its own."""
    monkeypatch.setenv("DISPLAY", ":987")  # nothing listens there
    with ensure_display() as screen:
        assert screen != ":987" and os.environ["DISPLAY"] == screen
        DesktopDriver(screen).close()  # a robot can work there
    assert os.environ["DISPLAY"] == ":987"
