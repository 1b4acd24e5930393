"""The shape of robots.yaml, with messages an IT admin can act on.

Every validator's message says what is wrong *and* what to write instead: the admin reads
them in `daiko validate`, usually without a developer at hand.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LEDGER_URL_ENV = "DAIKO_LEDGER_URL"  # the whole ledger URL, password included, kept out of robots.yaml
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Strict(BaseModel):
    """Unknown keys are mistakes (a typo silently ignored is a robot that never runs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def validate_cron(expr: str) -> str:
    """Accept a 5-field crontab line, as APScheduler reads it."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(
            f"'{expr}' is not a cron expression (5 fields: minute hour day month weekday), "
            "e.g. '0 9 * * 1-5' for 9:00 on weekdays"
        )
    try:
        CronTrigger.from_crontab(expr, timezone="Asia/Tokyo")
    except ValueError as exc:
        raise ValueError(f"'{expr}' is not a valid cron expression ({exc}), e.g. '0 9 * * 1-5'") from None
    return expr


class Schedule(Strict):
    """When a robot (or the report) runs: a cron line or a fixed interval, not both."""

    cron: str | None = None
    interval_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = None
    misfire_grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = Field(
        default=60,
        description="A run missed (PC asleep or busy) still starts if no later than this; "
        "later ones are recorded as missed.",
    )
    office_hours_only: bool = Field(
        default=True, description="Run only inside defaults.calendar.office_hours on 開庁日."
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else validate_cron(value)

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.cron is None) == (self.interval_minutes is None):
            raise ValueError("give either 'cron' (e.g. '0 9 * * 1-5') or 'interval_minutes' (e.g. 15), not both")
        return self


class OfficeHours(Strict):
    start: str = "08:30"
    end: str = "17:15"

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not HHMM.match(str(value)):
            raise ValueError(f"'{value}' is not a time of day; write it as HH:MM in quotes, e.g. '08:30'")
        return value

    @model_validator(mode="after")
    def _order(self) -> OfficeHours:
        if self.end <= self.start:
            raise ValueError(f"office hours end ({self.end}) must be after they start ({self.start})")
        return self

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment.strftime("%H:%M") < self.end


class CalendarConfig(Strict):
    """The city hall's 開庁日: weekdays that are not 祝日 nor 年末年始, minus extra closed days."""

    national_holidays: bool = Field(default=True, description="Skip 祝日 (from jpholiday).")
    year_end_closure: bool = Field(default=True, description="Skip 12/29–1/3 (年末年始).")
    extra_closed_days: list[dt.date] = Field(default_factory=list)
    office_hours: OfficeHours = Field(default_factory=OfficeHours)


class LoggingConfig(Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90


class OcrConfig(Strict):
    engine: Literal["rapidocr", "paddleocr"] = Field(
        default="rapidocr",
        description="rapidocr: PP-OCR on ONNX Runtime, models inside the wheel (default). "
        "paddleocr: the PaddleOCR package, needs local model folders.",
    )
    paddle_model_dir: Path | None = Field(
        default=None, description="Folder holding PP-OCR det/rec model dirs (paddleocr engine only)."
    )


class Defaults(Strict):
    timezone: str = "Asia/Tokyo"
    data_dir: Path = Field(default=Path("data"), description="Relative to robots.yaml's folder.")
    ledger_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is SQLite in data_dir. PostgreSQL for several robot PCs.",
    )
    heartbeat_seconds: Annotated[float, Field(ge=1, le=600)] = Field(
        default=30,
        description="How often each daiko schedule reports to the ledger. A robot PC silent for 4 "
        "beats is taken as down: the others finish the work it held.",
    )
    calendar: CalendarConfig = Field(default_factory=CalendarConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    ocr: OcrConfig = Field(default_factory=OcrConfig)
    personal_data_patterns: list[str] = Field(
        default_factory=list, description="Extra regular expressions masked in every log line."
    )

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone name, e.g. 'Asia/Tokyo'") from None
        return value

    @field_validator("personal_data_patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"'{pattern}' is not a regular expression ({exc})") from None
        return value


class TargetSystem(Strict):
    """A core system robots key into. The password is never here: only where to find it."""

    name: str = Field(description="Display name, e.g. 軽自動車税システム.")
    kind: Literal["web", "desktop"] = "web"
    adapter: str = Field(description="Adapter module in robots/adapters/ that knows its screens, e.g. keitax.")
    base_url: str | None = None
    login: str = Field(description="The robot's user name in the target system.")
    password_env: str | None = Field(
        default=None, description="Name of the environment variable that holds the password."
    )
    password_file: Path | None = Field(
        default=None, description="A file (readable only by the robot's account) that holds the password."
    )
    timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="How long one screen may take to answer before the step fails and is retried.",
    )
    max_sessions: Annotated[int, Field(ge=1, le=50)] = Field(
        default=1,
        description="How many robot sessions the system allows at once, counted across every robot PC "
        "that shares the ledger (its licence, or what the vendor allows).",
    )

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"'{value}' is not a web address; write e.g. 'http://keitax.city.local:8080'")
        return value

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[A-Z_][A-Z0-9_]*$", value):
            raise ValueError(
                f"'{value}' does not look like an environment variable name; "
                "give the variable's NAME (e.g. DAIKO_KEITAX_PASSWORD), never the password itself"
            )
        return value

    @model_validator(mode="after")
    def _secret_source(self) -> TargetSystem:
        if (self.password_env is None) == (self.password_file is None):
            raise ValueError(
                "say where the password is kept: 'password_env: DAIKO_KEITAX_PASSWORD' "
                "or 'password_file: /etc/daiko/keitax.secret' (one of them)"
            )
        if self.kind == "web" and not self.base_url:
            raise ValueError("a web target needs 'base_url', e.g. 'http://keitax.city.local:8080'")
        return self


class IdentityCheck(Strict):
    """What must agree between a declaration and the record the system shows, before the robot acts.

    Field names are the form's (forms/definitions/*.yaml); the robot's task knows which of them
    the target system shows. Unset keys take the task's defaults.
    """

    must_match: list[str] | None = Field(
        default=None,
        description="Form fields compared with the system's record whenever the declaration carries them "
        "(default: the robot's task's list, e.g. owner_name, owner_kana, car_name, chassis_no, owner_address).",
    )
    min_present: Annotated[int, Field(ge=0, le=20)] = Field(
        default=1, description="How many of must_match the declaration must carry (and agree on) to be keyed."
    )
    partial_min_chars: Annotated[int, Field(ge=1, le=30)] = Field(
        default=4, description="A value given only in part (the last digits of a 車台番号) counts from this length."
    )
    confirm_from_register: bool = Field(
        default=True,
        description="An OCR field sent to review only for low confidence that agrees exactly with the system's "
        "record is accepted as confirmed by the register (fields that locate the record never are).",
    )

    @field_validator("must_match")
    @classmethod
    def _names(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                raise ValueError(
                    f"'{name}' is not a form field name; use the names in the form's YAML, e.g. owner_name"
                )
        return value


class RobotConfig(Strict):
    id: str = Field(description="Short ASCII id used on the command line, e.g. haisha.")
    name: str = Field(description="日本語の名前, shown to staff and managers.")
    section: str = Field(description="担当課, e.g. 税務課. Staff of this 課 review its items.")
    form: str | None = Field(default=None, description="Form definition it reads (forms/definitions/).")
    accepts_csv: bool = Field(
        default=False, description="Also takes CSV files from the inbox (J-LIS 廃車情報, 電子申請 exports …)."
    )
    task: str | None = Field(
        default=None,
        description="The kind of work (robots/tasks/<module>.py), e.g. haisha or survey; "
        "default: the task that reads this robot's form.",
    )
    target: str | None = Field(
        default=None,
        description="Key of the target system under 'targets' it keys into; "
        "not given for a task that keys into no system (e.g. survey).",
    )
    inbox: Path = Field(description="Folder staff drop scans into; relative paths are under data_dir.")
    schedule: Schedule | None = None
    baseline_minutes: Annotated[float, Field(gt=0, le=480)] = Field(
        description="Minutes one item takes by hand (the time study); the report's baseline."
    )
    csv_baseline_minutes: Annotated[float, Field(ge=0, le=480)] | None = Field(
        default=None,
        description="Minutes one CSV row takes by hand, when it differs from a paper form's "
        "(e.g. an 電子申請 answer needs no keying); default: baseline_minutes.",
    )
    review_minutes_per_field: Annotated[float, Field(ge=0, le=60)] = Field(
        default=0.5, description="Staff minutes per checked field when the review screen measured none."
    )
    mode: Literal["live", "trial"] = Field(
        default="live", description="trial (試行): go through every screen but stop before 登録."
    )
    enabled: bool = True
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3
    retry_backoff_seconds: list[Annotated[float, Field(ge=0, le=3600)]] | None = Field(
        default=None,
        description="Seconds to wait before the 2nd, 3rd … attempt of an item (default 2, 10, 30; the last repeats).",
    )
    identity: IdentityCheck = Field(default_factory=IdentityCheck)
    stop_after_failures: Annotated[int, Field(ge=2, le=100)] = Field(
        default=3,
        description="This many items in a row failing the same way (screen layout changed, system down) "
        "stop the run; the items are handed back untouched and one alert is shown.",
    )
    run_timeout_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 120

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(
                f"'{value}' is not a robot id; use 2-32 lower-case ASCII letters, digits, - or _, e.g. 'haisha'"
            )
        return value

    @field_validator("inbox")
    @classmethod
    def _inbox(cls, value: Path) -> Path:
        if value.is_absolute() and not value.is_dir():
            raise ValueError(
                f"folder '{value}' does not exist; create it (or the share) first, "
                "or give a path relative to data_dir and daiko will create it"
            )
        return value


class ReportConfig(Strict):
    schedule: Schedule | None = None
    output_dir: Path = Field(default=Path("reports"), description="Relative paths are under data_dir.")
    annual_target_hours: Annotated[float, Field(gt=0)] = Field(
        default=1000, description="削減時間数 target for the 年度 (e.g. 1000 for 令和7年度)."
    )
    fiscal_year_start: str = Field(default="04-01", description="MM-DD the 年度 starts; 04-01 in Japan.")

    @model_validator(mode="after")
    def _report_hours(self) -> ReportConfig:
        """A report is written by daiko itself, not keyed into a core system: unless the admin
        says otherwise, its schedule ignores 開庁時間 (Monday 08:00 is before they open)."""
        if self.schedule is not None and "office_hours_only" not in self.schedule.model_fields_set:
            object.__setattr__(self, "schedule", self.schedule.model_copy(update={"office_hours_only": False}))
        return self

    @field_validator("fiscal_year_start")
    @classmethod
    def _mmdd(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(f"2001-{value}")
        except ValueError:
            raise ValueError(f"'{value}' is not a month and day; write it as 'MM-DD', e.g. '04-01'") from None
        return value


class DaikoConfig(Strict):
    version: Literal[1] = 1
    defaults: Defaults = Field(default_factory=Defaults)
    targets: dict[str, TargetSystem] = Field(default_factory=dict)
    robots: list[RobotConfig] = Field(default_factory=list)
    reports: ReportConfig = Field(default_factory=ReportConfig)

    # Set by the loader, not by the admin: where relative paths start.
    base_dir: Path = Field(default=Path("."), exclude=True)

    # -- derived paths -------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return (self.base_dir / self.defaults.data_dir).resolve()

    @property
    def ledger_url(self) -> str:
        """The ledger database: ``DAIKO_LEDGER_URL`` when set (how a PostgreSQL password reaches a
        robot PC without being written in robots.yaml), else ``defaults.ledger_url``, else SQLite
        in data_dir."""
        return (
            os.environ.get(LEDGER_URL_ENV)
            or self.defaults.ledger_url
            or f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"
        )

    @property
    def ledger_source(self) -> str:
        """Where :attr:`ledger_url` came from, in the words an admin would look for."""
        if os.environ.get(LEDGER_URL_ENV):
            return f"環境変数 {LEDGER_URL_ENV}"
        return "robots.yaml の defaults.ledger_url" if self.defaults.ledger_url else "data_dir の SQLite"

    @property
    def ledger_url_display(self) -> str:
        """:attr:`ledger_url` safe to print: a password in it is shown as ***."""
        from daiko.ledger.db import display_url

        return display_url(self.ledger_url)

    def inbox(self, robot: RobotConfig) -> Path:
        return robot.inbox if robot.inbox.is_absolute() else self.data_dir / robot.inbox

    @property
    def reports_dir(self) -> Path:
        out = self.reports.output_dir
        return out if out.is_absolute() else self.data_dir / out

    def robot(self, robot_id: str) -> RobotConfig:
        for robot in self.robots:
            if robot.id == robot_id:
                return robot
        known = ", ".join(r.id for r in self.robots) or "none"
        raise KeyError(f"no robot '{robot_id}' in robots.yaml (robots: {known})")
