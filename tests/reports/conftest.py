"""A robots.yaml and a ledger with known items, so every figure in the report can be checked by hand.

Week under test: 2026-W47, 令和8年11月16日（月）〜11月22日（日）, in 令和8年度.
Minutes per item are listed next to each item; the tests' expected totals are sums of them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daiko.config import DaikoConfig, load_config
from daiko.ledger import FieldReview, IntakeFile, Ledger, Run, WorkItem

JST = ZoneInfo("Asia/Tokyo")
NAME = "山田太郎"
MYNUMBER = "123456789018"
REVIEWER = "suzuki_hanako"

ROBOTS_YAML = """\
version: 1
defaults:
  timezone: Asia/Tokyo
  data_dir: data
targets:
  keitax:
    name: 軽自動車税システム
    adapter: keitax
    base_url: http://127.0.0.1:8765
    login: rpa01
    password_env: DAIKO_KEITAX_PASSWORD
robots:
  - id: haisha
    name: 軽自動車 廃車登録ロボット
    section: 税務課
    target: keitax
    inbox: inbox/haisha
    baseline_minutes: 6.0
    review_minutes_per_field: 0.5
  - id: survey
    name: アンケート集計ロボット
    section: 企画課
    target: keitax
    inbox: inbox/survey
    baseline_minutes: 2.0
    review_minutes_per_field: 1.0
  - id: jumin
    name: 住民票請求入力ロボット
    section: 市民課
    target: keitax
    inbox: inbox/jumin
    baseline_minutes: 4.0
reports:
  output_dir: reports
  annual_target_hours: {target}
  fiscal_year_start: "04-01"
"""


def jst(text: str) -> dt.datetime:
    """'2026-11-16 10:00' in Japan time, as the aware datetime the ledger stores (in UTC)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=JST)


class LedgerBuilder:
    """Adds IntakeFile + WorkItem (+ FieldReview) rows directly, with the values a test names."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self._n = itertools.count(1)
        with ledger.session() as s:
            trial = Run(robot_id="haisha", trigger="manual", mode="trial", host="pc1", pid=1)
            s.add(trial)
            s.flush()
            self.trial_run_id = trial.id

    def item(
        self,
        robot: str,
        finished: str | None,
        *,
        state: str = "done",
        section: str | None = None,
        file_section: str | None = None,
        review_fields: list[str] | None = None,
        review_seconds: float = 0.0,
        field_seconds: dict[str, float] | None = None,
        handled_manually: bool = False,
        ocr: float = 3.0,
        keying: float = 20.0,
        trial: bool = False,
        personal: bool = False,
    ) -> int:
        n = next(self._n)
        fields = {"plate": {"value": "品川 480 あ 12-34", "confidence": 0.99, "decision": "accept"}}
        if personal:
            fields |= {
                "owner_name": {"value": NAME, "raw": NAME, "confidence": 0.71, "decision": "review", "label": "氏名"},
                "my_number": {"value": MYNUMBER, "confidence": 0.95, "decision": "review", "label": "個人番号"},
            }
        with self.ledger.session() as s:
            file = IntakeFile(
                robot_id=robot,
                section=file_section,
                sha256=f"{n:064d}",
                original_name=f"{NAME}_{MYNUMBER}.pdf" if personal else f"scan_{n}.pdf",
                current_path=f"/data/inbox/{robot}/done/scan_{n}.pdf",
                kind="scan",
                state="done",
            )
            s.add(file)
            s.flush()
            item = WorkItem(
                robot_id=robot,
                section=section,
                file_id=file.id,
                part=1,
                form="keitax_haisha" if robot == "haisha" else "survey_2026",
                reference=f"受付-{NAME}" if personal else f"R-{n:04d}",
                state=state,
                fields=fields,
                review_fields=review_fields or [],
                reason=f"{NAME} 様の申請（{MYNUMBER}）" if personal else None,
                run_id=self.trial_run_id if trial else None,
                ocr_seconds=ocr,
                keying_seconds=keying,
                review_seconds=review_seconds,
                handled_manually=handled_manually,
                created_at=jst("2026-11-16 08:30") if finished else jst("2026-11-20 09:00"),
                finished_at=jst(finished) if finished else None,
            )
            s.add(item)
            s.flush()
            for name, seconds in (field_seconds or {}).items():
                s.add(
                    FieldReview(
                        item_id=item.id,
                        field=name,
                        reviewer=REVIEWER,
                        before=NAME if personal else "x",
                        after=f"{NAME} {MYNUMBER}" if personal else "y",
                        seconds=seconds,
                    )
                )
            return item.id


def write_config(tmp_path: Path, target: float = 1000) -> Path:
    path = tmp_path / "robots.yaml"
    path.write_text(ROBOTS_YAML.format(target=target), encoding="utf-8")
    return path


@pytest.fixture()
def personal_values() -> tuple[str, ...]:
    """Strings that are in the ledger and must never be in a report."""
    return (NAME, MYNUMBER, REVIEWER, f"受付-{NAME}", "品川 480")


@pytest.fixture()
def make_week(tmp_path_factory: pytest.TempPathFactory) -> Callable[[float], tuple[DaikoConfig, Ledger]]:
    """A fresh robots.yaml (with the given 年度 target) and ledger holding :func:`populate_week`."""

    def make(target: float) -> tuple[DaikoConfig, Ledger]:
        cfg = load_config(write_config(tmp_path_factory.mktemp("week"), target=target))
        ledger = Ledger(cfg.ledger_url)
        populate_week(ledger)
        return cfg, ledger

    return make


@pytest.fixture()
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture()
def cfg(config_path: Path) -> DaikoConfig:
    return load_config(config_path)


@pytest.fixture()
def ledger(cfg: DaikoConfig) -> Ledger:
    return Ledger(cfg.ledger_url)


@pytest.fixture()
def week_items(ledger: Ledger) -> dict[str, int]:
    """Item ids of :func:`populate_week` by name; the ledger fixture now holds them."""
    return populate_week(ledger)


def populate_week(ledger: Ledger) -> dict[str, int]:
    """The items of 2026-W47 (and some that must stay out of it). Net minutes in the comments."""
    b = LedgerBuilder(ledger)
    ids = {}
    # haisha (B = 6.0 min, 0.5 min per field): net 26.0 min in the week
    ids["plain"] = b.item("haisha", "2026-11-16 10:00", personal=True)  # robot, no review: +6.0
    ids["measured_fields"] = b.item(  # robot, measured per field 30+30 s; 課 from the file's folder: +5.0
        "haisha", "2026-11-17 11:00", file_section="市民課", review_fields=["a", "b"], field_seconds={"a": 30, "b": 30}
    )
    ids["estimated"] = b.item("haisha", "2026-11-18 14:00", review_fields=["a", "b", "c"])  # 3×0.5 min: +4.5
    ids["failed"] = b.item(  # failed, done by hand; 90 s checked before: −1.5 (staff 6 + 1.5)
        "haisha", "2026-11-19 09:00", state="failed", handled_manually=True, review_fields=["a"], review_seconds=90
    )
    ids["sunday_late"] = b.item("haisha", "2026-11-22 23:59")  # last minute of Sunday JST: +6.0
    ids["monday_early"] = b.item("haisha", "2026-11-16 00:30")  # = Sunday 15:30 UTC, still this week: +6.0
    ids["next_week"] = b.item("haisha", "2026-11-23 00:01")  # Monday after: out
    ids["unfinished"] = b.item("haisha", None, state="review", review_fields=["a"])  # not finished: out
    ids["trial"] = b.item("haisha", "2026-11-17 12:00", trial=True)  # 試行: out
    ids["unknown_robot"] = b.item("oldbot", "2026-11-17 12:00")  # not in robots.yaml: out
    ids["fy_first"] = b.item("haisha", "2026-04-01 00:10")  # first minute of 令和8年度: +6.0 (年度 only)
    ids["fy_before"] = b.item("haisha", "2026-03-31 23:50")  # 令和7年度 (both are 31 March in UTC)
    # survey (B = 2.0 min, 1.0 min per field): net −4.0 min — it costs more checking than it saves
    ids["survey_measured"] = b.item(  # item 180 s vs per-field 60+60 s → max = 3 min: −1.0
        "survey", "2026-11-18 10:00", review_fields=["q1", "q2"], review_seconds=180, field_seconds={"q1": 60, "q2": 60}
    )
    ids["survey_rejected"] = b.item(  # rejected after 60 s: −1.0 (no baseline: nothing was keyed)
        "survey", "2026-11-18 10:05", state="rejected", review_seconds=60, review_fields=["q1"]
    )
    ids["survey_estimated"] = b.item("survey", "2026-11-19 16:00", review_fields=["q1", "q2", "q3", "q4"])  # −2.0
    return ids
