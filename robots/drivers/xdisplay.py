"""An X display for desktop robots: the one the session has, or a virtual one (Xvfb) of our own.

A robot PC runs the desktop robot in the logged-in user's session (``DISPLAY`` set). The demo, a
bench or a server without a screen start Xvfb instead — the same X server the tests use — so the
client and PyAutoGUI work the same way with nobody looking.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from daiko.robots.drivers.base import DriverUnavailable

SIZE = (1280, 800)  # room for the 1024×720 client and its dialogs


@contextmanager
def ensure_display(size: tuple[int, int] = SIZE, *, private: bool = False) -> Iterator[str]:
    """``DISPLAY`` if set, answering (and not ``private``); else start Xvfb, set ``DISPLAY`` for this
    process (and its children) while inside, and stop it on exit. A ``DISPLAY`` left pointing at a
    screen that has gone (a closed remote session) gets a screen of its own, not a robot that
    cannot connect."""
    current = os.environ.get("DISPLAY")
    if current and not private and _answers(current):
        yield current
        return
    if shutil.which("Xvfb") is None:
        raise DriverUnavailable("画面（DISPLAY）がなく、Xvfb もありません（sudo apt-get install xvfb）")
    from pyvirtualdisplay import Display

    with Display(backend="xvfb", size=size, color_depth=24, use_xauth=shutil.which("xauth") is not None) as display:
        yield display.new_display_var


def _answers(name: str) -> bool:
    try:
        from Xlib.display import Display

        Display(name).close()
        return True
    except Exception:  # refused, no such screen, not authorised
        return False


def window_open(title: str) -> bool:
    """Is a window with this title mapped on ``DISPLAY`` now? (False when there is no display.)"""
    if not os.environ.get("DISPLAY"):
        return False
    try:
        from daiko.robots.drivers.desktop import DesktopDriver

        driver = DesktopDriver()
    except Exception:
        return False
    try:
        return driver.find_window(title) is not None
    finally:
        driver.close()
