"""マイナンバー and registered personal data never reach any log sink."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daiko import log
from daiko.log import MASK, logger, mask, register_personal, setup_logging

MYNUMBERS = ["123456789018", "1234-5678-9018", "1234 5678 9018", "１２３４５６７８９０１８", "999999999999"]


@pytest.fixture
def sinks(tmp_path: Path, capsys):
    log._configured_for = None
    setup_logging(level="DEBUG", log_dir=tmp_path, console=True)
    captured: list[str] = []
    logger.add(captured.append, level="DEBUG", format="{message} {extra}")
    yield tmp_path, captured
    logger.remove()
    log._configured_for = None
    setup_logging(log_dir=tmp_path / "after")


def everything_written(tmp_path: Path, captured: list[str], capsys) -> str:
    logger.complete()
    files = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("daiko_*"))
    return files + "".join(captured) + capsys.readouterr().err


@pytest.mark.parametrize("number", MYNUMBERS)
def test_mynumber_in_any_log_call_never_reaches_a_sink(sinks, capsys, number):
    tmp_path, captured = sinks
    logger.info(f"個人番号 {number} を読み取りました")
    logger.info("formatted {} here", number)
    logger.bind(mynumber=number, nested={"n": [number]}).warning("bound extra")
    logger.opt(lazy=True).debug("lazy {x}", x=lambda: number)
    try:
        raise ValueError(f"bad number {number}")
    except ValueError:
        logger.exception("failed while handling")
    out = everything_written(tmp_path, captured, capsys)
    digits = number.replace("-", "").replace(" ", "")
    assert number not in out and digits not in out
    assert MASK in out
    # the JSON sink is one valid JSON object per line
    jsonl = next(tmp_path.glob("daiko_*.jsonl")).read_text(encoding="utf-8").splitlines()
    assert jsonl and all(json.loads(line)["record"] for line in jsonl)


def test_integer_mynumber_in_extra_is_masked(sinks, capsys):
    tmp_path, captured = sinks
    logger.bind(value=123456789018).info("int extra")
    assert "123456789018" not in everything_written(tmp_path, captured, capsys)


def test_registered_personal_data_is_masked(sinks, capsys):
    tmp_path, captured = sinks
    register_personal("飯能 花子", "埼玉県飯能市双柳1-1")
    logger.info("owner 飯能 花子 lives at 埼玉県飯能市双柳1-1")
    out = everything_written(tmp_path, captured, capsys)
    assert "飯能 花子" not in out and "双柳" not in out


def test_ordinary_numbers_survive():
    assert (
        mask("受付番号 R0611-000123, 電話 042-973-2111, 3 items") == "受付番号 R0611-000123, 電話 042-973-2111, 3 items"
    )


def test_a_broken_sink_does_not_leak_the_handled_exception(tmp_path: Path, capfd):
    """loguru prints a failing sink's record and the exception in flight; ours never fail."""
    log._configured_for = None
    (tmp_path / "not-a-dir").write_text("a file where the log folder should be")
    setup_logging(log_dir=tmp_path / "not-a-dir", console=True)
    try:
        raise ValueError("number 123456789018")
    except ValueError:
        logger.exception("while handling")
    assert "123456789018" not in capfd.readouterr().err
