"""Making missed runs visible: in the log and as ``missed_run`` events in the ledger.

APScheduler 3.x misses runs in two quiet ways when the PC was asleep, switched off or busy:

- a due run later than ``misfire_grace_time`` is dropped (EVENT_JOB_MISSED, logged only on
  the ``apscheduler`` logger nobody reads);
- with ``coalesce`` the *earlier* due runs are folded into the latest one without any event.

Both are recorded here. Coalescing itself is right for robots — one run takes in the whole
inbox, so five catch-up runs in a row would only add noise — but a manager reading the
dashboard must still see that 08:30, 08:45 and 09:00 did not happen on their own.

The coalesced runs are found by remembering, per job, the first fire time not yet accounted
for, and walking the job's trigger from there to the time APScheduler did submit (or miss).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobExecutionEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.schedulers.base import BaseScheduler

from daiko.calendar import format_moment
from daiko.i18n import tr
from daiko.ledger import Ledger
from daiko.log import logger

EVENT_MASK = EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
MAX_EVENTS_PER_GAP = 12  # a week switched off must not write thousands of rows; the rest is summarised
_MAX_WALK = 100_000


class MisfireRecorder:
    """An APScheduler listener: EVENT_JOB_MISSED and coalesced runs → ``missed_run`` events."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        ledger: Ledger,
        *,
        robot_of: Callable[[str], str | None],
        on_overlap: Callable[[str, dt.datetime | None], None] | None = None,
    ):
        self.scheduler = scheduler
        self.ledger = ledger
        self.robot_of = robot_of  # job id → robot id (None for the report)
        self.on_overlap = on_overlap
        self._expected: dict[str, dt.datetime | None] = {}
        self._lock = threading.Lock()

    def expect(self, job_id: str, next_run_time: dt.datetime | None) -> None:
        """The job's first fire time not yet run or reported (call after adding/restoring a job)."""
        with self._lock:
            self._expected[job_id] = next_run_time

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._expected.pop(job_id, None)

    def __call__(self, event: SchedulerEvent) -> None:
        try:
            if isinstance(event, JobSubmissionEvent):
                self._submitted(event)
            elif isinstance(event, JobExecutionEvent) and event.code == EVENT_JOB_MISSED:
                self.record_missed(event.job_id, event.scheduled_run_time, reason="grace")
        except Exception:  # a listener must never break the scheduler thread
            logger.exception(
                tr("スケジューラのイベント {} を記録できませんでした", "could not record a scheduler event {}"), event
            )

    def _submitted(self, event: JobSubmissionEvent) -> None:
        times = sorted(event.scheduled_run_times)
        if not times:
            return
        job = self.scheduler.get_job(event.job_id)
        with self._lock:
            expected = self._expected.get(event.job_id)
            if job is not None:
                self._expected[event.job_id] = job.trigger.get_next_fire_time(times[-1], times[-1])
        if job is not None and expected is not None:
            folded = []
            fire: dt.datetime | None = expected
            for _ in range(_MAX_WALK):
                if fire is None or fire >= times[0]:
                    break
                folded.append(fire)
                fire = job.trigger.get_next_fire_time(fire, fire)
            self._record_folded(event.job_id, folded, into=times[-1])
        if event.code == EVENT_JOB_MAX_INSTANCES and self.on_overlap is not None:
            robot_id = self.robot_of(event.job_id)
            if robot_id is not None:
                self.on_overlap(robot_id, times[-1])

    def _record_folded(self, job_id: str, folded: list[dt.datetime], *, into: dt.datetime) -> None:
        for when in folded[:MAX_EVENTS_PER_GAP]:
            self.record_missed(job_id, when, reason="coalesced", into=into)
        rest = folded[MAX_EVENTS_PER_GAP:]
        if rest:
            robot_id = self.robot_of(job_id)
            self.ledger.event(
                "missed_run",
                tr(
                    f"{job_id}: {format_moment(self._local(rest[0]))}〜{format_moment(self._local(rest[-1]))} の予定 "
                    f"{len(rest)} 回も実行されませんでした（missed: PC の電源が切れていたか、スリープ中）",
                    f"{job_id}: {len(rest)} more scheduled runs from {format_moment(self._local(rest[0]))} to "
                    f"{format_moment(self._local(rest[-1]))} were missed (PC off or asleep)",
                ),
                level="WARNING",
                robot_id=robot_id,
                job_id=job_id,
                scheduled=rest[0].isoformat(),
                scheduled_last=rest[-1].isoformat(),
                count=len(rest),
                reason="coalesced",
            )

    def record_missed(self, job_id: str, when: dt.datetime, *, reason: str, into: dt.datetime | None = None) -> None:
        robot_id = self.robot_of(job_id)
        local = self._local(when)
        if reason == "grace":
            why = tr(
                "開始が misfire_grace_minutes より遅れたため実行しませんでした",
                "started too late (later than misfire_grace_minutes), so it was not run",
            )
        else:
            why = (
                tr(
                    f"{format_moment(self._local(into))} の実行にまとめました",
                    f"was folded into the run at {format_moment(self._local(into))}",
                )
                if into
                else tr("まとめました", "was folded")
            )
        self.ledger.event(
            "missed_run",
            tr(
                f"{job_id}: {format_moment(local)} の予定の実行は行われませんでした（missed） — {why}",
                f"{job_id}: the run scheduled for {format_moment(local)} was missed — {why}",
            ),
            level="WARNING",
            robot_id=robot_id,
            job_id=job_id,
            scheduled=when.isoformat(),
            reason=reason,
        )

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.scheduler.timezone)
