"""One Chromium per run, from Debian — never a downloaded browser build.

Every item is recorded as a Playwright trace chunk; the chunk is kept (with a screenshot)
only when the item fails, so evidence costs little on the happy path.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
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

    def start_item(self) -> None:
        self.context.tracing.start_chunk()

    def keep_evidence(self, directory: Path, stem: str) -> list[str]:
        """Save a screenshot and the item's trace chunk; return their paths."""
        directory.mkdir(parents=True, exist_ok=True)
        saved = []
        shot = directory / f"{stem}.png"
        try:
            self.page.screenshot(path=str(shot), full_page=True, timeout=5000)
            saved.append(str(shot))
        except Exception:  # a crashed page may not render; the trace still helps
            pass
        trace = directory / f"{stem}.trace.zip"
        try:
            self.context.tracing.stop_chunk(path=str(trace))
            saved.append(str(trace))
        except Exception:
            pass
        return saved

    def discard_evidence(self) -> None:
        with suppress(Exception):
            self.context.tracing.stop_chunk()


@contextmanager
def browser_session(*, headless: bool = True, trace: bool = True) -> Iterator[BrowserSession]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), headless=headless, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
            )
            if trace:
                context.tracing.start(screenshots=True, snapshots=True, sources=False)
            page = context.new_page()
            yield BrowserSession(page=page, context=context)
            if trace:
                with suppress(Exception):
                    context.tracing.stop()
            context.close()
        finally:
            browser.close()
