"""Each injected fault, seen from outside, and the promise that none leaves a half-done change."""

from __future__ import annotations

import time

import pytest

from daiko.mocks.keitax import audit_rows, find_vehicle, processed_rows

pytestmark = pytest.mark.slow


def test_http500_pages_follow_the_seed(keitax_fleet, terminal):
    server = keitax_fleet["http500"]

    def statuses() -> list[int]:
        client = terminal(server)
        return [client.http.get("/login").status_code for _ in range(20)]

    first = statuses()
    assert 500 in first and 200 in first
    page = terminal(server).http.get("/login")
    while page.status_code != 500:
        page = terminal(server).http.get("/login")
    assert "システムエラーが発生しました" in page.text and "KTX-9000" in page.text
    server.restart()  # same seed → same sequence from the start
    assert statuses() == first
    assert terminal(server).http.get("/healthz").status_code == 200  # the probe is never faulted


def test_commit500_after_saves_the_change_and_still_answers_500(keitax_fleet, terminal, vehicles):
    server = keitax_fleet["commit_after"]
    (vehicle,) = vehicles(server)
    client = terminal(server)
    client.login()
    screen = client.deregister(vehicle.id, "T-LOST-1")
    assert screen.status == 500 and screen.id == "KTX-9000"
    assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "廃車済"
    # the fleet is shared with tests/adapters: look only at this test's vehicle
    mine = [r for r in audit_rows(server.db_path, "deregister") if r["reference"].startswith("T-")]
    assert [r["reference"] for r in mine] == ["T-LOST-1"]
    found = client.get("/uketsuke/kensaku", no="T-LOST-1")  # how a robot learns it went through
    assert "T-LOST-1" in found.text and found.message_ids == []


def test_commit500_before_rolls_everything_back(keitax_fleet, terminal, vehicles):
    server = keitax_fleet["commit_before"]
    (vehicle,) = vehicles(server)
    client = terminal(server)
    client.login()
    seeded = len(processed_rows(server.db_path))
    screen = client.deregister(vehicle.id, "T-ROLLBACK-1")
    assert screen.status == 500 and screen.id == "KTX-9000"
    assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "課税中"
    assert len(processed_rows(server.db_path)) == seeded
    assert audit_rows(server.db_path, "deregister") == []
    assert client.get("/uketsuke/kensaku", no="T-ROLLBACK-1").message_ids == ["I0411"]


def test_slow_responses(keitax_fleet, terminal):
    client = terminal(keitax_fleet["slow"])
    started = time.monotonic()
    assert client.get("/login").id == "KTX-0001"
    assert time.monotonic() - started >= 1.0


def test_expire_every_ends_the_session_mid_flow(keitax_fleet, terminal, vehicles):
    server = keitax_fleet["expire"]  # a session's 12th authenticated request finds it expired
    (vehicle,) = vehicles(server)
    client = terminal(server)
    assert client.login().id == "KTX-0100"  # request 1 (the menu after the redirect)
    for _ in range(10):  # 2 … 11
        assert client.get("/sharyo/kensaku").id == "KTX-0310"
    expired = client.open_haisha(vehicle.id)  # 12: expired, nothing opened or locked
    assert (expired.id, expired.message_ids) == ("KTX-0002", ["E0002"])
    assert any(r["action"] == "session_expired" for r in audit_rows(server.db_path))
    again = terminal(server)
    again.login()
    assert again.open_haisha(vehicle.id).id == "KTX-0340"


def test_lock_fault_reports_another_terminal(keitax_fleet, terminal, vehicles):
    server = keitax_fleet["lock"]
    (vehicle,) = vehicles(server)
    client = terminal(server)
    client.login()
    screen = client.open_haisha(vehicle.id)
    assert (screen.id, screen.message_ids) == ("KTX-0330", ["E0401"])


def test_layout_v2_renames_fields_and_the_register_button(keitax_fleet, terminal, vehicles, form):
    server = keitax_fleet["v2"]
    (vehicle,) = vehicles(server)
    client = terminal(server)
    client.login()
    opened = client.open_haisha(vehicle.id)
    assert 'id="txtHaishaNen"' in opened.text and 'id="haishaYear"' not in opened.text
    confirmed = client.confirm(form(vehicle.id, "T-V2-1"))
    assert 'id="btnKakutei"' in confirmed.text and ">確定</button>" in confirmed.text
    assert 'id="btnRegister"' not in confirmed.text
    assert client.commit(confirmed.value("token")).id == "KTX-0360"  # same flow, new names
