"""Test support: one fleet of mock servers (one per fault) for a whole pytest session.

The server tests (tests/mocks) and the adapter tests (tests/adapters) need mostly the same
servers. Starting each fleet once per session, not once per directory, saves half the server
starts — on two busy cores that is most of the fixture time. Both directories' fixtures call
:func:`session_fleet`; the first call starts the servers, the session's end stops them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from daiko.mocks.keitax.process import RunningKeitax, start_keitax_fleet
from daiko.mocks.keitax.truth import Vehicle, sample_vehicles

# name → start_keitax options. Probabilities of 1.0 make a fault hit every time it can.
FLEET: dict[str, dict] = {
    "base": {},
    "idle": {"idle_timeout": 2.0},
    "http500": {"faults": "http500=0.5"},  # a mix of good and bad pages, reproducible from the seed
    "down": {"faults": "http500=1.0"},
    "commit_after": {"faults": "commit500=1.0:after"},
    "commit_before": {"faults": "commit500=1.0:before"},
    "slow": {"faults": "slow=1.0:1.0"},
    "expire": {"faults": "expire_every=12"},
    "lock": {"faults": "lock=1.0"},
    "v2": {"faults": "layout=v2"},
}

_stack: contextlib.ExitStack | None = None
_fleet: dict[str, RunningKeitax] | None = None
_pools: dict[str, list[Vehicle]] = {}


def session_fleet(root: Path) -> tuple[dict[str, RunningKeitax], bool]:
    """The running fleet, started under ``root`` on first use; True when this call started it
    (that caller owns :func:`stop_session_fleet`)."""
    global _stack, _fleet
    if _fleet is not None:
        return _fleet, False
    stack = contextlib.ExitStack()
    _fleet = stack.enter_context(start_keitax_fleet(root, FLEET))
    _stack = stack
    return _fleet, True


def stop_session_fleet() -> None:
    global _stack, _fleet
    if _stack is not None:
        _stack.close()
    _stack, _fleet = None, None
    _pools.clear()


def take_vehicles(server: RunningKeitax, n: int = 1) -> list[Vehicle]:
    """``n`` 課税中 vehicles (plates not re-issued) that no other test of the session was given."""
    pool = _pools.setdefault(str(server.db_path), sample_vehicles(server.db_path, 250, unique_plate=True))
    if len(pool) < n:
        raise RuntimeError("vehicle pool exhausted: start the fleet with more records")
    return [pool.pop() for _ in range(n)]
