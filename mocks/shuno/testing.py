"""Test support: one client at a time on the test session's display, and people to key.

Every client draws its window at the top-left corner of the screen and a robot finds it by its
title, so two clients on one display would be one too many. :func:`client_for` keeps at most one
running: asking for a client with other faults closes the one before. Each fault set keeps its
own database (a folder per spec), so what one test registered is still there for the next.
"""

from __future__ import annotations

import re
from pathlib import Path

from daiko.mocks.shuno.process import RunningShuno, prepare_shuno
from daiko.mocks.shuno.truth import Person, people

_running: RunningShuno | None = None
_clients: dict[str, RunningShuno] = {}
_pools: dict[tuple[str, bool], list[Person]] = {}


def client_for(root: Path, faults: str | None = None, **options) -> RunningShuno:
    """The running client with ``faults`` (others are closed first), started under ``root``."""
    global _running
    key = faults or "base"
    client = _clients.get(key)
    if client is None:
        client = prepare_shuno(Path(root) / re.sub(r"[^A-Za-z0-9_.-]+", "_", key), faults=faults, **options)
        _clients[key] = client
    if _running is not None and _running is not client:
        _running.stop()
    if not client.alive:
        client.start()
    _running = client
    return client


def stop_all() -> None:
    global _running
    for client in _clients.values():
        client.stop()
    _running = None
    _clients.clear()
    _pools.clear()


def take_people(client: RunningShuno, n: int = 1, *, has_account: bool = False) -> list[Person]:
    """``n`` taxpayers (unique 氏名 in the register) no other test of the session was given."""
    key = (str(client.db_path), has_account)
    if key not in _pools:
        _pools[key] = people(client.db_path, 150, has_account=has_account, seed=len(_pools))
    pool = _pools[key]
    if len(pool) < n:
        raise RuntimeError("people pool exhausted: start the client with more records")
    return [pool.pop() for _ in range(n)]
