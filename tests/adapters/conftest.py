"""Fixtures for the keitax adapter: one real Chromium (tests/conftest.py), a fresh context per test,
and the session's fleet of mock servers (one per fault)."""

from __future__ import annotations

import pytest

from daiko.mocks.keitax.testing import session_fleet, stop_session_fleet, take_vehicles
from daiko.robots.adapters.keitax import KeitaxAdapter


@pytest.fixture(scope="session")
def keitax_servers(tmp_path_factory):
    """All mock servers (see daiko.mocks.keitax.testing.FLEET), shared with tests/mocks."""
    fleet, owner = session_fleet(tmp_path_factory.getbasetemp() / "keitax-fleet")
    yield fleet
    if owner:
        stop_session_fleet()


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
