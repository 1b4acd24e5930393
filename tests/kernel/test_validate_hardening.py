"""`daiko validate` on the mistakes that used to crash it, pass silently, or print a secret back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from daiko.config import ConfigError
from daiko.config.loader import parse_config

GOOD = """\
version: 1
defaults:
  calendar:
    extra_closed_days: [2026-11-30]
targets:
  keitax:
    name: 軽自動車税システム
    adapter: keitax
    base_url: http://127.0.0.1:8765
    login: rpa01
    password_env: DAIKO_KEITAX_PASSWORD
robots:
  - id: haisha
    name: 廃車登録ロボット
    section: 税務課
    target: keitax
    inbox: inbox/haisha
    baseline_minutes: 6
"""

SECRET = "Hunter2-Pa55!"


def problems(text: str) -> list:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    return info.value.problems


def validate_cli(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "robots.yaml"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "daiko.cli", "validate", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_good_config_still_parses():
    assert parse_config(GOOD).defaults.calendar.extra_closed_days[0].isoformat() == "2026-11-30"


@pytest.mark.parametrize(
    ("value", "line", "column", "needle"),
    [
        ("[2026-02-30]", 4, 25, "実在しない日付"),  # unquoted: ruamel builds a date and Python refuses it
        ("[2026-13-01]", 4, 25, "実在しない日付"),
        ("[2026-11-30, 2027-02-29]", 4, 37, "2027-02-29"),
        ("[!!int abc]", 4, 25, "'abc'"),
    ],
)
def test_a_value_yaml_cannot_build_gets_line_and_column(value, line, column, needle):
    text = GOOD.replace("[2026-11-30]", value)
    (problem,) = problems(text)
    assert (problem.line, problem.column) == (line, column)
    assert needle in problem.message


def test_cli_reports_an_impossible_date_without_a_traceback(tmp_path: Path):
    proc = validate_cli(tmp_path, GOOD.replace("[2026-11-30]", "[2026-02-30]"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "robots.yaml:4:25:" in proc.stderr and "2026-02-30" in proc.stderr


@pytest.mark.parametrize("text", ["", "\n\n", "# robots.yaml\n# 全部コメント\n", "{}\n"])
def test_an_empty_robots_yaml_is_refused(tmp_path: Path, text: str):
    (problem,) = problems(text)
    assert "空です" in problem.message and problem.line == 1
    proc = validate_cli(tmp_path, text)
    assert proc.returncode == 1 and "空です" in proc.stderr


def test_a_file_without_robots_is_refused():
    found = problems(GOOD[: GOOD.index("robots:")])
    assert [p.path for p in found] == ["robots"]
    assert "enabled: false" in found[0].message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            "base_url: http://127.0.0.1:8765",
            f"base_url: http://rpa01:{SECRET}@127.0.0.1:8765",
            "targets.keitax.base_url",
        ),
        ("base_url: http://127.0.0.1:8765", f"base_url: http://{SECRET}@127.0.0.1:8765", "targets.keitax.base_url"),
        ("base_url: http://127.0.0.1:8765", f"base_url: '{SECRET}'", "targets.keitax.base_url"),
        ("password_env: DAIKO_KEITAX_PASSWORD", f"password_env: '{SECRET}'", "targets.keitax.password_env"),
        ("password_env: DAIKO_KEITAX_PASSWORD", f"password_file: '{SECRET}'", "targets.keitax.password_file"),
        (
            "calendar:",
            f"ledger_url: postgresql+psycopg://daiko:{SECRET}@db.city.local/daiko\n  calendar:",
            "defaults.ledger_url",
        ),
        ("calendar:", f"ledger_password_env: '{SECRET}'\n  calendar:", "defaults"),
        ("calendar:", "ledger_url: 12345\n  calendar:", "defaults.ledger_url"),
    ],
)
def test_credentials_are_refused_and_never_echoed(tmp_path: Path, old: str, new: str, path: str):
    text = GOOD.replace(old, new, 1)
    found = problems(text)
    assert any(p.path.startswith(path) for p in found), [p.render("robots.yaml") for p in found]
    for problem in found:
        assert SECRET not in problem.message
    proc = validate_cli(tmp_path, text)
    assert proc.returncode == 1
    assert SECRET not in proc.stdout + proc.stderr
    as_json = validate_cli(tmp_path, text, "--json")
    assert SECRET not in as_json.stdout + as_json.stderr
    assert json.loads(as_json.stdout)


def test_a_url_with_credentials_says_where_the_password_goes_instead():
    text = GOOD.replace("calendar:", f"ledger_url: postgresql://daiko:{SECRET}@db/daiko\n  calendar:", 1)
    (problem,) = problems(text)
    assert "ledger_password_env" in problem.message and "ledger_password_file" in problem.message
    text = GOOD.replace("http://127.0.0.1:8765", f"http://rpa01:{SECRET}@127.0.0.1:8765")
    (problem,) = problems(text)
    assert "password_env" in problem.message and "login" in problem.message


def test_the_ledger_password_comes_from_an_env_var_or_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = "postgresql+psycopg://daiko@db.city.local:5432/daiko"
    with_env = GOOD.replace("calendar:", f"ledger_url: {url}\n  ledger_password_env: DAIKO_LEDGER_PW\n  calendar:")
    cfg = parse_config(with_env)
    monkeypatch.setenv("DAIKO_LEDGER_PW", SECRET)
    from sqlalchemy.engine import make_url

    assert make_url(cfg.ledger_url).password == SECRET  # what the engine connects with
    assert SECRET not in cfg.ledger_url_display and "***" in cfg.ledger_url_display
    monkeypatch.delenv("DAIKO_LEDGER_PW")
    with pytest.raises(RuntimeError, match="DAIKO_LEDGER_PW"):
        _ = cfg.ledger_url

    secret = tmp_path / "ledger.secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    with_file = GOOD.replace("calendar:", f"ledger_url: {url}\n  ledger_password_file: {secret}\n  calendar:")
    assert make_url(parse_config(with_file).ledger_url).password == SECRET
    both = with_env.replace("calendar:", f"ledger_password_file: {secret}\n  calendar:")
    assert "どちらか一方" in problems(both)[0].message


def test_validate_prints_the_ledger_without_its_password(tmp_path: Path):
    secret = tmp_path / "ledger.secret"
    secret.write_text(SECRET, encoding="utf-8")
    text = GOOD.replace(
        "calendar:",
        f"ledger_url: postgresql+psycopg://daiko@db.city.local/daiko\n  ledger_password_file: {secret}\n  calendar:",
    )
    proc = validate_cli(tmp_path, text)
    assert proc.returncode == 0, proc.stderr
    assert "postgresql+psycopg://daiko:***@db.city.local/daiko" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("inbox: inbox/haisha", "inbox: ../../../../etc", "robots[0].inbox"),
        ("inbox: inbox/haisha", "inbox: inbox/../../outside", "robots[0].inbox"),
        ("inbox: inbox/haisha", "inbox: .", "robots[0].inbox"),
        ("robots:", "reports:\n  output_dir: ../reports\nrobots:", "reports.output_dir"),
    ],
)
def test_inboxes_and_outputs_stay_inside_data_dir(old: str, new: str, path: str):
    (problem,) = problems(GOOD.replace(old, new, 1))
    assert problem.path == path
    assert "data_dir" in problem.message


def test_an_absolute_inbox_or_output_outside_data_dir_is_allowed(tmp_path: Path):
    text = GOOD.replace("inbox: inbox/haisha", f"inbox: {tmp_path}").replace(
        "robots:", f"reports:\n  output_dir: {tmp_path / 'out'}\nrobots:"
    )
    cfg = parse_config(text, base_dir=tmp_path)
    assert cfg.inbox(cfg.robots[0]) == tmp_path
    assert cfg.reports_dir == tmp_path / "out"
