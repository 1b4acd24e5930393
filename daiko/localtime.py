"""Times as people read them: in the configured zone (robots.yaml ``defaults.timezone``), never
the host clock's. A robot PC or server often runs in UTC; staff read 日本時間."""

from __future__ import annotations

import datetime as dt
import zoneinfo

DEFAULT_ZONE = "Asia/Tokyo"


def local_time(moment: dt.datetime, zone: str | dt.tzinfo = DEFAULT_ZONE) -> dt.datetime:
    """``moment`` in ``zone``; a naive value is taken as UTC (how the ledger stores times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone)


def fmt_local(moment: dt.datetime, zone: str = DEFAULT_ZONE, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return local_time(moment, zone).strftime(pattern)
