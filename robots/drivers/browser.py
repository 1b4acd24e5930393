"""One Chromium per run, from Debian — never a downloaded browser build.

Every item is recorded as a Playwright trace chunk; the chunk is kept (with a screenshot)
only when the item fails, so evidence costs little on the happy path.

Secrets never reach a trace: a trace records every call's arguments (the password typed), the
login POST and DOM snapshots with input values, and Playwright cannot filter them. So tracing runs
only while an item is being keyed (started per item, stopped after it: between items nothing is
recorded — not even network entries, which Playwright otherwise buffers into the *next* chunk),
and steps that type a secret run inside :meth:`untraced`, which stops tracing before them (the
part so far kept aside as part of the item's evidence) and starts it again after. A trace still holds the session cookie of its run: the adapter logs out when the run ends
and the console lets only 管理者 download traces.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--lang=ja-JP"]


class BrowserUnavailable(RuntimeError):
    pass


def chromium_executable() -> str:
    path = os.environ.get("DAIKO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise BrowserUnavailable(
            "Chromium was not found. Install Debian's package (sudo apt-get install chromium) "
            "or set DAIKO_CHROMIUM to the browser's path; daiko never downloads a browser."
        )
    return path


@dataclass
class BrowserSession:
    page: Any
    context: Any
    tracing: bool = True
    _recording: bool = False
    _parts: list[Path] = field(default_factory=list)  # chunks closed by untraced(), this item's
    _scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="daiko-trace-")))

    def start_item(self) -> None:
        self._drop_parts()
        if self.tracing:
            self._start()

    def _start(self) -> None:
        self.context.tracing.start(screenshots=True, snapshots=True, sources=False)
        self._recording = True

    def _stop(self, path: Path | None = None) -> bool:
        """Stop tracing (the recorder and its network log too); save to ``path`` if given."""
        self._recording = False
        try:
            self.context.tracing.stop(path=str(path) if path else None)
            return True
        except Exception:
            with suppress(Exception):
                self.context.tracing.stop()
            return False

    @contextmanager
    def untraced(self) -> Iterator[None]:
        """Run steps that type a secret (log-in) with nothing recorded: no trace, no screencast."""
        was = self._recording
        if was:
            part = self._scratch / f"part{len(self._parts) + 1}.trace.zip"
            if self._stop(part):
                self._parts.append(part)
        try:
            yield
        finally:
            if was:
                self._start()

    def keep_evidence(self, directory: Path, stem: str) -> list[str]:
        """Save a screenshot and the item's trace chunk(s); return their paths."""
        directory.mkdir(parents=True, exist_ok=True)
        saved = []
        shot = directory / f"{stem}.png"
        try:
            self.page.screenshot(path=str(shot), full_page=True, timeout=5000)
            saved.append(str(shot))
        except Exception:  # a crashed page may not render; the trace still helps
            pass
        for n, part in enumerate(self._parts, start=1):
            if part.exists():
                target = directory / f"{stem}_part{n}.trace.zip"
                shutil.move(str(part), target)
                saved.append(str(target))
        self._parts = []
        if self._recording:
            trace = directory / f"{stem}.trace.zip"
            if self._stop(trace):
                saved.append(str(trace))
        return saved

    def discard_evidence(self) -> None:
        self._drop_parts()
        if self._recording:
            self._stop()

    def _drop_parts(self) -> None:
        for part in self._parts:
            part.unlink(missing_ok=True)
        self._parts = []

    def close(self) -> None:
        self.discard_evidence()
        shutil.rmtree(self._scratch, ignore_errors=True)


@contextmanager
def browser_session(*, headless: bool = True, trace: bool = True) -> Iterator[BrowserSession]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), headless=headless, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            session = BrowserSession(page=page, context=context, tracing=trace)
            try:
                yield session
            finally:
                session.close()
            context.close()
        finally:
            browser.close()
