"""Survey definitions (forms/surveys/*.yaml): what a tally needs beyond the paper's layout.

A form definition says where the marks are; a survey definition says what they *mean* for a
集計: which fields make a question (one field for 単一回答 / 複数回答 / 自由記述, one per rank for
a 優先順位, one per item for a マトリクス), the choice labels, limits (「3つまで」), conditions
(「問3で1・2と答えた方に」), how to treat an answer the rules do not allow, the groups used for
クロス集計 (年代, 69歳以下／70歳以上), the 配布数 for the 回収率, the 調査期間, and how the
電子申請 export of the same questionnaire names its columns.

A survey may span several pages (one form definition each, in ``pages`` order); every page
carries the 整理番号 (``sheet_no_field``) that ties a booklet's pages into one response.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from daiko.forms.definition import FieldDef, FormDefinition, load_definition
from daiko.forms.errors import FormDefinitionError

SURVEYS_DIR = Path(__file__).resolve().parent / "surveys"

QuestionType = Literal["single", "multi", "ranking", "matrix", "text"]
TYPE_JA = {"single": "単一回答", "multi": "複数回答", "ranking": "優先順位", "matrix": "マトリクス", "text": "自由記述"}
Invalid = Literal["review", "invalid"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rules(Strict):
    """What to do with an answer the question does not allow: ``invalid`` (無効: counted as 無回答,
    or for a condition not met left out) or ``review`` (a person decides in the console, with the crop)."""

    ambiguous: Invalid = Field(default="review", description="A mark that cannot be told from a smudge.")
    over_limit: Invalid = Field(default="invalid", description="More marks than allowed (2 in 単一, 4 in 「3つまで」).")
    condition_unmet: Invalid = Field(default="invalid", description="Answered though the condition was not met.")
    duplicate_rank: Invalid = Field(default="review", description="The same choice at two ranks.")
    unsure_text: Literal["review", "keep"] = Field(
        default="review", description="Free text the reader is unsure of: a person checks it, or it is kept as read."
    )


class RuleOverrides(Strict):
    ambiguous: Invalid | None = None
    over_limit: Invalid | None = None
    condition_unmet: Invalid | None = None
    duplicate_rank: Invalid | None = None
    unsure_text: Literal["review", "keep"] | None = None


class Condition(Strict):
    """The question applies only to respondents who chose one of ``choices`` in ``question``."""

    question: str
    choices: list[str] = Field(min_length=1)


class MatrixItem(Strict):
    field: str
    label: str


class Question(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Column name in the CSV for statistics software.")
    title: str = Field(description="問1 インターネットを利用していますか。 — as the report shows it.")
    type: QuestionType
    field: str | None = Field(default=None, description="The form field (single / multi / text).")
    ranks: list[str] = Field(default_factory=list, description="ranking: one field per rank, 1位 first.")
    items: list[MatrixItem] = Field(default_factory=list, description="matrix: one field per item.")
    choices: dict[str, str] | None = Field(default=None, description="key → label; default: the form's options.")
    max: Annotated[int, Field(ge=1)] | None = Field(default=None, description="multi: at most this many (「3つまで」).")
    dont_know: str | None = Field(default=None, description="ranking: the choice (わからない) that ends the ranking.")
    condition: Condition | None = None
    other_text: str | None = Field(default=None, description="A text field for その他（　）, listed with the comments.")
    rules: RuleOverrides = Field(default_factory=RuleOverrides)
    crosstab: bool = Field(default=True, description="Cross this question by the survey's groups.")

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.type in ("single", "multi", "text") and not self.field:
            raise ValueError(f"question '{self.id}' ({self.type}) needs 'field'")
        if self.type == "ranking" and len(self.ranks) < 2:
            raise ValueError(f"question '{self.id}' (ranking) needs 'ranks' (a field per rank, 1位 first)")
        if self.type == "matrix" and not self.items:
            raise ValueError(f"question '{self.id}' (matrix) needs 'items'")
        if self.max is not None and self.type != "multi":
            raise ValueError(f"question '{self.id}': 'max' is for multi questions")
        if self.dont_know is not None and self.type != "ranking":
            raise ValueError(f"question '{self.id}': 'dont_know' is for ranking questions")
        return self

    @property
    def fields(self) -> list[str]:
        """The form fields this question is read from, in order."""
        if self.type == "ranking":
            return list(self.ranks)
        if self.type == "matrix":
            return [i.field for i in self.items]
        return [self.field] if self.field else []

    @property
    def type_ja(self) -> str:
        return TYPE_JA[self.type]


class Bucket(Strict):
    label: str
    choices: list[str] = Field(min_length=1)


class Group(Strict):
    """A way to split respondents for クロス集計: buckets of the choices of one single question."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    question: str
    buckets: list[Bucket] = Field(min_length=2)


class Period(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.end < self.start:
            raise ValueError("period: 'end' is before 'start'")
        return self


class WebExport(Strict):
    """The 電子申請 system's CSV of the same questionnaire."""

    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp932"] = Field(
        default="auto", description="auto: UTF-8 (with or without BOM), else Shift_JIS (cp932)."
    )
    id_column: str = Field(default="申込番号", description="The answer's own number in the 電子申請 system.")
    received_column: str | None = Field(default="申込日時", description="When it was sent (kept with the answer).")
    sheet_no_column: str | None = Field(
        default=None, description="整理番号 typed by the respondent: the same number on paper and web counts once."
    )
    separator: str = Field(default=",", min_length=1, description="Between the choices of a 複数回答 cell.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="field → column header; default: the field's label_ja."
    )


class SurveyDefinition(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title_ja: str
    pages: list[str] = Field(min_length=1, description="Form definitions, page 1 first.")
    sheet_no_field: str = "sheet_no"
    distributed: Annotated[int, Field(gt=0)] = Field(description="配布数 (mailed), for the 回収率.")
    period: Period = Field(description="調査期間.")
    population: str = Field(default="", description="調査対象, e.g. 市内在住18歳以上から無作為抽出.")
    rules: Rules = Field(default_factory=Rules)
    web: WebExport = Field(default_factory=WebExport)
    questions: list[Question] = Field(min_length=1)
    groups: list[Group] = Field(default_factory=list)

    # -- lookups ---------------------------------------------------------------------------------
    @functools.cached_property
    def forms(self) -> list[FormDefinition]:
        return [load_definition(p) for p in self.pages]

    def page_of_form(self, form: str) -> int:
        """1-based page number of a form in this survey."""
        return self.pages.index(form) + 1

    def field(self, name: str) -> tuple[int, FieldDef]:
        """(page, definition) of a question field (the 整理番号 is on every page: page 1's)."""
        for page, form in enumerate(self.forms, start=1):
            try:
                return page, form.field(name)
            except KeyError:
                continue
        raise KeyError(name)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def group(self, gid: str) -> Group:
        for g in self.groups:
            if g.id == gid:
                return g
        raise KeyError(gid)

    def choices(self, q: Question) -> list[tuple[str, str]]:
        """(key, label) in the printed order; for a matrix the scale, for a ranking the items ranked."""
        if q.type == "text":
            return []
        if q.choices:
            return list(q.choices.items())
        _, f = self.field(q.fields[0])
        return [(o.key, o.label) for o in f.options]

    def rules_for(self, q: Question) -> Rules:
        overrides = {k: v for k, v in q.rules.model_dump().items() if v is not None}
        return self.rules.model_copy(update=overrides)

    def limit(self, q: Question) -> int | None:
        """How many marks a question allows: 1 for single / each rank / each matrix item, ``max`` for multi."""
        if q.type == "multi":
            if q.max is not None:
                return q.max
            _, f = self.field(q.fields[0])
            return f.max_marks
        return None if q.type == "text" else 1

    def question_pages(self, q: Question) -> set[int]:
        return {self.field(f)[0] for f in q.fields}

    def web_column(self, field: str) -> str:
        if field in self.web.columns:
            return self.web.columns[field]
        return self.field(field)[1].label_ja

    # -- checks ----------------------------------------------------------------------------------
    def check(self) -> None:
        """Cross-check against the form definitions; FormDefinitionError (Japanese first) if wrong."""
        problems: list[str] = []
        for form in self.forms:
            try:
                form.field(self.sheet_no_field)
            except KeyError:
                problems.append(f"様式 {form.name} に整理番号の項目 '{self.sheet_no_field}' がありません")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            problems.append("設問の id が重複しています")
        seen: set[str] = set()
        for q in self.questions:
            for name in [*q.fields, *([q.other_text] if q.other_text else [])]:
                try:
                    _, f = self.field(name)
                except KeyError:
                    problems.append(f"設問 {q.id}: 項目 '{name}' がどのページの様式にもありません")
                    continue
                if name in seen:
                    problems.append(f"設問 {q.id}: 項目 '{name}' は別の設問でも使われています")
                seen.add(name)
                want = "text" if (q.type == "text" or name == q.other_text) else "choice"
                if (f.type == "text") != (want == "text") or (want == "choice" and f.type != "choice"):
                    problems.append(f"設問 {q.id}: 項目 '{name}' の型 {f.type} は {q.type_ja} に使えません")
                if want == "choice" and q.type != "multi" and f.select != "one":
                    problems.append(f"設問 {q.id}: 項目 '{name}' は select: one にしてください")
                if q.type == "multi" and name == q.field and f.select != "many":
                    problems.append(f"設問 {q.id}: 項目 '{name}' は select: many にしてください")
            keys = {k for k, _ in self.choices(q)} if q.fields and not problems else set()
            if q.dont_know is not None and keys and q.dont_know not in keys:
                problems.append(f"設問 {q.id}: dont_know '{q.dont_know}' は選択肢にありません")
            if q.condition is not None:
                if q.condition.question not in ids[: ids.index(q.id)]:
                    problems.append(f"設問 {q.id}: 条件の設問 '{q.condition.question}' はこの設問より前にありません")
                elif self.question(q.condition.question).type not in ("single", "multi"):
                    problems.append(f"設問 {q.id}: 条件には単一回答・複数回答の設問を指定してください")
        for g in self.groups:
            if g.question not in ids or self.question(g.question).type != "single":
                problems.append(f"集計区分 {g.id}: '{g.question}' は単一回答の設問ではありません")
                continue
            keys = {k for k, _ in self.choices(self.question(g.question))}
            used: list[str] = [c for b in g.buckets for c in b.choices]
            if len(set(used)) != len(used) or not set(used) <= keys:
                problems.append(f"集計区分 {g.id}: 区分の選択肢が重複しているか、設問にない選択肢があります")
        if problems:
            raise FormDefinitionError(f"調査定義 {self.name} に誤りがあります:\n" + "\n".join(problems))


# ---- loading --------------------------------------------------------------------------------------


def survey_names(directory: Path = SURVEYS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


@functools.cache
def _cached(path: str, mtime: float) -> SurveyDefinition:
    from ruamel.yaml import YAML, YAMLError

    file = Path(path)
    try:
        data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise FormDefinitionError(f"調査定義 {file.name} を読み込めません: {exc}") from exc
    try:
        survey = SurveyDefinition.model_validate(data)
    except ValueError as exc:
        raise FormDefinitionError(f"調査定義 {file.name} に誤りがあります:\n{exc}") from exc
    if survey.name != file.stem:
        raise FormDefinitionError(f"調査定義 {file.name} の name は '{file.stem}' にしてください")
    survey.check()
    return survey


def load_survey(name: str, directory: Path = SURVEYS_DIR) -> SurveyDefinition:
    """The survey called ``name`` (forms/surveys/<name>.yaml), checked against its forms."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise FormDefinitionError(
            f"調査「{name}」の定義がありません（登録済み: {', '.join(survey_names(directory)) or 'なし'}）"
        )
    return _cached(str(path), path.stat().st_mtime)
