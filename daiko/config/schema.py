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
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LEDGER_URL_ENV = "DAIKO_LEDGER_URL"  # the whole ledger URL, password included, kept out of robots.yaml
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def escapes(path: Path) -> bool:
    """A relative path that climbs out of the folder it is relative to (``../../etc``)."""
    return not path.is_absolute() and os.path.normpath(path).split(os.sep)[0] == ".."


def inside_data_dir(value: Path, what: str) -> Path:
    """Relative paths live under data_dir; a relative path may not climb out of it."""
    if escapes(value):
        raise ValueError(
            f"{what} '{value}' は data_dir の外を指しています（'..'）。data_dir の中の相対パス"
            "（例: inbox/haisha）か、意図して外に置くなら絶対パス（例: /srv/scan/haisha）で書いてください"
        )
    return value


def url_has_credentials(url: str) -> bool:
    """user:password@ (or user@) in a web address: a secret written into robots.yaml."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.password is not None or (parts.username is not None and "@" in (parts.netloc or ""))


def looks_secret(value: object) -> bool:
    """Text that may well be a password or token: a URL with user:password@, or one long 'word'
    mixing three kinds of character (lower, upper, digits, symbols)."""
    if not isinstance(value, str):
        return False
    if "://" in value and url_has_credentials(value):
        return True
    if len(value) < 8 or any(c.isspace() for c in value) or not value.isascii():
        return False
    kinds = [any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value)]
    kinds.append(any(not c.isalnum() for c in value))
    return sum(kinds) >= 3 and "/" not in value


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


def env_var_name(value: str) -> str:
    """The NAME of an environment variable. The value given is never repeated in the message:
    what an admin puts here by mistake is usually the password itself."""
    if not re.match(r"^[A-Z_][A-Z0-9_]*$", value):
        raise ValueError(
            "環境変数の名前ではありません（入力された値は表示しません）。変数の NAME を書いてください"
            "（例: DAIKO_KEITAX_PASSWORD）。パスワードそのものは決して書かないでください"
        )
    return value


def secret_file_path(value: Path) -> Path:
    """Where a secret file is: an absolute path (not echoed: it may be the secret pasted by mistake)."""
    if not value.is_absolute():
        raise ValueError(
            "パスワードファイルは絶対パスで書いてください（入力された値は表示しません）。"
            "例: /etc/daiko/keitax.secret。パスワードそのものは決して書かないでください"
        )
    return value


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
        description="SQLAlchemy URL; default is SQLite in data_dir. PostgreSQL for several robot PCs. "
        "Never with a password in it: see ledger_password_env / ledger_password_file.",
    )
    ledger_password_env: str | None = Field(
        default=None, description="Name of the environment variable holding the ledger database's password."
    )
    ledger_password_file: Path | None = Field(
        default=None, description="A file (readable only by daiko's account) holding the ledger's password."
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

    @field_validator("ledger_url")
    @classmethod
    def _ledger_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            # Not echoed: a malformed URL is often a password with an '@' or ':' in it.
            raise ValueError(
                "SQLAlchemy の URL として読めません（例: postgresql+psycopg://daiko@db.city.local/daiko）"
            ) from None
        if url.password is not None:
            raise ValueError(
                "ledger_url にパスワードを書かないでください（robots.yaml は版管理とバックアップに残ります）。"
                "URL からパスワードを消し、ledger_password_env: DAIKO_LEDGER_PASSWORD（環境変数の名前）か "
                "ledger_password_file: /etc/daiko/ledger.secret（ファイルの場所）で指定してください"
            )
        return value

    @field_validator("ledger_password_env")
    @classmethod
    def _ledger_env(cls, value: str | None) -> str | None:
        return None if value is None else env_var_name(value)

    @field_validator("ledger_password_file")
    @classmethod
    def _ledger_file(cls, value: Path | None) -> Path | None:
        return None if value is None else secret_file_path(value)

    @model_validator(mode="after")
    def _ledger_secret(self) -> Defaults:
        if self.ledger_password_env and self.ledger_password_file:
            raise ValueError("ledger_password_env と ledger_password_file はどちらか一方だけにしてください")
        if (self.ledger_password_env or self.ledger_password_file) and not self.ledger_url:
            raise ValueError(
                "ledger_password_env / ledger_password_file は ledger_url（PostgreSQL など）を使うときだけ指定します"
            )
        return self

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
        if value is None:
            return None
        if url_has_credentials(value):  # never echoed: the part before '@' is a user and password
            raise ValueError(
                "base_url に ID やパスワードを含めないでください（'…@' の部分）。ID は login に、パスワードは "
                "password_env（環境変数の名前）か password_file（ファイルの場所）で指定してください"
            )
        if not re.match(r"^https?://[^\s/]+", value):
            shown = "（入力された値は表示しません）" if looks_secret(value) else f"'{value}'"
            raise ValueError(f"{shown} is not a web address; write e.g. 'http://keitax.city.local:8080'")
        return value

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        return None if value is None else env_var_name(value)

    @field_validator("password_file")
    @classmethod
    def _secret_file(cls, value: Path | None) -> Path | None:
        return None if value is None else secret_file_path(value)

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


class IntakeSettings(Strict):
    """When a file in the inbox counts as written, for inboxes fed slowly (a 複合機 over the network)."""

    settle_seconds: Annotated[float, Field(ge=0, le=3600)] = Field(
        default=5.0,
        description="A file is taken once its size and time stand still this long and it opens. "
        "Raise it when a 複合機 writes over a slow network and pauses mid-file.",
    )
    incomplete_wait_minutes: Annotated[float, Field(ge=0, le=24 * 60)] = Field(
        default=10.0,
        description="A file that still looks unfinished (empty, a PDF without its end, a scan that "
        "cannot be read yet) is waited for this long after its last change before it is failed.",
    )


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
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    retention_days: Annotated[int, Field(ge=1, le=36500)] | None = Field(
        default=None,
        description="Days after an item is finished that its page images and its scan in done/ are "
        "kept; then `daiko purge` (run daily by `daiko schedule`) deletes them. None: kept.",
    )

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
        inside_data_dir(value, "inbox")
        if not value.is_absolute() and os.path.normpath(value) == ".":
            raise ValueError(
                "inbox を data_dir そのものにはできません（台帳や他のロボットのファイルまで取り込んでしまいます）。"
                "例: inbox/haisha"
            )
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

    @field_validator("output_dir")
    @classmethod
    def _output_dir(cls, value: Path) -> Path:
        return inside_data_dir(value, "output_dir")

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


class ConsoleConfig(Strict):
    """The review console (``daiko console``)."""

    secure_cookie: bool = Field(
        default=False,
        description="Mark the sign-in cookie Secure (sent over HTTPS only): set true when the console "
        "is served over HTTPS or behind a TLS proxy. The environment variable "
        "DAIKO_CONSOLE_SECURE_COOKIE=1 (or 0) overrides it.",
    )

    def secure_cookie_in_force(self) -> bool:
        env = os.environ.get("DAIKO_CONSOLE_SECURE_COOKIE", "").strip().lower()
        if env in {"1", "true", "yes", "on"}:
            return True
        if env in {"0", "false", "no", "off"}:
            return False
        return self.secure_cookie


class LedgerSecretMissing(RuntimeError):
    """ledger_password_env / ledger_password_file names a secret that is not there."""


class DaikoConfig(Strict):
    version: Literal[1] = 1
    defaults: Defaults = Field(default_factory=Defaults)
    targets: dict[str, TargetSystem] = Field(default_factory=dict)
    robots: list[RobotConfig] = Field(default_factory=list)
    reports: ReportConfig = Field(default_factory=ReportConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)

    # Set by the loader, not by the admin: where relative paths start.
    base_dir: Path = Field(default=Path("."), exclude=True)

    # -- derived paths -------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return (self.base_dir / self.defaults.data_dir).resolve()

    @property
    def ledger_url(self) -> str:
        """The URL to connect with: ``DAIKO_LEDGER_URL`` when set (a robot PC's own setting, e.g.
        from its service unit), else ``defaults.ledger_url`` with its password filled in from
        ``ledger_password_env`` / ``ledger_password_file``, else SQLite in data_dir. Never print
        it: :attr:`ledger_url_display` is the one for people."""
        from_env = os.environ.get(LEDGER_URL_ENV)
        if from_env:
            return from_env
        url = self.defaults.ledger_url
        if url is None:
            return f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"
        password = self._ledger_password()
        if password is None:
            return url
        from sqlalchemy.engine import make_url

        return make_url(url).set(password=password).render_as_string(hide_password=False)

    @property
    def ledger_source(self) -> str:
        """Where :attr:`ledger_url` came from, in the words an admin would look for."""
        if os.environ.get(LEDGER_URL_ENV):
            return f"環境変数 {LEDGER_URL_ENV}"
        return "robots.yaml の defaults.ledger_url" if self.defaults.ledger_url else "data_dir の SQLite"

    @property
    def ledger_url_display(self) -> str:
        """The ledger's URL as shown to people and in logs: never with its password."""
        from sqlalchemy.engine import make_url

        from_env = os.environ.get(LEDGER_URL_ENV)
        if from_env:
            from daiko.ledger.db import display_url

            return display_url(from_env)
        url = self.defaults.ledger_url
        if url is None:
            return f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"
        parsed = make_url(url)
        if self.defaults.ledger_password_env or self.defaults.ledger_password_file:
            parsed = parsed.set(password="x")  # shown as *** : a password is in use, never what it is
        return parsed.render_as_string(hide_password=True)

    def _ledger_password(self) -> str | None:
        d = self.defaults
        if d.ledger_password_env:
            value = os.environ.get(d.ledger_password_env)
            if not value:
                raise LedgerSecretMissing(
                    f"台帳データベースのパスワードの環境変数 {d.ledger_password_env} が設定されていません"
                    "（robots.yaml の defaults.ledger_password_env）"
                )
            return value
        if d.ledger_password_file:
            try:
                return d.ledger_password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise LedgerSecretMissing(
                    f"台帳データベースのパスワードファイル {d.ledger_password_file} を読めません: {exc.strerror}"
                ) from None
        return None

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
