"""bench/keying.py's verdict: a figure marked ✗ is a failing exit, for the mock's count too (both robots)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "keying.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_keying", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def result(**changes) -> dict:
    base = {"mode": "live", "records": 50, "keyed": 50, "keyed_twice": [], "audit_deregistrations": 50}
    return base | changes


def test_the_exit_is_a_failure_when_the_mocks_audit_disagrees_with_the_robot():
    bench = load_bench()
    assert bench.healthy(result())
    assert not bench.healthy(result(audit_deregistrations=49))  # the robot says 50, the system holds 49
    assert not bench.healthy(result(audit_deregistrations=51))  # or one more than the robot knows of
    assert not bench.healthy(result(keyed=49))
    assert not bench.healthy(result(keyed_twice=["R08-00001"]))
    assert bench.healthy(result(mode="trial", audit_deregistrations=0))
    assert not bench.healthy(result(mode="trial", audit_deregistrations=1))


def test_the_desktop_robots_exit_is_a_failure_when_the_clients_audit_disagrees():
    bench = load_bench()
    desktop = {"mode": "live", "records": 20, "keyed": 20, "registered_twice": [], "audit_registrations": 20}
    assert bench.healthy(desktop)
    assert not bench.healthy(desktop | {"audit_registrations": 19})
    assert not bench.healthy(desktop | {"keyed": 19})
    assert not bench.healthy(desktop | {"registered_twice": ["R08-60001"]})
    assert bench.healthy(desktop | {"mode": "trial", "audit_registrations": 0})
    assert not bench.healthy(desktop | {"mode": "trial", "audit_registrations": 20})
