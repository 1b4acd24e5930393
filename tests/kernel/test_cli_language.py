"""What an admin reads on the command line is Japanese; a developer gets English with DAIKO_LANG=en.
And the README's command table names every command the CLI has."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from daiko.config import ConfigError
from daiko.config.loader import parse_config
from daiko.paths import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[2]
BAD = """\
version: 1
robots:
  - id: haisha
    name: 廃車登録ロボット
    section: 税務課
    form: keitax_haisha
    inbox: inbox/haisha
    schedule:
      cron: every monday
    baseline_minutes: 6
    colour: red
"""


def daiko(*args: str, lang: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAIKO_LANG", "LANG", "LC_ALL")}
    return subprocess.run(
        [sys.executable, "-m", "daiko.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "COLUMNS": "200", **lang},
    )


def test_help_is_japanese_even_on_an_english_server_and_english_for_developers():
    on_server = daiko("--help", lang={"LANG": "en_US.UTF-8"})  # a Debian server's usual locale
    assert on_server.returncode == 0
    assert "robots.yaml を確認します" in on_server.stdout and "突合" in on_server.stdout
    assert "Check robots.yaml" not in on_server.stdout
    user = daiko("console", "user", "--help", lang={})
    assert "パスワードを再設定します" in user.stdout and "利用者の一覧" in user.stdout
    developer = daiko("--help", lang={"DAIKO_LANG": "en"})
    assert "Check robots.yaml: every mistake" in developer.stdout
    assert "robots.yaml を確認します" not in developer.stdout


def test_validate_speaks_japanese_and_english_on_request(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DAIKO_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    with pytest.raises(ConfigError) as ja:
        parse_config(BAD)
    text = str(ja.value)
    assert "'every monday' は cron 式ではありません" in text
    assert "'colour' というキーはありません" in text
    assert "のどれかを 'target:' に書いてください" in text  # names the systems under 'targets:'
    assert not re.search(r"\b(is not|did you mean|unknown key|required)\b", text)
    monkeypatch.setenv("DAIKO_LANG", "en")
    with pytest.raises(ConfigError) as en:
        parse_config(BAD)
    assert "'every monday' is not a cron expression" in str(en.value) and "unknown key 'colour'" in str(en.value)


def _commands(group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(command, "commands"):  # a group (typer's click may not be `click`'s own)
            if command.callback is not None and command.invoke_without_command:
                names.append(full)  # `daiko console` serves, and has sub-commands
            names.extend(_commands(command, full + " "))
        else:
            names.append(full)
    return names


def test_the_readme_names_every_command():
    from daiko.cli.app import app

    commands = _commands(typer.main.get_command(app))
    assert {"reconcile", "console user list", "console user reset-password", "validate"} <= set(commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `daiko "))
    missing = [c for c in commands if f"`daiko {c}" not in table and f"/ `{c.split()[-1]} " not in table]
    assert missing == [], f"README's command table lacks: {missing}"


def test_the_shipped_robots_yaml_names_no_fiscal_year_that_will_go_stale():
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert not re.search(r"(令和|平成)\s*\d+\s*年度", text), "a 年度 in a comment is wrong a year later"


def test_an_impossible_date_is_called_a_date_not_bad_yaml():
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        "extra_closed_days: []", "extra_closed_days: [2026-02-30]"
    )
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    (problem,) = info.value.problems
    assert problem.message.startswith("'2026-02-30' は実在しない日付・時刻です")
    assert "YAML の書き方" not in problem.message  # the file is well formed; the date is not


def test_a_mistyped_robot_id_is_answered_with_the_right_one_not_a_traceback(tmp_path: Path):
    config = tmp_path / "robots.yaml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    proc = daiko("reconcile", "haisa", "--config", str(config), lang={})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "KeyError" not in proc.stderr
    assert "ロボット 'haisa' はありません" in proc.stderr and "「haisha」のことですか" in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("bogus",), "コマンド 'bogus' はありません"),
        (("validte",), "もしかして: 'validate'"),
        (("run", "--bogus"), "オプション --bogus はありません"),
        (("report", "--week"), "オプション --week には値が必要です"),
        (("ocr",), "引数 'file' を指定してください"),
        (("demo", "--items", "abc"), "'--items' の値が正しくありません: 整数で指定してください"),
        (("mock",), "コマンドを指定してください"),
    ],
)
def test_a_mistyped_command_is_answered_in_japanese(args: tuple[str, ...], expected: str):
    """Typer's own usage errors (its vendored Click words them in English) reach an admin in Japanese."""
    result = daiko(*args, lang={"LANG": "en_US.UTF-8"})
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr
    assert not re.search(r"No such|Missing|Invalid value|requires an|Input should", result.stderr)


def test_the_help_option_itself_is_described_in_japanese():
    for args in (("--help",), ("report", "--help"), ("console", "user", "--help")):
        out = daiko(*args, lang={}).stdout
        assert "このヘルプを表示して終了します" in out and "Show this message" not in out
    assert "Show this message and exit" in daiko("--help", lang={"DAIKO_LANG": "en"}).stdout
