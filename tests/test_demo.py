"""`make demo` is the product's front door: the whole path must keep working end to end."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from rich.console import Console

from daiko.cli.demo import run_demo


def test_demo_runs_end_to_end(tmp_path: Path):
    """Both robots: the web 廃車登録 and the desktop 口座振替登録 (its client started by the robot
    from robots.yaml's command, on the test session's Xvfb)."""
    out = Console(record=True, width=200)
    assert run_demo(tmp_path / "demo", n_scans=3, console=out) == 0
    text = out.export_text()
    data = tmp_path / "demo" / "data"
    inbox = data / "inbox" / "haisha"

    # every dropped file is in exactly one visible folder; the duplicate is refused with a reason
    placed = sorted(
        p.relative_to(inbox).parts[0] for p in inbox.rglob("*") if p.is_file() and not p.name.endswith(".txt")
    )
    assert len(placed) == 5 and set(placed) <= {"done", "review", "failed"}
    assert "受け付け済み" in (inbox / "failed" / "scan_duplicate.pdf.reason.txt").read_text(encoding="utf-8")
    assert "done" in placed

    # the J-LIS CSV was keyed, its bad line explained
    csv_reason = next((inbox / "failed").glob("jlis_*.csv.reason.txt")).read_text(encoding="utf-8")
    assert "入力済み" in csv_reason and "車両番号" in csv_reason
    assert "エラー 1 件" in text  # the run's summary counts the bad line that put the CSV in failed/

    # evidence, 突合 list and report exist and say what happened
    assert list((data / "evidence" / "haisha").rglob("*.pdf"))
    book = openpyxl.load_workbook(next((data / "reconcile").glob("突合_haisha_*.xlsx")))
    verdicts = [row[0].value for row in book.active.iter_rows(min_row=5)]
    assert verdicts and set(verdicts) == {"一致"}
    assert next((data / "reports").glob("*.xlsx")).exists()
    assert "今週の削減時間" in text and "突合リスト" in text

    # `make report-pdf` right after the demo reports the demo's week from the demo's data
    from daiko.cli.report_pdf import choose
    from daiko.ledger import Ledger
    from daiko.reports import build_report
    from daiko.robots.config import load_runtime_config

    choice = choose(None, None, demo_dir=tmp_path / "demo")
    assert choice.config == (tmp_path / "demo" / "robots.yaml").resolve()
    assert "make demo のデータ" in choice.why and choice.period.label in choice.why
    cfg = load_runtime_config(choice.config, setup_logs=False)
    report = build_report(cfg, Ledger(cfg.ledger_url), choice.period)
    assert report.totals.items >= 1  # not the empty report of ./robots.yaml's last week
    # without a demo (or with CONFIG= / WEEK= given) it is ./robots.yaml and last week, and it says so
    plain = choose(None, None, demo_dir=tmp_path / "no-demo")
    assert plain.config.name == "robots.yaml" and "先週" in plain.why
    assert "2026-W47 の週" in choose(None, "2026-W47", demo_dir=tmp_path / "demo").why
    # the desktop robot: its client started by robots.yaml's command, keyed, 突合 all 一致
    kouza = data / "inbox" / "kouza"
    placed = {p.relative_to(kouza).parts[0] for p in kouza.rglob("*") if p.is_file() and not p.name.endswith(".txt")}
    assert placed <= {"done", "review", "failed"} and placed
    book = openpyxl.load_workbook(next((data / "reconcile").glob("突合_kouza_*.xlsx")))
    verdicts = [row[0].value for row in book.active.iter_rows(min_row=5)]
    assert verdicts and set(verdicts) == {"一致"}
    screenshot = tmp_path / "demo" / "収納管理システム_登録完了.png"
    assert screenshot.exists()  # the desktop mock as the robot saw it
    assert "RPA活用業務数 2" in text  # the weekly report counts both robots
