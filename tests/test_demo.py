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
