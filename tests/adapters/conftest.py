"""Fixtures for the keitax adapter: one real Chromium for the session, a fresh context per test,
and the session's fleet of mock servers (one per fault)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from daiko.mocks.keitax.testing import session_fleet, stop_session_fleet, take_vehicles
from daiko.robots.adapters.keitax import KeitaxAdapter


@pytest.fixture(scope="session")
def keitax_servers(tmp_path_factory):
    """All mock servers (see daiko.mocks.keitax.testing.FLEET), shared with tests/mocks."""
    fleet, owner = session_fleet(tmp_path_factory.getbasetemp() / "keitax-fleet")
    yield fleet
    if owner:
        stop_session_fleet()


@pytest.fixture(scope="session")
def chromium(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--disable-gpu", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def make_adapter(chromium, tmp_path):
    """``make_adapter(server, **options)`` → a KeitaxAdapter on a fresh browser context."""
    contexts = []

    def make(server, *, password: str | None = None, base_url: str | None = None, **options) -> KeitaxAdapter:
        context = chromium.new_context(viewport={"width": 1100, "height": 800})
        contexts.append(context)
        return KeitaxAdapter(
            context.new_page(),
            base_url or server.url,
            server.user,
            server.password if password is None else password,
            tmp_path / "evidence",
            **options,
        )

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def vehicles():
    """``vehicles(server, n)`` → n 課税中 vehicles (plate not re-issued) no other test was given."""
    return take_vehicles
