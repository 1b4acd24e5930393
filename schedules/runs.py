"""Starting robot runs for the service: one run per robot at a time, timeouts, clean stops.

Every way a run can start — a cron/interval job, a file dropped in an inbox, the service
starting with work left over — goes through :class:`RunCoordinator`, so the rules live in one
place:

- one run per robot per PC: in this process (a second request while one runs is remembered and
  run once afterwards, or, for a schedule tick, recorded as ``run_overlap``) and across processes
  of this PC (the ledger lease ``robot:<id>@<host>``; ``daiko run`` by hand counts too). Other PCs
  sharing the ledger run the same robot at the same time: items are claimed one by one, and the
  target system's session slots (``max_sessions``) are counted across all of them by the runner;
- one desktop robot at a time per PC (there is one screen): a gate here keeps them apart;
- a per-run timeout (``run_timeout_minutes``) sets the run's stop event, so the robot finishes
  the item in hand and stops — the same path as SIGTERM;
- keying only inside 開庁時間 for robots whose schedule says ``office_hours_only``: outside it
  a run still takes files in and reads them (OCR is local, and staff find their review queue
  ready in the morning), but leaves the ready items for the first run in office hours.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from daiko.calendar import BusinessCalendar
from daiko.config import DaikoConfig, RobotConfig
from daiko.i18n import tr
from daiko.labels import label
from daiko.ledger import Ledger
from daiko.log import logger
from daiko.robots import locks, workitems
from daiko.robots.runner import run_robot
from daiko.schedules import controls

LOCK_MARGIN = dt.timedelta(minutes=10)  # the robot lease outlives the timeout by this much
SCREEN = "screen"  # the gate desktop robots share


def robot_lease(robot_id: str, host: str = workitems.HOST) -> str:
    """The lease of one robot's runs on one PC."""
    return f"robot:{robot_id}@{host}"


class RunFn(Protocol):
    def __call__(
        self,
        cfg: DaikoConfig,
        robot_id: str,
        *,
        trigger: str,
        stop: threading.Event,
        settle_seconds: float | None,
        keying: bool,
    ) -> Any: ...


# -- the default run function ------------------------------------------------------------------
def run_robot_once(
    cfg: DaikoConfig,
    robot_id: str,
    *,
    trigger: str,
    stop: threading.Event,
    settle_seconds: float | None,
    keying: bool,
) -> Any:
    """The real robot: ``run_robot``, or a read-only run when keying must wait."""
    return run_robot(cfg, robot_id, trigger=trigger, stop=stop, settle_seconds=settle_seconds, keying=keying)


# -- coordination ------------------------------------------------------------------------------
@dataclass
class RunHandle:
    robot_id: str
    trigger: str
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    result: Any = None
    error: BaseException | None = None


class RunCoordinator:
    """Starts runs, one per robot, and stops them all on shutdown."""

    def __init__(
        self,
        get_config: Callable[[], DaikoConfig],
        ledger: Ledger,
        *,
        run_fn: RunFn = run_robot_once,
        settle_seconds: float | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ):
        self._config = get_config
        self.ledger = ledger
        self.run_fn = run_fn
        self.settle_seconds = settle_seconds  # None: each robot's intake.settle_seconds
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.holder = workitems.worker_id()
        self._mutex = threading.Lock()
        self._running: dict[str, RunHandle] = {}
        self._pending: dict[str, str] = {}  # robot id → trigger of the run asked for while busy
        # robot id → trigger of the first run asked for while an admin had the robot paused: it
        # is started when the ledger says resumed (the pause itself lives in the ledger only).
        self._held: dict[str, str] = {}
        self._target_gates: dict[str, threading.Lock] = {}
        self._stopping = threading.Event()
        self.history: list[RunHandle] = []  # finished runs of this process, newest last (bounded)
        self.minute_seconds = 60.0  # run_timeout_minutes unit; tests shorten it

    # -- asking for runs ------------------------------------------------------------------------
    def request(self, robot_id: str, trigger: str) -> bool:
        """Start a run in its own thread, or remember to run once more after the current one.

        While an admin has the robot paused (console, ``robot_controls``) only a run asked for
        in the console starts; any other request is held until the robot is resumed.
        """
        if trigger != controls.CONSOLE_TRIGGER and self._paused(robot_id):
            with self._mutex:
                if robot_id not in self._held:
                    logger.info("{}: paused in the console; the {} run waits until it is resumed", robot_id, trigger)
                self._held.setdefault(robot_id, trigger)
            return False
        with self._mutex:
            if self._stopping.is_set():
                return False
            if robot_id in self._running:
                self._pending.setdefault(robot_id, trigger)
                return False
            handle = self._begin(robot_id, trigger)
        thread = threading.Thread(target=self._execute, args=(handle,), name=f"daiko-run-{robot_id}", daemon=True)
        thread.start()
        return True

    def run_scheduled(self, robot_id: str, scheduled: dt.datetime | None = None) -> RunHandle | None:
        """A schedule tick, run in the scheduler's worker thread (so ``max_instances`` sees it).

        A tick while the robot is paused is skipped and recorded (not made up on resume)."""
        if self._paused(robot_id):
            self.ledger.event(
                "run_skipped",
                f"{robot_id}: paused in the console; the scheduled run was skipped",
                robot_id=robot_id,
                trigger="schedule",
                paused=True,
            )
            return None
        with self._mutex:
            if self._stopping.is_set():
                return None
            current = self._running.get(robot_id)
            if current is not None:
                # The run under way (started by a dropped file) does the same work; run once more
                # after it so ready items are keyed even when that run could not key.
                self._pending.setdefault(robot_id, "schedule")
                overlap = current
            else:
                overlap = None
                handle = self._begin(robot_id, "schedule")
        if overlap is not None:
            self.record_overlap(robot_id, overlap.trigger, scheduled)
            return None
        self._execute(handle)
        return handle

    def record_overlap(self, robot_id: str, running_trigger: str, scheduled: dt.datetime | None) -> None:
        when = tr(f"（予定 {scheduled:%Y-%m-%d %H:%M}）", f" (scheduled {scheduled.isoformat()})") if scheduled else ""
        self.ledger.event(
            "run_overlap",
            tr(
                f"{robot_id}: 前の実行（{label('trigger', running_trigger)}）がまだ続いているため、今回{when}は二重に開始しませんでした",
                f"{robot_id}: the previous run ({running_trigger}) is still going; this tick{when} was not started twice",
            ),
            level="WARNING",
            robot_id=robot_id,
            scheduled=scheduled.isoformat() if scheduled else None,
        )

    def _paused(self, robot_id: str) -> bool:
        try:
            return controls.is_paused(self.ledger, robot_id)
        except Exception:  # a ledger hiccup must not stop robots: the next request asks again
            logger.exception("could not read whether {} is paused", robot_id)
            return False

    def held(self) -> dict[str, str]:
        """Robots with a run held by a pause: robot id → the trigger that asked first."""
        with self._mutex:
            return dict(self._held)

    def release_held(self) -> list[str]:
        """Start the runs held while their robot was paused, for robots resumed since (each beat)."""
        with self._mutex:
            held = dict(self._held)
        started = []
        for robot_id, trigger in held.items():
            if not self._paused(robot_id):
                with self._mutex:
                    self._held.pop(robot_id, None)
                logger.info("{}: resumed in the console; starting the held {} run", robot_id, trigger)
                self.request(robot_id, trigger)
                started.append(robot_id)
        return started

    def is_running(self, robot_id: str) -> bool:
        with self._mutex:
            return robot_id in self._running

    def running(self) -> list[RunHandle]:
        with self._mutex:
            return list(self._running.values())

    # -- doing one run --------------------------------------------------------------------------
    def _begin(self, robot_id: str, trigger: str) -> RunHandle:
        handle = RunHandle(robot_id, trigger)
        self._running[robot_id] = handle
        return handle

    def _execute(self, handle: RunHandle) -> None:
        robot_id = handle.robot_id
        timer: threading.Timer | None = None
        try:
            cfg = self._config()
            try:
                robot = cfg.robot(robot_id)
            except KeyError:
                logger.warning(
                    tr(
                        "ロボット {} は robots.yaml にありません。実行しません",
                        "robot {} is no longer in robots.yaml; not run",
                    ),
                    robot_id,
                )
                return
            if not robot.enabled:
                logger.info(
                    tr(
                        "ロボット {} は止めてあります（enabled: false）。実行しません",
                        "robot {} is disabled (enabled: false); not run",
                    ),
                    robot_id,
                )
                return
            timer = threading.Timer(
                robot.run_timeout_minutes * self.minute_seconds, self._time_out, args=(handle, robot)
            )
            timer.daemon = True
            timer.start()
            self._run_locked(cfg, robot, handle)
        except Exception as exc:  # a run's failure is recorded; the service goes on
            handle.error = exc
            logger.exception(
                tr("{} の実行（{}）が失敗しました: {}", "run of {} ({}) failed: {}"), robot_id, handle.trigger, exc
            )
            self.ledger.event(
                "run_error",
                tr(
                    f"{robot_id}: 実行（{label('trigger', handle.trigger)}）が失敗しました: {type(exc).__name__}: {exc}",
                    f"{robot_id}: run ({handle.trigger}) failed: {type(exc).__name__}: {exc}",
                ),
                level="ERROR",
                robot_id=robot_id,
            )
        finally:
            if timer is not None:
                timer.cancel()
            with self._mutex:
                self._running.pop(robot_id, None)
                self.history = [*self.history[-99:], handle]
                again = self._pending.pop(robot_id, None)
                if self._stopping.is_set():
                    again = None
            handle.done.set()
            if again is not None:
                self.request(robot_id, again)

    def _run_locked(self, cfg: DaikoConfig, robot: RobotConfig, handle: RunHandle) -> None:
        lock_name = robot_lease(robot.id)
        ttl = dt.timedelta(minutes=robot.run_timeout_minutes) + LOCK_MARGIN
        if not locks.acquire(self.ledger, lock_name, self.holder, ttl):
            holder = locks.holder_of(self.ledger, lock_name) or "?"
            self.ledger.event(
                "run_skipped",
                tr(
                    f"{robot.id}: 別の実行が {lock_name}（{holder}）を使用中のため、二重に開始しませんでした",
                    f"{robot.id}: another run holds {lock_name} ({holder}); not started twice",
                ),
                level="WARNING",
                robot_id=robot.id,
                holder=holder,
                trigger=handle.trigger,
            )
            return
        try:
            target = cfg.targets.get(robot.target) if robot.target else None  # a survey keys into nothing
            gate = self._gate(SCREEN) if target is not None and target.kind == "desktop" else threading.Lock()
            while not gate.acquire(timeout=0.5):  # another desktop robot of this PC has the screen
                if handle.stop.is_set():
                    return
            try:
                keying = self.keying_allowed(cfg, robot)
                if not keying:
                    logger.info(
                        tr(
                            "{}: 開庁時間外 — 取り込みと読み取りだけ行い、入力は開庁時間まで待ちます",
                            "{}: outside 開庁時間 — taking files in and reading only; keying waits",
                        ),
                        robot.id,
                    )
                handle.result = self.run_fn(
                    cfg,
                    robot.id,
                    trigger=handle.trigger,
                    stop=handle.stop,
                    settle_seconds=self.settle_seconds,
                    keying=keying,
                )
            finally:
                gate.release()
        finally:
            locks.release(self.ledger, lock_name, self.holder)

    def keying_allowed(self, cfg: DaikoConfig, robot: RobotConfig) -> bool:
        """Keying waits for 開庁時間 when the robot's schedule asks for office hours only."""
        if robot.schedule is None or not robot.schedule.office_hours_only:
            return True
        return BusinessCalendar.from_config(cfg).in_office_hours(self.clock())

    def _gate(self, target: str) -> threading.Lock:
        with self._mutex:
            return self._target_gates.setdefault(target, threading.Lock())

    def _time_out(self, handle: RunHandle, robot: RobotConfig) -> None:
        if handle.done.is_set():
            return
        handle.stop.set()  # first: whoever reads the event finds the run already told to stop
        self.ledger.event(
            "run_timeout",
            tr(
                f"{robot.id}: 実行（{label('trigger', handle.trigger)}）が run_timeout_minutes={robot.run_timeout_minutes} を超えました。"
                "手元の案件を終えたら止まります",
                f"{robot.id}: run ({handle.trigger}) passed run_timeout_minutes={robot.run_timeout_minutes}; "
                "it stops after the item in hand",
            ),
            level="WARNING",
            robot_id=robot.id,
        )

    def interrupt_running(self) -> list[str]:
        """Ask the runs under way to stop after the item in hand (the service goes on)."""
        with self._mutex:
            handles = list(self._running.values())
        for handle in handles:
            handle.stop.set()
        return [h.robot_id for h in handles]

    # -- shutting down --------------------------------------------------------------------------
    def stop_all(self, grace_seconds: float) -> list[str]:
        """Ask every run to stop after its item in hand; wait up to ``grace_seconds``.

        Returns the robots still running when the grace ran out (their items stay claimed and
        are released by the next start, which sees their process gone).
        """
        with self._mutex:
            self._stopping.set()
            self._pending.clear()
            self._held.clear()
            handles = list(self._running.values())
        for handle in handles:
            handle.stop.set()
        if handles:
            self.ledger.event(
                "runs_stopping",
                tr(
                    "サービスを止めます: "
                    + "、".join(f"{h.robot_id}（{label('trigger', h.trigger)}）" for h in handles)
                    + " に手元の案件を終えたら止まるよう伝えました",
                    "service stopping: "
                    + ", ".join(f"{h.robot_id} ({h.trigger})" for h in handles)
                    + " told to stop after the item in hand",
                ),
                robots=[h.robot_id for h in handles],
            )
        deadline = time.monotonic() + grace_seconds
        for handle in handles:
            handle.done.wait(max(0.0, deadline - time.monotonic()))
        return [h.robot_id for h in handles if not h.done.is_set()]
