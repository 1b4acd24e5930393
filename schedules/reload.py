"""Hot reload of robots.yaml: a valid edit is applied and audited, an invalid one refused.

IT admins edit robots.yaml on the robot PC while the service runs. Restarting the service
for every change would interrupt a run, and forgetting to restart would leave the file saying
one thing while the robots do another. So the service watches the file:

- a change is noticed by its content hash (mtime alone misses an edit within the same second
  and fires on a `touch`), after the file has stopped changing for a moment — an editor that
  writes in place must not have its half-written file judged;
- the new text is validated exactly like ``daiko validate``; if it fails, every problem is
  logged with its line, an Event ``config_rejected`` is recorded, and the old schedule keeps
  running — a typo must never stop the robots;
- if it passes, the service applies it (jobs rescheduled, inbox watches updated) and the audit
  trail gets ``config_changed`` with the old and new hashes (who changed it is in the OS; what
  changed is recoverable from version control by hash).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from daiko.config import ConfigError, DaikoConfig, config_hash
from daiko.ledger import Ledger
from daiko.log import logger, mask

SETTLE_SECONDS = 0.5


class ConfigRejected(Exception):
    """A valid robots.yaml that this running service cannot apply without a restart."""


class ConfigReloader:
    """Checks robots.yaml on each call; the folder watcher calls it on events and on every poll."""

    def __init__(
        self,
        path: Path,
        ledger: Ledger,
        *,
        current_hash: str,
        load: Callable[[Path], DaikoConfig],
        apply: Callable[[DaikoConfig], None],
        settle_seconds: float = SETTLE_SECONDS,
    ):
        self.path = path
        self.ledger = ledger
        self.applied_hash = current_hash
        self.rejected_hash: str | None = None
        self.load = load
        self.apply = apply
        self.settle_seconds = settle_seconds
        self.checks = 0  # how many times the file has been looked at (the service's status, and tests)
        self._lock = threading.Lock()

    def __call__(self) -> None:
        self.check()

    def check(self) -> str | None:
        """Apply or refuse a changed file; return "applied", "rejected" or None (unchanged)."""
        with self._lock:
            self.checks += 1
            data = self._read()
            if data is None:
                return None
            digest = config_hash(data)
            if digest in (self.applied_hash, self.rejected_hash):
                return None
            time.sleep(self.settle_seconds)  # let an editor finish writing
            again = self._read()
            if again is None or config_hash(again) != digest:
                return None  # still changing: the next event or poll looks again
            return self._judge(digest)

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:  # mid-rename by an editor, or deleted: keep running on the old settings
            return None

    def _judge(self, digest: str) -> str:
        old = self.applied_hash
        try:
            cfg = self.load(self.path)
            self.apply(cfg)
        except ConfigError as exc:
            self._reject(digest, old, [p.render(exc.filename) for p in exc.problems])
            return "rejected"
        except ConfigRejected as exc:
            self._reject(digest, old, [str(exc)])
            return "rejected"
        except Exception as exc:  # judged once like any refusal: never a traceback on every poll
            logger.opt(exception=exc).debug("robots.yaml could not be applied")
            self._reject(digest, old, [f"{self.path.name}: 適用できませんでした（{type(exc).__name__}: {exc}）"])
            return "rejected"
        self.applied_hash, self.rejected_hash = digest, None
        self.ledger.audit("system", "config_changed", "robots.yaml", detail=f"sha256 {old} → {digest}")
        self.ledger.event(
            "config_applied", f"robots.yaml changed ({old} → {digest}); new settings applied", old=old, new=digest
        )
        return "applied"

    def _reject(self, digest: str, old: str, problems: list[str]) -> None:
        self.rejected_hash = digest
        for line in problems:
            logger.error("robots.yaml change refused: {}", line)
        self.ledger.event(
            "config_rejected",
            f"robots.yaml change refused ({len(problems)} problem(s)); still running on {old}: " + "; ".join(problems),
            level="ERROR",
            rejected=digest,
            kept=old,
            problems=[mask(p) for p in problems],
        )
