"""Runs that were killed: found and marked 中断, never left "実行中" forever.

A run refreshes ``runs.heartbeat_at`` from a small thread while it lives. A run still marked
running is dead when its process on this host is gone (host + pid), or when its heartbeat is
older than :data:`STALE` (another PC, or a pid reused by another program). Checked when a run
starts and whenever the dashboard is read.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

from sqlalchemy import select, update

from daiko.ledger import Ledger, Run, utcnow
from daiko.log import logger

BEAT_SECONDS = 20.0
STALE = dt.timedelta(minutes=3)  # several missed beats: the run's process is not alive


class RunHeartbeat:
    """Refreshes one run's heartbeat until stopped (a daemon thread: it dies with the process)."""

    def __init__(self, ledger: Ledger, run_id: int, every: float = BEAT_SECONDS):
        self.ledger, self.run_id, self.every = ledger, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"daiko-heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> RunHeartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def beat(self) -> None:
        with self.ledger.session() as s:
            s.execute(update(Run).where(Run.id == self.run_id).values(heartbeat_at=utcnow()))

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception as exc:  # a busy database must not kill the run
                logger.warning("run {}: heartbeat not written: {}", self.run_id, exc)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def mark_dead_runs(ledger: Ledger, *, now: dt.datetime | None = None, host: str | None = None) -> list[int]:
    """Mark running runs whose process is gone as interrupted (中断); returns their ids."""
    from daiko.robots.workitems import HOST

    now = now or utcnow()
    host = host or HOST
    dead: list[tuple[int, str]] = []
    with ledger.session() as s:
        for run in s.scalars(select(Run).where(Run.status == "running")):
            last = run.heartbeat_at or run.started_at
            stale = last is not None and now - last > STALE
            if run.host == host and not _process_alive(run.pid):
                dead.append((run.id, "プロセスが終了していました"))
            elif stale:
                dead.append((run.id, f"{int(STALE.total_seconds() // 60)}分以上応答がありません"))
        for run_id, why in dead:
            result = s.execute(
                update(Run)
                .where(Run.id == run_id, Run.status == "running")
                .values(status="interrupted", ended_at=now, note=f"中断: {why}（強制終了された可能性があります）")
            )
            if result.rowcount:
                run = s.get(Run, run_id)
                ledger.event(
                    "run_interrupted",
                    f"実行 No.{run_id}（{run.robot_id}、{run.host} pid {run.pid}）は途中で止まっていました（{why}）。"
                    "中断として記録しました。処理中だった案件は次の実行で確認してから再開します。",
                    level="WARNING",
                    robot_id=run.robot_id,
                    run_id=run_id,
                    session=s,
                )
    return [run_id for run_id, _ in dead]
