"""robots.yaml: the one file an IT admin edits.

Public surface: :func:`load_config` (raises :class:`ConfigError` listing every problem with
its line and column) and the :class:`DaikoConfig` model the rest of daiko reads.
"""

from daiko.config.loader import ConfigError, ConfigProblem, TaskCatalog, config_hash, load_config
from daiko.config.schema import (
    CalendarConfig,
    DaikoConfig,
    Defaults,
    ReportConfig,
    RobotConfig,
    Schedule,
    TargetSystem,
)

__all__ = [
    "CalendarConfig",
    "ConfigError",
    "ConfigProblem",
    "DaikoConfig",
    "Defaults",
    "ReportConfig",
    "RobotConfig",
    "Schedule",
    "TargetSystem",
    "TaskCatalog",
    "config_hash",
    "load_config",
]
