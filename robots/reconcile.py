"""突合: compare what the robot says it keyed with what the core system's EUC extract holds.

This is the staff's step 4 (seed 004, lines 275-283): instead of checking a printout, they
get a list where every item is marked 一致 (matched), 不一致 (mismatched, with the columns
that differ), 未登録 (the robot recorded it as done but the system has no such record) or
システムのみ (in the extract, but not keyed by this robot: keyed by hand or by someone else).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from daiko.labels import choice_label
from daiko.ledger import ItemState, Ledger, WorkItem
from daiko.wareki import wareki_range, wareki_text

MATCHED, MISMATCHED, MISSING, SYSTEM_ONLY = "一致", "不一致", "未登録", "システムのみ"
FILLS = {
    MATCHED: PatternFill("solid", fgColor="E2F0D9"),
    MISMATCHED: PatternFill("solid", fgColor="FCE4D6"),
    MISSING: PatternFill("solid", fgColor="F8CBAD"),
    SYSTEM_ONLY: PatternFill("solid", fgColor="FFF2CC"),
}


@dataclass
class Line:
    verdict: str
    reference: str
    expected: dict[str, str]
    actual: dict[str, str]
    differences: list[str] = field(default_factory=list)
    item_id: int | None = None


def reconcile(expected: dict[str, tuple[int | None, dict[str, str]]], extract_rows: list[dict[str, str]]) -> list[Line]:
    """``expected``: reference → (item id, {field: value keyed}); ``extract_rows`` as the
    adapter's ``parse_extract`` gives them (same field names, same notation)."""
    actual = {row.get("reference", ""): row for row in extract_rows}
    lines = []
    for reference, (item_id, want) in sorted(expected.items()):
        row = actual.get(reference)
        if row is None:
            lines.append(Line(MISSING, reference, want, {}, item_id=item_id))
            continue
        have = {col: (row.get(col) or "").strip() for col in want}
        diffs = [col for col, value in want.items() if _norm(value) != _norm(have[col])]
        lines.append(Line(MISMATCHED if diffs else MATCHED, reference, want, have, diffs, item_id))
    for reference, row in sorted(actual.items()):
        if reference not in expected:
            lines.append(Line(SYSTEM_ONLY, reference, {}, dict(row)))
    return lines


def _norm(value: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", value or "").split())


def expected_from_ledger(ledger: Ledger, robot_id: str, task, since: dt.datetime | None = None):
    with ledger.session() as s:
        query = select(WorkItem).where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.DONE)
        if since is not None:
            query = query.where(WorkItem.finished_at >= since)
        items = s.scalars(query).all()
    expected = {}
    for item in items:
        reference = task.reference_of(item.fields)
        if reference:
            expected[reference] = (item.id, task.reconcile_fields(item.fields))
    return expected


def shown(value: str | None, *, form: str | None = None, field: str | None = None) -> str:
    """A compared value as staff read it on the 突合 list: 和暦 for dates (the paper's and the
    system's notation), the form's Japanese label for a choice key ("scrap" → 解体). The comparison
    itself is done on the stored values; this only writes them for people."""
    text = (value or "").strip()
    if not text:
        return ""
    dated = wareki_text(text)
    if dated != text:
        return dated
    if text.isascii() and text.replace("_", "").replace(",", "").isalpha():
        return choice_label(form, field, text)
    return text


def write_workbook(
    lines: list[Line], path: Path, *, title: str, labels: dict[str, str], form: str | None = None
) -> Path:
    """One row per item; ``labels`` maps the compared fields to their Japanese column names."""
    columns = list(labels)
    wb = Workbook()
    ws = wb.active
    ws.title = "突合結果"
    counts = {v: sum(1 for ln in lines if ln.verdict == v) for v in (MATCHED, MISMATCHED, MISSING, SYSTEM_ONLY)}
    ws.append([title])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append(["、".join(f"{k} {v} 件" for k, v in counts.items())])
    ws.append([])
    header = ["判定", "受付番号", "差異のある項目", "明細ID"]
    for col in columns:
        header += [f"{labels[col]}（入力）", f"{labels[col]}（システム）"]
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for line in lines:
        row = [line.verdict, line.reference, "、".join(labels[d] for d in line.differences), line.item_id]
        for col in columns:
            row += [
                shown(line.expected.get(col), form=form, field=col),
                shown(line.actual.get(col), form=form, field=col),
            ]
        ws.append(row)
        ws.cell(ws.max_row, 1).fill = FILLS[line.verdict]
        for col in line.differences:
            idx = 5 + columns.index(col) * 2
            ws.cell(ws.max_row, idx + 1).fill = FILLS[MISMATCHED]
    for i, width in enumerate([12, 18, 24, 8] + [16] * (2 * len(columns)), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(header))}{ws.max_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "4:4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def run_reconcile(
    cfg, robot_id: str, date_from: dt.date, date_to: dt.date, out: Path | None = None
) -> tuple[Path, list[Line]]:
    """Pull the target system's extract for the dates and write the 突合 workbook."""
    from daiko.robots.adapters import adapter_class
    from daiko.robots.drivers.browser import browser_session
    from daiko.robots.secrets import password_for
    from daiko.robots.tasks import task_for

    robot = cfg.robot(robot_id)
    if robot.target is None:
        raise ValueError(f"robot '{robot_id}' keys into no core system; there is nothing to 突合 (reconcile)")
    target = cfg.targets[robot.target]
    task = task_for(robot)
    cls = adapter_class(target.adapter)
    with browser_session(trace=False) as browser:
        adapter = cls(
            browser.page, target.base_url or "", target.login, password_for(target), cfg.data_dir / "evidence",
            timeout_s=target.timeout_seconds,
        )  # fmt: skip
        data = adapter.export_extract(date_from, date_to)
    ledger = Ledger(cfg.ledger_url)
    tz = zoneinfo.ZoneInfo(cfg.defaults.timezone)  # the city hall's day, not the host's
    since = dt.datetime.combine(date_from, dt.time(0, 0), tzinfo=tz)
    expected = expected_from_ledger(ledger, robot_id, task, since=since)
    lines = reconcile(expected, cls.parse_extract(data))
    out = out or cfg.data_dir / "reconcile" / f"突合_{robot_id}_{date_from:%Y%m%d}_{date_to:%Y%m%d}.xlsx"
    title = f"{robot.name} 突合結果（{target.name} EUCデータ {wareki_range(date_from, date_to, weekday=False)}）"
    write_workbook(lines, out, title=title, labels=task.reconcile_labels, form=(task.forms or (None,))[0])
    ledger.event(
        "reconciled",
        f"突合 {robot_id}: " + "、".join(f"{v} {sum(ln.verdict == v for ln in lines)}" for v in FILLS),
        robot_id=robot_id,
    )
    return out, lines
