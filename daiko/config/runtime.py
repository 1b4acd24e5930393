"""Loading robots.yaml the way every command does: validated against the installed forms,
logging set up from it, personal-data patterns registered."""

from __future__ import annotations

from pathlib import Path

from daiko.config import DaikoConfig, load_config
from daiko.log import setup_logging


def known_forms() -> set[str] | None:
    try:
        from daiko.forms.definition import list_forms
    except ImportError:  # forms layer not installed in this build
        return None
    return set(list_forms())


def load_runtime_config(path: Path, *, setup_logs: bool = True) -> DaikoConfig:
    cfg = load_config(path, known_forms=known_forms())
    if setup_logs:
        setup_logging(
            level=cfg.defaults.logging.level,
            retention_days=cfg.defaults.logging.retention_days,
            personal_patterns=cfg.defaults.personal_data_patterns,
        )
    return cfg
