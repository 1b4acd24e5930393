"""The functions the job store points at: plain module-level references with plain arguments.

The job store (a table in the ledger database) keeps each job pickled: a function reference
(``daiko.schedules.jobs:robot_job``) and its arguments (robots.yaml's path and a robot id).
Nothing richer may go in — a pickled service, config or lambda would break on the next
upgrade or not pickle at all. At run time the function finds the service running for that
robots.yaml in this process; without one (someone restored the job store elsewhere) it does
a plain run, so a stored job is never an error.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from daiko.log import logger

if TYPE_CHECKING:
    from daiko.schedules.service import ScheduleService

ROBOT_JOB = "daiko.schedules.jobs:robot_job"
REPORT_JOB = "daiko.schedules.jobs:report_job"
REPORT_JOB_ID = "report:weekly"
PURGE_JOB = "daiko.schedules.jobs:purge_job"
PURGE_JOB_ID = "purge:retention"

_services: dict[str, ScheduleService] = {}
_lock = threading.Lock()


def job_id_for(robot_id: str) -> str:
    return f"robot:{robot_id}"


def robot_of_job(job_id: str) -> str | None:
    return job_id.removeprefix("robot:") if job_id.startswith("robot:") else None


def key_for(config_path: str | Path) -> str:
    return str(Path(config_path).resolve())


def register(config_path: str | Path, service: ScheduleService) -> None:
    with _lock:
        _services[key_for(config_path)] = service


def unregister(config_path: str | Path, service: ScheduleService) -> None:
    with _lock:
        if _services.get(key_for(config_path)) is service:
            del _services[key_for(config_path)]


def service_for(config_path: str | Path) -> ScheduleService | None:
    with _lock:
        return _services.get(key_for(config_path))


def robot_job(config_path: str, robot_id: str) -> None:
    """A robot's schedule fired."""
    service = service_for(config_path)
    if service is not None:
        service.scheduled_run(robot_id)
        return
    from daiko.robots.config import load_runtime_config
    from daiko.robots.runner import run_robot

    logger.warning("no schedule service for {} in this process; running {} directly", config_path, robot_id)
    run_robot(load_runtime_config(Path(config_path)), robot_id, trigger="schedule")


def report_job(config_path: str) -> None:
    """The weekly report's schedule fired; the reports layer does the work."""
    service = service_for(config_path)
    if service is not None:
        service.scheduled_report()
        return
    run_weekly_report(config_path)


def run_weekly_report(config_path: str) -> object:
    """Call ``daiko.reports.command.weekly_report_job``, imported only now.

    Imported lazily so the service starts (and robots run) on a build without the reports layer
    or with a broken one; the failure is then this job's, recorded, not the service's.
    """
    from daiko.reports.command import weekly_report_job

    return weekly_report_job(config_path)


def purge_job(config_path: str) -> None:
    """The daily retention purge (robots[].retention_days) fired."""
    service = service_for(config_path)
    if service is not None:
        service.scheduled_purge()
        return
    from daiko.ledger import Ledger
    from daiko.robots.config import load_runtime_config
    from daiko.robots.retention import purge_all

    cfg = load_runtime_config(Path(config_path))
    purge_all(Ledger(cfg.ledger_url), cfg)
