"""APScheduler's job store on the ledger's ``schedule_jobs`` table, one host's rows at a time.

APScheduler 3.x keeps a scheduler's jobs in one SQL table and assumes it is the table's only user,
so one table cannot serve several robot PCs as is. Rather than one table per host (created by
APScheduler, outside Alembic), every host shares the migrated ``schedule_jobs`` table and this
store adds ``host = <this PC>`` to every statement. The column layout, pickling and error handling
are APScheduler's own (this subclasses its ``SQLAlchemyJobStore``); only the filter is ours.
"""

from __future__ import annotations

import pickle
from typing import Any

from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.util import datetime_to_utc_timestamp, utc_timestamp_to_datetime
from sqlalchemy import Engine, and_, select
from sqlalchemy.exc import IntegrityError

from daiko.ledger import ScheduleJob


class HostJobStore(SQLAlchemyJobStore):
    """The jobs of scheduler ``host`` in the shared, Alembic-made ``schedule_jobs`` table."""

    def __init__(self, engine: Engine, host: str):
        super().__init__(engine=engine)
        self.jobs_t = ScheduleJob.__table__
        self.host = host

    def start(self, scheduler: Any, alias: str) -> None:
        BaseJobStore.start(self, scheduler, alias)  # no CREATE TABLE: the ledger's migrations made it

    def shutdown(self) -> None:
        """The engine is the ledger's, still in use by the service after the scheduler stops."""

    def _mine(self, *conditions: Any) -> Any:
        return and_(self.jobs_t.c.host == self.host, *conditions)

    def lookup_job(self, job_id: str) -> Any:
        with self.engine.begin() as conn:
            state = conn.execute(select(self.jobs_t.c.job_state).where(self._mine(self.jobs_t.c.id == job_id))).scalar()
        return self._reconstitute_job(state) if state else None

    def get_due_jobs(self, now: Any) -> list[Any]:
        return self._get_jobs(self.jobs_t.c.next_run_time <= datetime_to_utc_timestamp(now))

    def get_next_run_time(self) -> Any:
        query = (
            select(self.jobs_t.c.next_run_time)
            .where(self._mine(self.jobs_t.c.next_run_time.is_not(None)))
            .order_by(self.jobs_t.c.next_run_time)
            .limit(1)
        )
        with self.engine.begin() as conn:
            return utc_timestamp_to_datetime(conn.execute(query).scalar())

    def add_job(self, job: Any) -> None:
        values = {
            "host": self.host,
            "id": job.id,
            "next_run_time": datetime_to_utc_timestamp(job.next_run_time),
            "job_state": pickle.dumps(job.__getstate__(), self.pickle_protocol),
        }
        with self.engine.begin() as conn:
            try:
                conn.execute(self.jobs_t.insert().values(**values))
            except IntegrityError:
                raise ConflictingIdError(job.id) from None

    def update_job(self, job: Any) -> None:
        statement = (
            self.jobs_t.update()
            .values(
                next_run_time=datetime_to_utc_timestamp(job.next_run_time),
                job_state=pickle.dumps(job.__getstate__(), self.pickle_protocol),
            )
            .where(self._mine(self.jobs_t.c.id == job.id))
        )
        with self.engine.begin() as conn:
            if conn.execute(statement).rowcount == 0:
                raise JobLookupError(job.id)

    def remove_job(self, job_id: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(self.jobs_t.delete().where(self._mine(self.jobs_t.c.id == job_id))).rowcount == 0:
                raise JobLookupError(job_id)

    def remove_all_jobs(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.jobs_t.delete().where(self._mine()))

    def _get_jobs(self, *conditions: Any) -> list[Any]:
        jobs, failed = [], set()
        query = (
            select(self.jobs_t.c.id, self.jobs_t.c.job_state)
            .where(self._mine(*conditions))
            .order_by(self.jobs_t.c.next_run_time)
        )
        with self.engine.begin() as conn:
            for row in conn.execute(query):
                try:
                    jobs.append(self._reconstitute_job(row.job_state))
                except BaseException:
                    self._logger.exception('Unable to restore job "%s" -- removing it', row.id)
                    failed.add(row.id)
            if failed:
                conn.execute(self.jobs_t.delete().where(self._mine(self.jobs_t.c.id.in_(failed))))
        return jobs

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} (host={self.host})>"
