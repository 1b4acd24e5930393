"""Loading robots.yaml the way every long-lived command does: validated (against the forms
the caller knows of), logging set up from it, personal-data patterns registered."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from daiko.config.loader import TaskCatalog, load_config
from daiko.config.schema import DaikoConfig
from daiko.log import setup_logging


def load_runtime_config(
    path: Path,
    *,
    known_forms: Iterable[str] | None = None,
    tasks: TaskCatalog | None = None,
    setup_logs: bool = True,
) -> DaikoConfig:
    cfg = load_config(path, known_forms=set(known_forms) if known_forms is not None else None, tasks=tasks)
    if setup_logs:
        setup_logging(
            level=cfg.defaults.logging.level,
            retention_days=cfg.defaults.logging.retention_days,
            personal_patterns=cfg.defaults.personal_data_patterns,
            timezone=cfg.defaults.timezone,
        )
    else:
        from daiko.log import set_log_timezone

        set_log_timezone(cfg.defaults.timezone)
    return cfg
