"""A run's session with a desktop client (``kind: desktop`` targets): attach to its window, or
start it with robots.yaml's ``command`` and close it again at the end of the run.

The client is found by its main window's title on the current X display (``DISPLAY``): a person
at the robot PC (or the PC's auto-start) may have it open already, and the robot then works in
it and leaves it open. When it is not open and the target names a ``command``, the robot starts
it — as a person double-clicks the icon — waits until its window is mapped (never a fixed
sleep), and closes it when the run ends, so the PC is left as it was found.

Evidence: :meth:`DesktopSession.keep_evidence` saves a screenshot of the client's window; while
a secret is typed (:meth:`untraced`, and while the driver marks a login window secret) nothing is
captured. There is no trace to keep: the adapter records the screens it passed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from daiko.robots.drivers.base import DriverUnavailable, Session


class DesktopSession(Session):
    kind = "desktop"

    def __init__(self, driver: Any, title: str):
        self.driver = driver
        self.title = title
        self._secret = 0

    @contextlib.contextmanager
    def untraced(self) -> Iterator[None]:
        self._secret += 1
        try:
            yield
        finally:
            self._secret -= 1

    def keep_evidence(self, directory: Path, stem: str) -> list[str]:
        """A screenshot of the client's window as it is now (none while a secret may show)."""
        if self._secret:
            return []
        try:
            window = self.driver.find_window(self.title)
            if window is None:
                return []
            return [str(self.driver.screenshot(window, Path(directory) / f"{stem}.png"))]
        except Exception:  # the display went away, a secret window is up: nothing to keep
            return []

    def close(self) -> None:
        self.driver.clear_clipboard()  # no personal data left on the PC's clipboard


@contextlib.contextmanager
def desktop_session(target: Any, *, cwd: Path | None = None) -> Iterator[DesktopSession]:
    """Attach to (or start) the target's client on ``DISPLAY``; close it on exit if started here."""
    from daiko.robots.drivers.desktop import DesktopDriver, DesktopUnavailable

    try:
        driver = DesktopDriver(timeout_s=target.timeout_seconds)
    except DesktopUnavailable as exc:
        raise DriverUnavailable(f"{target.name}を操作できません: {exc}") from None
    except Exception as exc:  # the X server refused the connection
        raise DriverUnavailable(f"{target.name}を操作できません（画面に接続できません: {exc}）") from None
    proc: subprocess.Popen | None = None
    try:
        if driver.find_window(target.title) is None:
            proc = _start(driver, target, cwd or Path.cwd())
        session = DesktopSession(driver, target.title)
        try:
            yield session
        finally:
            session.close()
    finally:
        if proc is not None:
            _stop(proc)
        driver.close()


def _start(driver: Any, target: Any, cwd: Path) -> subprocess.Popen:
    if not target.command:
        raise DriverUnavailable(
            f"{target.name}が起動していません（ウィンドウ「{target.title}」がありません）。先に起動するか、"
            "robots.yaml の targets に command（起動コマンド）を書いてください"
        )
    log = cwd / "logs" / f"{Path(target.command[0]).name}.client.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                target.command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "DISPLAY": driver.display_name}, start_new_session=True,
            )  # fmt: skip
    except OSError as exc:
        raise DriverUnavailable(f"{target.name}を起動できません（{target.command[0]}: {exc.strerror}）") from None
    deadline = time.monotonic() + target.startup_timeout_seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DriverUnavailable(
                f"{target.name}を起動しましたが終了しました（終了コード {proc.returncode}、ログ: {log}）"
            )
        if driver.find_window(target.title) is not None:
            return proc
        time.sleep(0.05)  # polling the display for the window, bounded by the deadline
    _stop(proc)
    raise DriverUnavailable(
        f"{target.name}のウィンドウ「{target.title}」が {target.startup_timeout_seconds:g} 秒以内に表示されません（ログ: {log}）"
    )


def _stop(proc: subprocess.Popen) -> None:
    """Close a client this run started: SIGTERM to its process group, SIGKILL if it hangs."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
