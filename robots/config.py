"""robots.yaml as every long-lived command reads it: checked against the installed form definitions
(robots sit above forms, so this is the lowest layer that can know them)."""

from __future__ import annotations

from pathlib import Path

from daiko.config import DaikoConfig
from daiko.config.runtime import load_runtime_config as _load


def load_runtime_config(path: Path, *, setup_logs: bool = True) -> DaikoConfig:
    from daiko.forms.definition import form_names

    return _load(path, known_forms=form_names(), setup_logs=setup_logs)
