from __future__ import annotations

from pathlib import Path

import pytest

from bench.robots_yaml import HAISHA, keitax_target, robots_yaml
from daiko.config.loader import parse_config
from daiko.ledger import Ledger

PASSWORD_ENV = "DAIKO_TEST_KEITAX_PASSWORD"


def make_config(tmp_path: Path, url: str = "http://127.0.0.1:9", extra: str = ""):
    text = (
        robots_yaml(
            data=tmp_path / "data",
            target_id="keitax",
            target=keitax_target(url, "rpa01", password_env=PASSWORD_ENV),
            robot=HAISHA | {"accepts_csv": True, "max_attempts": 3},
        )
        + extra  # more keys of the robot (indented four spaces), or more top-level sections
    )
    (tmp_path / "robots.yaml").write_text(text, encoding="utf-8")
    return parse_config(text, base_dir=tmp_path)


@pytest.fixture
def cfg(tmp_path: Path):
    return make_config(tmp_path)


@pytest.fixture
def ledger(cfg) -> Ledger:
    return Ledger(cfg.ledger_url)
