"""The figures of a 集計 report, from the responses in the ledger.

Conventions (seed 000, lines 1010-1170 — how a city publishes a 市民意識調査):
- a percentage is of the question's respondents (n: every response, or for a conditional
  question those who met the condition), rounded to one decimal by 四捨五入 (half-up, exact
  :class:`~decimal.Decimal` arithmetic — never binary floats nor banker's rounding), so a
  column may not add up to 100.0;
- 無回答 is shown as its own row and is part of n; a 無効 answer (see rules.py) counts there;
- a 複数回答's percentages are over respondents (they add up to more than 100 %);
- a 優先順位: one table per rank; someone who chose 「わからない」 is not asked the later ranks,
  so they leave those ranks' n;
- an answer to a conditional question from someone who did not meet the condition is left out
  (and counted in a note);
- クロス集計: the same table for each bucket of each group (年代, 69歳以下／70歳以上 …), with a
  row for respondents who left the group's question blank, so the rows add up to the total.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from daiko.forms.survey import Group, Question, SurveyDefinition
from daiko.robots.survey.rules import condition_met, keys_of
from daiko.robots.survey.store import PAPER, WEB, Response

NO_ANSWER = "無回答"
ALL, BY_METHOD = "全体", {PAPER: "郵送", WEB: "電子申請"}
TENTH = Decimal("0.1")


def percent(count: int, base: int) -> Decimal | None:
    """count / base in percent, one decimal, 四捨五入 (None when nobody was asked)."""
    if base <= 0:
        return None
    return (Decimal(count) * 100 / Decimal(base)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    key: str | None  # option key; None for 無回答
    label: str
    count: int
    percent: Decimal | None


@dataclass
class Table:
    """One distribution: n and a row per choice, then 無回答."""

    title: str  # e.g. 問5 1位, or 問7 (1) 広報はんのう
    base: int
    rows: list[Row]

    def row(self, key: str | None) -> Row:
        return next(r for r in self.rows if r.key == key)


@dataclass
class Split:
    """One table for everyone, one per 回答方法, one per bucket of a group (クロス集計)."""

    label: str
    table: Table


@dataclass
class QuestionTally:
    question: Question
    tables: list[Table]  # 全体: one (single/multi), one per rank, one per matrix item
    by_method: dict[str, list[Table]]
    crosstabs: dict[str, list[list[Split]]]  # group id → per table: a split per bucket (+ 無回答)
    invalid: int = 0  # 無効 answers (counted in 無回答)
    excluded: int = 0  # answers from respondents outside the condition (left out)
    comments: list[tuple[Response, str]] = field(default_factory=list)  # text / その他 answers


@dataclass
class Tally:
    survey: SurveyDefinition
    responses: list[Response]
    questions: list[QuestionTally]
    generated_at: dt.datetime

    @property
    def returned(self) -> int:
        return len(self.responses)

    def by_method(self) -> dict[str, int]:
        counts = Counter(r.method for r in self.responses)
        return {m: counts.get(m, 0) for m in (PAPER, WEB)}

    @property
    def return_rate(self) -> Decimal | None:
        return percent(self.returned, self.survey.distributed)

    @property
    def incomplete(self) -> int:
        """Paper responses with a page still missing (counted; that page's questions are 無回答 for now)."""
        pages = set(range(1, len(self.survey.pages) + 1))
        return sum(1 for r in self.responses if r.method == PAPER and not pages <= r.pages)

    def question(self, qid: str) -> QuestionTally:
        return next(q for q in self.questions if q.question.id == qid)


# ---- per question ---------------------------------------------------------------------------------


def _eligible(survey: SurveyDefinition, q: Question, responses: list[Response]) -> list[Response]:
    return [r for r in responses if condition_met(survey, q, r.answers) is not False] if q.condition else responses


def _answered(q: Question, r: Response) -> bool:
    return any(keys_of(r.answers.get(n)) for n in q.fields)


def tables_for(survey: SurveyDefinition, q: Question, responses: list[Response], prefix: str = "") -> list[Table]:
    """The question's tables over ``responses`` (already limited to those the question applies to)."""
    choices = survey.choices(q)
    title = prefix or q.title
    if q.type in ("single", "multi"):
        assert q.field is not None
        return [_distribution(title, [keys_of(r.answers.get(q.field)) for r in responses], choices)]
    if q.type == "matrix":
        return [
            _distribution(f"{title}　{item.label}", [keys_of(r.answers.get(item.field)) for r in responses], choices)
            for item in q.items
        ]
    if q.type == "ranking":
        tables = []
        for rank, name in enumerate(q.ranks, start=1):
            asked = [r for r in responses if not _stopped_before(q, r, rank)]
            tables.append(_distribution(f"{title}　{rank}位", [keys_of(r.answers.get(name)) for r in asked], choices))
        return tables
    return []


def _stopped_before(q: Question, r: Response, rank: int) -> bool:
    """Whether 「わからない」 at an earlier rank ended this respondent's ranking."""
    if q.dont_know is None:
        return False
    return any(keys_of(r.answers.get(name)) == [q.dont_know] for name in q.ranks[: rank - 1])


def _distribution(title: str, answers: list[list[str]], choices: list[tuple[str, str]]) -> Table:
    base = len(answers)
    counts: Counter[str] = Counter(k for keys in answers for k in set(keys))
    blank = sum(1 for keys in answers if not keys)
    rows = [Row(k, label, counts.get(k, 0), percent(counts.get(k, 0), base)) for k, label in choices]
    rows.append(Row(None, NO_ANSWER, blank, percent(blank, base)))
    return Table(title, base, rows)


def _bucket(group: Group, survey: SurveyDefinition, r: Response) -> str | None:
    field_name = survey.question(group.question).field
    keys = keys_of(r.answers.get(field_name)) if field_name else []
    if len(keys) == 1:
        for b in group.buckets:
            if keys[0] in b.choices:
                return b.label
    return None


def tally_question(survey: SurveyDefinition, q: Question, responses: list[Response]) -> QuestionTally:
    eligible = _eligible(survey, q, responses)
    inside = {id(r) for r in eligible}
    excluded = sum(1 for r in responses if id(r) not in inside and _answered(q, r))
    invalid = sum(1 for r in eligible if q.id in r.invalid and r.invalid[q.id] != "condition_unmet")
    qt = QuestionTally(
        question=q,
        tables=tables_for(survey, q, eligible),
        by_method={m: tables_for(survey, q, [r for r in eligible if r.method == m]) for m in (PAPER, WEB)},
        crosstabs={},
        invalid=invalid,
        excluded=excluded,
    )
    if q.type == "text":
        assert q.field is not None
        qt.comments = [(r, str(r.answers[q.field])) for r in eligible if r.answers.get(q.field)]
    elif q.other_text:
        qt.comments = [(r, str(r.answers[q.other_text])) for r in eligible if r.answers.get(q.other_text)]
    if q.crosstab and q.type != "text":
        for group in survey.groups:
            if group.question == q.id:
                continue
            buckets: dict[str | None, list[Response]] = {b.label: [] for b in group.buckets}
            buckets[None] = []
            for r in eligible:
                buckets[_bucket(group, survey, r)].append(r)
            per_bucket = {label: tables_for(survey, q, rs) for label, rs in buckets.items()}
            splits = []
            for i, whole in enumerate(qt.tables):
                row = [Split(ALL, whole)]
                row += [Split(label, tables[i]) for label, tables in per_bucket.items() if label is not None]
                row.append(Split(f"{NO_ANSWER}（{group.title}）", per_bucket[None][i]))
                splits.append(row)
            qt.crosstabs[group.id] = splits
    return qt


def build_tally(survey: SurveyDefinition, responses: list[Response], *, now: dt.datetime | None = None) -> Tally:
    responses = sorted(responses, key=lambda r: (r.received_at or dt.datetime.min.replace(tzinfo=dt.UTC), r.key))
    return Tally(
        survey=survey,
        responses=responses,
        questions=[tally_question(survey, q, responses) for q in survey.questions],
        generated_at=now or dt.datetime.now(dt.UTC),
    )


def figures(tally: Tally) -> dict[str, Any]:
    """The headline figures as JSON-ready values (for `daiko survey tally --json` and the tests)."""
    return {
        "survey": tally.survey.name,
        "distributed": tally.survey.distributed,
        "returned": tally.returned,
        "return_rate": str(tally.return_rate) if tally.return_rate is not None else None,
        "by_method": tally.by_method(),
        "incomplete": tally.incomplete,
        "questions": {
            qt.question.id: [
                {"title": t.title, "n": t.base, "rows": [[r.label, r.count, str(r.percent)] for r in t.rows]}
                for t in qt.tables
            ]
            for qt in tally.questions
        },
    }
