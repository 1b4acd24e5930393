"""`daiko schedule` in a child process, with a cheap task in place of OCR + Chromium whose "read"
of a file lasts until the test lets it end.

Used by test_shutdown.py to send a real SIGTERM while a run is in the middle of a file: the read
writes ``reading-<file>`` in MARKER_DIR and then waits for ``release`` there (no timing involved).
Usage: service_main.py ROBOTS_YAML MARKER_DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import daiko.robots.runner as runner
from daiko.robots.tasks.base import ItemDraft, Task


class SlowTask(Task):
    name = "slow"
    adapter = "none"
    forms = ()

    def __init__(self, markers: Path):
        self.markers = markers

    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        return [ItemDraft(part=1, error="テスト用: スキャンは読みません")]

    def read_csv(self, path: Path) -> list[ItemDraft]:
        (self.markers / f"reading-{path.name}").write_text("", encoding="utf-8")
        deadline = time.monotonic() + 120  # the "OCR" of one file: SIGTERM lands in here
        while not (self.markers / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return [ItemDraft(part=1, fields={"no": {"value": path.stem, "label": "番号"}}, review_fields=["no"])]

    def key(self, adapter: Any, fields: dict, *, dry_run: bool) -> Any:
        raise AssertionError("never keys")

    def reference_of(self, fields: dict) -> str | None:
        return None


def main() -> int:
    config, markers = Path(sys.argv[1]), Path(sys.argv[2])
    task = SlowTask(markers)
    runner.task_for = lambda robot: task
    from daiko.schedules.service import serve

    return serve(config, setup_logs=False, poll_seconds=0.2, debounce_seconds=0.05, settle_seconds=0.2)


if __name__ == "__main__":
    sys.exit(main())
