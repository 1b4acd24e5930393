from __future__ import annotations

from pathlib import Path

import pytest

from daiko.config.loader import parse_config
from daiko.ledger import Ledger

CONFIG = """\
version: 1
defaults:
  data_dir: {data}
targets:
  keitax:
    name: 軽自動車税システム
    adapter: keitax
    base_url: {url}
    login: rpa01
    password_env: DAIKO_TEST_KEITAX_PASSWORD
robots:
  - id: haisha
    name: 廃車登録ロボット
    section: 税務課
    form: keitax_haisha
    accepts_csv: true
    target: keitax
    inbox: inbox/haisha
    baseline_minutes: 6
    max_attempts: 3
"""


def make_config(tmp_path: Path, url: str = "http://127.0.0.1:9", extra: str = ""):
    text = CONFIG.format(data=tmp_path / "data", url=url) + extra
    (tmp_path / "robots.yaml").write_text(text, encoding="utf-8")
    return parse_config(text, base_dir=tmp_path)


@pytest.fixture
def cfg(tmp_path: Path):
    return make_config(tmp_path)


@pytest.fixture
def ledger(cfg) -> Ledger:
    return Ledger(cfg.ledger_url)
