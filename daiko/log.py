"""Logging for daiko: loguru with three sinks and a privacy filter in front of all of them.

- console: short human-readable lines;
- ``logs/daiko_YYYY-MM-DD.log``: the same with more detail, one file a day, kept ``retention_days``;
- ``logs/daiko_YYYY-MM-DD.jsonl``: one JSON object per event, for machines.

マイナンバー (any 12 digits, with or without separators) and values registered as personal
data are masked by a *patcher*, which runs once per log call before any sink sees the
record, so no sink — present or added later — can receive them. Exceptions are rendered
into the message there too (and ``diagnose`` is off), because loguru would otherwise format
tracebacks, with local variables, after the patcher has run.

Times are written in the configured zone (robots.yaml ``defaults.timezone``, Asia/Tokyo unless
said otherwise), never the host clock's: a robot PC or server on UTC must not make staff read
"01:30" for a failure at 10:30. The patcher moves each record's time into that zone, and the day
a log file belongs to is that zone's day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
import threading
import traceback
import zoneinfo
from pathlib import Path
from typing import Any

from loguru import logger

from daiko.paths import LOG_DIR

MASK = "[個人情報]"
_DIGIT = "[0-9０-９]"
_SEP = "[-‐－ \u3000]?"
# 12 digits, each optionally followed by one separator: 123456789012, 1234-5678-9012, 1234 5678 9012.
MYNUMBER_RE = re.compile(rf"(?<![0-9０-９])(?:{_DIGIT}{_SEP}){{11}}{_DIGIT}(?![0-9０-９])")

_lock = threading.Lock()
_zone = zoneinfo.ZoneInfo("Asia/Tokyo")  # where log times are read; setup_logging sets robots.yaml's
_extra_patterns: list[re.Pattern[str]] = []
_registered: set[str] = set()
_MAX_REGISTERED = 10_000  # bounded: a long-running service must not grow without limit


def register_personal(*values: str | None) -> None:
    """Mask these exact strings (a name, an address read from a form) in every later log line."""
    with _lock:
        for value in values:
            if value and len(value.strip()) >= 2:
                if len(_registered) >= _MAX_REGISTERED:
                    _registered.clear()
                _registered.add(value.strip())


def add_personal_patterns(patterns: list[str]) -> None:
    with _lock:
        for pattern in patterns:
            _extra_patterns.append(re.compile(pattern))


def mask(text: str) -> str:
    """Replace マイナンバー and registered personal data in ``text``."""
    text = MYNUMBER_RE.sub(MASK, text)
    with _lock:
        patterns = list(_extra_patterns)
        values = sorted(_registered, key=len, reverse=True)
    for pattern in patterns:
        text = pattern.sub(MASK, text)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def _mask_any(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _mask_any(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask_any(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return MASK if mask(str(value)) != str(value) else value
    if isinstance(value, float | bool) or value is None:
        return value
    return mask(str(value))


def set_log_timezone(name: str) -> None:
    global _zone
    _zone = zoneinfo.ZoneInfo(name)


def _patch(record: dict[str, Any]) -> None:
    moment = record["time"]  # loguru's own datetime (it formats HH:mm…): moved, not replaced
    record["time"] = moment.astimezone(dt.timezone(moment.astimezone(_zone).utcoffset() or dt.timedelta(0)))
    exc = record["exception"]
    if exc is not None and exc.type is not None:
        rendered = "".join(traceback.format_exception(exc.type, exc.value, exc.traceback))
        record["message"] = f"{record['message']}\n{rendered.rstrip()}"
        record["exception"] = None
    record["message"] = mask(record["message"])
    record["extra"] = {k: _mask_any(v) for k, v in record["extra"].items()}


CONSOLE_FORMAT = "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> {message}"
FILE_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSSZ} {level: <7} [{process}] {name}:{line} {message} {extra}"


def _console_sink(message: Any) -> None:
    """Write to whatever stderr is *now*; a closed stream must not make loguru print the record."""
    with contextlib.suppress(ValueError, OSError):
        sys.stderr.write(message)


class DailyFile:
    """``<dir>/daiko_YYYY-MM-DD<suffix>``, a new file each day, old ones removed after ``retention_days``.

    Our own small writer rather than loguru's file sink: a sink that raises makes loguru print
    the failing record *and the exception being handled* to stderr, unmasked. This one never raises.
    """

    def __init__(self, directory: Path, suffix: str, retention_days: int):
        self.directory, self.suffix, self.retention_days = directory, suffix, retention_days
        self._day: str | None = None
        self._fh: Any = None

    def __call__(self, message: Any) -> None:
        try:
            day = message.record["time"].strftime("%Y-%m-%d")
            if day != self._day:
                self._roll(day)
            self._fh.write(message)
            self._fh.flush()
        except Exception:  # logging must never take a robot down
            pass

    def _roll(self, day: str) -> None:
        if self._fh:
            self._fh.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.directory / f"daiko_{day}{self.suffix}", "a", encoding="utf-8")  # noqa: SIM115
        self._day = day
        self._prune(day)

    def _prune(self, today: str) -> None:
        import datetime as dt

        cutoff = dt.date.fromisoformat(today) - dt.timedelta(days=self.retention_days)
        for old in self.directory.glob(f"daiko_*{self.suffix}"):
            try:
                if dt.date.fromisoformat(old.name[6:16]) < cutoff:
                    old.unlink()
            except (ValueError, OSError):
                continue

    def close(self) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None


_configured_for: tuple | None = None
_files: list[DailyFile] = []


def setup_logging(
    *,
    level: str = "INFO",
    retention_days: int = 90,
    log_dir: Path | None = None,
    console: bool = True,
    personal_patterns: list[str] | None = None,
    timezone: str = "Asia/Tokyo",
) -> None:
    """(Re)configure every sink. Safe to call again, e.g. when robots.yaml changes."""
    global _configured_for
    log_dir = log_dir or LOG_DIR
    set_log_timezone(timezone)
    key = (level, retention_days, str(log_dir), console, tuple(personal_patterns or ()))
    if key == _configured_for:
        return
    logger.remove()
    for old in _files:
        old.close()
    _files.clear()
    logger.configure(patcher=_patch, extra={})
    if personal_patterns:
        add_personal_patterns(personal_patterns)
    if console:
        logger.add(
            _console_sink,
            level=level,
            format=CONSOLE_FORMAT,
            backtrace=False,
            diagnose=False,
            colorize=sys.stderr.isatty(),
        )
    text_file = DailyFile(log_dir, ".log", retention_days)
    json_file = DailyFile(log_dir, ".jsonl", retention_days)
    _files.extend([text_file, json_file])
    logger.add(text_file, level="DEBUG", format=FILE_FORMAT, backtrace=False, diagnose=False, colorize=False)
    logger.add(json_file, level="DEBUG", serialize=True, backtrace=False, diagnose=False, colorize=False)
    _configured_for = key


# Until setup_logging runs (library use, tests) the default sink must be masked as well.
logger.remove()
logger.configure(patcher=_patch)
logger.add(_console_sink, level="INFO", format=CONSOLE_FORMAT, backtrace=False, diagnose=False)

__all__ = [
    "MASK",
    "add_personal_patterns",
    "logger",
    "mask",
    "register_personal",
    "set_log_timezone",
    "setup_logging",
]
