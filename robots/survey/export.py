"""Writing a survey's tally: the workbook, the 集計 CSV and the 回答データ CSV for statistics software.

Files go to ``<reports>/surveys/<survey>/``; each is written beside its final name and renamed
over it, so the 課 never opens a half-written workbook, and one left open in Excel (locked on
Windows) makes this run fail with PermissionError (the robot records it and retries next run).

CSVs are UTF-8 with a BOM (Japanese Excel reads BOM-less UTF-8 as Shift_JIS):
- ``<survey>_集計.csv`` — long format, one line per (question table, 区分, choice): 件数, n, %;
- ``<survey>_回答データ.csv`` — one line per response, coded for SPSS/R/Excel: 単一回答 and each
  rank and matrix item as the choice number, 複数回答 as one 0/1 column per choice; an empty cell
  is 無回答 (無効 included), ``NA`` is 非該当 (a conditional question not asked). Free text is not
  in it (it is in the workbook's 自由記述, masked). No 整理番号: a sequential 回答No only.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from daiko.config import DaikoConfig
from daiko.forms.survey import SurveyDefinition
from daiko.ledger import ItemState, Ledger, WorkItem
from daiko.robots.survey.rules import condition_met, keys_of
from daiko.robots.survey.store import load_responses
from daiko.robots.survey.tally import ALL, BY_METHOD, Tally, build_tally
from daiko.robots.survey.workbook import write_workbook


@dataclass(frozen=True)
class OutputFiles:
    workbook: Path
    tally_csv: Path
    data_csv: Path


@dataclass(frozen=True)
class Written:
    files: OutputFiles
    tally: Tally
    pending: int
    duplicates: int


def output_paths(cfg: DaikoConfig, survey: SurveyDefinition, out_dir: Path | None = None) -> OutputFiles:
    folder = out_dir or cfg.reports_dir / "surveys" / survey.name
    return OutputFiles(
        folder / f"{survey.name}_集計.xlsx",
        folder / f"{survey.name}_集計.csv",
        folder / f"{survey.name}_回答データ.csv",
    )


def ledger_counts(ledger: Ledger, survey: SurveyDefinition) -> tuple[int, int]:
    """(items of this survey waiting for a person or the robot, items rejected as duplicates)."""
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.state, WorkItem.error_code, func.count())
            .where(WorkItem.form.in_(survey.pages))
            .group_by(WorkItem.state, WorkItem.error_code)
        ).all()
    waiting = sum(n for state, _, n in rows if state in (ItemState.NEW, ItemState.REVIEW, ItemState.READY))
    duplicates = sum(n for state, code, n in rows if state == ItemState.REJECTED and code == "duplicate")
    return waiting, duplicates


def write_outputs(cfg: DaikoConfig, ledger: Ledger, survey: SurveyDefinition, out_dir: Path | None = None) -> Written:
    files = output_paths(cfg, survey, out_dir)
    tally = build_tally(survey, load_responses(ledger, survey.name))
    pending, duplicates = ledger_counts(ledger, survey)
    _atomic(
        files.workbook,
        lambda p: write_workbook(tally, p, tz=cfg.defaults.timezone, pending=pending, duplicates=duplicates),
    )
    _atomic(files.tally_csv, lambda p: write_tally_csv(tally, p))
    _atomic(files.data_csv, lambda p: write_data_csv(tally, p))
    return Written(files, tally, pending, duplicates)


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


def write_tally_csv(tally: Tally, path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["設問ID", "設問", "表", "区分", "選択肢", "件数", "回答者数（n）", "割合（%）"])
        for qt in tally.questions:
            q = qt.question
            for i, table in enumerate(qt.tables):
                blocks = [(ALL, table)] + [(BY_METHOD[m], qt.by_method[m][i]) for m in BY_METHOD]
                for group in tally.survey.groups:
                    for split in (qt.crosstabs.get(group.id) or [[]] * (i + 1))[i][1:]:
                        blocks.append((f"{group.title}:{split.label}", split.table))
                for label, t in blocks:
                    for row in t.rows:
                        pct = "" if row.percent is None else f"{row.percent}"
                        w.writerow([q.id, q.title, t.title, label, row.label, row.count, t.base, pct])
    return path


def write_data_csv(tally: Tally, path: Path) -> Path:
    survey = tally.survey
    header = ["回答No", "回答方法"]
    columns = []
    for q in survey.questions:
        if q.type == "text":
            continue
        if q.type == "multi":
            for key, label in survey.choices(q):
                header.append(f"{q.id}_{key}")
                columns.append((q, q.field, key, label))
        else:
            for name in q.fields:
                header.append(name if q.type != "single" else q.id)
                columns.append((q, name, None, None))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for n, r in enumerate(tally.responses, start=1):
            line: list[str] = [str(n), BY_METHOD[r.method]]
            for q, name, key, _ in columns:
                if q.condition is not None and condition_met(survey, q, r.answers) is False:
                    line.append("NA")
                    continue
                if q.type == "ranking" and q.dont_know and _after_dont_know(q, r.answers, name):
                    line.append("NA")
                    continue
                keys = keys_of(r.answers.get(name))
                if key is not None:
                    line.append(("1" if key in keys else "0") if keys else "")
                else:
                    line.append(keys[0] if len(keys) == 1 else "")
            w.writerow(line)
    return path


def _after_dont_know(q, answers, name: str) -> bool:
    rank = q.ranks.index(name)
    return any(keys_of(answers.get(n)) == [q.dont_know] for n in q.ranks[:rank])
