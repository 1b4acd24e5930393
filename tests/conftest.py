"""Shared fixtures. Real parts only: real Chromium (Debian's), real Xvfb, real OCR."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed; run `make setup` (apt-get install chromium)")
    return path
