"""The 電子申請 export of the same questionnaire → one work item per answer.

The export has one row per answer: the system's 申込番号 and 申込日時, then a column per question
field headed by its label (or as the survey's ``web.columns`` says), holding the choice *labels*
(some systems write the numbers: both are accepted), several choices of a 複数回答 in one cell
joined by ``web.separator``. UTF-8 (with or without BOM) or Shift_JIS, as such systems write.
Cells the questionnaire does not allow go through the same rules as paper (:mod:`.rules`).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from daiko.forms.survey import SurveyDefinition
from daiko.robots.survey.rules import check_response
from daiko.robots.tasks.base import ItemDraft

WEB_ID, WEB_RECEIVED = "web_id", "web_received"


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def decode(data: bytes, encoding: str) -> str:
    if encoding != "auto":
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def read_web_csv(survey: SurveyDefinition, path: Path) -> list[ItemDraft]:
    """Rows → drafts. ValueError (Japanese) when the file is not this questionnaire's export."""
    web = survey.web
    try:
        text = decode(path.read_bytes(), web.encoding)
    except UnicodeDecodeError:
        raise ValueError("文字コードが UTF-8 でも Shift_JIS でもありません") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    columns = {
        name: survey.web_column(name)
        for q in survey.questions
        for name in [*q.fields, *([q.other_text] if q.other_text else [])]
    }
    found = {name: col for name, col in columns.items() if col in header}
    if web.id_column not in header or not found:
        missing = web.id_column if web.id_column not in header else "、".join(list(columns.values())[:3]) + " など"
        raise ValueError(f"「{survey.title_ja}」の電子申請 CSV ではないようです（列「{missing}」がありません）")
    drafts = []
    for number, row in enumerate(reader, start=1):
        drafts.append(_row_draft(survey, number, row, found))
    return drafts


def _row_draft(survey: SurveyDefinition, number: int, row: dict[str, Any], found: dict[str, str]) -> ItemDraft:
    web = survey.web
    web_id = (row.get(web.id_column) or "").strip()
    if not web_id:
        return ItemDraft(part=number, error=f"{number}行目: {web.id_column}がありません")
    fields: dict[str, dict[str, Any]] = {
        WEB_ID: {"label": web.id_column, "type": "code", "value": web_id, "decision": "accept", "source": "web"},
    }
    if web.received_column:
        received = (row.get(web.received_column) or "").strip() or None
        fields[WEB_RECEIVED] = {"label": web.received_column, "type": "text", "value": received, "decision": "accept"}
    sheet_field = survey.sheet_no_field
    if web.sheet_no_column:
        cell = (row.get(web.sheet_no_column) or "").strip()
        fields[sheet_field] = _sheet_no(survey, cell)
    texts = {q.field for q in survey.questions if q.type == "text"} | {q.other_text for q in survey.questions}
    for name, column in found.items():
        page, fdef = survey.field(name)
        spec: dict[str, Any] = {
            "label": fdef.label_ja,
            "type": fdef.type,
            "raw": None,
            "confidence": 1.0,
            "decision": "accept",
            "reason": None,
            "form": survey.pages[page - 1],
            "page": page,
            "source": "web",
            "personal": name in texts,
        }
        cell = (row.get(column) or "").strip()
        if fdef.type != "choice":
            spec["value"] = cell or None
        else:
            spec.update(_choice(survey, name, cell))
        fields[name] = spec
    checked = check_response(survey, fields)
    sheet = checked.fields.get(sheet_field) or {}
    return ItemDraft(
        part=number,
        fields=checked.fields,
        review_fields=checked.review,
        reference=sheet.get("value") or f"web:{web_id}",
        form=survey.pages[0],
        min_confidence=1.0,
    )


def _sheet_no(survey: SurveyDefinition, cell: str) -> dict[str, Any]:
    _, fdef = survey.field(survey.sheet_no_field)
    spec: dict[str, Any] = {"label": fdef.label_ja, "type": fdef.type, "form": survey.pages[0], "page": 1}
    if not cell:
        return {**spec, "value": None, "decision": "accept", "reason": None}
    check = fdef.field_type().check(cell)
    if not check.ok:
        return {
            **spec,
            "value": None,
            "raw": cell,
            "decision": "review",
            "reason": f"整理番号が正しくありません（{cell}）",
        }
    return {**spec, "value": check.value, "raw": cell, "decision": "accept", "reason": None}


def _choice(survey: SurveyDefinition, name: str, cell: str) -> dict[str, Any]:
    """A cell of choice labels (or numbers) → the reader's value shape, or review with the reason."""
    _, fdef = survey.field(name)
    by_label = {_norm(o.label): o.key for o in fdef.options}
    keys_known = {o.key for o in fdef.options}
    parts = [p.strip() for p in cell.split(survey.web.separator)] if cell else []
    keys, unknown = [], []
    for part in (p for p in parts if p):
        key = by_label.get(_norm(part)) or (part if part in keys_known else None)
        (keys if key else unknown).append(key or part)
    ordered = [o.key for o in fdef.options if o.key in keys]
    many = fdef.select == "many"
    value: Any = (ordered or None) if many else (ordered[0] if len(ordered) == 1 else (ordered or None))
    if unknown:
        return {
            "value": value,
            "raw": cell,
            "decision": "review",
            "reason": f"選択肢にない回答です（{'、'.join(unknown)}）",
        }
    question = next((q for q in survey.questions if name in q.fields), None)
    limit = survey.limit(question) if question is not None else (fdef.max_marks if many else 1)
    if limit is not None and len(ordered) > limit:
        return {"value": value, "raw": cell, "decision": "review", "reason": None, "problem": "over_limit"}
    return {"value": value, "raw": cell}
