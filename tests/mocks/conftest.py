"""Fixtures for the mock 軽自動車税システム: real server subprocesses, driven over HTTP.

All servers a test session needs start together (in parallel) the first time one is asked for.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import httpx
import pytest

from daiko.mocks.keitax.store import today_jst
from daiko.mocks.keitax.testing import session_fleet, stop_session_fleet, take_vehicles
from daiko.mocks.keitax.wareki import to_wareki


@pytest.fixture(scope="session")
def keitax_fleet(tmp_path_factory):
    """All mock servers (see daiko.mocks.keitax.testing.FLEET), shared with tests/adapters."""
    fleet, owner = session_fleet(tmp_path_factory.getbasetemp() / "keitax-fleet")
    yield fleet
    if owner:
        stop_session_fleet()


@pytest.fixture(scope="session")
def keitax(keitax_fleet):
    """The fault-free server shared by the behaviour tests (each test picks its own vehicles)."""
    return keitax_fleet["base"]


SCREEN_RE = re.compile(r'<span id="screenId">([^<]+)</span>')
MESSAGE_RE = re.compile(r'<li class="msg msg-\w+">([EWI]\d{4})\u3000(.*?)</li>')


@dataclass
class Screen:
    status: int
    text: str
    url: str

    @property
    def id(self) -> str:
        match = SCREEN_RE.search(self.text)
        return match.group(1) if match else ""

    @property
    def messages(self) -> list[tuple[str, str]]:
        return [(mid, html.unescape(t)) for mid, t in MESSAGE_RE.findall(self.text)]

    @property
    def message_ids(self) -> list[str]:
        return [mid for mid, _ in self.messages]

    def value(self, name: str) -> str | None:
        match = re.search(rf'name="{name}" value="([^"]*)"', self.text)
        return html.unescape(match.group(1)) if match else None

    def text_of(self, element_id: str) -> str | None:
        match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', self.text)
        return html.unescape(match.group(1)).strip() if match else None


def wareki_fields(prefix: str, day: dt.date) -> dict[str, str]:
    era, year, month, dd = to_wareki(day)
    return {f"{prefix}_era": era, f"{prefix}_year": str(year), f"{prefix}_month": str(month), f"{prefix}_day": str(dd)}


def haisha_form(
    vehicle_id: int,
    reference: str,
    *,
    haisha: dt.date | None = None,
    shinkoku: dt.date | None = None,
    reason: str = "解体",
) -> dict[str, str]:
    today = today_jst()
    return {
        "vehicle_id": str(vehicle_id),
        **wareki_fields("haisha", haisha or today - dt.timedelta(days=7)),
        **wareki_fields("shinkoku", shinkoku or today - dt.timedelta(days=1)),
        "reason": reason,
        "reference": reference,
    }


class KtxClient:
    """One terminal: its own cookie jar, talking plain HTTP to the mock."""

    def __init__(self, server):
        self.server = server
        self.http = httpx.Client(base_url=server.url, follow_redirects=True, timeout=15)

    def _screen(self, response: httpx.Response) -> Screen:
        return Screen(response.status_code, response.text, str(response.url))

    def get(self, path: str, **params) -> Screen:
        return self._screen(self.http.get(path, params=params))

    def post(self, path: str, data: dict) -> Screen:
        return self._screen(self.http.post(path, data=data))

    def login(self, user: str = "rpa01", password: str | None = None) -> Screen:
        return self.post(
            "/login", {"user_id": user, "password": self.server.password if password is None else password}
        )

    def open_haisha(self, vehicle_id: int) -> Screen:
        return self.post("/haisha/nyuryoku", {"vehicle_id": str(vehicle_id)})

    def confirm(self, form: dict) -> Screen:
        return self.post("/haisha/kakunin", form)

    def commit(self, token: str) -> Screen:
        return self.post("/haisha/toroku", {"token": token})

    def deregister(self, vehicle_id: int, reference: str, **form) -> Screen:
        """Open → 確認 → 登録; returns the last screen (asserting the steps before it)."""
        opened = self.open_haisha(vehicle_id)
        assert opened.id == "KTX-0340", opened.messages
        confirmed = self.confirm(haisha_form(vehicle_id, reference, **form))
        assert confirmed.id == "KTX-0350", confirmed.messages
        return self.commit(confirmed.value("token"))

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def terminal():
    """``terminal(server)`` → a logged-out client; all closed after the test."""
    made: list[KtxClient] = []

    def make(server) -> KtxClient:
        client = KtxClient(server)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def vehicles():
    """``vehicles(server, n)`` → n 課税中 vehicles no other test in the session has been given."""
    return take_vehicles


@pytest.fixture(name="form")
def form_fixture():
    """``form(vehicle_id, reference, haisha=…, shinkoku=…, reason=…)`` → the 廃車登録 form fields."""
    return haisha_form
