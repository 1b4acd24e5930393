"""The business calendar and the triggers built on it: robots skip 土日, 祝日, 年末年始 and closed days."""

from __future__ import annotations

import datetime as dt
import pickle
import zoneinfo

import pytest
from rich.console import Console

from daiko.calendar import BusinessCalendar, format_moment
from daiko.config import Schedule
from daiko.config.loader import parse_config
from daiko.schedules.listing import list_next_runs
from daiko.schedules.triggers import build_trigger, crontab_weekdays, next_fire_times

TZ = zoneinfo.ZoneInfo("Asia/Tokyo")
CAL = BusinessCalendar()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def cfg_with(calendar: str = "") -> object:
    text = "version: 1\nrobots: []  # the calendar alone\n"
    if calendar:
        text += "defaults:\n  calendar:\n" + "".join(f"    {line}\n" for line in calendar.strip().splitlines())
    return parse_config(text)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (dt.date(2026, 11, 23), "祝日: 勤労感謝の日"),
        (dt.date(2027, 1, 1), "年末年始"),  # 元日 is inside 年末年始 too
        (dt.date(2026, 12, 29), "年末年始"),
        (dt.date(2027, 1, 3), "年末年始"),
        (dt.date(2026, 11, 21), "土曜日"),
        (dt.date(2026, 11, 22), "日曜日"),
        (dt.date(2026, 11, 24), None),
        (dt.date(2026, 12, 28), None),  # 御用納め: still open
        (dt.date(2027, 1, 4), None),  # 御用始め
    ],
)
def test_closed_days_have_reasons(day: dt.date, reason: str | None):
    assert CAL.closed_reason(day) == reason


def test_switches_and_extra_closed_days():
    open_all = BusinessCalendar(national_holidays=False, year_end_closure=False)
    assert open_all.closed_reason(dt.date(2026, 11, 23)) is None
    assert open_all.closed_reason(dt.date(2026, 12, 30)) is None
    extra = BusinessCalendar.from_config(cfg_with("extra_closed_days: [2026-11-30]"))
    assert extra.closed_reason(dt.date(2026, 11, 30)).startswith("閉庁日")
    assert extra.in_office_hours(at(2026, 11, 30, 10, 0)) is False


def test_office_hours_bounds():
    assert CAL.in_office_hours(at(2026, 11, 24, 8, 30))
    assert not CAL.in_office_hours(at(2026, 11, 24, 8, 29))
    assert CAL.in_office_hours(at(2026, 11, 24, 17, 14))
    assert not CAL.in_office_hours(at(2026, 11, 24, 17, 15))  # end is exclusive
    # the zone is the city's, whatever the PC's: 00:00 UTC is 09:00 in Tokyo
    assert CAL.in_office_hours(dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC))
    assert CAL.next_open(at(2026, 11, 20, 17, 30)) == at(2026, 11, 24, 8, 30)  # 土日 + 勤労感謝の日


def test_crontab_weekday_numbers_mean_what_crontab_means():
    """APScheduler 3.x reads '1-5' as Tue-Sat (agronholm/apscheduler#286); we must not."""
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("0") == crontab_weekdays("7") == "sun"
    assert crontab_weekdays("6,0") == "sat,sun"
    assert crontab_weekdays("mon-fri") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("*") == "*"
    with pytest.raises(ValueError):
        crontab_weekdays("5-1")
    plain = Schedule(cron="0 9 * * 1", office_hours_only=False)
    fire = next_fire_times(build_trigger(plain, cfg_with()), at(2026, 11, 18, 12, 0), 1)[0]
    assert fire == at(2026, 11, 23, 9, 0) and fire.weekday() == 0  # a Monday (a 祝日, but no calendar here)


def test_holiday_and_weekend_are_skipped():
    trigger = build_trigger(Schedule(cron="0 9 * * 1-5"), cfg_with())
    times = next_fire_times(trigger, at(2026, 11, 20, 10, 0), 3)  # Friday after 9:00
    # Sat, Sun skipped; Mon 11/23 勤労感謝の日 skipped
    assert times == [at(2026, 11, 24, 9, 0), at(2026, 11, 25, 9, 0), at(2026, 11, 26, 9, 0)]


def test_year_end_closure_is_skipped_and_office_hours_respected():
    trigger = build_trigger(Schedule(cron="*/15 8-17 * * 1-5"), cfg_with())
    times = next_fire_times(trigger, at(2026, 12, 28, 17, 5), 3)
    assert times == [at(2027, 1, 4, 8, 30), at(2027, 1, 4, 8, 45), at(2027, 1, 4, 9, 0)]
    # an interval is anchored at midnight: every 60 minutes is on the hour, first one inside hours
    hourly = build_trigger(Schedule(interval_minutes=60), cfg_with())
    assert next_fire_times(hourly, at(2027, 1, 4, 17, 1), 2) == [at(2027, 1, 5, 9, 0), at(2027, 1, 5, 10, 0)]


def test_extra_closed_day_and_disabled_calendar():
    cfg = cfg_with("extra_closed_days: [2026-11-24]")
    trigger = build_trigger(Schedule(cron="0 9 * * *"), cfg)
    assert next_fire_times(trigger, at(2026, 11, 21, 0, 0), 1) == [at(2026, 11, 25, 9, 0)]
    anytime = build_trigger(Schedule(cron="0 9 * * *", office_hours_only=False), cfg)
    assert next_fire_times(anytime, at(2026, 11, 21, 0, 0), 1) == [at(2026, 11, 21, 9, 0)]


def test_trigger_pickles_with_its_calendar_and_never_loops_forever():
    cfg = cfg_with("extra_closed_days: [2026-11-24]")
    trigger = pickle.loads(pickle.dumps(build_trigger(Schedule(cron="0 9 * * *"), cfg)))
    assert next_fire_times(trigger, at(2026, 11, 21, 0, 0), 1) == [at(2026, 11, 25, 9, 0)]
    night = build_trigger(Schedule(cron="0 3 * * *"), cfg)  # never inside office hours
    assert next_fire_times(night, at(2026, 11, 21, 0, 0), 1) == []


def test_list_shows_next_runs_with_weekdays_and_holiday_names():
    cfg = parse_config(
        """\
version: 1
targets:
  keitax: {name: 軽自動車税システム, adapter: keitax, base_url: "http://127.0.0.1:8765", login: rpa01, password_env: X}
robots:
  - {id: haisha, name: 廃車登録, section: 税務課, target: keitax, inbox: inbox/haisha, baseline_minutes: 6,
     schedule: {cron: "*/15 8-17 * * 1-5"}}
  - {id: idle, name: 停止中, section: 税務課, target: keitax, inbox: inbox/idle, baseline_minutes: 6, enabled: false}
reports:
  schedule: {cron: "0 8 * * 1", office_hours_only: false}
"""
    )
    console = Console(record=True, width=200)
    rows = list_next_runs(cfg, console=console, now=at(2026, 11, 20, 17, 30))
    out = console.export_text()
    haisha = rows[0]
    assert [format_moment(t) for t in haisha.times][:2] == ["2026-11-24(火) 08:30", "2026-11-24(火) 08:45"]
    assert (dt.date(2026, 11, 23), "祝日: 勤労感謝の日") in haisha.skipped
    assert "勤労感謝の日" in out and "2026-11-24(火) 08:30" in out
    assert "無効" in out
    report = rows[-1]
    assert report.job == "report" and format_moment(report.times[0]) == "2026-11-23(月) 08:00"
