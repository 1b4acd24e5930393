"""`daiko report` and the scheduler's weekly job: which week, where the files go, what is printed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.config import DaikoConfig
from daiko.ledger import Event, Ledger
from daiko.reports import report_command, weekly_report_job

pytestmark = pytest.mark.both_ledgers


def test_json_headline_figures(cfg: DaikoConfig, week_items, capsys):
    assert report_command(cfg, week="2026-W47", as_json=True) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["period"] == {
        "from": "2026-11-16",
        "to": "2026-11-22",
        "week": "2026-W47",
        "label": "令和8年11月16日（月）〜11月22日（日）",
    }
    assert figures["fiscal_year"]["label"] == "令和8年度"
    assert figures["net_hours"] == pytest.approx(0.37)
    assert (figures["items"], figures["failed"], figures["rejected"]) == (9, 1, 1)
    assert figures["ytd_net_hours"] == pytest.approx(0.47)
    assert figures["annual_target_hours"] == 1000
    assert figures["pace_hours"] == pytest.approx(round(1000 * 157 / 241, 2))
    assert figures["mark"] == "×" and figures["mark_meaning"] == "未達成"
    assert figures["headline"] == "今週の削減時間 0.4 時間（年度累計 0.5 / 1,000 時間, ペース比 0% ×）"
    workbook = cfg.reports_dir / "削減効果_2026-W47.xlsx"
    assert figures["workbook"] == str(workbook) and workbook.exists()
    assert figures["csv"] == str(workbook.with_suffix(".csv")) and workbook.with_suffix(".csv").exists()


def test_default_is_last_complete_week_and_prints_path_and_headline(cfg: DaikoConfig, week_items, capsys):
    assert report_command(cfg, today=dt.date(2026, 11, 25)) == 0
    out = capsys.readouterr().out
    assert str(cfg.reports_dir / "削減効果_2026-W47.xlsx") in out
    assert str(cfg.reports_dir / "削減効果_2026-W47.csv") in out
    assert "今週の削減時間 0.4 時間（年度累計 0.5 / 1,000 時間, ペース比 0% ×）" in out


def test_free_range_and_out_path(cfg: DaikoConfig, week_items, tmp_path: Path, capsys):
    assert report_command(cfg, date_from="2026-11-01", date_to="2026-11-30") == 0
    assert (cfg.reports_dir / "削減効果_2026-11-01_2026-11-30.xlsx").exists()
    assert "期間の削減時間" in capsys.readouterr().out
    target = tmp_path / "meeting" / "資料.xlsx"
    assert report_command(cfg, week="2026-W47", out=target) == 0
    assert target.exists() and target.with_suffix(".csv").exists()
    folder = tmp_path / "folder"
    folder.mkdir()
    assert report_command(cfg, week="2026-W47", out=folder) == 0
    assert (folder / "削減効果_2026-W47.xlsx").exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"week": "2026-W47", "date_from": "2026-11-01"}, "どちらか一方だけ"),
        ({"date_from": "2026-11-01"}, "--from と --to を両方"),
        ({"week": "2026-47"}, "2026-W47"),
        ({"date_from": "2026/11/01", "date_to": "2026-11-30"}, "YYYY-MM-DD"),
    ],
)
def test_bad_options_exit_2_with_a_fix(cfg: DaikoConfig, capsys, options, message):
    assert report_command(cfg, **options) == 2
    assert message in capsys.readouterr().err
    assert not cfg.reports_dir.exists()


def test_file_open_in_excel_exits_1(cfg: DaikoConfig, week_items, monkeypatch, capsys):
    def locked(*_args, **_kw):
        raise PermissionError(13, "Permission denied", "削減効果_2026-W47.xlsx")

    monkeypatch.setattr("daiko.reports.output.write_workbook", locked)
    assert report_command(cfg, week="2026-W47") == 1
    assert "Excel で開いていれば閉じて" in capsys.readouterr().err


def test_scheduler_finds_the_job_where_it_imports_it():
    from daiko.reports.command import weekly_report_job as job  # schedules/jobs.py imports it from here

    assert job is weekly_report_job


def test_weekly_job_writes_last_week_and_records_it(config_path: Path, cfg: DaikoConfig, ledger: Ledger, week_items):
    path = weekly_report_job(config_path, today=dt.date(2026, 11, 23))
    assert path == cfg.reports_dir / "削減効果_2026-W47.xlsx"
    assert path.exists() and path.with_suffix(".csv").exists()
    with ledger.session() as s:
        event = s.scalars(select(Event).where(Event.kind == "report_written")).one()
    assert "2026-W47" in event.message and event.data["mark"] == "×"
