"""One bad file never stops the robot: long names, links, nested folders, empty and unfinished files.

Real files in a real inbox, the real runner and reader (OCR included where a scan is read); no
browser is needed, as nothing here reaches keying.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.ledger import Event, FileState, IntakeFile, ItemState, Ledger, WorkItem
from daiko.log import MYNUMBER_RE
from daiko.robots import intake
from daiko.robots.runner import run_robot
from tests.privacy import looks_like_mynumber
from tests.robots.conftest import make_config

LONG_NAME = "い" * 81 + ".jpg"  # 247 bytes: fits, but "<name>.reason.txt" (258) does not
BROKEN_JPEG = b"\xff\xd8\xff\xe0 this is not a picture \xff\xd9"
HOUR = 3600.0


def put(folder: Path, name: str, data: bytes, *, age: float = HOUR) -> Path:
    """A file dropped ``age`` seconds ago (an hour: settled, and past any wait for unfinished files)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def inbox(cfg) -> Path:
    return cfg.inbox(cfg.robots[0])


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


def rows(ledger: Ledger) -> list[IntakeFile]:
    with ledger.session() as s:
        return list(s.scalars(select(IntakeFile).order_by(IntakeFile.id)))


def events(ledger: Ledger, kind: str) -> list[Event]:
    with ledger.session() as s:
        return list(s.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def jlis_csv(*rows: list[str]) -> bytes:
    from daiko.forms.jlis import ENCODING, HEADER

    lines = [",".join(HEADER), *(",".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


BAD_ROW = ["1", "112097", "R08-00001", "20261101", "", "", "ホンダ", "軽二輪", "20261030", "1", "解体", "", ""]


# -- a name too long for its reason file ------------------------------------------------------------
def test_a_broken_file_with_a_247_byte_name_fails_with_a_reason_that_fits_and_runs_go_on(cfg, ledger):
    assert len(LONG_NAME.encode()) == 247
    put(inbox(cfg), LONG_NAME, BROKEN_JPEG)
    put(inbox(cfg), "short.jpg", BROKEN_JPEG + b"another")

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)  # must not raise

    assert summary.ok and summary.failed == 2
    failed = inbox(cfg) / "failed"
    reasons = [p for p in failed.iterdir() if p.name.endswith(".reason.txt")]
    assert {p.name for p in failed.iterdir() if not p.name.endswith(".reason.txt")} == {LONG_NAME, "short.jpg"}
    (long_reason,) = [p for p in reasons if p.name.startswith("い")]
    assert len(long_reason.name.encode()) <= 255
    assert long_reason.name.startswith("い" * 40) and long_reason.name.endswith(".jpg.reason.txt")
    assert re.search(r"…[0-9a-f]{8}\.jpg\.reason\.txt$", long_reason.name)  # shortened, recognisably
    assert long_reason == intake.reason_path(failed / LONG_NAME)
    assert "1ページ目" in long_reason.read_text(encoding="utf-8")
    by_name = {r.original_name: r for r in rows(ledger)}
    assert by_name[LONG_NAME].state == FileState.FAILED and by_name[LONG_NAME].moving_from is None
    assert Path(by_name[LONG_NAME].current_path) == failed / LONG_NAME

    # The next runs (a restart is a new runner on the same ledger) go on and take new files.
    again = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)
    assert again.ok and again.failed == 0
    put(inbox(cfg), "later.csv", jlis_csv(BAD_ROW))
    third = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)
    assert third.files_taken == 1 and {r.original_name: r.state for r in rows(ledger)}["later.csv"] == "failed"


def test_names_are_fitted_to_255_bytes_everywhere():
    name = "申請書" * 40 + ".pdf"  # 364 bytes
    fitted = intake.fit_name(name)
    assert len(fitted.encode()) <= 255 and fitted.startswith("申請書申請書") and fitted.endswith(".pdf")
    assert intake.fit_name(name) == fitted and intake.fit_name(name + "x") != fitted  # stable, distinct
    assert len(intake.reason_path(Path("/x") / fitted).name.encode()) <= 255
    assert intake.fit_name("short.pdf") == "short.pdf"


# -- links ------------------------------------------------------------------------------------------
def test_a_link_in_the_inbox_is_refused_and_nothing_behind_it_is_touched(cfg, ledger, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"  # someone's own folder, outside the inbox
    precious = {name: put(elsewhere, name, f"{name} data".encode()) for name in ("a.pdf", "b.csv")}
    lone = put(tmp_path / "lone", "c.pdf", b"%PDF-1.4\n%%EOF\n")
    root = inbox(cfg)
    root.mkdir(parents=True, exist_ok=True)
    (root / "税務課").symlink_to(elsewhere, target_is_directory=True)  # looks like a 課 folder
    (root / "link.pdf").symlink_to(lone)
    put(root / "市民課", "x.pdf", b"%PDF-1.4\n%%EOF\n")
    (root / "市民課" / "inner-link").symlink_to(elsewhere, target_is_directory=True)

    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)

    assert summary.ok
    for name, path in precious.items():  # still there, whole
        assert path.read_bytes() == f"{name} data".encode()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["a.pdf", "b.csv"] and lone.exists()
    failed = root / "failed"
    assert (failed / "税務課").is_symlink() and (failed / "link.pdf").is_symlink()
    assert (failed / "市民課" / "inner-link").is_symlink()
    for link in (failed / "税務課", failed / "link.pdf", failed / "市民課" / "inner-link"):
        reason = intake.reason_path(link).read_text(encoding="utf-8")
        assert "リンク" in reason and "触れていません" in reason
    refused = events(ledger, "file_refused")
    assert sorted(e.data["code"] for e in refused) == ["symlink"] * 3
    assert [r.original_name for r in rows(ledger)] == ["x.pdf"]  # the real file beside them was taken


# -- nested folders and empty files -----------------------------------------------------------------
def test_files_in_nested_folders_are_taken_with_their_section(cfg, ledger):
    root = inbox(cfg)
    put(root / "税務課" / "2026-11" / "30", "deep.csv", jlis_csv(BAD_ROW))
    put(root / "税務課" / "2026-11", "mid.csv", jlis_csv([*BAD_ROW[:2], "R08-00002", *BAD_ROW[3:]]))
    taken = intake.take_in(ledger, cfg, cfg.robots[0])
    assert sorted((r.original_name, r.section) for r in taken) == [("deep.csv", "税務課"), ("mid.csv", "税務課")]
    assert sorted(tree(root / "processing")) == ["税務課/deep.csv", "税務課/mid.csv"]
    assert "（税務課/2026-11/30/ から）" in " ".join(e.message for e in events(ledger, "file_received"))


def test_each_empty_file_fails_as_empty_never_as_a_duplicate(cfg, ledger):
    root = inbox(cfg)
    for name in ("first.pdf", "second.pdf", "third.jpg"):
        put(root, name, b"")
    put(root, "fresh.pdf", b"", age=10)  # a 複合機 may create the file before it writes: waited for
    intake.take_in(ledger, cfg, cfg.robots[0])
    failed = root / "failed"
    for name in ("first.pdf", "second.pdf", "third.jpg"):
        reason = intake.reason_path(failed / name).read_text(encoding="utf-8")
        assert "空のファイル" in reason and "受け付け済み" not in reason
    assert (root / "fresh.pdf").exists()
    assert events(ledger, "file_duplicate") == [] and rows(ledger) == []
    assert [e.data["code"] for e in events(ledger, "file_refused")] == ["empty"] * 3


# -- unfinished files --------------------------------------------------------------------------------
def test_a_scan_whose_writer_paused_is_not_taken_until_its_end_arrives(cfg, ledger):
    """A 複合機 over a slow network: half a PDF, then nothing for longer than the settle time."""
    whole = _pdf_page()
    half = put(inbox(cfg), "multi.pdf", whole[: len(whole) // 2], age=60)  # quiet for a minute
    assert intake.take_in(ledger, cfg, cfg.robots[0]) == [] and half.exists()
    assert intake.assess(half, settle_seconds=5).action == "wait"
    with half.open("ab") as fh:  # the rest arrives
        fh.write(whole[len(whole) // 2 :])
    stamp = time.time() - 60
    os.utime(half, (stamp, stamp))
    (row,) = intake.take_in(ledger, cfg, cfg.robots[0])
    assert row.size_bytes == len(whole) and Path(row.current_path).read_bytes() == whole


def test_a_scan_cut_off_for_good_is_failed_after_the_wait_with_a_reason(cfg, ledger):
    whole = _pdf_page()
    put(inbox(cfg), "cut.pdf", whole[: len(whole) // 2], age=11 * 60)  # past the 10-minute wait
    summary = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)
    assert summary.failed == 1
    assert (inbox(cfg) / "failed" / "cut.pdf.reason.txt").exists()


def test_a_young_scan_that_cannot_be_read_yet_is_read_again_not_failed(cfg, ledger):
    """Taken while its writer paused (its format has no end marker): read again once it has grown."""
    from daiko.forms.synth import make_page, save_pages

    page = make_page("keitax_haisha", seed=7, kind="printed")
    whole_path = save_pages([page.image], Path(str(inbox(cfg)) + "-whole") / "scan.tif", dpi=page.dpi)
    whole = whole_path.read_bytes()
    put(inbox(cfg), "scan.tif", whole[: len(whole) // 3], age=0)  # written just now, cut off

    first = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)
    assert first.failed == 0 and first.read_later == 1
    (row,) = rows(ledger)
    assert row.state == FileState.PROCESSING and row.retry_at is not None
    assert intake.due_for_reading(ledger, "haisha") == 1  # the service starts a run for it
    assert [e.level for e in events(ledger, "file_read_later")] == ["INFO"]
    assert not (inbox(cfg) / "failed").joinpath("scan.tif").exists()

    with open(row.current_path, "ab") as fh:  # the writer's open handle: the moved file grows
        fh.write(whole[len(whole) // 3 :])
    second = run_robot(cfg, "haisha", trigger="test", settle_seconds=0, keying=False)

    assert second.failed == 0
    (row,) = rows(ledger)
    assert row.size_bytes == len(whole) and row.state != FileState.FAILED
    with ledger.session() as s:
        (item,) = s.scalars(select(WorkItem)).all()
    assert item.state in (ItemState.READY, ItemState.REVIEW) and item.form == "keitax_haisha"


def _pdf_page() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, "PDF")
    data = buf.getvalue()
    assert data.rstrip().endswith(b"%%EOF")
    return data


# -- マイナンバー-like digits in file names ---------------------------------------------------------
@pytest.mark.parametrize("digits", ["123456789012", "1234 5678 9012"])
def test_twelve_digits_in_a_file_name_are_masked_everywhere(tmp_path: Path, digits: str):
    cfg = make_config(tmp_path)
    root = inbox(cfg)
    put(root, f"申請_{digits}.csv", jlis_csv(BAD_ROW))  # read: its row is bad → failed/ with a reason
    put(root, f"メモ_{digits}.txt", b"not a scan")  # wrong kind → failed/ with a reason
    put(root, f"写し_{digits}.csv", jlis_csv(BAD_ROW))  # the same content again → duplicate
    proc = subprocess.run(
        [sys.executable, "-m", "daiko.cli", "run", "haisha", "--config", str(tmp_path / "robots.yaml"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "DAIKO_TEST_KEITAX_PASSWORD"},
    )
    summary = json.loads(proc.stdout)
    assert summary["files_taken"] == 2, proc.stderr
    assert not MYNUMBER_RE.search(proc.stdout + proc.stderr), proc.stdout
    assert any("[個人情報]" in name for name in summary["files"])
    for path in root.rglob("*"):  # names on disk, and every reason file's text
        assert not MYNUMBER_RE.search(path.name), path
        if path.name.endswith(".reason.txt"):
            assert not MYNUMBER_RE.search(path.read_text(encoding="utf-8")), path
    assert len([p for p in root.rglob("*.reason.txt")]) == 3
    _assert_no_mynumber_in_any_table(Ledger(cfg.ledger_url))


def _assert_no_mynumber_in_any_table(ledger: Ledger) -> None:
    from sqlalchemy import inspect, text

    with ledger.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    assert not looks_like_mynumber(value), (table, value)


# -- a crash between "recorded" and "moved" -----------------------------------------------------------
def test_a_move_recorded_but_not_made_is_finished_by_the_next_run(cfg, ledger):
    """The state a SIGKILL leaves right after the ledger committed a move: the next start finishes it."""
    root = inbox(cfg)
    put(root, "taken.pdf", b"%PDF-1.4 taken\n%%EOF\n")
    (row,) = intake.take_in(ledger, cfg, cfg.robots[0])
    processing = root / "processing" / "taken.pdf"
    with ledger.session() as s:  # killed between the commit of "failed, at failed/…" and the move
        r = s.get(IntakeFile, row.id)
        r.state, r.reason = FileState.FAILED, "1ページ目: 車両が見つかりません"
        r.moving_from, r.current_path = str(processing), str(root / "failed" / "taken.pdf")
    put(root, "dropped.pdf", b"%PDF-1.4 dropped\n%%EOF\n")
    with ledger.session() as s:  # killed in take_in: registered as in processing/, still in the inbox
        s.add(
            IntakeFile(
                robot_id="haisha", sha256="0" * 64, original_name="dropped.pdf", kind="scan",
                current_path=str(root / "processing" / "dropped.pdf"), moving_from=str(root / "dropped.pdf"),
            )
        )  # fmt: skip

    intake.recover(ledger, cfg, cfg.robots[0])

    assert tree(root) == [
        "failed/taken.pdf",
        "failed/taken.pdf.reason.txt",
        "processing/dropped.pdf",
    ]
    assert "車両が見つかりません" in (root / "failed" / "taken.pdf.reason.txt").read_text(encoding="utf-8")
    assert all(r.moving_from is None for r in rows(ledger))
    assert len(rows(ledger)) == 2  # nothing registered twice


def test_a_second_decision_on_a_file_whose_move_is_pending_moves_it_once(cfg, ledger):
    root = inbox(cfg)
    put(root, "two.pdf", b"%PDF-1.4 two\n%%EOF\n")
    (row,) = intake.take_in(ledger, cfg, cfg.robots[0])
    with ledger.session() as s:
        s.add(WorkItem(robot_id="haisha", file_id=row.id, part=1, state=ItemState.REVIEW))
        r = s.get(IntakeFile, row.id)  # the robot recorded "to review/" and has not moved it yet …
        r.state, r.moving_from, r.current_path = FileState.REVIEW, r.current_path, str(root / "review" / "two.pdf")
    with ledger.session() as s:  # … when a clerk rejects the page in the console
        s.scalars(select(WorkItem)).one().state = ItemState.REJECTED
    assert intake.sync_file(ledger, row.id) == FileState.FAILED
    assert intake.complete_move(ledger, row.id)  # the robot resumes: nothing left to do
    assert tree(root) == ["failed/two.pdf", "failed/two.pdf.reason.txt"]
    (final,) = rows(ledger)
    assert final.state == FileState.FAILED and final.moving_from is None
    assert Path(final.current_path) == root / "failed" / "two.pdf"
