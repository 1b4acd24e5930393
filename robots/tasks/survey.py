"""アンケート集計: survey pages and 電子申請 answers → responses in the ledger → the 集計 workbook.

A local task (no target system): reading sends what the survey's rules want a person to see to
the review console; a ready item is *completed* by storing its response (robots/survey/store.py)
in the same transaction that marks it done — or rejected as a duplicate (same 整理番号 and page
counted already), never counted twice. After every run that changed anything the tally is written
again (robots/survey/export.py), so the workbook in the reports folder is always the ledger's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from daiko.ledger import FieldReview, IntakeFile, ItemState
from daiko.log import logger
from daiko.robots.survey.rules import check_response
from daiko.robots.survey.store import PAPER, WEB, save_parts
from daiko.robots.survey.webcsv import WEB_ID
from daiko.robots.tasks.base import Completion, ItemDraft, Task

if TYPE_CHECKING:
    from daiko.config import DaikoConfig, RobotConfig
    from daiko.forms.survey import SurveyDefinition
    from daiko.ledger import Ledger, WorkItem


class SurveyTask(Task):
    name = "survey"
    title_ja = "アンケート集計（郵送・電子申請の回答を集計）"
    needs_target = False
    unique_references = False  # robots/survey/store judges duplicates page by page (same 整理番号 and page)

    def __init__(self, survey: SurveyDefinition):
        self.survey = survey

    @classmethod
    def handles_form(cls, form: str | None) -> bool:
        from daiko.forms.survey import survey_names

        return form is not None and form in survey_names()

    @classmethod
    def for_robot(cls, robot: RobotConfig) -> SurveyTask:
        from daiko.forms.survey import load_survey

        if not robot.form:
            raise LookupError(f"robot '{robot.id}': a survey robot names its survey in 'form:' (forms/surveys/)")
        return cls(load_survey(robot.form))

    # -- reading ------------------------------------------------------------------------------
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        from daiko.forms.reader import iter_file
        from daiko.robots.survey.pages import scan_drafts

        return scan_drafts(self.survey, iter_file(path, form=self.survey.pages), path, image_dir)

    def read_csv(self, path: Path) -> list[ItemDraft]:
        from daiko.robots.survey.webcsv import read_web_csv

        return read_web_csv(self.survey, path)

    # -- completing ---------------------------------------------------------------------------
    def complete(self, ledger: Ledger, item: WorkItem, session: Any) -> Completion:
        survey = self.survey
        reviewed = set(session.scalars(select(FieldReview.field).where(FieldReview.item_id == item.id)))
        checked = check_response(survey, item.fields, reviewed=reviewed)
        if checked.review:
            labels = [str(checked.fields[n].get("label") or n) for n in checked.review]
            return Completion(
                ItemState.REVIEW,
                reason="確認が必要な項目: " + "、".join(labels),
                review_fields=checked.review,
                fields=checked.fields,
            )
        fields = checked.fields
        web_id = (fields.get(WEB_ID) or {}).get("value")
        sheet = (fields.get(survey.sheet_no_field) or {}).get("value")
        method = WEB if web_id else PAPER
        key = str(sheet) if sheet else f"web:{web_id}"
        question_fields = {n for q in survey.questions for n in [*q.fields, *([q.other_text] if q.other_text else [])]}
        pages: dict[int, dict[str, Any]] = {}
        for name, spec in fields.items():
            if name in question_fields:
                page = 0 if method == WEB else int(spec.get("page") or 1)
                pages.setdefault(page, {})[name] = spec.get("value")
        if method == PAPER:
            for page in {int(s.get("page") or 1) for s in fields.values() if s.get("page")}:
                pages.setdefault(page, {})
        received = session.scalar(select(IntakeFile.received_at).where(IntakeFile.id == item.file_id))
        duplicate = save_parts(
            session,
            survey=survey.name,
            robot_id=item.robot_id,
            item_id=item.id,
            key=key,
            method=method,
            pages=pages or {0 if method == WEB else 1: {}},
            invalid=checked.invalid,
            received_at=received or dt.datetime.now(dt.UTC),
        )
        if duplicate is not None:
            number = f"整理番号 {key}" if sheet else f"申込番号 {web_id}"
            earlier = "電子申請" if duplicate.method == WEB else "郵送"
            return Completion(
                ItemState.REJECTED,
                reason=(
                    f"{number} の回答は既に集計済みです（{earlier}、{duplicate.file_name}、No.{duplicate.item_id}）。"
                    "同じ調査票を二度読み込んだか、郵送と電子申請の両方で回答された可能性があります。二重には数えていません。"
                ),
                error_code="duplicate",
                fields=fields,
            )
        return Completion(ItemState.DONE, fields=fields)

    def after_items(self, cfg: DaikoConfig, robot: RobotConfig, ledger: Ledger, *, changed: int) -> None:
        from daiko.robots.survey.export import output_paths, write_outputs

        if not changed and output_paths(cfg, self.survey).workbook.exists():
            return
        try:
            written = write_outputs(cfg, ledger, self.survey)
        except PermissionError as exc:  # open in Excel on a Windows share: next run writes it
            ledger.event(
                "survey_tally_locked",
                f"{self.survey.name}: 集計表が開かれているため更新できませんでした（{exc.filename}）。閉じると次回の実行で更新されます",
                level="WARNING",
                robot_id=robot.id,
            )
            return
        logger.info("{}: tally written to {}", robot.id, written.files.workbook)
        ledger.event("survey_tallied", f"{self.survey.name}: 集計表を更新しました", robot_id=robot.id)
