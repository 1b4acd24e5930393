"""`daiko validate`: an IT admin's mistakes in robots.yaml, each reported with line and fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from daiko.config import ConfigError, load_config
from daiko.config.loader import parse_config
from daiko.paths import DEFAULT_CONFIG

GOOD = """\
version: 1
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
    form: keitax_haisha
    target: keitax
    inbox: inbox/haisha
    schedule:
      cron: "0 9 * * 1-5"
    baseline_minutes: 6
"""


def problems(text: str, known_forms: set[str] | None = None) -> list:
    with pytest.raises(ConfigError) as info:
        parse_config(text, known_forms=known_forms)
    return info.value.problems


def one(text: str, **kw):
    found = problems(text, **kw)
    assert len(found) == 1, [p.render("robots.yaml") for p in found]
    return found[0]


def test_shipped_robots_yaml_validates():
    cfg = load_config(DEFAULT_CONFIG)
    assert cfg.robot("haisha").target == "keitax"
    assert cfg.defaults.timezone == "Asia/Tokyo"
    assert cfg.reports.fiscal_year_start == "04-01"


def test_good_config_parses():
    cfg = parse_config(GOOD, known_forms={"keitax_haisha"})
    assert cfg.robots[0].baseline_minutes == 6


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "needle"),
    [
        (
            "  - id: haisha\n",
            "  - id: haisha\n    colour: red\n",
            "robots[0].colour",
            11,
            "'colour' というキーはありません",
        ),
        ("    name: 廃車登録ロボット\n", "    nme: 廃車登録ロボット\n", "robots[0].nme", 11, "'name' のことですか"),
        (
            '      cron: "0 9 * * 1-5"',
            "      cron: every monday",
            "robots[0].schedule.cron",
            17,
            "例: 平日 9:00 なら '0 9 * * 1-5'",
        ),
        (
            '      cron: "0 9 * * 1-5"',
            '      cron: "0 25 * * *"',
            "robots[0].schedule.cron",
            17,
            "正しい cron 式ではありません",
        ),
        (
            "    inbox: inbox/haisha",
            "    inbox: /no/such/share",
            "robots[0].inbox",
            15,
            "フォルダ '/no/such/share' がありません",
        ),
        (
            "    password_env: DAIKO_KEITAX_PASSWORD",
            "    password: hunter2",
            "targets.keitax.password",
            8,
            "robots.yaml に決して書かないでください",
        ),
        (
            "    password_env: DAIKO_KEITAX_PASSWORD",
            "    password_env: hunter2",
            "targets.keitax.password_env",
            8,
            "NAME",
        ),
        ("    target: keitax", "    target: keitx", "robots[0].target", 14, "基幹システム 'keitx' がありません"),
        (
            "    baseline_minutes: 6",
            "    baseline_minutes: -1",
            "robots[0].baseline_minutes",
            18,
            "0 より大きい値にしてください",
        ),
        ("    baseline_minutes: 6", "    baseline_minutes: six", "robots[0].baseline_minutes", 18, "'six'"),
        ("    section: 税務課\n", "", "robots[0].section", 10, "'section' がありません"),
        ("  - id: haisha", "  - id: Haisha Robot", "robots[0].id", 10, "半角の小文字"),
        (
            "    base_url: http://127.0.0.1:8765",
            "    base_url: keitax.local",
            "targets.keitax.base_url",
            6,
            "Web のアドレスではありません",
        ),
        (
            "    inbox: inbox/haisha",
            "    inbox: inbox/haisha\n    mode: dryrun",
            "robots[0].mode",
            16,
            "'live' or 'trial'",
        ),
        (
            '      cron: "0 9 * * 1-5"',
            '      cron: "0 9 * * 1-5"\n      interval_minutes: 5',
            "robots[0].schedule",
            16,
            "どちらか一方だけ",
        ),
        (
            "version: 1\n",
            "version: 1\ndefaults:\n  timezone: Tokyo\n",
            "defaults.timezone",
            3,
            "タイムゾーンの名前ではありません",
        ),
    ],
)
def test_each_mistake_is_reported_with_line_and_fix(old, new, path, line, needle):
    assert old in GOOD
    problem = one(GOOD.replace(old, new, 1))
    assert problem.path == path
    assert problem.line == line
    assert needle in problem.message


def test_unknown_form_suggests_the_right_one():
    problem = one(GOOD.replace("keitax_haisha", "keitax_haisya"), known_forms={"keitax_haisha", "survey"})
    assert problem.path == "robots[0].form"
    assert "'keitax_haisha' のことですか" in problem.message


def test_duplicate_robot_id():
    robot = GOOD[GOOD.index("  - id: haisha") :]
    found = problems(GOOD + robot)
    assert any(p.path == "robots[1].id" and "で使われています" in p.message for p in found)


def test_yaml_syntax_error_has_position():
    problem = one(GOOD.replace("    login: rpa01", "    login: [rpa01"))
    assert "YAML の書き方が正しくありません" in problem.message
    assert problem.line is not None


def test_every_problem_is_listed_at_once():
    text = GOOD.replace("    target: keitax", "    target: nope").replace("baseline_minutes: 6", "baseline_minutes: 0")
    text = text.replace("  - id: haisha\n", "  - id: haisha\n    colour: red\n")
    assert len(problems(text)) == 3


def test_cli_prints_problems_with_line_numbers_and_exits_1(tmp_path: Path):
    bad = tmp_path / "robots.yaml"
    bad.write_text(
        GOOD.replace('"0 9 * * 1-5"', "every monday").replace("password_env: DAIKO_KEITAX_PASSWORD", "password: x")
    )
    proc = subprocess.run(
        [sys.executable, "-m", "daiko.cli", "validate", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "robots.yaml:17:7: robots[0].schedule.cron: 'every monday' は cron 式ではありません" in proc.stderr
    assert (
        "robots.yaml:8:5: targets.keitax.password: パスワードは robots.yaml に決して書かないでください" in proc.stderr
    )


DESKTOP = """\
version: 1
targets:
  shuno:
    name: 収納管理システム
    kind: desktop
    adapter: shuno
    command: daiko mock shuno --db "data/mock shuno.sqlite3"
    login: rpa01
    password_env: DAIKO_SHUNO_PASSWORD
robots:
  - id: kouza
    name: 口座振替登録ロボット
    section: 収納課
    form: kouza_furikae
    target: shuno
    inbox: inbox/kouza
    baseline_minutes: 5
"""


def test_a_desktop_target_needs_no_base_url_and_says_how_its_client_starts():
    target = parse_config(DESKTOP).targets["shuno"]
    assert target.command == ["daiko", "mock", "shuno", "--db", "data/mock shuno.sqlite3"]  # one line, split
    assert target.title == "収納管理システム" and target.startup_timeout_seconds == 60  # the window: by its name
    found = one(DESKTOP.replace("    kind: desktop\n", "    kind: desktop\n    base_url: http://shuno.local\n"))
    assert "window_title" in found.message and "base_url" in found.message
    found = one(GOOD.replace("    base_url:", "    window_title: 軽自動車税システム\n    base_url:"))
    assert "desktop" in found.message
