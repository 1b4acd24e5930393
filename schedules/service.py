"""``daiko schedule``: the unattended service — robots on their schedules, inboxes watched.

One process, in the foreground (systemd or the Windows task scheduler keeps it alive), made
of parts that each do one thing:

- an APScheduler 3.x ``BackgroundScheduler`` with its job store in the ledger database, so a
  restart knows which runs it missed (``misfires.py`` records them);
- triggers with the business calendar inside (``triggers.py``, ``calendar.py``);
- a folder watcher for every robot's inbox and for robots.yaml (``watch.py``, ``reload.py``);
- a run coordinator that starts at most one run per robot and stops them cleanly (``runs.py``).

The job store is the ledger's ``schedule_jobs`` table (made by Alembic), each host reading and
writing only its own rows (``jobstore.py``): APScheduler 3.x cannot share a job store between
schedulers, and several robot PCs may share one PostgreSQL ledger. A ledger lease
``service:schedule:<host>`` keeps a second service on the same PC from using the same rows.
A robot configured on several PCs runs on each of them at once: work items are claimed one by
one in the ledger, files are taken in under a lease, and a target system's session slots
(``max_sessions``) are counted across all PCs. Each service also heartbeats into ``hosts``
(``hosts.py``); a silent host's claims are released for the others to finish.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
import signal
import threading
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from daiko.config import ConfigError, DaikoConfig, Schedule, config_hash
from daiko.ledger import Audit, Event, ItemState, Ledger
from daiko.log import logger
from daiko.robots import intake, locks, workitems
from daiko.schedules import controls, hosts, jobs
from daiko.schedules.jobstore import HostJobStore
from daiko.schedules.listing import NextRuns, list_next_runs, next_runs
from daiko.schedules.misfires import EVENT_MASK, MisfireRecorder
from daiko.schedules.reload import ConfigRejected, ConfigReloader
from daiko.schedules.runs import RunCoordinator, RunFn, run_robot_once
from daiko.schedules.triggers import build_trigger, fingerprint
from daiko.schedules.watch import DEBOUNCE_SECONDS, POLL_SECONDS, FolderWatcher, InboxWatch

SHUTDOWN_GRACE = 300.0  # seconds a stop waits for runs to finish their item in hand
SERVICE_LEASE = dt.timedelta(minutes=3)
CONFIG_WATCH = "config:robots.yaml"
# The retention purge: daily at 03:00 (the configured zone), any day; a night with the PC off is
# made up at the next start (a day's grace).
PURGE_SCHEDULE = Schedule(cron="0 3 * * *", office_hours_only=False, misfire_grace_minutes=24 * 60)

__all__ = [
    "NextRuns",
    "ScheduleService",
    "ServiceBusy",
    "jobstore_host",
    "list_next_runs",
    "make_jobstore",
    "next_runs",
    "serve",
]


class ServiceBusy(Exception):
    """Another ``daiko schedule`` on this PC already serves this ledger."""


def jobstore_host(host: str = workitems.HOST) -> str:
    """This host's key in ``schedule_jobs`` (the slug its per-host table was once named after)."""
    return re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_")[:40] or "host"


def make_jobstore(ledger: Ledger) -> HostJobStore:
    """This host's job store, in the ledger database, on the ledger's own engine (WAL, timeouts)."""
    return HostJobStore(ledger.engine, jobstore_host())


class _ToLoguru(logging.Handler):
    """APScheduler logs through the stdlib; its lines go to daiko's log files (masked), at DEBUG:
    what matters to people (missed runs, overlaps) is logged by us, in words they can act on."""

    def emit(self, record: logging.LogRecord) -> None:
        logger.debug("apscheduler: {}", record.getMessage())


def _route_apscheduler_logs() -> None:
    aps = logging.getLogger("apscheduler")
    if not any(isinstance(h, _ToLoguru) for h in aps.handlers):
        aps.addHandler(_ToLoguru())
    aps.setLevel(logging.INFO)
    aps.propagate = False


class ScheduleService:
    """The running service. ``start()`` returns at once; ``stop()`` finishes runs and returns."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        cfg: DaikoConfig | None = None,
        run_fn: RunFn = run_robot_once,
        report_fn: Callable[[str], Any] = jobs.run_weekly_report,
        poll_seconds: float = POLL_SECONDS,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        settle_seconds: float | None = None,
        config_settle_seconds: float = 0.5,
        shutdown_grace: float = SHUTDOWN_GRACE,
        clock: Callable[[], dt.datetime] | None = None,
        setup_logs: bool = False,
        use_watchdog: bool = True,
        heartbeat_seconds: float | None = None,
    ):
        from daiko.robots.config import load_runtime_config

        self.config_path = Path(config_path).resolve()
        self._load = functools.partial(load_runtime_config, setup_logs=setup_logs)
        self.cfg = cfg if cfg is not None else self._load(self.config_path)
        self.config_hash = config_hash(self.config_path.read_bytes())
        self.ledger = Ledger(self.cfg.ledger_url)
        self.report_fn = report_fn
        self.settle_seconds = settle_seconds  # None: each robot's intake.settle_seconds (robots.yaml)
        self.shutdown_grace = shutdown_grace
        # robots.yaml's defaults.heartbeat_seconds unless a caller (a test) gives its own.
        self.heartbeat_seconds = heartbeat_seconds or self.cfg.defaults.heartbeat_seconds
        self.service_lease = max(SERVICE_LEASE, dt.timedelta(seconds=hosts.SILENT_BEATS * self.heartbeat_seconds))
        self.holder = workitems.worker_id()
        self.coordinator = RunCoordinator(
            lambda: self.cfg, self.ledger, run_fn=run_fn, settle_seconds=settle_seconds, clock=clock
        )
        self.scheduler = BackgroundScheduler(
            jobstores={"default": make_jobstore(self.ledger)},
            executors={"default": ThreadPoolExecutor(max_workers=32)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=zoneinfo.ZoneInfo(self.cfg.defaults.timezone),
        )
        self.misfires = MisfireRecorder(
            self.scheduler,
            self.ledger,
            robot_of=jobs.robot_of_job,
            on_overlap=lambda robot_id, when: self.coordinator.record_overlap(robot_id, "schedule", when),
        )
        self.watcher = FolderWatcher(
            poll_seconds=poll_seconds, debounce_seconds=debounce_seconds, use_watchdog=use_watchdog
        )
        self.reloader = ConfigReloader(
            self.config_path,
            self.ledger,
            current_hash=self.config_hash,
            load=self._load,
            apply=self.apply,
            settle_seconds=config_settle_seconds,
        )
        self._apply_lock = threading.RLock()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self.beats = 0  # heartbeats done (a sign of life, and what tests wait on instead of sleeping)
        self.started = False

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        service_lock = f"service:schedule:{workitems.HOST}"
        if not locks.acquire(self.ledger, service_lock, self.holder, self.service_lease):
            raise ServiceBusy(
                f"another daiko schedule ({locks.holder_of(self.ledger, service_lock)}) already serves "
                f"{self.cfg.ledger_url_display} on this PC; stop it first"
            )
        self._service_lock = service_lock
        _route_apscheduler_logs()
        jobs.register(self.config_path, self)
        try:
            # First of all: this PC is running (a previous life marked silent is over).
            hosts.start(self.ledger, workitems.HOST, self._served_robots(), self.heartbeat_seconds)
            self.scheduler.add_listener(self.misfires, EVENT_MASK)
            self.scheduler.start(paused=True)
            with self._apply_lock:
                self._sync_jobs(self.cfg, startup=True)
                self._audit_start()
                self._start_leftover_runs(self.cfg)
                self._sync_watches(self.cfg)
            self.watcher.watch_file(CONFIG_WATCH, self.config_path, self.reloader)
            self.watcher.start()
            self.scheduler.resume()
        except BaseException:
            self._abort_start()
            raise
        self._heartbeat = threading.Thread(target=self._beat, name="daiko-heartbeat", daemon=True)
        self._heartbeat.start()
        self.started = True
        self.ledger.event(
            "schedule_started",
            f"schedule service started ({len(self.scheduler.get_jobs())} job(s), "
            f"{len(self.watcher.inboxes())} inbox(es) watched, robots.yaml {self.config_hash})",
        )
        for job in self.scheduler.get_jobs():
            when = job.next_run_time.strftime("%Y-%m-%d %H:%M") if job.next_run_time else "—"
            logger.info("job {} next at {} ({})", job.id, when, job.trigger)

    def _abort_start(self) -> None:
        """Undo a start that failed half-way, so a corrected retry is not refused as 'already running'."""
        self.coordinator.stop_all(self.shutdown_grace)
        self.watcher.stop()
        with contextlib.suppress(Exception):
            self.scheduler.remove_jobstore("default", shutdown=True)
            self.scheduler.shutdown(wait=False)
        jobs.unregister(self.config_path, self)
        with contextlib.suppress(Exception):
            hosts.stop(self.ledger, workitems.HOST)
        locks.release(self.ledger, self._service_lock, self.holder)

    def stop(self) -> list[str]:
        """Stop taking work, let runs finish the item in hand, shut down. Returns robots cut short."""
        if self._stop.is_set() or not self.started:
            return []
        self._stop.set()
        logger.info("schedule service stopping: runs finish the item in hand")
        try:
            self.scheduler.pause()
        except Exception:
            logger.exception("pausing the scheduler failed")
        self.watcher.stop()
        left = self.coordinator.stop_all(self.shutdown_grace)
        if left:
            logger.warning(
                "runs still going after {} s: {}; their items resume on the next start", self.shutdown_grace, left
            )
        try:
            # Detach the job store first: APScheduler 3.x wakes its thread once more *after*
            # shutdown has set STATE_STOPPED, and that last pass would advance any job that fell
            # due while we waited for runs — a tick lost without a trace. Left in the store, it is
            # due on the next start and shown as missed (or run, if still within its grace).
            self.scheduler.remove_jobstore("default", shutdown=True)
            self.scheduler.shutdown(wait=not left)
        except Exception:
            logger.exception("shutting the scheduler down failed")
        jobs.unregister(self.config_path, self)
        self.ledger.event("schedule_stopped", "schedule service stopped" + (f" (cut short: {left})" if left else ""))
        try:
            hosts.stop(self.ledger, workitems.HOST)
        except Exception:
            logger.exception("recording this host as stopped failed")
        locks.release(self.ledger, self._service_lock, self.holder)
        return left

    def _beat(self) -> None:
        """Renew the service lease, heartbeat into ``hosts``, take over silent hosts' work, and
        nudge the scheduler.

        APScheduler sleeps until its next job with a monotonic-clock wait, and that clock stands
        still while the PC is suspended: after a night asleep it would keep sleeping for the rest
        of the interval it began before. Waking it every beat makes it look at the wall clock.
        """
        while not self._stop.wait(self.heartbeat_seconds):
            try:
                locks.acquire(self.ledger, self._service_lock, self.holder, self.service_lease)
                if not hosts.beat(self.ledger, workitems.HOST, self._served_robots(), self.heartbeat_seconds):
                    # We were taken for dead and our items handed to others: finish the item in
                    # hand and stop; the next trigger starts afresh from the ledger.
                    self.coordinator.interrupt_running()
                self._take_over_silent_hosts()
                self.scheduler.wakeup()
                self._start_requested_runs()
                self.coordinator.release_held()
                self._start_released_items()
                self._start_rereads()
            except Exception:
                logger.exception("service heartbeat failed")
            finally:
                self.beats += 1

    def _served_robots(self) -> list[str]:
        return [robot.id for robot in self.cfg.robots if robot.enabled]

    def _take_over_silent_hosts(self) -> None:
        """Release what silent hosts held and run the robots whose items were freed, here."""
        released = hosts.release_silent(self.ledger, workitems.HOST)
        served = set(self._served_robots())
        for robot_id, n in released.items():
            if robot_id in served:
                logger.info("{}: {} item(s) of a silent host released; running now", robot_id, n)
                self.coordinator.request(robot_id, "takeover")

    def _start_requested_runs(self) -> None:
        """「今すぐ実行」 asked in the console (a ledger row): take it if this PC serves the robot."""
        for robot_id in controls.take_requests(self.ledger, self._served_robots(), self.holder):
            logger.info("{}: run asked for in the console; running now", robot_id)
            self.coordinator.request(robot_id, controls.CONSOLE_TRIGGER)

    def _start_released_items(self) -> None:
        """Key what staff just checked in the console, or another PC just read, without waiting for
        the next file or tick.

        The coordinator keeps to office hours (an item checked at 18:00 waits for the morning's
        keying) and never starts a robot twice.
        """
        for robot in self.cfg.robots:
            if robot.enabled and not self.coordinator.is_running(robot.id):
                released = workitems.released_since_last_run(self.ledger, robot.id)
                if released and self.coordinator.keying_allowed(self.cfg, robot):
                    logger.info("{}: {} item(s) checked in the console; running now", robot.id, released)
                    self.coordinator.request(robot.id, "review")
                    continue
                # Another PC read a file into ready items: join in on keying them (not for a 試行,
                # which people run to look at, and not while logins to the system are refused).
                if robot.mode == "trial" or self._login_refused_lately(robot.id):
                    continue
                queued = workitems.ready_since_last_run_here(self.ledger, robot.id)
                if queued and self.coordinator.keying_allowed(self.cfg, robot):
                    logger.info("{}: {} item(s) ready from another PC; running now", robot.id, queued)
                    self.coordinator.request(robot.id, "queue")

    def _login_refused_lately(self, robot_id: str) -> bool:
        """Did a run of this robot (on any PC) stop at a refused login since its last good run?
        Then only the regular triggers try again: every extra attempt brings a lock-out closer."""
        with self.ledger.session() as s:
            refused = s.scalar(
                select(func.max(Event.at)).where(Event.robot_id == robot_id, Event.kind == "run_stopped_login")
            )
            if refused is None:
                return False
            keyed = s.scalar(
                select(func.max(Event.at)).where(
                    Event.robot_id == robot_id, Event.kind.in_(["item_done", "item_already_keyed"])
                )
            )
        return keyed is None or keyed < refused

    def _start_rereads(self) -> None:
        """Files that could not be read while still being written: read them again when due."""
        for robot in self.cfg.robots:
            if robot.enabled and not self.coordinator.is_running(robot.id):
                due = intake.due_for_reading(self.ledger, robot.id)
                if due:
                    logger.info("{}: {} file(s) to read again (they were still being written)", robot.id, due)
                    self.coordinator.request(robot.id, "reread")

    # -- what the jobs call ---------------------------------------------------------------------
    def scheduled_run(self, robot_id: str) -> None:
        self.coordinator.run_scheduled(robot_id)

    def scheduled_report(self) -> None:
        try:
            result = self.report_fn(str(self.config_path))
        except ImportError as exc:
            self.ledger.event(
                "report_unavailable",
                f"weekly report not made: the reports layer is not installed or broken ({exc})",
                level="WARNING",
            )
        except Exception as exc:
            logger.exception("weekly report failed")
            self.ledger.event("report_failed", f"weekly report failed: {type(exc).__name__}: {exc}", level="ERROR")
        else:
            logger.info("weekly report done: {}", result)

    def scheduled_purge(self) -> None:
        """Delete scans and page images past their robot's retention_days (audited per robot)."""
        from daiko.robots.retention import purge_all

        for result in purge_all(self.ledger, self.cfg):
            if result.retention_days is not None:
                logger.info("{}", result.describe(self.cfg.defaults.timezone))

    # -- robots.yaml ----------------------------------------------------------------------------
    def apply(self, cfg: DaikoConfig) -> None:
        """Apply a validated robots.yaml: reschedule changed jobs, re-watch changed inboxes."""
        if cfg.ledger_url_display != self.cfg.ledger_url_display:
            raise ConfigRejected(
                "the ledger database changed (defaults.data_dir or defaults.ledger_url); "
                "restart daiko schedule to switch databases"
            )
        with self._apply_lock:
            self.cfg = cfg
            self._sync_jobs(cfg)
            self._sync_watches(cfg)

    def _desired_jobs(self, cfg: DaikoConfig) -> dict[str, dict[str, Any]]:
        path = str(self.config_path)
        desired: dict[str, dict[str, Any]] = {}
        for robot in cfg.robots:
            if robot.enabled and robot.schedule is not None:
                desired[jobs.job_id_for(robot.id)] = {
                    "func": jobs.ROBOT_JOB,
                    "args": (path, robot.id),
                    "schedule": robot.schedule,
                    "label": f"{robot.id} {robot.name}",
                }
        if any(robot.retention_days is not None for robot in cfg.robots):
            desired[jobs.PURGE_JOB_ID] = {
                "func": jobs.PURGE_JOB,
                "args": (path,),
                "schedule": PURGE_SCHEDULE,
                "label": "保存期間を過ぎたスキャン・ページ画像の削除",
            }
        if cfg.reports.schedule is not None:
            desired[jobs.REPORT_JOB_ID] = {
                "func": jobs.REPORT_JOB,
                "args": (path,),
                "schedule": cfg.reports.schedule,
                "label": "週次レポート",
            }
        return desired

    def _sync_jobs(self, cfg: DaikoConfig, *, startup: bool = False) -> None:
        """Make the job store match robots.yaml, keeping jobs whose timing did not change.

        A kept job keeps its stored next run time: that is how a restart after a night with the
        PC off notices the runs it missed, instead of silently starting afresh from now.
        """
        desired = self._desired_jobs(cfg)
        existing = {job.id: job for job in self.scheduler.get_jobs()}
        for job_id in existing.keys() - desired.keys():
            self.scheduler.remove_job(job_id)
            self.misfires.forget(job_id)
            logger.info("job {} removed (no longer scheduled in robots.yaml)", job_id)
        for job_id, spec in desired.items():
            schedule = spec["schedule"]
            name = f"{spec['label']} [{fingerprint(schedule, cfg, spec['func'], *spec['args'])}]"
            current = existing.get(job_id)
            if current is not None and current.name == name:
                if startup:
                    self.misfires.expect(job_id, current.next_run_time)
                continue
            job = self.scheduler.add_job(
                spec["func"],
                trigger=build_trigger(schedule, cfg),
                args=spec["args"],
                id=job_id,
                name=name,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(1, schedule.misfire_grace_minutes * 60),
            )
            self.misfires.expect(job_id, job.next_run_time)
            logger.info("job {} {} ({})", job_id, "scheduled" if current is None else "rescheduled", job.trigger)
            if job.next_run_time is None:
                self.ledger.event(
                    "schedule_never_fires",
                    f"{job_id}: its schedule never falls inside 開庁時間 on a 開庁日, so it will not run; "
                    "change the cron line or set office_hours_only: false",
                    level="WARNING",
                    robot_id=jobs.robot_of_job(job_id),
                )

    def _sync_watches(self, cfg: DaikoConfig) -> None:
        current = self.watcher.inboxes()
        wanted = {robot.id: robot for robot in cfg.robots if robot.enabled}
        for robot_id, watch in current.items():
            if robot_id not in wanted or watch.root != cfg.inbox(wanted[robot_id]):
                self.watcher.unwatch_inbox(robot_id)
                logger.info("inbox of {} no longer watched: {}", robot_id, watch.root)
        for robot_id, robot in wanted.items():
            watch = current.get(robot_id)
            settle = robot.intake.settle_seconds if self.settle_seconds is None else self.settle_seconds
            incomplete_wait = robot.intake.incomplete_wait_minutes * 60
            if watch is not None and (watch.root, watch.settle_seconds, watch.incomplete_wait_seconds) == (
                cfg.inbox(robot),
                settle,
                incomplete_wait,
            ):
                continue
            root = cfg.inbox(robot)
            try:
                intake.inbox_for(cfg, robot)  # creates processing/ review/ done/ failed/
            except OSError as exc:  # a share that is down at start: watch anyway, the poll retries
                self.ledger.event(
                    "inbox_unavailable",
                    f"{robot_id}: inbox {root} cannot be prepared: {exc}",
                    level="ERROR",
                    robot_id=robot_id,
                )
            self.watcher.watch_inbox(
                InboxWatch(
                    robot_id,
                    root,
                    self.coordinator.request,
                    settle_seconds=settle,
                    incomplete_wait_seconds=incomplete_wait,
                )
            )
            logger.info("watching the inbox of {}: {}", robot_id, root)

    def _start_leftover_runs(self, cfg: DaikoConfig) -> None:
        """Finish what a stopped service left: files in processing/, items ready or claimed.

        Files still waiting in the inbox are the watcher's: its first look, at once, starts a run.
        """
        for robot in cfg.robots:
            if not robot.enabled:
                continue
            inbox = InboxWatch(robot.id, cfg.inbox(robot), self.coordinator.request, settle_seconds=0)
            counts = workitems.counts(self.ledger, robot.id)
            if inbox.has_leftovers() or counts.get(ItemState.READY, 0) or counts.get(ItemState.CLAIMED, 0):
                logger.info("{}: work left from before the service started; running it now", robot.id)
                self.coordinator.request(robot.id, "startup")

    def _audit_start(self) -> None:
        """Record which robots.yaml the service runs on; notice edits made while it was stopped."""
        with self.ledger.session() as s:
            last = s.scalars(
                select(Audit.detail).where(Audit.target == "robots.yaml").order_by(Audit.id.desc()).limit(1)
            ).first()
        hashes = re.findall(r"\b[0-9a-f]{16}\b", last or "")
        previous = hashes[-1] if hashes else None  # "sha256 <new>" or "sha256 <old> → <new> (…)"
        if previous and previous != self.config_hash:
            self.ledger.audit(
                "system",
                "config_changed",
                "robots.yaml",
                detail=f"sha256 {previous} → {self.config_hash} (while the service was stopped)",
            )
        self.ledger.audit("system", "schedule_started", "robots.yaml", detail=f"sha256 {self.config_hash}")


# -- the command ---------------------------------------------------------------------------------
def serve(config_path: str | Path, *, setup_logs: bool = True, **options: Any) -> int:
    """Run the service in the foreground until SIGTERM/SIGINT; 0 after a clean stop.

    The first signal stops gracefully (runs finish the item in hand, up to ``shutdown_grace``
    seconds); a second one exits at once — safe too, since every step is in the ledger first,
    only slower to resume. SIGHUP re-reads robots.yaml now instead of at the next poll.
    """
    try:
        service = ScheduleService(config_path, setup_logs=setup_logs, **options)
    except ConfigError as exc:
        for problem in exc.problems:
            logger.error("{}", problem.render(exc.filename))
        return 1
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():
            logger.warning(
                "second {}: exiting now; unfinished items resume on the next start", signal.Signals(signum).name
            )
            os._exit(1)
        logger.info("{} received: stopping", signal.Signals(signum).name)
        stop.set()

    def _on_hup(_signum: int, _frame: object) -> None:
        threading.Thread(target=service.reloader.check, name="daiko-reload", daemon=True).start()

    # Handlers first: a SIGTERM that arrives while the service is starting (its first run may
    # already be under way) must stop it cleanly too, not kill it mid-file.
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    if hasattr(signal, "SIGHUP"):
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, _on_hup)
    try:
        try:
            service.start()
        except ServiceBusy as exc:
            logger.error("{}", exc)
            return 1
        logger.info("daiko schedule running (robots.yaml {}); Ctrl+C or SIGTERM stops it", service.config_path)
        while not stop.wait(0.2):  # short waits: the handler runs between them
            pass
        service.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
