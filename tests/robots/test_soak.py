"""The fault soak (bench/soak.py) at a small count: every fault at once, the robot SIGKILLed right
after commits (mock hook) and at random, then staff settle what waits for them. Checked against
the mock's audit: each vehicle deregistered exactly once, nothing failed that the system holds,
nothing lost, no password in any evidence file. ``make bench``-sized runs: bench/soak.py --items 100."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


def _soak():
    spec = importlib.util.spec_from_file_location("daiko_bench_soak", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fault_soak_keys_every_vehicle_exactly_once(tmp_path):
    soak = _soak()
    result = soak.run_soak(tmp_path / "soak", items=10, seed=3)
    soak.report(result)
    assert soak.problems(result) == []
    # 10 commits always pass the mock's kill after the 9th (KILL_EVERY): the commit/ledger window is hit for real
    assert result["hook_kills"] >= 1
    assert result["vehicles_deregistered_once"] == 10
