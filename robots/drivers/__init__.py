"""How robots reach a screen: a browser (Playwright) or a desktop client (PyAutoGUI).

:func:`open_session` picks the driver by the target's ``kind`` in robots.yaml; everything above
it (runner, 突合, demo) sees only :class:`~daiko.robots.drivers.base.Session`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from daiko.robots.drivers.base import DriverUnavailable, Session


@contextmanager
def open_session(target: Any, *, cwd: Path | None = None, trace: bool = True) -> Iterator[Session]:
    """A session with the target system of robots.yaml's ``targets.<key>`` (by its ``kind``).

    Raises :class:`DriverUnavailable` when this machine cannot drive it (no Chromium, no display,
    the client does not start): a set-up problem the run reports, never an item's fault.
    """
    if target.kind == "desktop":
        from daiko.robots.drivers.desktop_session import desktop_session

        with desktop_session(target, cwd=cwd) as session:
            yield session
    else:
        from daiko.robots.drivers.browser import browser_session, chromium_executable

        chromium_executable()
        with browser_session(trace=trace) as session:
            yield session


__all__ = ["DriverUnavailable", "Session", "open_session"]
