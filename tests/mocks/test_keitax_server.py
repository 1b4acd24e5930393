"""The mock 軽自動車税システム's own behaviour, over HTTP against a real server process."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from daiko.mocks.keitax import audit_rows, find_vehicle, processed_rows, reissued_plates, sample_vehicles
from daiko.mocks.keitax.fakedata import generate
from daiko.mocks.keitax.store import today_jst

pytestmark = pytest.mark.slow


def test_login_rejects_a_wrong_password_and_audits_it(keitax, terminal):
    screen = terminal(keitax).login(password="wrong")
    assert screen.id == "KTX-0001"
    assert screen.message_ids == ["E0001"]
    assert any(r["action"] == "login_failed" and r["login"] == "rpa01" for r in audit_rows(keitax.db_path))


def test_login_shows_the_menu_with_the_user(keitax, terminal):
    screen = terminal(keitax).login()
    assert screen.id == "KTX-0100"
    assert "RPA専用01（rpa01）" in screen.text
    assert "業務メニュー" in screen.text


def test_screens_need_a_session(keitax, terminal):
    screen = terminal(keitax).get("/menu")
    assert screen.id == "KTX-0002"
    assert screen.message_ids == ["E0004"]


def test_a_new_login_ends_the_older_session_of_the_same_user(keitax, terminal):
    first, second = terminal(keitax), terminal(keitax)
    first.login("shokuin02")
    assert first.get("/menu").id == "KTX-0100"
    second.login("shokuin02")
    screen = first.get("/menu")
    assert screen.id == "KTX-0002"
    assert screen.messages == [("E0003", "他の端末でログインされたため、セッションが無効になりました。")]
    assert second.get("/menu").id == "KTX-0100"
    assert any(r["action"] == "session_killed" and r["login"] == "shokuin02" for r in audit_rows(keitax.db_path))


def test_an_idle_session_expires(keitax_fleet, terminal):
    server = keitax_fleet["idle"]  # idle timeout 2 s
    client = terminal(server)
    client.login()
    assert client.get("/menu").id == "KTX-0100"
    time.sleep(2.3)
    screen = client.get("/menu")
    assert screen.id == "KTX-0002"
    assert screen.message_ids == ["E0002"]


def test_search_by_plate_however_typed_and_by_chassis(keitax, terminal, vehicles):
    (vehicle,) = vehicles(keitax)
    client = terminal(keitax)
    client.login()
    typed = vehicle.plate.replace(" ", "\u3000").replace("-", "－")  # full-width spaces and dash
    result = client.get("/sharyo/kensaku/kekka", plate=typed)
    assert result.id == "KTX-0320"
    assert vehicle.chassis_no in result.text
    result = client.get("/sharyo/kensaku/kekka", chassis=vehicle.chassis_no.lower())
    assert result.id == "KTX-0320"
    assert result.text.count('type="radio"') == 1
    none = client.get("/sharyo/kensaku/kekka", plate="飯能市 ん 99999")
    assert (none.id, none.message_ids) == ("KTX-0310", ["I0301"])
    empty = client.get("/sharyo/kensaku/kekka", plate="", chassis="")
    assert empty.message_ids == ["E0301"]


def test_a_reissued_plate_lists_both_vehicles(keitax, terminal):
    plate = reissued_plates(keitax.db_path)[0]
    client = terminal(keitax)
    client.login()
    result = client.get("/sharyo/kensaku/kekka", plate=plate)
    assert result.text.count('type="radio"') == 2
    assert "課税中" in result.text and "廃車済" in result.text


def test_deregistration_saves_vehicle_record_and_audit_together(keitax, terminal, vehicles):
    (vehicle,) = vehicles(keitax)
    client = terminal(keitax)
    client.login()
    detail = client.get("/sharyo/shosai", id=vehicle.id)
    assert detail.id == "KTX-0330" and detail.text_of("dtStatus") == "課税中"
    done = client.deregister(vehicle.id, "T-FLOW-1")
    assert done.id == "KTX-0360"
    shori_no = done.text_of("shoriNo")
    assert done.message_ids == ["I0601"] and shori_no
    after = find_vehicle(keitax.db_path, vehicle_id=vehicle.id)
    assert after.status == "廃車済" and after.deregistered_on == today_jst() - dt.timedelta(days=7)
    (row,) = [r for r in audit_rows(keitax.db_path, "deregister") if r["reference"] == "T-FLOW-1"]
    assert row["login"] == "rpa01" and row["target"] == f"vehicle:{vehicle.id}"
    assert row["before"]["status"] == "課税中" and row["after"]["status"] == "廃車済"
    assert row["after"]["shori_no"] == shori_no
    # 受付番号検索 finds it; the 確認票 prints it.
    found = client.get("/uketsuke/kensaku", no="T-FLOW-1")
    assert shori_no in found.text
    receipt = client.get("/haisha/kakuninhyo", no=shori_no)
    assert receipt.id == "KTX-0370" and receipt.text_of("khShoriNo") == shori_no
    assert "廃車申告受付確認票" in receipt.text
    # Never twice: the vehicle now refuses a second 廃車.
    again = client.open_haisha(vehicle.id)
    assert (again.id, again.message_ids) == ("KTX-0330", ["E0402"])


def test_a_double_submitted_registration_is_refused(keitax, terminal, vehicles, form):
    (vehicle,) = vehicles(keitax)
    client = terminal(keitax)
    client.login()
    client.open_haisha(vehicle.id)
    confirmed = client.confirm(form(vehicle.id, "T-DOUBLE-1"))
    token = confirmed.value("token")
    assert client.commit(token).id == "KTX-0360"
    second = client.commit(token)
    assert second.message_ids == ["E0005"]
    assert len([r for r in audit_rows(keitax.db_path, "deregister") if r["reference"] == "T-DOUBLE-1"]) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"haisha": "future"}, "E0503"),
        ({"haisha": "before_registration"}, "E0504"),
        ({"shinkoku": "before_haisha"}, "E0505"),
        ({"reason": ""}, "E0506"),
        ({"reference": "受付１"}, "E0507"),
        ({"reference": "S-DUP"}, "E0508"),
        ({"haisha_year": "1", "haisha_month": "4", "haisha_day": "1"}, "E0502"),  # 令和元年4月1日 did not exist
        ({"shinkoku_year": "", "shinkoku_month": "", "shinkoku_day": ""}, "E0501"),
    ],
)
def test_entry_rules_reject_with_a_message_and_save_nothing(keitax, terminal, vehicles, form, change, expected):
    (vehicle,) = vehicles(keitax)
    today = today_jst()
    client = terminal(keitax)
    client.login()
    assert client.open_haisha(vehicle.id).id == "KTX-0340"
    haisha = {
        "future": today + dt.timedelta(days=1),
        "before_registration": vehicle.registered_on - dt.timedelta(days=1),
    }.get(change.get("haisha"), today - dt.timedelta(days=7))
    shinkoku = haisha - dt.timedelta(days=1) if change.get("shinkoku") == "before_haisha" else today
    reference = change.get("reference", f"T-RULE-{expected}")
    if reference == "S-DUP":
        reference = processed_rows(keitax.db_path)[0]["reference"]  # a seeded 廃車 already holds it
    fields = form(vehicle.id, reference, haisha=haisha, shinkoku=shinkoku, reason=change.get("reason", "解体"))
    fields.update({k: v for k, v in change.items() if k.startswith(("haisha_", "shinkoku_"))})
    screen = client.confirm(fields)
    assert screen.id == "KTX-0340"
    assert expected in screen.message_ids
    assert find_vehicle(keitax.db_path, vehicle_id=vehicle.id).status == "課税中"


def test_a_record_open_on_another_terminal_is_locked(keitax, terminal, vehicles):
    (vehicle,) = vehicles(keitax)
    staff, robot = terminal(keitax), terminal(keitax)
    staff.login("shokuin01")
    robot.login("rpa02")
    assert staff.open_haisha(vehicle.id).id == "KTX-0340"
    locked = robot.open_haisha(vehicle.id)
    assert (locked.id, locked.message_ids) == ("KTX-0330", ["E0401"])
    assert "他の端末で更新中です" in locked.text and "shokuin01" in locked.text
    staff.post("/haisha/chushi", {"vehicle_id": str(vehicle.id)})  # 中止 lets go of the lock
    assert robot.open_haisha(vehicle.id).id == "KTX-0340"


def test_extract_in_shift_jis_and_utf8(keitax, terminal, vehicles):
    (vehicle,) = vehicles(keitax)
    client = terminal(keitax)
    client.login()
    assert client.deregister(vehicle.id, "T-EXTRACT-1").id == "KTX-0360"
    day = f"{today_jst():%Y%m%d}"
    sjis = client.http.get("/chushutsu/haisha.csv", params={"date_from": day, "date_to": day})
    utf8 = client.http.get("/chushutsu/haisha.csv", params={"date_from": day, "date_to": day, "encoding": "utf8"})
    assert sjis.headers["content-type"].startswith("text/csv") and "Shift_JIS" in sjis.headers["content-type"]
    assert "attachment" in sjis.headers["content-disposition"]
    assert sjis.content.decode("cp932") == utf8.content.decode("utf-8")
    lines = utf8.content.decode("utf-8").split("\r\n")
    assert lines[0].split(",")[:4] == ["処理番号", "受付番号", "標識番号", "車台番号"]
    (line,) = [x for x in lines if ",T-EXTRACT-1," in x]
    assert vehicle.plate in line and vehicle.chassis_no in line and ",解体," in line
    bad = client.get("/chushutsu/haisha.csv", date_from="2025-13-01", date_to=day)
    assert (bad.id, bad.message_ids) == ("KTX-0510", ["E0701"])
    backwards = client.get("/chushutsu/haisha.csv", date_from=day, date_to="20200101")
    assert backwards.message_ids == ["E0702"]


def test_the_register_is_reproducible_from_the_seed(keitax_fleet):
    base, other = keitax_fleet["base"], keitax_fleet["idle"]  # same seed, separate databases

    def register(server):
        return [(v.plate, v.chassis_no, v.owner_name, v.registered_on) for i in range(1, 40)
                if (v := find_vehicle(server.db_path, vehicle_id=i))]  # fmt: skip

    assert register(base) == register(other)
    assert generate(7, 50, dt.date(2025, 4, 1)).vehicles != generate(8, 50, dt.date(2025, 4, 1)).vehicles
    kinds = {v.vclass for v in sample_vehicles(base.db_path, 300, status="課税中")}
    assert {"第一種", "第二種", "軽四輪乗用", "軽四輪貨物", "軽二輪"} <= kinds


def test_a_restart_keeps_what_was_keyed_but_not_the_sessions(keitax_fleet, terminal, vehicles):
    server = keitax_fleet["idle"]
    (vehicle,) = vehicles(server)
    client = terminal(server)
    client.login()
    assert client.deregister(vehicle.id, "T-RESTART-1").id == "KTX-0360"
    server.restart()
    assert client.get("/menu").message_ids == ["E0002"]
    assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "廃車済"
    assert [r["reference"] for r in audit_rows(server.db_path, "deregister")].count("T-RESTART-1") == 1
