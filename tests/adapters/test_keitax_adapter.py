"""The keitax adapter against the real mock server in real Chromium: the happy path, 試行,
every business error, and every injected fault mapped to the right exception."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from daiko.mocks.keitax import audit_rows, find_vehicle, free_port, processed_rows, reissued_plates
from daiko.mocks.keitax.store import today_jst
from daiko.robots.adapters.keitax import KeitaxAdapter, _SessionLost
from daiko.robots.errors import ApplicationError, BusinessError
from daiko.robots.tasks.haisha import Deregistration

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def item_for(vehicle, reference: str, **changes) -> Deregistration:
    today = today_jst()
    values = {
        "reference": reference,
        "plate": vehicle.plate,
        "deregistered_on": today - dt.timedelta(days=9),
        "reason": "scrap",
        "declared_on": today - dt.timedelta(days=2),
        "chassis_no": vehicle.chassis_no,
    }
    values.update(changes)
    return Deregistration(**values)


def keyed(server, reference: str) -> list[dict]:
    return [r for r in audit_rows(server.db_path, "deregister") if r["reference"] == reference]


def test_happy_path_keys_each_item_once_with_a_receipt(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["base"]
    adapter = make_adapter(server)
    adapter.ensure_logged_in()
    # One plate re-issued after an earlier 廃車 (the search lists two vehicles), one ordinary.
    reissued = find_vehicle(server.db_path, plate=reissued_plates(server.db_path)[1])
    assert reissued.status == "課税中"
    batch = [(reissued, "A-HAPPY-0", "scrap", None), (vehicles(server)[0], "A-HAPPY-1", "譲渡", "chassis")]
    started = time.monotonic()
    results = [adapter.deregister(item_for(v, ref, reason=r, **({} if c else {"chassis_no": None})))
               for v, ref, r, c in batch]  # fmt: skip
    per_item = (time.monotonic() - started) / len(batch)
    print(f"keitax adapter: {per_item:.2f} s per item (search → 確認票 PDF)")
    for (vehicle, reference, _, _), result in zip(batch, results, strict=True):
        assert result.reference == reference and result.system_record_id and not result.dry_run
        assert result.evidence[0].read_bytes().startswith(b"%PDF")
        assert result.screens[0].startswith("KTX-0310") and result.screens[-1].startswith("KTX-0370")
        (row,) = keyed(server, reference)
        assert row["target"] == f"vehicle:{vehicle.id}" and row["after"]["shori_no"] == result.system_record_id
        assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "廃車済"
        assert adapter.find_keyed(reference) == result.system_record_id
    assert adapter.find_keyed("A-NEVER-KEYED") is None
    # The EUC extract (UTF-8) shows both, for 突合.
    text = adapter.export_extract(today_jst(), today_jst()).decode("utf-8")
    header, *lines = text.strip().split("\r\n")
    assert header.startswith("処理番号,受付番号,標識番号,車台番号")
    (line,) = [x for x in lines if ",A-HAPPY-1," in x]
    assert batch[1][0].plate in line and ",譲渡," in line
    assert any(",A-HAPPY-0," in x and ",解体," in x for x in lines)
    with pytest.raises(ValueError):
        adapter.export_extract(today_jst(), today_jst() - dt.timedelta(days=1))


def test_dry_run_goes_to_the_confirmation_and_changes_nothing(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["base"]
    (vehicle,) = vehicles(server)
    adapter = make_adapter(server)
    result = adapter.deregister(item_for(vehicle, "A-TRIAL-1"), dry_run=True)
    assert result.dry_run and result.system_record_id == "" and result.evidence == []
    assert any(s.startswith("KTX-0350") for s in result.screens)  # reached 入力内容確認
    assert keyed(server, "A-TRIAL-1") == []
    assert find_vehicle(server.db_path, vehicle_id=vehicle.id).status == "課税中"
    assert adapter.find_keyed("A-TRIAL-1") is None
    # …and left no 更新ロック behind: the real run goes straight through.
    assert adapter.deregister(item_for(vehicle, "A-TRIAL-1")).system_record_id


def _business_cases(server, vehicles):
    today = today_jst()
    gone = server.sample_vehicles(1, status="廃車済", unique_plate=True)[0]
    v = vehicles(server, 5)
    seeded_reference = processed_rows(server.db_path)[0]["reference"]
    return [
        ("not_found", item_for(v[0], "A-BIZ-1", plate="飯能市 ん 9999"), "見つかりません"),
        ("already_deregistered", item_for(gone, "A-BIZ-2"), "廃車済"),
        ("chassis_mismatch", item_for(v[1], "A-BIZ-3", chassis_no="AF68-0000000"), "車台番号"),
        ("rejected", item_for(v[2], "A-BIZ-4", deregistered_on=today + dt.timedelta(days=3)), "E0503"),
        ("rejected", item_for(v[3], "A-BIZ-5", declared_on=today - dt.timedelta(days=30)), "E0505"),
        ("duplicate_reference", item_for(v[4], seeded_reference), "E0508"),
        ("rejected", item_for(v[0], "A-BIZ-7", reason="lost"), "廃車事由"),
    ]


def test_business_errors_carry_a_japanese_reason_and_change_nothing(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["base"]
    adapter = make_adapter(server)
    before = len(audit_rows(server.db_path, "deregister"))
    for code, item, words in _business_cases(server, vehicles):
        with pytest.raises(BusinessError) as caught:
            adapter.deregister(item)
        assert caught.value.code == code, (code, caught.value.reason)
        assert words in caught.value.reason
    assert len(audit_rows(server.db_path, "deregister")) == before


def test_a_rejected_entry_lets_go_of_the_record(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["base"]
    (vehicle,) = vehicles(server)
    robot = make_adapter(server)
    with pytest.raises(BusinessError):
        robot.deregister(item_for(vehicle, "A-LOCK-1", deregistered_on=today_jst() + dt.timedelta(days=1)))
    staff = make_adapter(server)
    staff.login_name = "shokuin01"
    assert staff.deregister(item_for(vehicle, "A-LOCK-1")).system_record_id  # not 他の端末で更新中


def test_an_expired_session_is_renewed_once_transparently(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["idle"]  # idle timeout 2 s
    (vehicle,) = vehicles(server)
    adapter = make_adapter(server)
    adapter.ensure_logged_in()
    time.sleep(2.3)
    assert adapter.deregister(item_for(vehicle, "A-IDLE-1")).system_record_id
    assert len(keyed(server, "A-IDLE-1")) == 1


def test_a_session_taken_over_by_another_login_is_an_application_error(keitax_servers, make_adapter):
    server = keitax_servers["base"]
    first, second = make_adapter(server), make_adapter(server)
    first.login_name = second.login_name = "rpa02"
    first.ensure_logged_in()
    second.ensure_logged_in()
    with pytest.raises(ApplicationError) as caught:
        first.find_keyed("A-X")
    assert caught.value.code == "session_killed" and "他の端末でログイン" in caught.value.reason
    assert first.find_keyed("A-X") is None  # the next call logs in again


def test_wrong_password_and_no_server(keitax_servers, make_adapter):
    with pytest.raises(ApplicationError) as caught:
        make_adapter(keitax_servers["base"], password="wrong").ensure_logged_in()
    assert caught.value.code == "login_failed"
    with pytest.raises(ApplicationError) as caught:
        make_adapter(keitax_servers["base"], base_url=f"http://127.0.0.1:{free_port()}").ensure_logged_in()
    assert caught.value.code == "connection"


# --- faults ---------------------------------------------------------------------------------------


def test_http500_is_an_application_error(keitax_servers, make_adapter):
    with pytest.raises(ApplicationError) as caught:
        make_adapter(keitax_servers["down"]).ensure_logged_in()
    assert caught.value.code == "http_500" and "システムエラー" in caught.value.reason


def test_500_after_commit_is_settled_by_asking_at_once_and_never_keyed_twice(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["commit_after"]
    (vehicle,) = vehicles(server)
    adapter = make_adapter(server)
    item = item_for(vehicle, "A-LOST-1")
    pressed = []
    adapter.before_commit = lambda: pressed.append(True)
    # The 登録's answer is a 500: the adapter asks the system (受付番号検索) before saying anything.
    result = adapter.deregister(item)
    assert pressed == [True] and result.already_present
    shori_no = adapter.find_keyed(item.reference)
    assert shori_no == result.system_record_id
    with pytest.raises(BusinessError) as again:  # and if it keyed blindly, the system refuses
        adapter.deregister(item)
    assert again.value.code == "already_deregistered"
    (row,) = keyed(server, "A-LOST-1")
    assert row["after"]["shori_no"] == shori_no


def test_slow_system_times_out(keitax_servers, make_adapter):
    adapter = make_adapter(keitax_servers["slow"], timeout_s=0.5)
    with pytest.raises(ApplicationError) as caught:
        adapter.ensure_logged_in()
    # Given up at its own timeout, and said so (how fast is bench/keying.py's business, not a test's).
    assert caught.value.code == "timeout"
    assert "0.5秒以内に応答しません" in caught.value.reason


def test_locked_record_is_an_application_error(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["lock"]
    (vehicle,) = vehicles(server)
    with pytest.raises(ApplicationError) as caught:
        make_adapter(server).deregister(item_for(vehicle, "A-LOCKED-1"))
    assert caught.value.code == "locked" and "他の端末で更新中です" in caught.value.reason


def test_changed_layout_fails_fast_with_element_missing(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["v2"]
    (vehicle,) = vehicles(server)
    adapter = make_adapter(server)
    adapter.ensure_logged_in()
    with pytest.raises(ApplicationError) as caught:
        adapter.deregister(item_for(vehicle, "A-V2-1"))
    assert caught.value.code == "element_missing"  # the missing element is named, not waited out as a timeout
    assert "KTX-0340" in caught.value.reason and "廃車年月日" in caught.value.reason
    assert keyed(server, "A-V2-1") == []


def test_expiry_mid_flow_is_survived_with_one_relogin(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["expire"]  # a session dies at its 12th request; one item takes 7
    first, second = vehicles(server, 2)
    adapter = make_adapter(server)
    assert adapter.deregister(item_for(first, "A-EXP-1")).system_record_id  # requests 2-8 (1 = menu)
    result = adapter.deregister(item_for(second, "A-EXP-2"))  # expires at 廃車登録 (12), logs in, redoes it
    assert result.system_record_id and not result.already_present
    assert len(keyed(server, "A-EXP-1")) == len(keyed(server, "A-EXP-2")) == 1
    assert any(r["action"] == "session_expired" for r in audit_rows(server.db_path))


def test_expiry_right_after_commit_is_reported_as_already_present(keitax_servers, make_adapter, vehicles):
    server = keitax_servers["expire"]
    (vehicle,) = vehicles(server)
    adapter = make_adapter(server)
    adapter.find_keyed("A-EXP-3")  # requests 1-3 (menu, 受付番号検索, its result)
    adapter.find_keyed("A-EXP-3")  # 4-5: so 登録 is the 11th and the 確認票 the 12th
    result = adapter.deregister(item_for(vehicle, "A-EXP-3"))
    assert result.already_present and result.system_record_id
    assert result.evidence[0].read_bytes().startswith(b"%PDF")
    assert len(keyed(server, "A-EXP-3")) == 1


def test_a_second_expiry_gives_up_with_session_expired(tmp_path):
    """One transparent re-login, never a loop: the second loss in a row is the robot's to retry."""
    adapter = KeitaxAdapter(page=None, base_url="http://keitax.invalid", login="rpa01", password="x",
                            evidence_dir=tmp_path)  # fmt: skip
    logins = []
    adapter._login = lambda: logins.append(1)

    def always_expired():
        raise _SessionLost("E0002 セッションの有効期限が切れました。", killed=False)

    with pytest.raises(ApplicationError) as caught:
        adapter._with_relogin(always_expired)
    assert caught.value.code == "session_expired" and not isinstance(caught.value, _SessionLost)
    assert len(logins) == 2  # the first login, then the one retry


def test_a_date_before_heisei_is_refused_in_wareki_as_the_paper_says_it():
    """The reason staff read named the date 1988-12-31 (ISO) beside a form written in 和暦."""
    from daiko.robots.adapters.keitax import to_wareki

    with pytest.raises(BusinessError) as refused:
        to_wareki(dt.date(1988, 12, 31))
    assert str(refused.value).startswith("昭和63年12月31日は平成より前の日付のため入力できません")
