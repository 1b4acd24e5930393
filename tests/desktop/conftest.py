"""Fixtures for the desktop robot: the real Tk client on the session's Xvfb display (pytest-xvfb),
driven with real PyAutoGUI keys, real xclip and real template matching."""

from __future__ import annotations

import os

import pytest

from daiko.mocks.shuno.testing import client_for, stop_all, take_people


@pytest.fixture(scope="session")
def display() -> str:
    value = os.environ.get("DISPLAY")
    if not value:
        pytest.fail(
            "no DISPLAY: the desktop tests run under pytest-xvfb (pip install pytest-xvfb; apt-get install xvfb)"
        )
    return value


@pytest.fixture(scope="session")
def shuno(display, tmp_path_factory):
    """``shuno(faults=None)`` → the running client with those faults (one at a time on the display)."""
    root = tmp_path_factory.mktemp("shuno")

    def get(faults: str | None = None):
        return client_for(root, faults, records=600)

    yield get
    stop_all()


@pytest.fixture(scope="session")
def driver(display):
    from daiko.robots.drivers.desktop import DesktopDriver

    d = DesktopDriver(display, timeout_s=8.0)
    yield d
    d.close()


@pytest.fixture
def make_adapter(driver, tmp_path):
    """``make_adapter(client, **options)`` → a ShunoAdapter for that client, evidence in tmp_path."""
    from daiko.robots.adapters.shuno import ShunoAdapter

    def make(client, *, password: str | None = None, **options):
        return ShunoAdapter(
            driver, client.user, client.password if password is None else password, tmp_path / "evidence",
            export_dir=tmp_path / "export", **options,
        )  # fmt: skip

    return make


@pytest.fixture(scope="session")
def people_of():
    """``people_of(client, n, has_account=False)`` → taxpayers no other test was given."""
    return take_people
