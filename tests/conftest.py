"""Shared fixtures. Real parts only: real Chromium (Debian's), real Xvfb, real OCR."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed; run `make setup` (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def chromium(chromium_path: str) -> Iterator[object]:
    """A real Chromium for one test module.

    Module scope, not session: Playwright's sync API allows one instance per thread at a time, and
    the robot and demo tests run robots in-process, which start their own.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--disable-gpu", "--disable-quic"])
        yield browser
        browser.close()
