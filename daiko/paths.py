"""Where daiko keeps things on disk, derived from robots.yaml's location and defaults."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "robots.yaml"
LOG_DIR = REPO_ROOT / "logs"
