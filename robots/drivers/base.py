"""What the runner needs from a driver, whatever it drives: one session per run.

Two drivers implement it: :mod:`daiko.robots.drivers.browser` (Playwright + Chromium, for a
``kind: web`` target) and :mod:`daiko.robots.drivers.desktop_session` (PyAutoGUI under X, for a
``kind: desktop`` target). The runner opens the session of the target's ``kind``
(:func:`daiko.robots.drivers.open_session`), builds the target's adapter on it and calls only
the methods below — so no part of the runner, 突合 or the demo knows which kind it drives.

Evidence rules are the same for both: each item starts with :meth:`start_item`; when it fails
:meth:`keep_evidence` saves what the screen shows (and, for a browser, the item's trace); when it
succeeds :meth:`discard_evidence` drops the recording (the adapter keeps its own proof of the
success: a 確認票 PDF or a screenshot of the completion screen). Steps that type a secret run
inside :meth:`untraced`: nothing of them is recorded, no screenshot shows them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from pathlib import Path


class DriverUnavailable(RuntimeError):
    """The machine cannot drive this kind of target (no Chromium, no X display, no xclip, the
    client cannot be started): a set-up problem, never an item's — the run is skipped and says why."""


class Session(ABC):
    """One run's connection to a target system's screens (a browser page, a desktop client)."""

    kind: str = ""  # "web" / "desktop", as robots.yaml's targets.<key>.kind

    def start_item(self) -> None:
        """A new item begins: forget what was recorded for the one before."""
        return None

    @abstractmethod
    def keep_evidence(self, directory: Path, stem: str) -> list[str]:
        """Save what the screen shows now (and the item's recording) under ``directory``; the
        paths saved. Never raises: a screen that cannot be captured saves nothing."""

    def discard_evidence(self) -> None:
        """The item went well: drop what was recorded for it."""
        return None

    @abstractmethod
    def untraced(self) -> AbstractContextManager:
        """Steps inside it are not recorded and not captured (a password is typed)."""

    def close(self) -> None:
        """End the session (close the browser; leave or close the client as it was found)."""
        return None
