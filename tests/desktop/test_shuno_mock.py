"""The mock 収納管理システム on its own: faults, register, database rules, extract, process."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from daiko.mocks.shuno import fakedata
from daiko.mocks.shuno.faults import FaultConfig, FaultDice, FaultSyntaxError
from daiko.mocks.shuno.store import Store, address_key, bank_master


def test_fault_specs_parse_round_trip_and_refuse_nonsense():
    config = FaultConfig.parse("slow=0.5:2.5,popup=1,commit_error=0.3:before")
    assert (config.slow, config.slow_seconds, config.popup) == (0.5, 2.5, 1.0)
    assert config.commit_error == 0.3 and not config.commit_error_after
    assert FaultConfig.parse(config.to_specs()) == config
    for bad in ["slow", "slow=2", "error=x", "commit_error=1:later", "meteor=1"]:
        with pytest.raises(FaultSyntaxError):
            FaultConfig.parse(bad)


def test_fault_draws_are_reproducible_and_independent():
    config = FaultConfig.parse("error=0.5,popup=0.5")
    a, b = FaultDice(config, 7), FaultDice(config, 7)
    assert [a.error() for _ in range(20)] == [b.error() for _ in range(20)]
    # Drawing pop-ups in between does not shift the error stream.
    c, d = FaultDice(config, 7), FaultDice(config, 7)
    seq_c = []
    for _ in range(20):
        c.popup()
        seq_c.append(c.error())
    assert seq_c == [d.error() for _ in range(20)]


def test_register_is_reproducible_with_namesakes_and_existing_accounts():
    today = dt.date(2026, 4, 1)
    people, accounts = fakedata.generate(42, 600, today)
    again, _ = fakedata.generate(42, 600, today)
    assert people == again and len({p.atena_no for p in people}) == 600
    assert all(len(p.atena_no) == 10 and p.atena_no.isdigit() for p in people)
    names = [p.name for p in people]
    assert len(set(names)) < len(names)  # 同姓同名 exist, as in a real register
    assert 0.08 < len(accounts) / len(people) < 0.25
    for account in accounts:  # existing accounts use real 全銀 codes
        bank, branch = bank_master(account.bank_code, account.branch_code)
        assert bank and branch


def test_addresses_compare_as_people_write_them():
    register = "埼玉県飯能市大字双柳123番地4"
    assert address_key(register) == address_key("飯能市双柳１２３－４") == address_key("飯能市双柳123番地の4")
    assert address_key("埼玉県飯能市仲町12番3号") == address_key("飯能市仲町12-3")
    assert address_key(register) != address_key("飯能市双柳123-45")


def test_the_database_refuses_a_second_account_and_a_reused_reference(tmp_path):
    store = Store(tmp_path / "shuno.sqlite3")
    store.seed(1, 50, "pw")
    rows = [r for r in (store.taxpayer(p.atena_no) for p in fakedata.generate(1, 50, dt.date.today())[0]) if r]
    person, other = [r for r in rows if not r.has_account][:2]
    values = {
        "reference": "R08-00001", "atena_no": person.atena_no, "bank_code": "0017", "bank_name": "埼玉りそな",
        "branch_code": "494", "branch_name": "飯能", "deposit_type": "1", "account_no": "1234567",
        "holder_kana": person.kana, "taxes": "shikenmin", "start_month": "2030-01",
    }  # fmt: skip
    shori_no = store.register("rpa01", values)
    with pytest.raises(ValueError, match="SNK-E0302"):
        store.register("rpa01", {**values, "reference": "R08-00002"})
    with pytest.raises(ValueError, match="SNK-E0308"):
        store.register("rpa01", {**values, "atena_no": other.atena_no})
    assert store.by_reference("R08-00001")["shori_no"] == shori_no
    data, count = store.export_csv(dt.date(2000, 1, 1), dt.date(2100, 1, 1), "rpa01")
    text = data.decode("cp932")
    assert text.startswith("処理番号,受付番号,宛名番号,氏名,金融機関コード") and "\r\n" in text
    assert f"{shori_no},R08-00001,{person.atena_no}" in text and count >= 1
    # Seeding again keeps the register (and what was registered) as it is.
    assert Store(tmp_path / "shuno.sqlite3").seed(1, 50, "pw") is None
    assert store.by_reference("R08-00001") is not None


def test_cli_without_a_display_says_so(tmp_path):
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "daiko.mocks.shuno", "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "DISPLAY" in done.stdout


def test_client_window_is_up_when_start_returns_and_keeps_its_data_across_restarts(shuno, driver):
    client = shuno()
    main = driver.find_window("収納管理システム")
    assert main is not None and (main.width, main.height) == (1024, 720)  # fixed size, as legacy clients are
    before = len(client.audit_rows("seed"))
    client.restart(hard=True)
    assert driver.find_window("ログイン") is not None  # up again, asking for a login
    assert len(client.audit_rows("seed")) == before == 1


def test_screens_are_told_apart_by_their_pictures_with_a_wide_margin(shuno, driver, make_adapter):
    """Tk draws the Japanese with Noto Sans CJK (fonts-noto-cjk); without it the glyphs are boxes
    and the templates cut from the client no longer match. The title the window manager sees is
    the Japanese one (UTF-8 _NET_WM_NAME), which xdotool's --name search cannot match."""
    import cv2

    from daiko.robots.adapters.shuno import HEADER, SCREEN_NAMES

    client = shuno()
    adapter = make_adapter(client)
    adapter.ensure_logged_in()
    adapter._goto("menu")
    main = driver.find_window("収納管理システム")
    assert main is not None and main.title == "収納管理システム"
    header = driver.grab(main, HEADER)
    scores = {}
    for name in SCREEN_NAMES:
        template = adapter.templates[name].image
        scores[name] = cv2.minMaxLoc(cv2.matchTemplate(header, template, cv2.TM_CCOEFF_NORMED))[1]
    assert scores["menu"] > 0.98, scores
    assert max(v for k, v in scores.items() if k != "menu") < 0.8, scores


def test_every_taxpayers_postal_code_is_the_one_japan_post_gives_their_address():
    """Staff (and daiko's own postal check) see the register's 郵便番号 beside the address: it
    must be the town's, also where a building bears another town's name (サンライズ中山 in 阿須)."""
    from daiko.forms.reference.postal import agreement

    people, _ = fakedata.generate(42, 600, dt.date(2026, 4, 1))
    towns = {(p.postal, re.match(r"\D+", p.address).group()) for p in people}  # up to the 番地: one check per town
    wrong = [(code, town) for code, town in sorted(towns) if agreement(code, town).status != "agree"]
    assert len(towns) >= len(fakedata.TOWNS) and wrong == []
