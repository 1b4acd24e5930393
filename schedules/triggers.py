"""APScheduler triggers built from robots.yaml, with the business calendar inside them.

The calendar is a trigger *wrapper* rather than a check inside the job: a job that fires on
勤労感謝の日 and then does nothing would still be "run" (and coalesce away a real run), and
``daiko schedule --list`` could not show the true next times. With the wrapper the scheduler,
the misfire accounting and ``--list`` all ask the same object for the next fire time.

Interval triggers are anchored at midnight (2000-01-01 in the city's zone) rather than at the
moment the service started, so "every 15 minutes" means :00/:15/:30/:45 on every PC and
after every restart, and ``--list`` agrees with the running service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from daiko.calendar import BusinessCalendar
from daiko.config import DaikoConfig, Schedule

INTERVAL_ANCHOR = dt.datetime(2000, 1, 1, 0, 0)
# crontab numbers weekdays from Sunday (0 and 7); APScheduler 3.x names them from Monday = 0.
CRON_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MAX_SKIPS = 10_000
# A schedule that never lands in office hours (cron at 03:00 with office_hours_only) must end
# the search quickly, not walk years of fire times on every wake-up.
_HORIZON = dt.timedelta(days=400)


class BusinessHoursTrigger(BaseTrigger):
    """Fires when ``inner`` fires, except outside 開庁時間 on 開庁日: those times are skipped."""

    __slots__ = ("calendar", "inner")

    def __init__(self, inner: BaseTrigger, calendar: BusinessCalendar):
        self.inner = inner
        self.calendar = calendar

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
        fire = self.inner.get_next_fire_time(previous_fire_time, now)
        horizon = fire + _HORIZON if fire is not None else None
        for _ in range(_MAX_SKIPS):
            if fire is None or self.calendar.in_office_hours(fire):
                return fire
            if horizon is not None and fire > horizon:
                return None
            opens = self.calendar.next_open(fire)
            if opens is None:
                return None
            # the inner trigger's first time at or after the opening (prev=None means "from now on")
            later = self.inner.get_next_fire_time(None, opens)
            if later is not None and later <= fire:  # never step backwards
                later = self.inner.get_next_fire_time(fire, fire)
            fire = later
        return None

    def __getstate__(self) -> dict:
        return {"version": 1, "inner": self.inner, "calendar": self.calendar}

    def __setstate__(self, state: dict) -> None:
        if state.get("version", 1) > 1:
            raise ValueError(f"BusinessHoursTrigger state version {state['version']} is newer than this daiko")
        self.inner = state["inner"]
        self.calendar = state["calendar"]

    def __str__(self) -> str:
        cal = self.calendar
        return f"{self.inner} on 開庁日 {cal.office_start:%H:%M}-{cal.office_end:%H:%M}"

    def __repr__(self) -> str:
        return f"<BusinessHoursTrigger ({self.inner!r}, calendar={self.calendar!r})>"


def crontab_trigger(expr: str, timezone: str) -> CronTrigger:
    """A CronTrigger that reads the weekday field as crontab does (0 or 7 = Sunday, 1-5 = Mon-Fri).

    APScheduler 3.x's ``CronTrigger.from_crontab`` passes weekday *numbers* through in its own
    Monday-first numbering (agronholm/apscheduler#286, fixed only in 4.x), so ``* * * * 1-5``
    would run Tuesday to Saturday. Every admin's cron line means the crontab reading; we
    translate the field into weekday names, which both readings agree on.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"'{expr}' is not a cron expression (5 fields: minute hour day month weekday)")
    minute, hour, day, month, weekdays = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=crontab_weekdays(weekdays), timezone=timezone
    )


def crontab_weekdays(field: str) -> str:
    """Translate a crontab weekday field (``1-5``, ``0,6``, ``*/2``, ``mon-fri``) to APScheduler names."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"'{part}' has an invalid step in the weekday field")
        if base in ("*", "?"):
            first, last = 0, 6
        elif "-" in base:
            first_text, last_text = base.split("-", 1)
            first, last = _cron_day(first_text), _cron_day(last_text)
            if last == 0 and first > 0:  # 'fri-7' / 'fri-sun': up to Sunday at the end of the week
                last = 7
            if first > last:
                raise ValueError(f"'{part}' runs backwards; write e.g. '1-5' (Monday to Friday)")
        else:
            first = last = _cron_day(base)
            if step is not None:
                last = 6
        days.update(d % 7 for d in range(first, last + 1, step or 1))
    if days == set(range(7)):
        return "*"
    return ",".join(CRON_DAY_NAMES[d] for d in sorted(days, key=lambda d: (d + 6) % 7))


def _cron_day(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text in CRON_DAY_NAMES:
        return CRON_DAY_NAMES.index(text)
    raise ValueError(f"'{text}' is not a weekday; use 0-7 (0 and 7 are Sunday) or sun, mon, …, sat")


def inner_trigger(schedule: Schedule, timezone: str) -> BaseTrigger:
    """The plain cron or interval trigger a schedule asks for."""
    if schedule.cron is not None:
        return crontab_trigger(schedule.cron, timezone)
    assert schedule.interval_minutes is not None
    import zoneinfo

    anchor = INTERVAL_ANCHOR.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return IntervalTrigger(minutes=schedule.interval_minutes, start_date=anchor, timezone=timezone)


def build_trigger(schedule: Schedule, cfg: DaikoConfig) -> BaseTrigger:
    """The trigger for one robot's (or the report's) schedule under robots.yaml's calendar."""
    inner = inner_trigger(schedule, cfg.defaults.timezone)
    if schedule.office_hours_only:
        return BusinessHoursTrigger(inner, BusinessCalendar.from_config(cfg))
    return inner


def next_fire_times(trigger: BaseTrigger, now: dt.datetime, count: int) -> list[dt.datetime]:
    return list(_take(iter_fire_times(trigger, now), count))


def iter_fire_times(trigger: BaseTrigger, now: dt.datetime) -> Iterator[dt.datetime]:
    fire = trigger.get_next_fire_time(None, now)
    while fire is not None:
        yield fire
        fire = trigger.get_next_fire_time(fire, fire)


def _take(items: Iterator[dt.datetime], count: int) -> Iterator[dt.datetime]:
    for _, item in zip(range(count), items, strict=False):
        yield item


def fingerprint(schedule: Schedule, cfg: DaikoConfig, *extra: str) -> str:
    """What a job's timing depends on; a job whose fingerprint is unchanged keeps its next run time.

    Keeping it matters: replacing a job recomputes its next run from *now*, which would hide the
    runs missed while the service was stopped.
    """
    parts = {
        "schedule": schedule.model_dump(mode="json"),
        "timezone": cfg.defaults.timezone,
        "calendar": cfg.defaults.calendar.model_dump(mode="json") if schedule.office_hours_only else None,
        "extra": list(extra),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]
